"""A professional's Python client pulling documents shared in format v2, against a
live server and a hostile one (SPEC §24.4, §24.5, §25; issue 15 "done when"): the
receipt is checked under the person's key, remembered on first use; the document
under the same key, at the receipt's version or later, with the receipt's key
commitment and ciphertext hash. A swapped stream or binding, an older version, a
substituted person key: refused, nothing returned."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nacl.signing import SigningKey

from client import CoffreClient, consent
from coffre.settings import Settings
from crypto.errors import BindingError, StaleError
from crypto.pins import pin_spoken
from tests.client.hostile import STREAM, HostileServer, client_on
from tests.consent.world import ConsentWorld, build_consent_world
from tests.structures.world import pinned_root


@dataclass
class Shared:
    cw: ConsentWorld
    person: CoffreClient
    pro: CoffreClient
    hostile: HostileServer

    def share(self, documents: list[str]) -> dict[str, Any]:
        return consent.share(
            self.person,
            self.cw.person.keys,
            person_id=self.cw.person.account_id,
            professional_id=self.cw.professional.account_id,
            pinned_root=pinned_root(self.cw.world.admin),
            purpose="ouverture-droits-rsa",
            document_ids=documents,
            days=30,
        )

    def pull(self, grant: dict[str, Any], document_id: str) -> consent.PulledCopy:
        return consent.pull(self.pro, self.cw.professional.keys, str(grant["id"]), document_id)


@pytest.fixture
def shared(
    api: TestClient, live_server: str, settings: Settings, tmp_path: Path
) -> Iterator[Shared]:
    cw = build_consent_world(api, tmp_path)
    hostile = HostileServer(settings)
    with (
        client_on(live_server, cw.person.token, tmp_path / "person.json") as person,
        client_on(live_server, cw.professional.token, tmp_path / "pro.json") as pro,
    ):
        person.migrate_to_v2(cw.person.keys)
        yield Shared(cw, person, pro, hostile)
    hostile.close()


def test_a_v2_share_pulls_and_verifies_and_the_person_key_is_remembered(
    shared: Shared,
) -> None:
    cw = shared.cw
    grant = shared.share([cw.identity, cw.address])
    [listed] = consent.shared_with_me(shared.pro)
    assert consent.person_pin(listed) == pin_spoken(cw.person.keys.sign_public)
    copy = shared.pull(listed, cw.identity)
    assert copy.content == b"carte d'identite" * 100 and copy.version == 1
    me = shared.pro.account_id()
    assert shared.pro.memory.person_key(me, cw.person.account_id) == cw.person.keys.sign_public
    assert grant["id"] == listed["id"]


@pytest.mark.parametrize("part", ["stream", "binding"])
def test_the_server_cannot_swap_in_another_document_for_a_grantee(
    part: str, shared: Shared
) -> None:
    cw = shared.cw
    grant = shared.share([cw.identity, cw.address])
    columns = STREAM if part == "stream" else ("binding", "version")
    shared.hostile.swap(cw.identity, cw.address, *columns)
    with pytest.raises(BindingError):
        shared.pull(grant, cw.identity)


def test_the_server_cannot_serve_an_older_version_than_the_receipt_names(
    shared: Shared,
) -> None:
    cw = shared.cw
    before = shared.hostile.row(cw.identity)
    assert shared.person.rename(cw.identity, "cni-recto.txt", cw.person.keys) == 2
    grant = shared.share([cw.identity])  # the receipt names version 2
    shared.hostile.set(
        cw.identity,
        binding=before["binding"],
        version=before["version"],
        encrypted_metadata=before["encrypted_metadata"],
    )
    with pytest.raises(StaleError):
        shared.pull(grant, cw.identity)


def test_a_person_key_substituted_after_the_first_share_opens_nothing_until_confirmed(
    shared: Shared,
) -> None:
    """A server that swaps the person's key after the professional first saw it (to mint
    receipts and bindings in the person's name) is caught by the remembered key."""
    cw = shared.cw
    grant = shared.share([cw.identity])
    shared.pull(grant, cw.identity)  # first use: the key is remembered
    forged = SigningKey(secrets.token_bytes(32)).verify_key.encode()
    shared.hostile.set_sign_key(cw.person.account_id, forged)
    with pytest.raises(consent.PersonKeyChanged) as refused:
        shared.pull(grant, cw.identity)
    assert pin_spoken(forged) in refused.value.message
    with pytest.raises(ValueError):  # the pin the person's phone shows is the real key's
        consent.confirm_person_key(
            shared.pro, cw.person.account_id, pin_spoken(cw.person.keys.sign_public)
        )
    with pytest.raises(consent.PersonKeyChanged):
        shared.pull(grant, cw.identity)


def test_a_v1_grant_is_verified_as_v1_and_another_stream_swapped_in_is_refused(
    api: TestClient, live_server: str, settings: Settings, tmp_path: Path
) -> None:
    """A grant made before the person moved to v2: its v1 receipt, checked under the
    person's key, fixes the ciphertext hash (SPEC §16), so a swapped stream is refused."""
    cw = build_consent_world(api, tmp_path)
    grant = cw.share([cw.identity, cw.address])  # a v1 receipt: the person is still v1
    hostile = HostileServer(settings)
    try:
        with client_on(live_server, cw.professional.token, tmp_path / "pro.json") as pro:
            copy = consent.pull(pro, cw.professional.keys, str(grant["id"]), cw.identity)
            assert copy.content == b"carte d'identite" * 100 and copy.version is None
            hostile.swap(cw.identity, cw.address, *STREAM)
            with pytest.raises(BindingError):
                consent.pull(pro, cw.professional.keys, str(grant["id"]), cw.identity)
    finally:
        hostile.close()
