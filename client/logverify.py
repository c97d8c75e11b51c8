"""``coffre-verify``: follow a Coffre audit log from outside, and name what is wrong with it.

A standalone verifier for anyone (a partner, an association, a journalist, the
authority): it talks HTTP to the server and checks everything with ``auditlog`` (the
format's own package, auditlog/SPEC.md); it imports nothing of the server. Each run:

1. fetches the latest checkpoint (``/api/v1/audit/log/checkpoint``) and the key history
   (``/api/v1/audit/log/keys``), follows the rotation statements from the pinned log key
   (``auditlog.keys.follow``) and checks the checkpoint's signature and origin;
2. checks the cosignatures on it against the pinned cosigner keys (C2SP
   tlog-cosignature), and the largest cosigned checkpoint (``/api/v1/audit/cosigned``);
3. compares it with the state: a smaller size than the one kept is a **rollback**; the
   same size with another root is a **fork**; a larger one must come with a
   consistency proof (``/api/v1/audit/proof/consistency``) that verifies;
4. reads the whole tree back from the tiles (``auditlog.tiles.read_tree``: every tile
   against the tile above and the signed root) and the entry bundles (each entry hashes
   to its tile), and compares the leaves with the ones kept: an old leaf that changed
   is named (**edited**, **deleted**, **inserted**, **reordered** entry, or the log
   rewritten from an entry on);
5. keeps the new state only when everything verified.

The state directory (``--state``): ``state.json`` (the pinned keys, the last verified
checkpoint), ``leaves.bin`` (its leaf hashes, 32 bytes each), ``checkpoints/<size>.txt``
(every checkpoint seen, signed: a later one of the same size with another root is a
fork) and ``evidence/`` (the two signed checkpoints of a fork or a rollback: the log's
key signed both, so they prove the fault to a third party).

Exit codes (docs/AUDIT.md, "coffre-verify"): 0 verified; 1 the log is at fault (a line
per fault, with its stable code); 2 the server could not be read (nothing concluded,
state unchanged); 3 verified, but no recent cosignature by a pinned cosigner
(``--require-cosigned``); 64 bad arguments or an unusable state directory.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from auditlog.checkpoint import Checkpoint, checkpoint_time, parse_checkpoint
from auditlog.cosignature import (
    CosignatureError,
    CosignerKey,
    parse_cosigner_key,
    verify_cosignatures,
)
from auditlog.keys import follow
from auditlog.merkle import ProofError, root, verify_consistency
from auditlog.note import NoteError, Verifier, open_note, parse_verifier_key
from auditlog.tiles import TILE_WIDTH, bundles_of, read_bundle, read_tree

EXIT_OK = 0
EXIT_FAULT = 1
EXIT_UNREACHABLE = 2
EXIT_NOT_COSIGNED = 3
EXIT_USAGE = 64

STATE_FORMAT = "coffre-verify/v1"
RECENT_SECONDS = 7 * 24 * 3600
"""A cosignature older than a week is not recent (the server's own rule,
coffre/audit/cosigning.py RECENT)."""

PREFIX = "/api/v1/audit"

MESSAGES = {
    "rollback": "le journal est revenu en arrière : {detail}",
    "fork": "deux versions différentes du journal ont été montrées (fork) : {detail}",
    "not_consistent": "le nouveau point de contrôle ne prolonge pas l'ancien : {detail}",
    "entry_edited": "entrée modifiée : {detail}",
    "entry_deleted": "entrée supprimée : {detail}",
    "entry_inserted": "entrée insérée : {detail}",
    "entries_reordered": "entrées interverties : {detail}",
    "log_rewritten": "journal réécrit : {detail}",
    "tile_invalid": "une tuile servie ne correspond pas au point de contrôle signé : {detail}",
    "bundle_invalid": "un paquet d'entrées servi ne correspond pas à ses tuiles : {detail}",
    "proof_invalid": "une preuve ne se vérifie pas : {detail}",
    "note_invalid": "signature du point de contrôle invalide : {detail}",
    "note_unknown_key": "point de contrôle signé par une clé inconnue : {detail}",
    "checkpoint_origin": "point de contrôle d'un autre journal : {detail}",
    "key_rotation_invalid": "historique des clés du journal invalide : {detail}",
    "cosignature_invalid": "cosignature invalide : {detail}",
    "cosignature_missing": "pas de cosignature récente par une clé épinglée : {detail}",
    "unreachable": "serveur injoignable ou réponse illisible : {detail}",
}


class Unreachable(Exception):
    """The server could not be read: nothing can be concluded."""


@dataclass(frozen=True)
class Finding:
    code: str
    detail: str

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(detail=self.detail)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    size: int | None = None
    cosigned_by: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def fault(self, code: str, detail: str) -> None:
        self.findings.append(Finding(code, detail))

    @property
    def ok(self) -> bool:
        return not self.findings


# --- the state directory ------------------------------------------------------------------


@dataclass
class State:
    """What a previous run verified and pinned."""

    path: Path
    server: str
    origin: str
    log_key: str
    cosigners: list[str]
    size: int = 0
    root: str = ""
    checkpoint: str = ""
    leaves: list[bytes] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> State | None:
        file = path / "state.json"
        if not file.exists():
            return None
        data = json.loads(file.read_text("utf-8"))
        if data.get("format") != STATE_FORMAT:
            raise ValueError("state.json: not a coffre-verify state")
        raw = (path / "leaves.bin").read_bytes() if (path / "leaves.bin").exists() else b""
        if len(raw) != 32 * int(data["size"]):
            raise ValueError("leaves.bin: does not hold the state's leaves")
        return cls(
            path=path,
            server=str(data["server"]),
            origin=str(data["origin"]),
            log_key=str(data["log_key"]),
            cosigners=[str(k) for k in data.get("cosigners", [])],
            size=int(data["size"]),
            root=str(data["root"]),
            checkpoint=str(data["checkpoint"]),
            leaves=[raw[i : i + 32] for i in range(0, len(raw), 32)],
        )

    def save(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        _write(self.path / "leaves.bin", b"".join(self.leaves))
        data = {
            "format": STATE_FORMAT,
            "server": self.server,
            "origin": self.origin,
            "log_key": self.log_key,
            "cosigners": self.cosigners,
            "size": self.size,
            "root": self.root,
            "checkpoint": self.checkpoint,
        }
        _write(self.path / "state.json", (json.dumps(data, indent=1) + "\n").encode())

    def seen(self, size: int) -> str | None:
        file = self.path / "checkpoints" / f"{size}.txt"
        return file.read_text("utf-8") if file.exists() else None

    def keep_seen(self, size: int, note: str) -> None:
        folder = self.path / "checkpoints"
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / f"{size}.txt"
        if not file.exists():
            _write(file, note.encode("utf-8"))

    def evidence(self, name: str, notes: Sequence[str]) -> Path:
        folder = self.path / "evidence"
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / f"{name}-{int(time.time())}.txt"
        _write(file, "\n".join(notes).encode("utf-8"))
        return file


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all (a run cut short leaves the previous state)."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)


# --- reading the server ------------------------------------------------------------------


class Server:
    """The few reads ``coffre-verify`` makes; any transport or HTTP failure is Unreachable."""

    def __init__(self, http: httpx.Client, base: str) -> None:
        self._http = http
        self._base = base.rstrip("/")

    def _get(self, path: str, params: dict[str, int] | None = None) -> httpx.Response:
        try:
            response = self._http.get(self._base + PREFIX + path, params=params)
        except httpx.HTTPError as exc:
            raise Unreachable(f"{path}: {type(exc).__name__}") from exc
        return response

    def _ok(self, path: str, params: dict[str, int] | None = None) -> httpx.Response:
        response = self._get(path, params)
        if response.status_code != 200:
            raise Unreachable(f"{path}: HTTP {response.status_code}")
        return response

    def checkpoint(self) -> str:
        return self._ok("/log/checkpoint").text

    def key_history(self) -> list[str]:
        try:
            data = self._ok("/log/keys").json()
            # The first key has no statement (nothing vouched for it but being pinned).
            history = data.get("history", [])
            return [str(item["statement"]) for item in history if item.get("statement")]
        except (ValueError, KeyError, TypeError) as exc:
            raise Unreachable("/log/keys: unreadable") from exc

    def tile(self, path: str) -> bytes:
        return self._ok("/log/" + path).content

    def consistency(self, old: int, new: int) -> tuple[list[bytes], str]:
        try:
            data = self._ok("/proof/consistency", {"old": old, "new": new}).json()
            proof = [base64.b64decode(p, validate=True) for p in data["proof"]]
            return proof, str(data["checkpoint"])
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise Unreachable("/proof/consistency: unreadable") from exc

    def cosigned(self) -> str | None:
        response = self._get("/cosigned")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise Unreachable(f"/cosigned: HTTP {response.status_code}")
        return response.text


# --- naming a rewrite --------------------------------------------------------------------


def name_difference(old: Sequence[bytes], new: Sequence[bytes]) -> Finding | None:
    """What changed in ``new`` among the ``len(old)`` leaves a previous run verified.

    None when ``new`` starts with ``old`` (the log only grew)."""
    m, n = len(old), len(new)
    first = next((i for i in range(min(m, n)) if old[i] != new[i]), None)
    if first is None:
        if n >= m:
            return None
        return Finding("rollback", f"{m - n} dernière(s) entrée(s) disparue(s) ({m} → {n})")
    i = first
    if n >= m and all(old[j] == new[j] for j in range(i + 1, m)):
        return Finding("entry_edited", f"entrée n° {i}")
    if old[i + 1 : m] == new[i : m - 1] and m - 1 <= n:
        return Finding("entry_deleted", f"entrée n° {i} (les suivantes ont été décalées)")
    if new[i + 1 : m + 1] == old[i:m] and n >= m + 1:
        return Finding("entry_inserted", f"une entrée ajoutée en position {i}")
    if (
        i + 1 < min(m, n)
        and old[i] == new[i + 1]
        and old[i + 1] == new[i]
        and old[i + 2 : m] == new[i + 2 : m]
    ):
        return Finding("entries_reordered", f"entrées n° {i} et {i + 1}")
    edited = [j for j in range(i, min(m, n)) if old[j] != new[j]]
    if n >= m and len(edited) <= 3:
        return Finding("entry_edited", "entrées n° " + ", ".join(map(str, edited)))
    return Finding("log_rewritten", f"à partir de l'entrée n° {i}")


# --- one run -----------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _open_checkpoint(note: str, keys: Sequence[Verifier], origin: str) -> Checkpoint:
    opened = open_note(note, keys)
    checkpoint = parse_checkpoint(opened.text)
    if checkpoint.origin != origin:
        raise NoteError("checkpoint of another log", "checkpoint_origin")
    return checkpoint


def _cosigners(state: State) -> list[CosignerKey]:
    return [parse_cosigner_key(k) for k in state.cosigners]


def verify_log(
    server: Server,
    state: State,
    *,
    now: float,
    bundles: bool = True,
) -> Report:
    """One run against ``server``; updates ``state`` (in memory) only when all verified.

    Raises Unreachable when the server cannot be read."""
    report = Report()
    pinned = parse_verifier_key(state.log_key)
    note = server.checkpoint()
    try:
        keys = follow(pinned, server.key_history(), origin=state.origin)
        checkpoint = _open_checkpoint(note, keys, state.origin)
    except NoteError as exc:
        report.fault(exc.code, str(exc))
        return report
    report.size = checkpoint.size
    cosigners = _cosigners(state)
    try:
        report.cosigned_by = verify_cosignatures(note, cosigners)
    except CosignatureError as exc:
        report.fault("cosignature_invalid", str(exc))

    # Rollback and fork against what was verified or seen before.
    seen = state.seen(checkpoint.size)
    if seen is not None:
        try:
            before = _open_checkpoint(seen, keys, state.origin)
            if before.root != checkpoint.root:
                evidence = state.evidence(f"fork-{checkpoint.size}", [seen, note])
                report.fault(
                    "fork",
                    f"deux points de contrôle signés de taille {checkpoint.size} aux racines "
                    f"différentes (preuve : {evidence})",
                )
        except NoteError:
            pass  # a kept file no key opens any more proves nothing
    if checkpoint.size < state.size:
        evidence = state.evidence(f"rollback-{checkpoint.size}", [state.checkpoint, note])
        report.fault(
            "rollback",
            f"taille {checkpoint.size} après {state.size} déjà vérifiée (preuve : {evidence})",
        )
    elif state.size and checkpoint.size > state.size:
        try:
            proof, _ = server.consistency(state.size, checkpoint.size)
            verify_consistency(
                state.size,
                checkpoint.size,
                base64.b64decode(state.root),
                checkpoint.root,
                proof,
            )
        except ProofError as exc:
            report.fault("not_consistent", f"de {state.size} à {checkpoint.size} ({exc})")

    # The tree itself, from the tiles, against the signed root.
    leaves: list[bytes] | None = None
    try:
        leaves = read_tree(server.tile, checkpoint.size, checkpoint.root)
    except ProofError as exc:
        report.fault(exc.code, str(exc))
    if leaves is not None:
        difference = name_difference(state.leaves, leaves)
        if difference is not None and difference.code != "rollback":  # reported above
            report.findings.append(difference)
        if bundles:
            for bundle in bundles_of(checkpoint.size):
                start = bundle.index * TILE_WIDTH
                try:
                    read_bundle(
                        server.tile(bundle.path()), bundle, leaves[start : start + TILE_WIDTH]
                    )
                except ProofError as exc:
                    report.fault(exc.code, str(exc))
                    break

    # The largest cosigned checkpoint: signed by the log, cosigned, and in this tree.
    cosigned_note = server.cosigned() if cosigners else None
    if cosigned_note is not None and leaves is not None:
        _check_cosigned(cosigned_note, keys, state, cosigners, leaves, report, now)

    if report.ok:
        state.keep_seen(checkpoint.size, note)
        state.size = checkpoint.size
        state.root = _b64(checkpoint.root)
        state.checkpoint = note
        state.leaves = list(leaves or [])
    else:
        state.keep_seen(checkpoint.size, note)
    return report


def _check_cosigned(
    note: str,
    keys: Sequence[Verifier],
    state: State,
    cosigners: Sequence[CosignerKey],
    leaves: Sequence[bytes],
    report: Report,
    now: float,
) -> None:
    try:
        checkpoint = _open_checkpoint(note, keys, state.origin)
        found = verify_cosignatures(note, cosigners)
    except NoteError as exc:
        report.fault(exc.code, f"point de contrôle cosigné : {exc}")
        return
    except CosignatureError as exc:
        report.fault("cosignature_invalid", str(exc))
        return
    if checkpoint.size > len(leaves) or root(leaves[: checkpoint.size]) != checkpoint.root:
        report.fault(
            "fork",
            f"le point de contrôle cosigné (taille {checkpoint.size}) n'est pas un état de "
            "ce journal : les cosignataires ont vu une autre version",
        )
        return
    for name, at in found.items():
        report.cosigned_by[name] = max(report.cosigned_by.get(name, 0), at)
    stamp = checkpoint_time(checkpoint)
    if stamp is not None:
        report.notes.append(f"cosigné jusqu'à l'entrée {checkpoint.size}")
    if found and now - max(found.values()) <= RECENT_SECONDS:
        return
    report.notes.append("aucune cosignature récente")


# --- the command -------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coffre-verify",
        description=(
            "Suit le journal d'audit d'un serveur Coffre depuis l'extérieur : signature des "
            "points de contrôle, preuves de cohérence, tuiles, cosignatures ; signale un "
            "fork, un retour en arrière et toute entrée modifiée, supprimée, insérée ou "
            "déplacée."
        ),
    )
    parser.add_argument("--server", required=True, help="adresse du serveur (https://…)")
    parser.add_argument("--state", required=True, type=Path, help="dossier d'état")
    parser.add_argument(
        "--log-key",
        help="clé publique du journal (nom+id+base64) ; obligatoire au premier lancement",
    )
    parser.add_argument(
        "--cosigner",
        action="append",
        default=[],
        help="clé d'un cosignataire à épingler (répétable)",
    )
    parser.add_argument(
        "--require-cosigned",
        action="store_true",
        help="code 3 si aucune cosignature récente d'une clé épinglée",
    )
    parser.add_argument("--no-bundles", action="store_true", help="ne pas lire les entrées")
    parser.add_argument("--timeout", type=float, default=30.0)
    return parser


def _origin_of(vkey: str) -> str:
    return parse_verifier_key(vkey).name


def run(
    argv: Sequence[str],
    *,
    transport: httpx.BaseTransport | None = None,
    out: Callable[[str], None] = print,
    now: Callable[[], float] = time.time,
) -> int:
    """The command; returns its exit code (``main`` exits with it)."""
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        state = State.load(args.state)
        if state is None:
            if not args.log_key:
                out("coffre-verify: --log-key est obligatoire au premier lancement")
                return EXIT_USAGE
            state = State(
                path=args.state,
                server=args.server,
                origin=_origin_of(args.log_key),
                log_key=args.log_key,
                cosigners=[],
            )
        elif args.log_key and args.log_key != state.log_key:
            out("coffre-verify: une autre clé du journal est déjà épinglée dans cet état")
            return EXIT_USAGE
        for vkey in args.cosigner:
            parse_cosigner_key(vkey)
            if vkey not in state.cosigners:
                state.cosigners.append(vkey)
    except (ValueError, KeyError, OSError, NoteError, CosignatureError) as exc:
        out(f"coffre-verify: état ou argument inutilisable ({exc})")
        return EXIT_USAGE
    with httpx.Client(timeout=args.timeout, transport=transport) as http:
        try:
            report = verify_log(
                Server(http, args.server), state, now=now(), bundles=not args.no_bundles
            )
        except Unreachable as exc:
            out(f"unreachable: {MESSAGES['unreachable'].format(detail=exc)}")
            return EXIT_UNREACHABLE
    for finding in report.findings:
        out(f"{finding.code}: {finding.message}")
    if not report.ok:
        return EXIT_FAULT
    state.save()
    out(f"ok: journal vérifié jusqu'à l'entrée {report.size} ({args.server})")
    for name, at in sorted(report.cosigned_by.items()):
        out(f"cosigné par {name} ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(at))})")
    if state.cosigners and (
        not report.cosigned_by or now() - max(report.cosigned_by.values()) > RECENT_SECONDS
    ):
        out(f"cosignature_missing: {MESSAGES['cosignature_missing'].format(detail=args.server)}")
        if args.require_cosigned:
            return EXIT_NOT_COSIGNED
    return EXIT_OK


def main() -> None:
    """Entry point of the ``coffre-verify`` console script."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
