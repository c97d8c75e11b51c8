"""Your data out of Coffre: your history, and your whole vault as one ZIP file.

``export_vault`` asks the server to record the export (``POST /me/exports``, which
answers the documents' keys and metadata, the grants and the history), then
downloads and decrypts every document here, one at a time, streamed into the ZIP:
no document is ever held whole in memory. The ZIP is written as ``NAME.zip.part``
(mode 0600: it holds decrypted documents) and renamed only when complete; on any
failure nothing is left behind. Layout (docs/AUDIT.md, "History and export"):

    LISEZMOI.txt                    what is in the archive, in French
    manifest.json                   format, account, documents (path in the ZIP,
                                    size, SHA-256, category, dates, deposit and
                                    whether its signature verified), grants, audit key
    history.json, history.csv       the history (CSV: French headers, ";" separated)
    receipts/<grant_id>.json        each grant's consent receipt with what checks it
                                    (docs/CONSENT.md; ``coffre receipt verify``)
    organiser.json                  the organiser's notes, contacts and appointments,
                                    opened here (SPEC §30; client/organiser.py)
    rendez-vous.ics                 the appointments, for a calendar (RFC 5545)
    documents/<category>/<name>     each document, decrypted, under a safe file name

A deposited document carries its depositor's signed statement (SPEC §16): it is
checked here against the depositor's keys verified up to the territory's root
(the pinned fingerprint if given, else the root the server shows), and the
manifest says ``"verified": true`` or why not.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import mimetypes
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, cast
from urllib.parse import quote

from client.api import ApiError, CoffreClient
from client.documents_v2 import OwnerReader
from client.network import trusted_keys
from client.organiser import appointments_ics, read_items
from crypto import (
    AccountKeys,
    CryptoError,
    DocumentMetadata,
    b64decode,
    verify_statement,
)
from crypto.binding import read_bound_statement
from crypto.certificates import CertifiedKeys
from crypto.consent import read_deposit
from crypto.metadata_v2 import DocumentMetadataV2
from crypto.pins import pin_spoken
from crypto.statements_v2 import DEPOSIT, verify_statement_v2

FORMAT = "coffre-export"
VERSION = 1
HISTORY_FORMAT = "coffre-history"

ExportProgress = Callable[[int, int], None]
"""Called with (ciphertext bytes done, ciphertext bytes in all)."""

# -- safe file names ---------------------------------------------------------------

# Names Windows refuses for a file, with or without an extension (case-insensitive).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
_FORBIDDEN = frozenset('<>:"/\\|?*')
_MAX_NAME_BYTES = 180  # under every common file system's 255 bytes, with room for " (12)"
_MAX_EXTENSION = 16


def safe_name(name: str, *, fallback: str = "document") -> str:
    """A file name that is the same on every system and cannot leave its folder.

    The decrypted name may come from someone else (a deposit): path separators, ``..``,
    control and bidirectional-override characters (``facture\\u202efdp.exe``), names
    Windows reserves (``CON``, ``nul.txt``), trailing dots and spaces are neutralised.
    """
    text = unicodedata.normalize("NFC", name)
    text = re.split(r"[/\\]", text)[-1]
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in _FORBIDDEN or category in ("Cc", "Zl", "Zp"):
            kept.append("_")
        elif category == "Cf":  # invisible formatting: bidi overrides, zero widths
            continue
        else:
            kept.append(char)
    text = "".join(kept).strip().strip(".").strip()
    if not text:
        return fallback
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION:
        stem, extension = text, ""
    if stem.split(".")[0].rstrip().upper() in _RESERVED:
        stem = "_" + stem
    suffix = "." + extension if extension else ""
    budget = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > budget:
        stem = stem[:-1]
    return (stem.rstrip(" .") or fallback) + suffix


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``…, not yet in ``taken`` (compared without case, as on
    Windows and macOS); the chosen name is added to ``taken``."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    suffix = "." + extension if extension else ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return candidate


def _with_extension(name: str, mime: str) -> str:
    """Adds the type's extension when the name has none, so the file opens."""
    if "." in name.strip("."):
        return name
    guessed = mimetypes.guess_extension(mime.split(";")[0].strip()) if mime else None
    return name + guessed if guessed else name


# -- history -----------------------------------------------------------------------


def history(
    client: CoffreClient, *, document: str | None = None, professional: str | None = None
) -> list[dict[str, Any]]:
    """Your history, newest first (``GET /me/history``), optionally about one document
    or one professional. Each item carries a French ``summary``."""
    params = {k: v for k, v in (("document", document), ("professional", professional)) if v}
    items: list[dict[str, Any]] = client.call("GET", "/me/history", params=params).json()["items"]
    return items


OUTCOMES_FR = {"ok": "effectué", "refused": "refusé", "failed": "échoué"}
CSV_HEADERS = (
    "Date",
    "Qui",
    "Structure",
    "Ce qui s'est passé",
    "Action",
    "Documents",
    "Catégorie",
    "Finalité",
    "Motif indiqué",
    "Résultat",
    "Numéro dans le journal",
)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection):
    reasons are typed by professionals."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def history_rows(items: list[dict[str, Any]]) -> Iterator[list[str]]:
    """The history as CSV rows under ``CSV_HEADERS`` (times in this computer's zone)."""
    for item in items:
        who = item.get("who") or {}
        at = datetime.fromisoformat(str(item["at"])).astimezone()
        yield [
            _cell(value)
            for value in (
                at.strftime("%Y-%m-%d %H:%M:%S %z"),
                who.get("name"),
                who.get("structure_name"),
                item.get("summary"),
                item.get("action"),
                " ".join(d["id"] for d in item.get("documents") or []),
                item.get("category_label"),
                item.get("purpose_label"),
                item.get("reason"),
                OUTCOMES_FR.get(str(item.get("outcome")), item.get("outcome")),
                item.get("seq"),
            )
        ]


# -- the export --------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    documents: int
    ciphertext_bytes: int
    deposits: int
    deposits_verified: int


README_FR = """\
Export de votre coffre Coffre
=============================

Ce fichier contient tous vos documents, déchiffrés sur votre ordinateur, et
l'historique de votre coffre. Gardez-le en lieu sûr : il n'est pas chiffré.

- documents/ : vos documents, rangés par catégorie ;
- history.csv : l'historique (qui a ouvert vos documents, quand, pour quoi,
  vos partages, dépôts, demandes, connexions), lisible dans un tableur ;
- history.json : le même historique, pour un programme ;
- organiser.json : votre carnet (notes, contacts, rendez-vous), en clair ;
- rendez-vous.ics : vos rendez-vous, à ouvrir avec un agenda (téléphone,
  ordinateur) ;
- receipts/ : le reçu de chacun de vos partages, signé par vous au moment de
  partager (à qui, pour quoi, quels documents, jusqu'à quand) ;
- manifest.json : la liste des documents avec leur empreinte SHA-256, vos
  partages, et la preuve d'origine des documents déposés par un·e professionnel·le
  ("verified": true quand la signature a été vérifiée).

Exporté le {exported_at} pour le compte {login}.
"""


def export_vault(
    client: CoffreClient,
    keys: AccountKeys,
    dest_zip: Path,
    progress: ExportProgress | None = None,
    *,
    pinned_root: str | None = None,
) -> ExportSummary:
    """Export the whole vault into ``dest_zip`` (replaced if it exists).

    ``pinned_root``: the territory's root fingerprint, as published (the charter page);
    without it the root the server shows is used, and the manifest says so.
    Raises ``ApiError`` (``integrity_mismatch`` when a document does not match its
    metadata), ``CryptoError`` or ``httpx`` errors; then no file is left behind.
    """
    dest = Path(dest_zip)
    part = dest.with_name(dest.name + ".part")
    data: dict[str, Any] = client.call("POST", "/me/exports").json()
    documents: list[dict[str, Any]] = data["documents"]
    total = sum(int(d["ciphertext_size"]) for d in documents)
    done = 0
    if progress is not None:
        progress(0, total)

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
                writer = _Writer(client, keys, archive, data, pinned_root)
                listed = [writer.document(doc, advance) for doc in documents]
                writer.finish(listed)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    deposits = [d for d in listed if d["deposit"] is not None]
    return ExportSummary(
        path=dest,
        documents=len(listed),
        ciphertext_bytes=total,
        deposits=len(deposits),
        deposits_verified=sum(1 for d in deposits if d["deposit"]["verified"]),
    )


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = moment.astimezone()
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def _member(path: str, moment: datetime, size: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=_zip_time(moment))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    if size is not None:
        info.file_size = size  # lets zipfile choose ZIP64 ahead for a large document
    return info


class _Writer:
    """Writes one export's members, one at a time."""

    def __init__(
        self,
        client: CoffreClient,
        keys: AccountKeys,
        archive: zipfile.ZipFile,
        data: dict[str, Any],
        pinned_root: str | None,
    ) -> None:
        self._client = client
        self._keys = keys
        self._archive = archive
        self._data = data
        self._taken: dict[str, set[str]] = {}
        self._depositors: dict[str, CertifiedKeys | Exception] = {}
        self._root = pinned_root
        self._root_pinned = pinned_root is not None
        self._exported_at = datetime.fromisoformat(str(data["exported_at"]))
        self._reader = OwnerReader(client, keys, pinned_root=pinned_root, origin_required=False)

    # -- one document ---------------------------------------------------------
    def document(self, doc: dict[str, Any], advance: Callable[[int], None]) -> dict[str, Any]:
        if "binding" not in doc:  # the export's list may predate format v2: ask the document
            path = f"/documents/{quote(str(doc['id']), safe='')}"
            doc = {**self._client.call("GET", path).json(), **doc}
        # Checked as every owner's read (SPEC §24.4) before any byte is written.
        opened = self._reader.open(doc)
        metadata = opened.metadata
        folder = safe_name(str(doc["category"]), fallback="autre")
        name = unique_name(
            _with_extension(safe_name(metadata.name), metadata.mime),
            self._taken.setdefault(folder, set()),
        )
        path = f"documents/{folder}/{name}"
        created = datetime.fromisoformat(str(doc["created_at"]))
        cipher_digest = hashlib.sha256()
        plain_digest = hashlib.sha256()
        written = 0
        with self._ciphertext(str(doc["id"])) as pieces:

            def counted() -> Iterator[bytes]:
                for piece in pieces:
                    cipher_digest.update(piece)
                    advance(len(piece))
                    yield piece

            with self._archive.open(_member(path, created, metadata.size), "w") as member:
                for plain in self._reader.open(doc, counted()).plaintext:
                    plain_digest.update(plain)
                    member.write(plain)
                    written += len(plain)
        _check(metadata, written, plain_digest.hexdigest())
        ciphertext_sha256 = cipher_digest.hexdigest()
        if ciphertext_sha256 != doc["ciphertext_sha256"]:
            raise ApiError(0, "integrity_mismatch", "Le document reçu ne correspond pas.")
        return {
            "id": doc["id"],
            "path": path,
            "name": metadata.name,
            "mime": metadata.mime,
            "size": metadata.size,
            "sha256": metadata.sha256,
            "category": doc["category"],
            "created_at": doc["created_at"],
            "updated_at": doc.get("updated_at"),
            "expires_on": doc.get("expires_on"),
            "ciphertext_size": doc["ciphertext_size"],
            "ciphertext_sha256": ciphertext_sha256,
            "deposit": self._deposit(doc, ciphertext_sha256),
        }

    @contextmanager
    def _ciphertext(self, document_id: str) -> Iterator[Iterator[bytes]]:
        """The stored ciphertext, streamed (the same request as ``CoffreClient.download``,
        read piece by piece instead of into a file)."""
        path = f"/documents/{quote(document_id, safe='')}/content"
        with self._client.stream("GET", path) as response:
            yield response.iter_bytes()

    # -- deposits -------------------------------------------------------------
    def _root_fingerprint(self) -> str:
        if self._root is None:
            root = self._client.call("GET", "/trust/root").json()["root"]
            self._root = pin_spoken(b64decode(str(root["signer"])))
        return self._root

    def _depositor_keys(self, depositor_id: str) -> CertifiedKeys:
        if depositor_id not in self._depositors:
            try:
                found: CertifiedKeys | Exception = trusted_keys(
                    self._client, depositor_id, self._root_fingerprint()
                )
            except (ApiError, CryptoError, KeyError, ValueError) as exc:
                found = exc
            self._depositors[depositor_id] = found
        keys = self._depositors[depositor_id]
        if isinstance(keys, Exception):
            raise keys
        return keys

    def _deposit(self, doc: dict[str, Any], ciphertext_sha256: str) -> dict[str, Any] | None:
        deposit = doc.get("deposit")
        if not deposit:
            return None
        depositor = dict(deposit["depositor"])
        problem = None
        statement = deposit["envelope"].get("statement") if deposit.get("envelope") else None
        if isinstance(statement, dict) and statement.get("v") == 2:
            problem = self._deposit_v2_problem(doc, deposit["envelope"], ciphertext_sha256)
            return {
                "envelope": deposit["envelope"],
                "depositor": depositor,
                "verified": problem is None,
                "problem": problem,
            }
        try:
            keys = self._depositor_keys(str(depositor.get("account_id")))
        except (ApiError, CryptoError, KeyError, ValueError):
            problem = (
                "les clés du déposant n'ont pas pu être vérifiées jusqu'à la racine du "
                "territoire (il ou elle a peut-être quitté sa structure)"
            )
        else:
            problem = _deposit_problem(
                deposit["envelope"],
                keys,
                person=str(self._data["account"]["id"]),
                document=str(doc["id"]),
                depositor=str(depositor.get("account_id")),
                ciphertext_sha256=ciphertext_sha256,
            )
        return {
            "envelope": deposit["envelope"],
            "depositor": depositor,
            "verified": problem is None,
            "problem": problem,
        }

    def _deposit_v2_problem(
        self, doc: dict[str, Any], envelope: dict[str, Any], ciphertext_sha256: str
    ) -> str | None:
        """A v2 deposit (SPEC §24.3) proves the origin of the version it names: signed by
        the depositor's certified key, for this person and document, and (after a rename
        by the person) still the same content."""
        try:
            depositor = str(envelope["statement"]["depositor"])
            signer = self._reader.certified_sign_key(depositor)
        except (ApiError, CryptoError, KeyError, ValueError, TypeError):
            return (
                "les clés du déposant n'ont pas pu être vérifiées jusqu'à la racine du "
                "territoire (il ou elle a peut-être quitté sa structure)"
            )
        try:
            parts = read_bound_statement(verify_statement_v2(envelope, signer, DEPOSIT))
        except CryptoError:
            return "la signature ne correspond pas aux clés certifiées du déposant"
        if parts.owner != str(self._data["account"]["id"]) or parts.document != str(doc["id"]):
            return "la déclaration de dépôt concerne une autre personne ou un autre document"
        if parts.ciphertext_sha256 != ciphertext_sha256:
            return (
                "le document a changé depuis le dépôt (re-chiffré) : la signature ne couvre "
                "plus ce contenu"
            )
        return None

    # -- the rest -------------------------------------------------------------
    def finish(self, listed: list[dict[str, Any]]) -> None:
        data = self._data
        account = data["account"]
        root = self._root
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": data["exported_at"],
            "account": {"id": account["id"], "login": account["login"]},
            "documents": listed,
            "grants": data["grants"],
            # Each grant's consent receipt, as GET /grants/{id}/receipt answers it: a file
            # of its own that `coffre receipt verify` checks (docs/CONSENT.md).
            "receipts": [
                f"receipts/{receipt['grant_id']}.json" for receipt in data.get("receipts", [])
            ],
            "history": {"json": "history.json", "csv": "history.csv"},
            "organiser": {"json": "organiser.json", "ics": "rendez-vous.ics"},
            "trust_root": (
                {"fingerprint": root, "pinned": self._root_pinned} if root is not None else None
            ),
            "audit": data["audit"],
        }
        self._json("manifest.json", manifest)
        for receipt in data.get("receipts", []):
            self._json(f"receipts/{receipt['grant_id']}.json", receipt)
        self._json(
            "history.json",
            {
                "format": HISTORY_FORMAT,
                "version": VERSION,
                "account": {"id": account["id"], "login": account["login"]},
                "items": data["history"],
            },
        )
        with self._archive.open(_member("history.csv", self._exported_at), "w") as member:
            member.write(codecs.BOM_UTF8)  # spreadsheets then read the accents right
            text = _text_member(member)
            table = csv.writer(text, delimiter=";", lineterminator="\r\n")
            table.writerow(CSV_HEADERS)
            table.writerows(history_rows(data["history"]))
            text.flush()
            text.detach()
        organiser = read_items(self._client, self._keys, str(account["id"]))
        self._json("organiser.json", organiser)
        self._archive.writestr(
            _member("rendez-vous.ics", self._exported_at),
            appointments_ics(organiser, self._exported_at),
        )
        readme = README_FR.format(exported_at=data["exported_at"], login=account["login"])
        self._archive.writestr(_member("LISEZMOI.txt", self._exported_at), readme)

    def _json(self, path: str, value: object) -> None:
        body = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        self._archive.writestr(_member(path, self._exported_at), body.encode("utf-8"))


def _text_member(member: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(cast(BinaryIO, member), encoding="utf-8", newline="")


def _check(metadata: DocumentMetadata | DocumentMetadataV2, written: int, sha256: str) -> None:
    if written != metadata.size or sha256 != metadata.sha256:
        raise ApiError(0, "integrity_mismatch", "Le document reçu ne correspond pas.")


def _deposit_problem(
    envelope: dict[str, Any],
    keys: CertifiedKeys,
    *,
    person: str,
    document: str,
    depositor: str,
    ciphertext_sha256: str,
) -> str | None:
    """None when the statement is signed by the depositor's certified key and is about
    this person, this document and these exact bytes; else why not, in French."""
    try:
        statement = read_deposit(verify_statement(envelope, expected_signer=keys.sign_public))
    except CryptoError:
        return "la signature ne correspond pas aux clés certifiées du déposant"
    if statement.person != person or statement.document != document:
        return "la déclaration de dépôt concerne une autre personne ou un autre document"
    if statement.depositor != depositor:
        return "la déclaration de dépôt nomme un autre déposant"
    if statement.ciphertext_sha256 != ciphertext_sha256:
        return (
            "le document a changé depuis le dépôt (re-chiffré) : la signature ne couvre "
            "plus ce contenu"
        )
    return None
