"""Cosignatures of checkpoints through the API (coffre/audit/cosigning.py): the officer
registers a key derived from their signing seed, cosigns the latest checkpoint, the line
is served with it; a forged, stale, or inconsistent cosignature is refused with its code
and nothing is kept; 20 cosignatures at once keep one per officer's time order."""

from __future__ import annotations

import threading

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from auditlog.cosignature import (
    Cosigner,
    derive_cosigner_seed,
    split_note,
    verify_cosignatures,
)
from coffre.audit.cosign_models import AuditCosignature
from coffre.audit.models import AuditCheckpoint
from coffre.clock import FrozenClock
from tests.accounts.factories import coffre_of, login, totp_code
from tests.audit.test_console import Officer, new_officer
from tests.structures.world import bootstrap_territory, log_in

AUDIT = "/api/v1/audit"


@pytest.fixture
def officer(api: TestClient, clock: FrozenClock, backend: str) -> Officer:
    admin = log_in(api, bootstrap_territory(coffre_of(api), v2=False))
    officer = new_officer(api, admin, clock)
    officer_log_in(api, officer, clock)
    return officer


def officer_log_in(api: TestClient, officer: Officer, clock: FrozenClock) -> None:
    """A full session (with the second factor); the log grows by one login entry."""
    clock.advance(seconds=31)  # a TOTP code works once
    code = totp_code(officer.secret, clock)
    response = login(api, officer.who.login, officer.who.auth_key, totp_code=code)
    assert response.status_code == 200, response.text
    officer.who.token = response.json()["token"]


def cosigner_of(api: TestClient, officer: Officer) -> Cosigner:
    name = api.get(f"{AUDIT}/cosigner/name", headers=officer.headers).text.strip()
    return Cosigner(name, derive_cosigner_seed(officer.who.keys.sign_seed))


def register(api: TestClient, officer: Officer) -> Cosigner:
    cosigner = cosigner_of(api, officer)
    answer = api.put(f"{AUDIT}/cosigner", json={"key": cosigner.key.vkey}, headers=officer.headers)
    assert answer.status_code == 200, answer.text
    return cosigner


def latest(api: TestClient) -> tuple[int, str]:
    coffre = coffre_of(api)
    signed = coffre.audit.checkpoint()
    return signed.size, signed.note


def cosign(
    api: TestClient, officer: Officer, cosigner: Cosigner, size: int, note: str, at: int
) -> httpx.Response:
    body, _ = split_note(note)
    line = cosigner.cosign(body, at).line.rstrip("\n")
    return api.post(
        f"{AUDIT}/cosignatures", json={"size": size, "cosignature": line}, headers=officer.headers
    )


def now_s(clock: FrozenClock) -> int:
    return int(clock.now().timestamp())


def test_a_cosignature_is_kept_and_served_with_its_checkpoint(
    api: TestClient, officer: Officer, clock: FrozenClock
) -> None:
    cosigner = register(api, officer)
    size, note = latest(api)
    answer = cosign(api, officer, cosigner, size, note, now_s(clock))
    assert answer.status_code == 201, answer.text
    served = answer.json()["checkpoint"]
    assert verify_cosignatures(served, [cosigner.key]) == {cosigner.key.name: now_s(clock)}
    status = api.get(f"{AUDIT}/cosigners").json()
    assert status["cosigned_size"] == size
    assert status["recent"] is True
    assert status["cosigners"][0]["key"] == cosigner.key.vkey
    assert api.get(f"{AUDIT}/cosigned").text == served
    assert coffre_of(api).cosigning.served(size, note) == served


def test_without_a_recent_cosignature_the_status_says_so(
    api: TestClient, officer: Officer, clock: FrozenClock
) -> None:
    assert api.get(f"{AUDIT}/cosigners").json()["recent"] is False
    assert api.get(f"{AUDIT}/cosigned").json()["error"]["code"] == "checkpoint_not_cosigned"
    cosigner = register(api, officer)
    size, note = latest(api)
    assert cosign(api, officer, cosigner, size, note, now_s(clock)).status_code == 201
    clock.advance(days=8)
    status = api.get(f"{AUDIT}/cosigners").json()
    assert status["recent"] is False
    assert status["cosigned_size"] == size


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("other key", "cosignature_invalid"),
        ("other checkpoint", "cosignature_invalid"),
        ("unknown size", "checkpoint_unknown"),
        ("clock far off", "cosignature_time"),
        ("not registered", "cosigner_not_registered"),
    ],
)
def test_a_bad_cosignature_is_refused_and_nothing_kept(
    api: TestClient, officer: Officer, clock: FrozenClock, case: str, code: str
) -> None:
    cosigner = cosigner_of(api, officer) if case == "not registered" else register(api, officer)
    size, note = latest(api)
    at = now_s(clock)
    if case == "other key":
        cosigner = Cosigner(cosigner.name, bytes(32))
    elif case == "other checkpoint":
        note = note.replace(f"\n{size}\n", f"\n{size + 1}\n", 1)
    elif case == "unknown size":
        size += 1000
    elif case == "clock far off":
        at -= 3600
    answer = cosign(api, officer, cosigner, size, note, at)
    assert answer.json()["error"]["code"] == code, answer.text
    with coffre_of(api).db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(AuditCosignature)) == 0


def test_a_checkpoint_that_does_not_extend_the_last_cosigned_one_is_refused(
    api: TestClient, officer: Officer, clock: FrozenClock
) -> None:
    cosigner = register(api, officer)
    size, note = latest(api)
    assert cosign(api, officer, cosigner, size, note, now_s(clock)).status_code == 201
    # The log rewritten under the officer: a later checkpoint whose first entries differ.
    officer_log_in(api, officer, clock)  # grows the log (a login entry)
    new_size, new_note = latest(api)
    assert new_size > size
    with coffre_of(api).db.unit_of_work() as db:
        db.execute(
            update(AuditCheckpoint)
            .where(AuditCheckpoint.size == size)
            .values(root=bytes(32))  # what the officer cosigned no longer matches the tree
        )
        db.execute(update(AuditCosignature).values(root=bytes(32)))
    answer = cosign(api, officer, cosigner, new_size, new_note, now_s(clock))
    assert answer.json()["error"]["code"] == "cosignature_inconsistent", answer.text


def test_an_honest_growth_is_cosigned_again(
    api: TestClient, officer: Officer, clock: FrozenClock
) -> None:
    cosigner = register(api, officer)
    size, note = latest(api)
    assert cosign(api, officer, cosigner, size, note, now_s(clock)).status_code == 201
    officer_log_in(api, officer, clock)
    new_size, new_note = latest(api)
    answer = cosign(api, officer, cosigner, new_size, new_note, now_s(clock))
    assert answer.status_code == 201, answer.text
    assert api.get(f"{AUDIT}/cosigners").json()["covers_latest"] is True
    # Going back to the smaller tree is refused: the log cannot have shrunk.
    back = cosign(api, officer, cosigner, size, note, now_s(clock) + 1)
    assert back.json()["error"]["code"] == "cosignature_inconsistent", back.text


def test_twenty_cosignatures_at_once_are_kept_in_time_order_only(
    live_server: str, api: TestClient, officer: Officer, clock: FrozenClock
) -> None:
    cosigner = register(api, officer)
    size, note = latest(api)
    body, _ = split_note(note)
    base = now_s(clock)
    answers: list[int] = []

    def one(i: int) -> None:
        line = cosigner.cosign(body, base + i).line.rstrip("\n")
        with httpx.Client(base_url=live_server, timeout=30) as http:
            response = http.post(
                f"{AUDIT}/cosignatures",
                json={"size": size, "cosignature": line},
                headers=officer.headers,
            )
        answers.append(response.status_code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 201 in answers
    assert set(answers) <= {201, 422}
    with coffre_of(api).db.unit_of_work() as db:
        times = list(db.scalars(select(AuditCosignature.timestamp).order_by(AuditCosignature.id)))
    # Each kept cosignature is later than every one kept before it.
    assert times == sorted(set(times))
    assert len(times) == answers.count(201)
