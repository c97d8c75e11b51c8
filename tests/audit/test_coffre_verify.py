"""The issue's "Done when" for the audit log: ``coffre-verify`` (client/logverify.py) follows
the real server's log from a state directory and passes while it is honest; shown
another view of it (a loopback proxy, tests/audit/logproxy.py: the log rewritten and
signed again with the log's own key, or one tile altered in transit) it names the fault:
an edited, deleted, reordered or inserted entry, a rolled-back log, a forked view, a
tampered tile, a cosignature that does not verify, a checkpoint signed by an unknown key.
Nothing is saved to the state when a fault is found."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from auditlog.checkpoint import parse_checkpoint
from auditlog.cosignature import Cosigner, derive_cosigner_seed, split_note
from auditlog.note import generate_signer, parse_signer_key
from auditlog.tiles import TILE_WIDTH, bundles_of, read_bundle, read_tree
from client import logverify
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.accounts.factories import coffre_of
from tests.audit.logproxy import ProxyControl, View, proxy
from tests.structures.world import material

ROOT = Path(__file__).resolve().parents[2]


class Verify:
    """``coffre-verify`` against one state directory; keeps what it printed."""

    def __init__(self, state: Path, log_key: str) -> None:
        self.state = state
        self.log_key = log_key
        self.lines: list[str] = []

    def __call__(self, url: str, *extra: str) -> int:
        self.lines = []
        argv = ["--server", url, "--state", str(self.state), "--log-key", self.log_key, *extra]
        return logverify.run(argv, out=self.lines.append)

    def codes(self) -> set[str]:
        return {line.split(":", 1)[0] for line in self.lines}


def grow(api: TestClient, live_server: str, first_slot: int, n: int) -> int:
    """``n`` sign-ups on the real server (entries), then a checkpoint; the new size."""
    with httpx.Client(base_url=live_server, timeout=30) as http:
        for slot in range(first_slot, first_slot + n):
            body = material(slot, f"personne{slot}").signup_body
            assert http.post("/api/v1/accounts", json=body).status_code == 201
    return coffre_of(api).audit.checkpoint().size


def honest_entries(url: str) -> list[bytes]:
    """The real log's leaf data, read back from its tiles and bundles."""
    with httpx.Client(base_url=url, timeout=30) as http:

        def fetch(path: str) -> bytes:
            response = http.get("/api/v1/audit/log/" + path)
            response.raise_for_status()
            return response.content

        checkpoint = parse_checkpoint(split_note(http.get("/api/v1/audit/log/checkpoint").text)[0])
        leaves = read_tree(fetch, checkpoint.size, checkpoint.root)
        entries: list[bytes] = []
        for bundle in bundles_of(checkpoint.size):
            start = bundle.index * TILE_WIDTH
            entries += read_bundle(fetch(bundle.path()), bundle, leaves[start : start + TILE_WIDTH])
        return entries


def forged(n: int) -> bytes:
    """Leaf data no honest entry has (the prefix and 32 bytes)."""
    return b"coffre/audit/v1\x00" + bytes([n]) * 32


@pytest.fixture
def log(
    api: TestClient, live_server: str, settings: Settings, tmp_path: Path
) -> Iterator[tuple[Verify, ProxyControl]]:
    """A real server with a few entries, verified once (honest), and a proxy before it."""
    grow(api, live_server, 40, 8)
    signer = parse_signer_key(settings.audit_key_file.read_text("utf-8").strip())
    verify = Verify(tmp_path / "state", str(signer.verifier))
    assert verify(live_server) == logverify.EXIT_OK, verify.lines
    with proxy(live_server) as control:
        control.signer = signer  # type: ignore[attr-defined]
        yield verify, control


def rewritten(control: ProxyControl, live_server: str, change: str) -> None:
    """Show the real log with one change, signed again with the log's key."""
    entries = honest_entries(live_server)
    if change == "edited":
        entries[2] = forged(1)
        entries.append(forged(2))  # and it grew: the old tree is not its prefix
    elif change == "deleted":
        del entries[2]
        entries += [forged(3), forged(4)]
    elif change == "reordered":
        entries[2], entries[3] = entries[3], entries[2]
        entries.append(forged(5))
    elif change == "inserted":
        entries.insert(2, forged(6))
    elif change == "forked":
        entries[1] = forged(7)  # the same size, another root
    elif change == "rolled back":
        entries = entries[:-2]
    control.view = View(entries, control.signer)  # type: ignore[attr-defined]


def test_an_honest_log_passes_each_time_it_grows(
    api: TestClient, live_server: str, log: tuple[Verify, ProxyControl]
) -> None:
    verify, control = log
    before = logverify.State.load(verify.state)
    assert before is not None
    grow(api, live_server, 50, 2)
    assert verify(live_server) == logverify.EXIT_OK, verify.lines
    # Through the proxy showing the real answers: the same log.
    assert verify(control.url) == logverify.EXIT_OK, verify.lines
    after = logverify.State.load(verify.state)
    assert after is not None and after.size > before.size
    assert after.leaves[: before.size] == before.leaves


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("edited", "entry_edited"),
        ("deleted", "entry_deleted"),
        ("reordered", "entries_reordered"),
        ("inserted", "entry_inserted"),
        ("forked", "fork"),
        ("rolled back", "rollback"),
    ],
)
def test_a_rewritten_log_is_named(
    live_server: str, log: tuple[Verify, ProxyControl], change: str, code: str
) -> None:
    verify, control = log
    kept = (verify.state / "state.json").read_bytes()
    rewritten(control, live_server, change)
    assert verify(control.url) == logverify.EXIT_FAULT
    assert code in verify.codes(), verify.lines
    assert (verify.state / "state.json").read_bytes() == kept  # nothing saved
    if code in ("fork", "rollback"):  # the two signed checkpoints are kept as evidence
        assert list((verify.state / "evidence").iterdir())


def test_an_edit_in_the_same_size_is_a_fork_and_names_the_entry(
    live_server: str, log: tuple[Verify, ProxyControl]
) -> None:
    verify, control = log
    rewritten(control, live_server, "forked")
    assert verify(control.url) == logverify.EXIT_FAULT
    assert {"fork", "entry_edited"} <= verify.codes(), verify.lines
    # The honest view still verifies afterwards: the state was not moved.
    assert verify(live_server) == logverify.EXIT_OK, verify.lines


def test_a_tile_altered_in_transit_is_refused(
    live_server: str, log: tuple[Verify, ProxyControl]
) -> None:
    verify, control = log

    def flip(path: str, body: bytes) -> bytes | None:
        if "/log/tile/0/" in path:
            return bytes([body[0] ^ 1]) + body[1:]
        return None

    control.rewrite = flip
    assert verify(control.url) == logverify.EXIT_FAULT
    assert "tile_invalid" in verify.codes(), verify.lines


def test_a_checkpoint_signed_by_an_unknown_key_is_refused(
    live_server: str, log: tuple[Verify, ProxyControl]
) -> None:
    verify, control = log
    stranger = generate_signer(control.signer.name)  # type: ignore[attr-defined]
    control.view = View(honest_entries(live_server), stranger)
    assert verify(control.url) == logverify.EXIT_FAULT
    assert "note_unknown_key" in verify.codes(), verify.lines


def test_cosignatures_are_checked_against_the_pinned_cosigner(
    api: TestClient, live_server: str, log: tuple[Verify, ProxyControl], clock: FrozenClock
) -> None:
    from tests.audit.test_console import new_officer  # noqa: PLC0415
    from tests.audit.test_cosigning import officer_log_in  # noqa: PLC0415
    from tests.structures.world import bootstrap_territory, log_in  # noqa: PLC0415

    verify, control = log
    admin = log_in(api, bootstrap_territory(coffre_of(api), v2=False))
    officer = new_officer(api, admin, clock)
    officer_log_in(api, officer, clock)
    name = api.get("/api/v1/audit/cosigner/name", headers=officer.headers).text.strip()
    cosigner = Cosigner(name, derive_cosigner_seed(officer.who.keys.sign_seed))
    assert (
        api.put(
            "/api/v1/audit/cosigner", json={"key": cosigner.key.vkey}, headers=officer.headers
        ).status_code
        == 200
    )
    signed = coffre_of(api).audit.checkpoint()
    line = cosigner.cosign(split_note(signed.note)[0], int(clock.now().timestamp())).line
    answer = api.post(
        "/api/v1/audit/cosignatures",
        json={"size": signed.size, "cosignature": line.rstrip("\n")},
        headers=officer.headers,
    )
    assert answer.status_code == 201, answer.text
    assert verify(live_server, "--cosigner", cosigner.key.vkey) == logverify.EXIT_OK, verify.lines
    assert any(line.startswith(f"cosigné par {name}") for line in verify.lines), verify.lines

    # A cosignature line altered in transit: refused, named.
    def tamper(path: str, body: bytes) -> bytes | None:
        if "/tile/" in path:
            return None
        text = body.decode()
        line = next((x for x in text.split("\n") if x.startswith(f"\u2014 {name} ")), None)
        if line is None:
            return None
        # One base64 character of the signature changed (still well-formed base64).
        at = len(line) - 10
        changed = line[:at] + ("A" if line[at] != "A" else "B") + line[at + 1 :]
        return text.replace(line, changed).encode()

    control.rewrite = tamper
    assert verify(control.url) == logverify.EXIT_FAULT
    assert "cosignature_invalid" in verify.codes(), verify.lines

    # A split view: the same size as the cosigned checkpoint, another root; the
    # cosigned checkpoint the officer saw is not a state of the view shown.
    control.rewrite = None
    entries = honest_entries(live_server)
    entries[0] = forged(9)
    control.view = View(entries, control.signer)  # type: ignore[attr-defined]
    assert verify(control.url) == logverify.EXIT_FAULT
    assert "fork" in verify.codes(), verify.lines


def test_the_console_script_exits_with_its_documented_codes(
    live_server: str, log: tuple[Verify, ProxyControl], tmp_path: Path
) -> None:
    verify, _ = log
    command = [sys.executable, "-m", "client.logverify", "--server", live_server]
    ok = subprocess.run(
        [*command, "--state", str(verify.state)], cwd=ROOT, capture_output=True, text=True
    )
    assert ok.returncode == logverify.EXIT_OK, ok.stdout + ok.stderr
    assert ok.stdout.startswith("ok: journal vérifié")
    usage = subprocess.run(
        [*command, "--state", str(tmp_path / "new")], cwd=ROOT, capture_output=True, text=True
    )
    assert usage.returncode == logverify.EXIT_USAGE  # no log key pinned yet
    down = subprocess.run(
        [
            sys.executable,
            "-m",
            "client.logverify",
            "--server",
            "http://127.0.0.1:9",
            "--state",
            str(verify.state),
            "--timeout",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert down.returncode == logverify.EXIT_UNREACHABLE, down.stdout


def test_without_a_recent_cosignature_by_a_pinned_cosigner_it_says_so(
    live_server: str, log: tuple[Verify, ProxyControl]
) -> None:
    verify, _ = log
    nobody = Cosigner("coffre.local/audit/cosigner/nobody", bytes(range(32)))
    assert verify(live_server, "--cosigner", nobody.key.vkey) == logverify.EXIT_OK
    assert "cosignature_missing" in verify.codes(), verify.lines
    assert (
        verify(live_server, "--require-cosigned") == logverify.EXIT_NOT_COSIGNED
    )  # the pinned cosigner is kept in the state
