"""Award lists say where no prize money is given; notices saved with a BOM and CRLF build."""

from __future__ import annotations

import re

from award.prizes import REPEAT_REMARK, STATE_FUNDED_REMARK
from tests.content_files import notice_text, valid_year

BOM = "\ufeff"


def test_publicity_list_marks_state_funded_and_repeat_winners_and_a_windows_saved_notice_builds(
    tiny_site,
):
    year = valid_year()
    year["entrants"][0]["fully_state_funded"] = True
    year["entrants"][2]["past_awards"] = [{"year": 2021, "level": "bronze"}]
    for stage in ("committee", "publicity"):
        year["stages"][stage][2]["repeat"] = True
    notice = notice_text(
        kind="publicity",
        year=2026,
        stage="publicity",
        window={"start": "2026-11-16", "working_days": 5},
    )
    site = tiny_site(year, {"2026-11-16-publicity.md": BOM + notice.replace("\n", "\r\n")})
    site.build()
    html = site.html("notices/2026-11-16-publicity/index.html")
    assert "<h1" in html and "2026年度拟奖名单公示</h1>" in html
    assert "title:" not in html  # the front matter was read, not shown
    listed = html[html.index("拟奖名单</h2>") :]
    row = re.search(r"<tr>(?:(?!</tr>).)*测试单位E1(?:(?!</tr>).)*</tr>", listed, re.DOTALL)
    assert row and STATE_FUNDED_REMARK in row.group(0) and "不予奖金" in row.group(0)
    row = re.search(r"<tr>(?:(?!</tr>).)*测试单位E3(?:(?!</tr>).)*</tr>", listed, re.DOTALL)
    assert row and REPEAT_REMARK in row.group(0)
    row = re.search(r"<tr>(?:(?!</tr>).)*测试单位E2(?:(?!</tr>).)*</tr>", listed, re.DOTALL)
    assert row and "不予奖金" not in row.group(0)
    years = site.html("awards/2026/index.html")
    assert "候选名单" in years and "评委会审议名单" not in years
