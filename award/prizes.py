"""What a levelled list says beside an award: no quota, no prize money, and why (一、(四))."""

from __future__ import annotations

from award.categories import Level
from award.models import Entrant, ListEntry

#: A repeat winner of the same level (一、(四) 3 and 4).
REPEAT_REMARK = "再次获得同一等次，不占名额，不授予奖金"

#: A fully state-funded organisation (一、(四) 1: 财政全额拨款的获奖组织……不予奖金奖励).
STATE_FUNDED_REMARK = "不予奖金（财政全额拨款）"

#: The special contribution award (一、(四) 2: 获特别贡献奖的组织……不予奖金奖励).
SPECIAL_REMARK = "不予奖金（特别贡献奖）"


def award_remark(entry: ListEntry, entrant: Entrant) -> str:
    """The remark beside an entry of a levelled list, e.g. 不予奖金（财政全额拨款）; empty if none."""
    if entry.level is None:
        return ""
    if entry.level is Level.SPECIAL:
        return SPECIAL_REMARK
    if entry.repeat:
        return REPEAT_REMARK
    if entrant.fully_state_funded:
        return STATE_FUNDED_REMARK
    return ""
