"""The v2 trust chain over time (SPEC §26): certificates end, revocations take
effect, and a client never goes back to an older revocation list."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import crypto
from crypto.certificates_v2 import (
    certificate_statement_v2,
    revocation_list_statement,
    root_statement_v2,
    verify_chain_v2,
)
from crypto.errors import InvalidInputError, SignatureError, StaleError
from crypto.keyring import generate_account_keys
from crypto.pins import pin_qr_payload, pin_spoken

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = generate_account_keys()
ADMIN = generate_account_keys()
PRO = generate_account_keys()
ADMIN_ID, PRO_ID, STRUCTURE = "a" * 32, "b" * 32, "c" * 32


def _root() -> dict[str, Any]:
    statement = root_statement_v2(
        territory="cantal", box_public=ROOT.box_public, sign_public=ROOT.sign_public, issued_at=T0
    )
    return crypto.sign_statement_v2(statement, ROOT.sign_seed)


def _certs(days: int = 365) -> list[dict[str, Any]]:
    common = {"territory": "cantal", "structure": STRUCTURE, "issued_at": T0}
    admin = certificate_statement_v2(
        subject=ADMIN_ID,
        role="structure_admin",
        display_name="Admin",
        profession=None,
        box_public=ADMIN.box_public,
        sign_public=ADMIN.sign_public,
        issuer="f" * 32,
        not_after=T0 + timedelta(days=days),
        **common,
    )
    pro = certificate_statement_v2(
        subject=PRO_ID,
        role="professional",
        display_name="Élodie Martin",
        profession="assistante sociale",
        box_public=PRO.box_public,
        sign_public=PRO.sign_public,
        issuer=ADMIN_ID,
        not_after=T0 + timedelta(days=days),
        **common,
    )
    return [
        crypto.sign_statement_v2(pro, ADMIN.sign_seed),
        crypto.sign_statement_v2(admin, ROOT.sign_seed),
    ]


def _list(sequence: int, issued_at: datetime, revoked: list[str] | None = None) -> dict[str, Any]:
    statement = revocation_list_statement(
        territory="cantal",
        sequence=sequence,
        issued_at=issued_at,
        next_update=issued_at + timedelta(days=31),
        revoked=revoked or [],
    )
    return crypto.sign_statement_v2(statement, ROOT.sign_seed)


def _verify(
    certs: list[dict[str, Any]], revocations: dict[str, Any], now: datetime, **kw: Any
) -> Any:
    return verify_chain_v2(
        account_id=PRO_ID,
        box_public=PRO.box_public,
        sign_public=PRO.sign_public,
        certificates=certs,
        root=_root(),
        pin=kw.pop("pin", pin_qr_payload(ROOT.sign_public)),
        revocation_list=revocations,
        now=now,
        **kw,
    )


def test_a_professional_chain_is_valid_until_its_earliest_end() -> None:
    certified = _verify(_certs(), _list(1, T0), T0 + timedelta(days=1))
    assert certified.role == "professional"
    assert certified.not_after == T0 + timedelta(days=365)


def test_the_same_chain_is_refused_once_the_clock_passes_not_after() -> None:
    later = T0 + timedelta(days=366)
    with pytest.raises(StaleError):
        _verify(_certs(), _list(2, later - timedelta(days=1)), later)


def test_a_revoked_professional_is_refused_by_a_newer_list() -> None:
    certs = _certs()
    revoked = [crypto.statement_id(certs[0]["statement"])]
    now = T0 + timedelta(days=40)
    _verify(certs, _list(1, now - timedelta(days=1)), now)
    with pytest.raises(StaleError):
        _verify(certs, _list(2, now - timedelta(hours=1), revoked), now)


def test_a_client_that_saw_sequence_2_refuses_sequence_1() -> None:
    now = T0 + timedelta(days=2)
    with pytest.raises(StaleError):
        _verify(_certs(), _list(1, T0), now, min_sequence=2)


def test_the_spoken_pin_pins_the_root_as_well_as_the_qr() -> None:
    _verify(_certs(), _list(1, T0), T0 + timedelta(days=1), pin=pin_spoken(ROOT.sign_public))
    with pytest.raises(SignatureError):
        _verify(_certs(), _list(1, T0), T0, pin=pin_spoken(ADMIN.sign_public))


def test_a_certificate_longer_than_400_days_cannot_be_made() -> None:
    with pytest.raises(InvalidInputError):
        _certs(days=401)


def test_now_must_carry_a_time_zone() -> None:
    with pytest.raises(InvalidInputError):
        _verify(_certs(), _list(1, T0), datetime(2026, 1, 2))


@pytest.mark.parametrize("role", [[], {}, 7])
def test_a_role_that_is_not_text_is_invalid_input_not_a_crash(role: object) -> None:
    pro = certificate_statement_v2(
        subject=PRO_ID,
        role="professional",
        display_name="Élodie Martin",
        profession="assistante sociale",
        box_public=PRO.box_public,
        sign_public=PRO.sign_public,
        issuer=ADMIN_ID,
        not_after=T0 + timedelta(days=30),
        territory="cantal",
        structure=STRUCTURE,
        issued_at=T0,
    )
    pro["role"] = role
    certs = [crypto.sign_statement_v2(pro, ADMIN.sign_seed), _certs()[1]]
    with pytest.raises(InvalidInputError):
        _verify(certs, _list(1, T0), T0 + timedelta(days=1))
