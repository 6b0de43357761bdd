"""Faithful to the letter of the guide: what it says, what the site corrected, what is the site's own."""

from __future__ import annotations

from tests.site.html_text import article_text


def test_project_form_lists_the_project_overview_with_operating_benefits(production_site):
    text = article_text(production_site / "guide/system/forms/index.html")
    overview = text[text.index("项目概述 是") :]
    assert "运营效益" in overview[:120] and "500字以内" in overview[:120]


def test_culture_leadership_example_keeps_cultural_activities(production_site):
    text = article_text(production_site / "guide/criteria/economic/index.html")
    assert "如培训传播、文化活动" in text


def test_non_economic_results_method_is_named_as_the_guide_names_it(production_site):
    text = article_text(production_site / "guide/preparation/scoring/index.html")
    assert "Le-T-C " not in text and "Le-T-C）" not in text and "**Le-T-C**" not in text
    assert "Le-T-C-I" in text  # the economic method does carry this name in the guide
    assert "未给出英文缩写" in text


def test_self_assessment_role_is_the_guides_sentence_and_seven_aspects_is_noted(production_site):
    text = article_text(production_site / "guide/preparation/self-assessment/index.html")
    assert "申报材料的核心" not in text
    assert "自评报告是评审员实施评审的重要依据" in text
    assert "七大方面" in text and "所列为领导、战略、顾客、员工、创新、运营六个方面" in text


def test_corrections_page_lists_typos_numbering_and_the_sites_own_procedures(production_site):
    text = article_text(production_site / "guide/corrections/index.html")
    for fragment in ("那些", "哪些", "项目搬述", "（4）员工管理", "七大方面", "异议受理办法"):
        assert fragment in text, fragment
    objection = article_text(production_site / "objection/index.html")
    assert "本站的办理程序，不是《申报指引》的原文" in objection
    years = article_text(production_site / "awards/index.html")
    assert "其余各环节名单的公布是本站的做法" in years
