"""Warnings that ``szmqa check`` prints without refusing the content."""

from __future__ import annotations

from award.advice import similar_business
from award.guide_quotes import GROUP_BUSINESS, SOCIAL_EVALUATION
from tests.award.test_messages import run_check
from tests.content_files import valid_year, write_content


def test_near_identical_business_wordings_are_similar():
    assert similar_business("精密制造", "精密制造业")
    assert similar_business("精密制造", "精密 制造")
    assert similar_business("新能源汽车制造", "新能源汽车整车制造")
    assert not similar_business("精密制造", "精密制造")  # the same text: the rule refuses it
    assert not similar_business("电子制造", "物流")
    assert not similar_business("新能源", "生物医药")


def test_check_warns_of_near_identical_businesses_in_a_group_and_passes(tmp_path):
    year = valid_year()
    year["entrants"][3] |= {"group": "某集团", "business": "精密制造"}
    year["entrants"][4] |= {"group": "某集团", "business": "精密制造业"}
    out, err, code = run_check(write_content(tmp_path, year))
    assert code == 0 and err == "", err
    assert "检查通过" in out and "提醒（不影响发布）共 1 条" in out, out
    assert "awards/2026.yml: entrants[5]（E5）" in out
    assert "E4（精密制造）与 E5（精密制造业）的业务写法相近" in out
    assert GROUP_BUSINESS in out and "[同一集团业务相同或相似的限一家]" in out


def test_check_warns_of_a_social_evaluation_category_without_a_ballot(tmp_path):
    year = valid_year()
    year["ballots"] = []
    out, err, code = run_check(write_content(tmp_path, year))
    assert code == 0 and err == "", err
    assert (
        "evaluation.culture: 文化类本年度进行社会评价，但 ballots 中还没有该类别的网络投票" in out
    )
    assert SOCIAL_EVALUATION in out


def test_a_valid_year_has_no_warnings(tmp_path):
    out, _err, code = run_check(write_content(tmp_path, valid_year()))
    assert code == 0 and "提醒" not in out
