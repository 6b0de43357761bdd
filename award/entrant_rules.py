"""Rules about the applicants themselves: ids, credit codes, kinds, one per group business."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from award.categories import ACCEPTED_KINDS, EntryKind
from award.guide_quotes import GROUP_BUSINESS, quoted
from award.identifiers import credit_code_problem
from award.models import YearFile
from award.problems import Problem, display_path


def check_entrants(item: YearFile) -> Iterator[Problem]:
    """Ids and credit codes unique, codes valid, kinds allowed, one entrant per group business."""
    file = display_path(item.path)
    year = item.data
    ids = Counter(e.id for e in year.entrants)
    codes = Counter(e.credit_code for e in year.entrants)
    group_lines: dict[tuple[str, str], list[str]] = defaultdict(list)
    for index, entrant in enumerate(year.entrants, start=1):
        where = f"entrants[{index}]（{entrant.id}）"
        if ids[entrant.id] > 1:
            yield Problem(
                file, where, "编号唯一", f"编号 {entrant.id} 重复出现 {ids[entrant.id]} 次"
            )
        if codes[entrant.credit_code] > 1:
            yield Problem(
                file,
                where,
                "一个主体只申报一个类别",
                f"统一社会信用代码 {entrant.credit_code} 出现 {codes[entrant.credit_code]} 次："
                "同一申报主体只允许申报一个类别的一个奖项",
            )
        problem = credit_code_problem(entrant.credit_code)
        if problem:
            yield Problem(file, f"{where}.credit_code", "统一社会信用代码校验", problem)
        if entrant.kind not in ACCEPTED_KINDS[entrant.category]:
            yield Problem(
                file,
                where,
                "经济类只接受组织申报",
                f"{entrant.category.label}不接受{entrant.kind.label}申报",
            )
        if entrant.kind is EntryKind.PROJECT and not entrant.project:
            yield Problem(file, where, "项目奖须有项目名称", "项目申报须填写 project（项目名称）")
        if entrant.kind is EntryKind.ORGANISATION and entrant.project:
            yield Problem(file, where, "组织奖无项目名称", "组织申报不应填写 project")
        if entrant.group and entrant.business:
            group_lines[(entrant.group, entrant.business)].append(entrant.id)
    for (group, business), members in group_lines.items():
        if len(members) > 1:
            yield Problem(
                file,
                "entrants（" + "、".join(members) + "）",
                "同一集团同类业务限一家",
                f"{group}下业务相同或相似（{business}）的申报单位有 {len(members)} 家，不得超过一家。"
                f"{quoted(GROUP_BUSINESS)}",
            )
