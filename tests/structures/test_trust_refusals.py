"""What a person is told when their client refuses to seal to a professional's key
(client/trust.py): in French, saying what to do, as the CLI shows it (cli/main.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import consent
from client.network import revoke, sign_revocations
from client.trust import NOT_LIVE_FR, CertificateNotLive, memory_for
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto.errors import StaleError
from tests.consent.world import ConsentWorld, build_v2_consent_world
from tests.structures.world import (
    member_row,
    pinned_root,
    sessions_outlive_certificates,
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return sessions_outlive_certificates(settings)


@pytest.fixture
def cw(api: TestClient, tmp_path: Path, clock: FrozenClock) -> ConsentWorld:
    return build_v2_consent_world(api, tmp_path, clock.now())


def test_a_share_to_a_revoked_key_is_refused_in_words_that_say_what_to_do(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    member = member_row(api, w.structure_admin, w.structure_id, w.professional)
    revoke(w.structure_admin.client(api), member["membership_id"], "device_stolen")
    sign_revocations(w.admin.client(api), w.admin.keys, now=clock.now())
    client = cw.person.client(api)
    memory_for(client, pinned_root(w.admin)).clock = clock.now
    with pytest.raises(StaleError) as refused:
        consent.share(
            client,
            cw.person.keys,
            person_id=cw.person.account_id,
            professional_id=cw.professional.account_id,
            pinned_root=pinned_root(w.admin),
            purpose="ouverture-droits-rsa",
            document_ids=[cw.identity],
            days=30,
            now=clock.now(),
        )
    assert isinstance(refused.value, CertificateNotLive)
    assert str(refused.value) == NOT_LIVE_FR
