"""The audit log served as a transparency log (auditlog/SPEC.md §4–§6), on both backends:
tiles and entry bundles read back to the signed root, proofs checked against signed
checkpoints, refusals with stable codes, and the checkpoint key's file and history."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from auditlog import merkle, tiles
from auditlog.checkpoint import verify_checkpoint, verify_checkpoint_by
from auditlog.events import LEAF_DATA_PREFIX
from auditlog.keys import follow
from auditlog.merkle import ProofError
from auditlog.note import NoteError, generate_signer, parse_verifier_key
from coffre.audit import keys, trail
from coffre.audit.checkpoint import Checkpoint, sign_checkpoint, timestamp_extension
from coffre.audit.errors import AuditKeyInvalid
from coffre.audit.log import AuditLog, verify_export
from coffre.audit.models import (
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    AuditKey,
    AuditTreeNode,
)
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from tests.module_world import ModuleApps

LOG = "/api/v1/audit/log"
PROOF = "/api/v1/audit/proof"


def coffre_of(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def append(api: TestClient, count: int, person: str = "p_" + "a" * 30) -> None:
    """``count`` entries naming a person, appended as operations append them."""
    coffre = coffre_of(api)
    now = coffre.clock.now()
    with coffre.db.unit_of_work() as db:
        for i in range(count):
            entry = trail.Entry(action="test.served", person_id=person, details={"i": i})
            trail.append(db, entry, now)


def signed(api: TestClient) -> Checkpoint:
    """The served checkpoint, verified with the published key."""
    key = parse_verifier_key(api.get("/api/v1/audit/key").text.strip())
    note = api.get(f"{LOG}/checkpoint").text
    return verify_checkpoint(note, key, origin=coffre_of(api).audit.origin)


def fetch(api: TestClient):  # type: ignore[no-untyped-def]
    def get(path: str) -> bytes:
        response = api.get(f"{LOG}/{path}")
        assert response.status_code == 200, (path, response.text)
        return response.content

    return get


def error_code(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.json()["error"]["code"])


def grow(api: TestClient) -> None:
    append(api, 600)
    coffre_of(api).audit.checkpoint()


@pytest.fixture
def grown(api: TestClient) -> TestClient:
    """A log of 600 entries, signed, of this test's own (for a test that changes it)."""
    grow(api)
    return api


@pytest.fixture(scope="module")
def grown_once(request: pytest.FixtureRequest) -> Iterator[ModuleApps]:
    apps = ModuleApps(request, grow)
    try:
        yield apps
    finally:
        apps.close()


def _as_found(api: TestClient) -> tuple[str, int, int]:
    """The log: its entries, its checkpoints and the one served (the cache of upper
    hashes, AuditTreeNode, may fill as tiles are read: it is derived, not the log)."""
    with coffre_of(api).db.unit_of_work() as db:
        entries = len(db.scalars(select(AuditEntry.seq)).all())
        checkpoints = len(db.scalars(select(AuditCheckpoint.size)).all())
    return (api.get(f"{LOG}/checkpoint").text, entries, checkpoints)


@pytest.fixture
def served(backend: str, grown_once: ModuleApps) -> Iterator[TestClient]:
    """The same log as ``grown``, made once per backend for the tests that only read it
    (tests/module_world.py); each must leave it as it found it."""
    api, _ = grown_once.get(backend)
    found = _as_found(api)
    yield api
    assert _as_found(api) == found, "a test that only reads changed the shared log"


def test_the_served_tiles_and_bundles_rebuild_the_signed_tree(served: TestClient) -> None:
    checkpoint = signed(served)
    assert checkpoint.size >= 600
    leaves = tiles.read_tree(fetch(served), checkpoint.size, checkpoint.root)
    with coffre_of(served).db.unit_of_work() as db:
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [r.leaf_hash for r in rows[: checkpoint.size]] == leaves
        persons = {r.person_id for r in rows if r.person_id} | {r.actor_id for r in rows}
        bodies = [r.body for r in rows if r.body]
    for bundle in tiles.bundles_of(checkpoint.size):
        data = fetch(served)(bundle.path())
        start = bundle.index * tiles.TILE_WIDTH
        entries = tiles.read_bundle(data, bundle, leaves[start : start + bundle.width])
        # Only the salted leaf data: the prefix and a 32-byte commitment, nothing else.
        assert all(len(e) == 48 and e.startswith(LEAF_DATA_PREFIX) for e in entries)
        assert not any(p and p.encode() in data for p in persons)
        assert not any(body[:40].encode() in data for body in bodies)
    # The cache of upper hashes was filled by the checkpoint and agrees with the leaves.
    with coffre_of(served).db.unit_of_work() as db:
        node = db.get_one(AuditTreeNode, (1, 1))
        assert node.hash == tiles.perfect_root(leaves[256:512])


def test_full_tiles_are_immutable_and_partial_ones_short_lived(served: TestClient) -> None:
    size = signed(served).size
    full = served.get(f"{LOG}/tile/0/000")
    assert full.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert full.headers["content-type"] == "application/octet-stream"
    assert len(full.content) == 8192
    partial = served.get(f"{LOG}/tile/0/002.p/{size - 512}")
    assert partial.status_code == 200 and partial.headers["cache-control"] == "public, max-age=60"
    bundle = served.get(f"{LOG}/tile/entries/001")
    assert bundle.headers["cache-control"].endswith("immutable")


BAD_PATHS = [
    "tile/0/003",  # beyond the signed tree
    "tile/0/002",  # not full yet
    "tile/0/002.p/1",  # a width the tree does not have
    "tile/2/000.p/1",  # a level the tree has not reached
    "tile/0/x000/001",  # not canonical
    "tile/00/001",
    "tile/entries/005",
    "tile/0/001.p/256",
    "tile/abc",
]


def test_a_tile_beyond_the_tree_or_with_a_bad_path_is_not_found(served: TestClient) -> None:
    for path in BAD_PATHS:
        response = served.get(f"{LOG}/{path}")
        assert response.status_code == 404, path
        assert error_code(response) == "audit_tile_not_found", path


def test_entries_appended_after_the_checkpoint_are_not_served_until_signed(
    grown: TestClient,
) -> None:
    size = signed(grown).size
    append(grown, 300)
    assert grown.get(f"{LOG}/tile/0/002").status_code == 404  # complete, but not signed
    assert grown.get(f"{LOG}/tile/0/002.p/{size - 512}").status_code == 200
    coffre_of(grown).audit.checkpoint()
    assert grown.get(f"{LOG}/tile/0/002").status_code == 200


def test_a_tampered_tile_is_refused_by_the_reader(served: TestClient) -> None:
    checkpoint = signed(served)
    read = fetch(served)

    def forged(path: str) -> bytes:
        data = read(path)
        return data[:40] + bytes([data[40] ^ 1]) + data[41:] if path == "tile/0/001" else data

    with pytest.raises(ProofError) as caught:
        tiles.read_tree(forged, checkpoint.size, checkpoint.root)
    assert caught.value.code == "tile_invalid"


def test_the_checkpoint_answers_304_to_its_entity_tag(served: TestClient) -> None:
    first = served.get(f"{LOG}/checkpoint")
    assert first.headers["content-type"].startswith("text/plain")
    again = served.get(f"{LOG}/checkpoint", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_inclusion_proofs_verify_against_the_signed_checkpoint(served: TestClient) -> None:
    checkpoint = signed(served)
    for index in (0, 1, 255, 256, 300, checkpoint.size - 1):
        body = served.get(
            f"{PROOF}/inclusion", params={"index": index, "size": checkpoint.size}
        ).json()
        assert body["checkpoint"] is not None
        proof = [base64.b64decode(h) for h in body["proof"]]
        leaf = base64.b64decode(body["leaf_hash"])
        merkle.verify_inclusion(leaf, index, checkpoint.size, proof, checkpoint.root)
        if index < checkpoint.size - 1:
            # A proof made for another tree size does not verify against this checkpoint.
            other = served.get(
                f"{PROOF}/inclusion", params={"index": index, "size": checkpoint.size - 1}
            ).json()
            assert other["checkpoint"] is None  # no checkpoint was signed at that size
            wrong = [base64.b64decode(h) for h in other["proof"]]
            with pytest.raises(ProofError) as caught:
                merkle.verify_inclusion(leaf, index, checkpoint.size, wrong, checkpoint.root)
            assert caught.value.code == "proof_invalid"


def test_consistency_proofs_link_two_signed_checkpoints(grown: TestClient) -> None:
    old = signed(grown)
    append(grown, 77)
    coffre_of(grown).audit.checkpoint()
    new = signed(grown)
    body = grown.get(f"{PROOF}/consistency", params={"old": old.size, "new": new.size}).json()
    proof = [base64.b64decode(h) for h in body["proof"]]
    merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)
    with pytest.raises(ProofError):
        merkle.verify_consistency(old.size - 1, new.size, old.root, new.root, proof)


BAD_PROOF_REQUESTS = [
    ("inclusion", {"index": 5, "size": 5}, "invalid_proof_request"),
    ("inclusion", {"index": 0, "size": 10**9}, "audit_tree_size_unknown"),
    ("consistency", {"old": 9, "new": 8}, "invalid_proof_request"),
    ("consistency", {"old": 1, "new": 10**9}, "audit_tree_size_unknown"),
]


def test_bad_proof_requests_are_refused_with_stable_codes(served: TestClient) -> None:
    for route, params, code in BAD_PROOF_REQUESTS:
        response = served.get(f"{PROOF}/{route}", params=params)
        assert response.status_code == 422 and error_code(response) == code, (route, params)


def test_parallel_checkpoints_fill_the_tile_cache_once(api: TestClient) -> None:
    append(api, 520)
    coffre = coffre_of(api)
    failures: list[BaseException] = []

    def sign() -> None:
        try:
            coffre.audit.checkpoint()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=sign) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with coffre.db.unit_of_work() as db:
        nodes = db.scalars(select(AuditTreeNode).order_by(AuditTreeNode.idx)).all()
        assert [(n.level, n.idx) for n in nodes] == [(1, 0), (1, 1)]
    checkpoint = signed(api)
    assert tiles.read_tree(fetch(api), checkpoint.size, checkpoint.root)


def test_an_edited_commitment_is_named_by_verify(grown: TestClient) -> None:
    with coffre_of(grown).db.unit_of_work() as db:
        db.execute(update(AuditEntry).where(AuditEntry.seq == 7).values(commitment=bytes(32)))
    report = coffre_of(grown).audit.verify()
    assert not report.ok and report.problem_seq == 7
    assert "empreinte publiée" in (report.problem or "")


# --- the checkpoint key -------------------------------------------------------------------


def test_production_refuses_to_start_without_the_key_file(tmp_path: Path) -> None:
    settings = Settings(
        environment="production",
        secret_key="x" * 40,
        audit_key_file=tmp_path / "missing.key",
    )
    with pytest.raises(AuditKeyInvalid):
        keys.load_signer(settings)
    assert not (tmp_path / "missing.key").exists()


def test_development_makes_a_key_file_readable_by_the_server_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "audit.key"
    signer = keys.load_signer(Settings(environment="development", audit_key_file=path))
    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.load_signer(Settings(environment="development", audit_key_file=path)) == signer
    # Never derived from the secret key.
    assert signer != keys.legacy_signer(Settings(environment="development"))


def test_a_key_file_for_another_origin_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit.key"
    keys.write_key_file(path, generate_signer("other.example/audit"))
    with pytest.raises(AuditKeyInvalid):
        keys.load_signer(Settings(environment="test", audit_key_file=path))


@contextmanager
def restarted(settings: Settings, clock: FrozenClock, key_file: Path) -> Iterator[AuditLog]:
    """The same database, served with another key file (a restart)."""
    moved = Coffre.build(settings.model_copy(update={"audit_key_file": key_file}), clock=clock)
    try:
        yield moved.audit
    finally:
        moved.close()


def test_a_rotated_key_signs_and_every_earlier_checkpoint_still_verifies(
    grown: TestClient, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    audit = coffre_of(grown).audit
    old_key = parse_verifier_key(audit.verifier_key)
    new = generate_signer(audit.origin)
    keys.write_key_file(tmp_path / "new.key", new)
    statement = audit.rotate_key(new)
    history = grown.get(f"{LOG}/keys").json()
    assert [k["statement"] for k in history["history"]] == [None, statement]
    assert follow(old_key, [statement], origin=audit.origin)[-1] == new.verifier
    # Restarted with the new key: it signs; the old checkpoints keep verifying.
    append(grown, 3)
    clock.advance(seconds=1)
    with restarted(settings, clock, tmp_path / "new.key") as moved:
        note = moved.checkpoint().note
        with pytest.raises(NoteError) as caught:
            verify_checkpoint(note, old_key, origin=audit.origin)
        assert caught.value.code == "note_unknown_key"
        assert verify_checkpoint_by(note, moved.verifiers(), origin=audit.origin)
        report = moved.verify()
        assert report.ok, report.problem
        lines = list(moved.export_lines())
        # Whoever kept the old key follows the statement to the new one.
        assert verify_export(lines, str(old_key)).ok
        assert verify_export(lines, moved.verifier_key).ok


def test_a_key_file_replaced_by_hand_is_refused(
    grown: TestClient, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    keys.write_key_file(tmp_path / "other.key", generate_signer(settings.audit_origin))
    append(grown, 1)
    with restarted(settings, clock, tmp_path / "other.key") as moved:
        with pytest.raises(AuditKeyInvalid):
            moved.checkpoint()


def test_a_checkpoint_by_an_unknown_key_makes_verify_fail(grown: TestClient) -> None:
    coffre = coffre_of(grown)
    stranger = generate_signer(coffre.audit.origin)
    with coffre.db.unit_of_work() as db:
        last = db.scalars(
            select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
        ).one()
        forged = Checkpoint(
            coffre.audit.origin, last.size, last.root, (timestamp_extension(last.created_at),)
        )
        last.note = sign_checkpoint(forged, stranger)
    report = coffre.audit.verify()
    assert not report.ok and "n'est pas signé par le serveur" in (report.problem or "")


def test_a_deployment_signed_by_the_derived_key_moves_to_the_key_file(
    api: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    """Before this version the key was derived from COFFRE_SECRET_KEY: its checkpoints
    stay valid and the first statement, signed by it, hands over to the key file."""
    coffre = coffre_of(api)
    legacy = keys.legacy_signer(settings)
    append(api, 10)
    with coffre.db.unit_of_work() as db:  # what an earlier version had signed
        # The head's lock first, as every signer takes it: the app's own checkpoint
        # round waits for this rewrite instead of signing in the middle of it.
        db.execute(
            update(AuditHead).where(AuditHead.id == trail.HEAD_ID).values(size=AuditHead.size)
        )
        db.execute(delete(AuditKey))
        db.execute(delete(AuditTreeNode))
        db.execute(delete(AuditCheckpoint))
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        size = len(rows)
        root = merkle.root([r.leaf_hash for r in rows])
        now = clock.now()
        note = sign_checkpoint(
            Checkpoint(coffre.audit.origin, size, root, (timestamp_extension(now),)), legacy
        )
        db.add(AuditCheckpoint(size=size, root=root, note=note, created_at=now))
    append(api, 2)
    clock.advance(seconds=1)
    coffre.audit.checkpoint()  # the first signature of this version writes the history
    history = [(k, s) for k, s in coffre.audit.key_history()]
    assert history[0] == (str(legacy.verifier), None)
    assert history[1][0] == coffre.audit.verifier_key and history[1][1] is not None
    report = coffre.audit.verify()
    assert report.ok and report.checkpoints == 2, report.problem
    lines = list(coffre.audit.export_lines())
    assert verify_export(lines, str(legacy.verifier)).ok  # the old key, kept by an officer
    assert not verify_export(lines, str(generate_signer(coffre.audit.origin).verifier)).ok


def test_the_key_commands_make_a_key_and_hand_the_log_over_to_a_new_one(
    grown: TestClient,
    settings: Settings,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    for name, value in settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(f"COFFRE_{name.upper()}", str(value))
    runner = CliRunner()
    made = runner.invoke(app, ["audit", "key", "new", str(tmp_path / "fresh.key")])
    assert made.exit_code == 0 and settings.audit_origin + "+" in made.output
    again = runner.invoke(app, ["audit", "key", "new", str(tmp_path / "fresh.key")])
    assert again.exit_code == 2  # never replaced
    rotated = runner.invoke(app, ["audit", "key", "rotate", str(tmp_path / "next.key")])
    assert rotated.exit_code == 0, rotated.output
    new = keys.load_signer(settings.model_copy(update={"audit_key_file": tmp_path / "next.key"}))
    assert str(new.verifier) in rotated.output
    assert coffre_of(grown).audit.key_history()[-1][0] == str(new.verifier)
    # The key in use is no longer the latest: rotating from it again is refused.
    refused = runner.invoke(app, ["audit", "key", "rotate", str(tmp_path / "third.key")])
    assert refused.exit_code == 2 and "audit_key_invalid" in refused.output
    assert not (tmp_path / "third.key").exists()


def test_the_migration_fills_the_commitment_of_every_entry_that_has_its_body(
    api: TestClient, database_url: str
) -> None:
    from coffre.db import migrate

    append(api, 5)
    with coffre_of(api).db.unit_of_work() as db:
        before = {r.seq: r.commitment for r in db.scalars(select(AuditEntry)).all()}
    assert before and all(before.values())
    migrate.downgrade(database_url, "d81c4e6b2f95")  # this revision's parent
    migrate.upgrade(database_url)
    with coffre_of(api).db.unit_of_work() as db:
        after = {r.seq: r.commitment for r in db.scalars(select(AuditEntry)).all()}
    assert after == before
