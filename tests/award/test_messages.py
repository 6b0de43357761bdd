"""Messages a secretary can act on: line and column, the key at fault, no cascade, no traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import random
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from award.content import load_content
from award.problems import ContentError
from szmqa.cli import main
from tests.award.saved_mutations import SAVED_KINDS, saved_mutation
from tests.content_files import notice_text, valid_year, write_content

PUBLICITY = {
    "2026-11-16-publicity.md": notice_text(
        kind="publicity",
        year=2026,
        stage="publicity",
        window={"start": "2026-11-16", "working_days": 5},
        objections=True,
    ),
    "2026-10-20-defence.md": notice_text(title="2026年度集中答辩名单", year=2026, stage="defence"),
    "2026-11-10-vote.md": notice_text(
        title="2026年度社会评价网络投票",
        year=2026,
        stage="social_evaluation",
        ballots=["2026-culture"],
    ),
}


def year_text(year: dict[str, Any]) -> str:
    return yaml.safe_dump(year, allow_unicode=True, sort_keys=False)


def test_malformed_year_names_line_and_column_and_adds_no_cascade(problems_of):
    text = year_text(valid_year()).replace("category: culture", "category: [culture", 1)
    problems = problems_of(text, PUBLICITY)
    assert len(problems) == 1, problems
    line = next(
        n for n, row in enumerate(text.splitlines(), start=1) if "category: [culture" in row
    )
    assert "awards/2026.yml: YAML 格式错误：第 " in problems[0]
    assert f"第 {line + 1} 行" in problems[0] or f"第 {line} 行" in problems[0], problems[0]
    assert "列：" in problems[0] and "[YAML]" in problems[0]


def test_tab_indentation_is_named(problems_of):
    text = year_text(valid_year()).replace("\n  name: 测试单位E2", "\n\tname: 测试单位E2", 1)
    (problem,) = problems_of(text)
    assert "不能用 Tab 缩进" in problem and "第 " in problem and " 列" in problem


def test_a_key_written_twice_is_refused(problems_of):
    text = year_text(valid_year()).replace("year: 2026\n", "year: 2026\nyear: 2026\n", 1)
    (problem,) = problems_of(text)
    assert "键 year 重复出现" in problem and "第 2 行第 1 列" in problem


def test_front_matter_error_counts_lines_from_the_top_of_the_file(problems_of):
    notice = "---\ntitle: 2026年度公告\ndate: 2026-11-20\nkind: [publicity\n---\n\n正文。\n"
    problems = problems_of(valid_year(), {"2026-11-20-notice.md": notice})
    assert len(problems) == 1, problems
    assert "notices/2026-11-20-notice.md: 头信息: YAML 格式错误：第 " in problems[0]


def test_ballot_that_closes_before_it_opens_names_file_ballot_and_key(problems_of, tmp_path):
    year = valid_year()
    year["ballots"][0] |= {"opens": "2026-11-20 17:00", "closes": "2026-11-16 09:00"}
    (problem,) = problems_of(year)
    assert "awards/2026.yml: ballots[1]（2026-culture）:" in problem
    assert "closes" in problem and "opens" in problem and "须晚于" in problem
    write_content(tmp_path / "docs", year)
    _out, err, code = run_check(tmp_path / "docs")
    assert code == 1 and "closes" in err
    assert "Traceback" not in err and "环境变量" not in err and "SZMQA" not in err


def test_notice_window_that_ends_before_it_starts_names_the_keys(problems_of):
    notice = notice_text(kind="publicity", window={"start": "2026-11-20", "end": "2026-11-10"})
    problems = problems_of(valid_year(), {"2026-11-20-publicity.md": notice})
    assert len(problems) == 1, problems
    assert "window" in problems[0] and "end" in problems[0] and "须晚于" in problems[0]


def test_unquoted_all_digit_credit_code_says_to_quote_it(problems_of):
    text = year_text(valid_year())
    code = valid_year()["entrants"][0]["credit_code"]
    digits = "914403001234567895"
    text = text.replace(f"credit_code: '{code}'", f"credit_code: {digits}").replace(
        f"credit_code: {code}", f"credit_code: {digits}"
    )
    problems = problems_of(text)
    assert len(problems) == 1, problems
    assert "entrants[1]（E1）.credit_code" in problems[0]
    assert "须加引号" in problems[0] and 'credit_code: "91440300' in problems[0]


def run_check(docs: Path) -> tuple[str, str, int]:
    """Run ``szmqa check --docs`` in this process; return stdout, stderr and the exit code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--docs", str(docs)])
    return out.getvalue(), err.getvalue(), code


# -- mutations -----------------------------------------------------------------------------------

ODD_VALUES = [None, 0, -1, 10**30, 1.5, "", "x", "2026-13-45", True, [], {}, [1, 2], {"a": 1}]
BREAKERS = [":", "[", "]", "{", "}", "\t", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "- "]


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) into a nested structure, leaves and branches."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def parent_of(root: Any, path: tuple) -> Any:
    node = root
    for key in path[:-1]:
        node = node[key]
    return node


def mutate(year: dict, notice: dict, choice: int, pick: int, value: int) -> tuple[str, str]:
    """One mutation of a valid year and notice: delete, retype, reverse dates or break YAML."""
    year, notice = copy.deepcopy(year), copy.deepcopy(notice)
    rng = random.Random(pick * 7919 + value)
    target = year if choice % 2 == 0 else notice
    where = paths(target)
    path = where[pick % len(where)]
    kind = choice % 5
    if kind == 0:
        del parent_of(target, path)[path[-1]]
    elif kind in (1, 2):
        parent_of(target, path)[path[-1]] = ODD_VALUES[value % len(ODD_VALUES)]
    elif kind == 3:
        ballot = year["ballots"][0]
        ballot["opens"], ballot["closes"] = ballot["closes"], ballot["opens"]
        window = notice["window"]
        window["start"], window["end"] = window["end"], window["start"]
    year_yaml = year_text(year)
    notice_yaml = yaml.safe_dump(notice, allow_unicode=True, sort_keys=False)
    if kind == 4:
        if choice % 2 == 0:
            at = rng.randrange(len(year_yaml))
            year_yaml = year_yaml[:at] + BREAKERS[value % len(BREAKERS)] + year_yaml[at:]
        else:
            at = rng.randrange(len(notice_yaml))
            notice_yaml = notice_yaml[:at] + BREAKERS[value % len(BREAKERS)] + notice_yaml[at:]
    return year_yaml, f"---\n{notice_yaml}---\n\n正文。\n"


BASE_NOTICE = {
    "title": "2026年度拟奖名单公示",
    "date": "2026-11-16",
    "kind": "publicity",
    "year": 2026,
    "stage": "publicity",
    "window": {"start": "2026-11-16", "end": "2026-11-20"},
    "objections": True,
    "ballots": ["2026-culture"],
}


def notice_yaml(notice: dict) -> str:
    return yaml.safe_dump(notice, allow_unicode=True, sort_keys=False)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    choice=st.integers(0, 9 + SAVED_KINDS),
    pick=st.integers(0, 10_000),
    value=st.integers(0, 10_000),
)
def test_mutated_content_never_shows_a_traceback(choice: int, pick: int, value: int) -> None:
    """Broken structure, values and YAML, and content as people save and type it (choice >= 10)."""
    saved = None
    if choice < 10:
        year_yaml, notice_page = mutate(valid_year(), BASE_NOTICE, choice, pick, value)
    else:
        saved = saved_mutation(year_text(valid_year()), notice_yaml(BASE_NOTICE), choice - 10, pick)
        year_yaml, notice_page = saved.year, f"---\n{saved.notice}---\n\n正文。\n"
    with tempfile.TemporaryDirectory() as folder:
        docs = write_content(
            Path(folder) / "docs", year_yaml, {"2026-11-16-publicity.md": notice_page}
        )
        out, err, code = run_check(docs)  # an exception here fails the test with its traceback
        assert code in (0, 1)
        assert "Traceback" not in out + err
        if saved is not None:
            assert code == (0 if saved.passes else 1), err
            problems = err.splitlines()
            assert saved.passes or any(all(f in p for f in saved.says) for p in problems), (
                saved.says,
                err,
            )
        if code == 1:
            assert err.startswith("内容检查未通过") and " [" in err, err
            return
        render_everything(docs)


def render_everything(docs: Path) -> None:
    """Every output the site build makes from content that passed the check."""
    from datetime import datetime

    from award.moments import SHANGHAI
    from site_plugins import outputs, render
    from site_plugins.banner import banner_items
    from site_plugins.status_lookup import status_index

    content = load_content([docs], allow_demo=False)
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    status_index(content)
    outputs.rss_feed(list(content.notices), "https://example.test/", "站点")
    render.years_index(content)
    render.notices_index(content.notices, now)
    banner_items(content, now)
    for item in content.years:
        render.year_page(item.data)
        outputs.year_json(item.data)
        outputs.ics_calendar(outputs.year_events(content, item.data, "/"), now)
    for notice in content.notices:
        html = render.notice_page(
            content, notice, notice.body, vote_page=True, issuer="深圳市市长质量奖评定委员会办公室"
        )
        render.fill_list_slots(html, content, {})


def test_check_and_load_refuse_the_same_mutations(tmp_path: Path) -> None:
    """The mutation helper really breaks things: most mutations are refused."""
    refused = 0
    for choice in range(10):
        year_yaml, notice_page = mutate(valid_year(), BASE_NOTICE, choice, 3, 5)
        docs = write_content(
            tmp_path / str(choice), year_yaml, {"2026-11-16-publicity.md": notice_page}
        )
        try:
            load_content([docs], allow_demo=False)
        except ContentError:
            refused += 1
    assert refused >= 5
