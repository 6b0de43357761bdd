"""With the database and the keys, a phone vote's row no longer narrows its number to 10^4."""

from __future__ import annotations

from sqlalchemy import text

from tests.factories import CULTURE, PHONE, Env
from tests.voting.phone_flow import verify
from vote_api.core.parts import part
from vote_api.core.state import core_state
from vote_api.voting.proofs.phone.codes import review_block
from vote_api.voting.proofs.phone.method import PhoneProof


def test_phone_vote_row_leaves_hundreds_of_thousands_of_numbers_even_with_the_keys(
    phone_env: Env,
) -> None:
    assert verify(phone_env.client).status_code == 200
    assert phone_env.vote(CULTURE).status_code == 201
    with core_state(phone_env.app).db.engine.connect() as connection:
        segment, bucket = connection.execute(
            text("SELECT phone_segment, phone_block FROM vote")
        ).one()
    secret = part(phone_env.app, PhoneProof).secret  # the attacker holds the keys file too
    blocks = [
        f"{segment}{region:04d}"
        for region in range(10_000)
        if review_block(secret, f"{segment}{region:04d}") == bucket
    ]
    assert PHONE[:7] in blocks
    assert len(blocks) >= 20  # about 10,000 / 256 ≈ 39 blocks: ≥ 200,000 candidate numbers
    assert len(blocks) * 10_000 >= 200_000
