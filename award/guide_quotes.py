"""The guide's own sentences that the rules enforce, quoted in the messages that enforce them.

Each is copied from the guide (深圳市市长质量奖申报指引, 2020) with full-width punctuation, as
the site's guide pages show it; a test finds every one of them in the guide's text.
"""

from __future__ import annotations

#: 二、申奖流程 7. 评委会审议: the secretariat forms the candidate lists, the committee decides.
CANDIDATES = (
    "秘书处按照评分分别不低于标准总分 60%、55%和 50%的三个等次，"
    "形成市长质量奖金奖、银奖、铜奖候选名单，报市政府组织评委会审议，表决拟奖名单。"
)

#: 二、申奖流程 8. 社会公示.
PUBLICITY = "秘书处对拟奖名单进行公示，公示时间不少于 5 个工作日；查实有违法违规情形的，取消资格。"

#: 二、申奖流程 9. 市政府审定.
APPROVAL = "市政府审定市长质量奖获奖单位和项目，以深圳市人民政府名义表彰奖励。"

#: 一、(四) 奖励荣誉 3: a gold winner's wait, and a gold winner winning gold again.
GOLD_AGAIN = (
    "获得市长质量奖金奖的组织，自获奖年度起3年后方可再次申请；"
    "再次获得该奖的，授予证书和称号，不授予奖金，不占当年奖项名额"
)

#: The sentence of GOLD_AGAIN that the three-year rule reads.
GOLD_REAPPLY = "获得市长质量奖金奖的组织，自获奖年度起3年后方可再次申请"

#: 一、(四) 奖励荣誉 4: a silver or bronze winner winning the same level again.
SAME_LEVEL_AGAIN = (
    "获得市长质量银奖、铜奖的组织，再次获得同一等次奖项的，"
    "授予证书和称号，不授予奖金，不占当年奖项名额。"
)

#: 一、(四) 奖励荣誉 1: no prize money for a fully state-funded organisation.
STATE_FUNDED = "财政全额拨款的获奖组织只授予证书和称号，不予奖金奖励"

#: 一、(七) 申报数量规定 (2): one entrant per group and business.
GROUP_BUSINESS = (
    "同一集团公司或上级单位的（具有独立法人且独立运作、核算的）子公司或下设机构，"
    "业务相同或相似的申报单位数量不得超过一家。"
)

#: 二、申奖流程 6. 现场核查/社会评价 (2): social evaluation is an online public vote.
SOCIAL_EVALUATION = "评价方式：采用网络公众投票的方式。"

#: 二、申奖流程 6: the secretariat chooses site check or social evaluation by category.
BY_CATEGORY = "秘书处依奖项类别对入围组织进行现场核查/社会评价。"


def quoted(sentence: str) -> str:
    """A sentence of the guide as a message quotes it: 《申报指引》：“…”."""
    return f"《申报指引》：“{sentence}”"
