"""Residents from Hong Kong, Macao, Taiwan and abroad file objections with their own documents."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import ANSWER, individual
from vote_api.objections.documents import (
    DocumentKind,
    document_problem,
    normalise_document,
    normalise_phone,
)

VALID = [
    (DocumentKind.HK_MACAO_PERMIT, "H12345678"),
    (DocumentKind.HK_MACAO_PERMIT, "m 1234 5678"),
    (DocumentKind.TAIWAN_PERMIT, "12345678"),
    (DocumentKind.FOREIGN_PERMANENT_RESIDENT, "USA110079000002"),
    (DocumentKind.FOREIGN_PERMANENT_RESIDENT, "911000200001015717"),
    (DocumentKind.PASSPORT, "E12345678"),
    (DocumentKind.ID_CARD, "11010519491231002X"),
]
INVALID = [
    (DocumentKind.HK_MACAO_PERMIT, "X12345678", "H 或 M"),
    (DocumentKind.TAIWAN_PERMIT, "1234567", "8 位数字"),
    (DocumentKind.FOREIGN_PERMANENT_RESIDENT, "911000200001015712", "校验位"),
    (DocumentKind.FOREIGN_PERMANENT_RESIDENT, "US110079000002", "18 位"),
    (DocumentKind.PASSPORT, "ABCDEFG", "5 至 17 位"),
    (DocumentKind.ID_CARD, "110105194912310021", "校验位"),
]


@pytest.mark.parametrize(("kind", "number"), VALID)
def test_documents_accept_their_own_formats(kind: DocumentKind, number: str) -> None:
    assert document_problem(kind, normalise_document(number)) is None


@pytest.mark.parametrize(("kind", "number", "words"), INVALID)
def test_documents_refuse_a_wrong_number_in_chinese(
    kind: DocumentKind, number: str, words: str
) -> None:
    problem = document_problem(kind, normalise_document(number))
    assert problem is not None and words in problem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("+852 9123 4567", "+85291234567"),
        ("91234567", "+85291234567"),
        ("00853 6612 3456", "+85366123456"),
        ("+853 66123456", "+85366123456"),
    ],
)
def test_phone_numbers_of_the_mainland_hong_kong_and_macao(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12800138000", "+852 1234 5678", "+853 56123456", "+1 555 0100"])
def test_other_phone_numbers_are_refused(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_filing_with_a_hong_kong_permit_and_number_is_accepted(env: Any) -> None:
    response = env.file(
        individual(id_type="hk_macao_permit", id_number="H12345678", phone="+852 9123 4567")
    )
    assert response.status_code == 201, response.text
    [case] = env.cases()
    assert case.case_number == response.json()["case_number"]


def test_filing_with_a_wrong_permit_number_names_the_document(env: Any) -> None:
    response = env.file(individual(id_type="taiwan_permit", id_number="12AB"))
    assert response.status_code == 422
    assert "台湾居民来往大陆通行证号码" in response.json()["message"]
    env.assert_nothing_stored()


def test_filing_with_an_unknown_document_kind_is_refused(env: Any) -> None:
    response = env.file(individual(id_type="library_card"))
    assert response.status_code == 422
    assert "证件类型" in response.json()["message"] and "护照" in response.json()["message"]


def test_a_refusal_about_the_fields_comes_after_the_captcha_and_a_new_one_is_needed(
    env: Any,
) -> None:
    # The captcha is checked (and used) before the attachments are read, so that a script
    # cannot make the service read 100 MB with a made-up captcha; the page then shows a new one.
    captcha = env.objection_captcha()
    refused = env.file(individual(phone="12345", captcha_id=captcha, captcha_answer=ANSWER))
    assert refused.status_code == 422 and refused.json()["code"] == "phone_invalid"
    reused = env.file(individual(captcha_id=captcha, captcha_answer=ANSWER))
    assert reused.status_code == 400 and reused.json()["code"] == "captcha_invalid"
    accepted = env.file(individual())
    assert accepted.status_code == 201, accepted.text
