"""Benchmark: reaching people (issue 19), each new path as a ratio against its raw path.

Run: ``.venv/bin/python -m bench.reach [--backends sqlite,postgres] [--notifications 100]
[--rounds 3] [--reminders 1000] [--samples 300] [--no-write]``. About two and a half
minutes on two loaded cores (one for ``--backends sqlite``).

On each backend (SQLite in a temporary folder; PostgreSQL started on loopback in a
temporary folder, as the tests do), with a Brevo-like SMS server on 127.0.0.1
(``SmsProvider`` from tests/notifications/servers.py, the one the channel's contract
tests use) and ``Coffre.build`` as the app and the worker build it:

1. The outbox. ``--notifications`` N notifications (``notify``, persons with a phone
   login who chose SMS), then ``coffre.outbox.deliver()`` run until the server holds
   them all: dispatch (notification -> keyed delivery), claim (one UPDATE, a lease),
   send through the SMS channel (8 at a time), record. Raw path: the same channel's
   ``send()`` N times to the same server, one after the other and 8 at a time (the
   deliverer's own parallelism). And two deliverers at once (two ``Coffre`` instances,
   two engines, in two threads of this process: like two workers, but sharing one
   interpreter lock). Best of ``--rounds`` rounds, the modes' order turning from round
   to round; every run checks that the server got each delivery's tag exactly once.
2. ``notify()`` in an event's unit of work against a raw insert of the same row into a
   plain table (each its own transaction, interleaved, medians of ``--samples``), and
   for a person who chose SMS against one who chose nothing (``notify`` looks up no
   channel, so any event's unit of work, a pull's included, should not depend on what
   the person chose); then ``dispatch`` per notification for persons who chose SMS and
   for persons with no way out chosen (nothing to send: only marked dispatched), N
   notifications each, best of the rounds.
3. The reminders job: ``--reminders`` R own reminders due now (10 per person), sent by
   ``coffre.reminders.run()`` (advance, occurrence key, ``reminder.due`` notification
   and history entry, one unit of work each), in two halves; raw path: R units of work
   that each only ``notify()``. The SQL statements per delivery and per reminder are
   counted too.

And once, without a database: an organiser item's ``seal_item`` / ``open_item``
(crypto/organiser.py, SPEC §30) against a raw document v2 of the same padded size (a
fresh document key, the §21 stream, the key sealed to the owner; open: unseal and
decrypt), and a reminder text's seal/open (§31) against a bare sealed box of the same
bytes.

It prints the figures and rewrites its section of docs/PERFORMANCE.md ("Reaching people
(issue 19)"). Every address is on loopback. Never run as a test.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from nacl.bindings import crypto_box_seal, crypto_box_seal_open
from nacl.public import PrivateKey
from nacl.signing import SigningKey
from sqlalchemy import Column, DateTime, MetaData, String, Table, Text, event, insert
from sqlalchemy.engine import Engine

from bench import report
from bench.report import database
from coffre.accounts.models import Account
from coffre.clock import SystemClock
from coffre.container import Coffre
from coffre.db import migrate
from coffre.ids import new_id
from coffre.notifications import preferences
from coffre.notifications.channels.base import Outcome, Outgoing
from coffre.notifications.messages import text_for
from coffre.notifications.outbox import SENDERS
from coffre.notifications.service import Kind, notify
from coffre.reminders.models import Reminder
from coffre.settings import Settings
from crypto.document_key import new_document_key
from crypto.organiser import (
    ITEM_CHUNK_SIZE,
    item_bucket,
    item_plaintext,
    open_item,
    open_reminder_text,
    reminder_plaintext,
    seal_item,
    seal_reminder_text,
)
from crypto.sealed import SEALED_KEY_BYTES, open_sealed_key, seal_document_key
from crypto.stream_v2 import decrypt_bytes_v2, encrypt_bytes_v2
from tests.notifications.servers import SmsProvider

MARKER = "reach"
HEADING = "Reaching people (issue 19)"
REMINDERS_PER_PERSON = 10
DRAIN_TIMEOUT = 120.0

_raw = MetaData()
RAW = Table(  # a notification's row, in a plain table: no index, no foreign key
    "bench_raw_notifications",
    _raw,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32)),
    Column("kind", String(32)),
    Column("data", Text()),
    Column("created_at", DateTime(timezone=True)),
)


class _Statements:
    """Counts the SQL statements an engine sends (every thread), to say where the time
    goes: on a loaded machine a round trip to the database costs more than the Python."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args: object) -> None:
        with self._lock:
            self.count += 1

    def stop(self, engine: Engine) -> int:
        event.remove(engine, "before_cursor_execute", self._one)
        return self.count


# --- the world ------------------------------------------------------------------------


def _persons(coffre: Coffre, n: int, first: int, *, sms: bool) -> list[tuple[str, str]]:
    """``n`` persons with a phone login (bulk rows: no passphrase work), their SMS
    chosen or not; returns (account id, login)."""
    now = coffre.clock.now()
    blank = bytes(32)
    made = [(new_id(), f"06{first + i:08d}") for i in range(n)]
    rows = [
        {
            "id": account_id,
            "kind": "person",
            "login": login,
            "kdf_alg": "argon2id13",
            "kdf_salt": bytes(16),
            "kdf_opslimit": 3,
            "kdf_memlimit": 64 * 1024 * 1024,
            "auth_verifier": blank,
            "recovery_verifier": blank,
            "wrapped_master_passphrase": bytes(72),
            "wrapped_master_recovery": bytes(72),
            "wrapped_keyring": bytes(120),
            "box_public_key": blank,
            "sign_public_key": blank,
            "created_at": now,
        }
        for account_id, login in made
    ]
    chosen = preferences.with_changes(preferences.DEFAULTS, sms=True)
    with coffre.db.unit_of_work() as db:
        db.execute(insert(Account), rows)
        if sms:
            for account_id, _ in made:
                preferences.save(db, account_id, chosen, now)
    return made


def _tell(coffre: Coffre, persons: list[tuple[str, str]], n: int) -> None:
    """``n`` notifications (round robin over ``persons``), in one unit of work."""
    with coffre.db.unit_of_work() as db:
        for i in range(n):
            account_id = persons[i % len(persons)][0]
            notify(db, account_id, Kind.DOCUMENT_PULLED, {"document": "x" * 32}, coffre.clock.now())


def _tags(provider: SmsProvider, since: int) -> list[str]:
    with provider.far.lock:
        return [str(m.body.get("tag")) for m in provider.messages[since:]]


def _check_once(provider: SmsProvider, since: int, n: int, what: str) -> None:
    tags = _tags(provider, since)
    if len(tags) != n or len(set(tags)) != n:
        raise SystemExit(f"{what}: {len(tags)} SMS for {n} deliveries, {len(set(tags))} distinct")


# --- 1. the outbox ----------------------------------------------------------------------


def _drain(coffre: Coffre, provider: SmsProvider, target: int) -> None:
    """Run ``deliver()`` until the server holds ``target`` messages."""
    deadline = time.perf_counter() + DRAIN_TIMEOUT
    while len(provider.messages) < target:
        if time.perf_counter() > deadline:
            raise SystemExit(f"deliveries still missing after {DRAIN_TIMEOUT:.0f} s")
        done = coffre.outbox.deliver()
        if not done.dispatched and not done.claimed:
            time.sleep(0.005)  # the other deliverer holds the rest: let it send


MODES = ("raw_seq", "raw_par", "one", "two")


def measure_outbox(
    coffre: Coffre, second: Coffre, provider: SmsProvider, n: int, rounds: int
) -> dict[str, Any]:
    """Seconds for ``n`` deliveries in each mode, best of ``rounds`` rounds (the order of
    the modes turns from round to round, so that a burst of load hits each in turn)."""
    sms = coffre.outbox.channels["sms"]
    text = text_for(Kind.DOCUMENT_PULLED.value, "fr")
    persons = _persons(coffre, n, 0, sms=True)
    tag = secrets.token_hex(4)
    keys = itertools.count()

    def raw_send(i: int) -> None:
        message = Outgoing(key=f"raw-{tag}-{i}", title=text.title, body=text.body)
        sent = sms.send(persons[i % len(persons)][1], message)
        if sent.outcome is not Outcome.SENT:
            raise SystemExit(f"raw send: {sent}")

    def raw_seq() -> None:
        for _ in range(n):
            raw_send(next(keys))

    def raw_par() -> None:
        with ThreadPoolExecutor(max_workers=SENDERS) as pool:
            list(pool.map(raw_send, [next(keys) for _ in range(n)]))

    def one() -> None:
        _drain(coffre, provider, len(provider.messages) + n)

    def two() -> None:
        target = len(provider.messages) + n
        with ThreadPoolExecutor(max_workers=2) as pool:
            running = [pool.submit(_drain, c, provider, target) for c in (coffre, second)]
            for future in running:
                future.result()

    steps: dict[str, Callable[[], None]] = {
        "raw_seq": raw_seq,
        "raw_par": raw_par,
        "one": one,
        "two": two,
    }
    for _ in range(10):  # warm the channel (TLS context, the SDK's imports) and the server
        raw_send(next(keys))
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    statements = 0
    for r in range(rounds):
        for mode in MODES[r % len(MODES) :] + MODES[: r % len(MODES)]:
            if mode in ("one", "two"):
                _tell(coffre, persons, n)  # not timed: the events' side is measured below
            since = len(provider.messages)
            counter = _Statements(coffre.db.engine) if mode == "one" else None
            t0 = time.perf_counter()
            steps[mode]()
            times[mode].append(time.perf_counter() - t0)
            if counter is not None:
                statements += counter.stop(coffre.db.engine)
            time.sleep(0.1)  # a late duplicate would arrive now
            _check_once(provider, since, n, mode)
    figures: dict[str, Any] = {mode: min(times[mode]) for mode in MODES}
    figures["statements"] = statements / (n * rounds)
    return figures


# --- 2. notify() and dispatch ------------------------------------------------------------


def _paired(
    samples: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, float]:
    """Medians of ``samples`` calls of each, interleaved (the order alternates), so that
    a change in the machine's load moves both alike."""
    timings: tuple[list[float], list[float]] = ([], [])
    for i in range(samples):
        for which in (0, 1) if i % 2 == 0 else (1, 0):
            step = first if which == 0 else second
            t0 = time.perf_counter()
            step()
            timings[which].append(time.perf_counter() - t0)
    return statistics.median(timings[0]), statistics.median(timings[1])


def measure_notify(coffre: Coffre, n: int, samples: int, rounds: int) -> dict[str, Any]:
    _raw.create_all(coffre.db.engine)
    with_sms = _persons(coffre, 50, 200_000, sms=True)
    without = _persons(coffre, 50, 300_000, sms=False)
    account_id = without[0][0]
    data = '{"document": "' + "x" * 32 + '"}'

    def raw() -> None:
        with coffre.db.unit_of_work() as db:
            db.execute(
                insert(RAW).values(
                    id=new_id(),
                    account_id=account_id,
                    kind=Kind.DOCUMENT_PULLED.value,
                    data=data,
                    created_at=coffre.clock.now(),
                )
            )

    def told() -> None:
        with coffre.db.unit_of_work() as db:
            notify(db, account_id, Kind.DOCUMENT_PULLED, {"document": "x" * 32}, coffre.clock.now())

    def told_sms() -> None:  # the same event for a person who chose SMS
        with coffre.db.unit_of_work() as db:
            notify(
                db, with_sms[0][0], Kind.DOCUMENT_PULLED, {"document": "x" * 32}, coffre.clock.now()
            )

    _paired(20, raw, told)  # warm both
    raw_s, notify_s = _paired(samples, raw, told)
    plain_s, sms_s = _paired(samples, told, told_sms)
    coffre.outbox.dispatch()  # what the samples left, before timing dispatch alone
    while coffre.outbox.dispatch():
        pass

    def dispatch_all(persons: list[tuple[str, str]]) -> float:
        _tell(coffre, persons, n)
        t0 = time.perf_counter()
        done = 0
        while True:
            got = coffre.outbox.dispatch()
            if not got:
                break
            done += got
        elapsed = time.perf_counter() - t0
        if done != n:
            raise SystemExit(f"dispatch: {done} of {n}")
        return elapsed / n

    sms_runs: list[float] = []
    none_runs: list[float] = []
    for r in range(rounds):  # best of the rounds, the order alternating
        for persons, runs in ((with_sms, sms_runs), (without, none_runs))[:: 1 if r % 2 else -1]:
            runs.append(dispatch_all(persons))
    return {
        "raw": raw_s,
        "notify": notify_s,
        "notify_plain": plain_s,
        "notify_sms": sms_s,
        "dispatch_sms": min(sms_runs),
        "dispatch_none": min(none_runs),
    }


# --- 3. the reminders job -----------------------------------------------------------------


def measure_reminders(coffre: Coffre, count: int) -> dict[str, Any]:
    """Two halves, timed raw-then-job and job-then-raw, so that a change in the load
    moves both sides alike."""
    persons = _persons(coffre, max(1, count // REMINDERS_PER_PERSON), 400_000, sms=False)
    half = count // 2
    raw = run = 0.0
    statements = 0
    for first_raw, size in ((True, half), (False, count - half)):
        _due_reminders(coffre, persons, size)
        steps = ("raw", "run") if first_raw else ("run", "raw")
        for step in steps:
            if step == "raw":
                t0 = time.perf_counter()
                for i in range(size):
                    with coffre.db.unit_of_work() as db:
                        account_id = persons[i % len(persons)][0]
                        data = {"reminder_id": "r" * 32}
                        notify(db, account_id, Kind.REMINDER_DUE, data, coffre.clock.now())
                raw += time.perf_counter() - t0
            else:
                counter = _Statements(coffre.db.engine)
                t0 = time.perf_counter()
                done = coffre.reminders.run()
                run += time.perf_counter() - t0
                statements += counter.stop(coffre.db.engine)
                if done.own != size:
                    raise SystemExit(f"reminders.run sent {done.own} of {size}")
    t0 = time.perf_counter()
    again = coffre.reminders.run()
    idle = time.perf_counter() - t0
    if again.own:
        raise SystemExit("reminders.run sent again")
    return {"raw": raw, "run": run, "idle": idle, "statements": statements / count}


def _due_reminders(coffre: Coffre, persons: list[tuple[str, str]], count: int) -> None:
    """``count`` own reminders due five minutes ago, spread over ``persons``."""
    due = coffre.clock.now() - timedelta(minutes=5)
    rows = [
        {
            "id": new_id(),
            "account_id": persons[i % len(persons)][0],
            "due_at": due,
            "anchor_at": due,
            "occurrence": 0,
            "repeat": "none",
            "sealed": os.urandom(369),  # opaque to the server: a §31 size is all it checks
            "active": True,
            "done_at": None,
            "last_sent_at": None,
            "created_at": due,
            "updated_at": due,
        }
        for i in range(count)
    ]
    with coffre.db.unit_of_work() as db:
        db.execute(insert(Reminder), rows)


# --- 4. organiser crypto --------------------------------------------------------------------


def _note_row(
    chars: int, samples: int, box_public: bytes, box_secret: bytes, seed: bytes, sign_public: bytes
) -> tuple[str, int, float, float, float, float]:
    owner, item_id = new_id(), new_id()
    sentence = "Rendez-vous CAF mardi, apporter l'avis d'imposition et le RIB. "
    text = (sentence * (chars // len(sentence) + 1))[:chars]
    item = {"v": 1, "kind": "note", "text": text}
    padded = bytes(item_bucket(len(item_plaintext(item))))  # the item's padded size

    def raw_seal() -> bytes:
        key = new_document_key()
        stream = encrypt_bytes_v2(key, padded, ITEM_CHUNK_SIZE)
        return seal_document_key(key, box_public) + stream

    def item_seal() -> bytes:
        return seal_item(
            item, owner_id=owner, item_id=item_id, box_public=box_public, sign_seed=seed
        )

    raw_data, item_data = raw_seal(), item_seal()

    def raw_open() -> None:
        key = open_sealed_key(raw_data[:SEALED_KEY_BYTES], box_public, box_secret)
        decrypt_bytes_v2(key, raw_data[SEALED_KEY_BYTES:])

    def item_open() -> None:
        open_item(
            item_data,
            owner_id=owner,
            item_id=item_id,
            sign_public=sign_public,
            box_public=box_public,
            box_secret=box_secret,
        )

    raw_sealing, sealing = _paired(samples, raw_seal, item_seal)
    raw_opening, opening = _paired(samples, raw_open, item_open)
    return (f"note, {chars} characters", len(padded), raw_sealing, sealing, raw_opening, opening)


def measure_crypto(samples: int) -> list[tuple[str, int, float, float, float, float]]:
    """(what, padded bytes, raw seal, seal, raw open, open), medians in seconds."""
    box = PrivateKey.generate()
    box_public, box_secret = bytes(box.public_key), bytes(box)
    seed = os.urandom(32)
    sign_public = bytes(SigningKey(seed).verify_key)
    rows = [
        _note_row(chars, samples, box_public, box_secret, seed, sign_public)
        for chars in (300, 3_900, 7_900)
    ]
    text = "Rendez-vous mercredi 16/12/2026 à 14:30. Lieu : CCAS. Avec : Mme Martin"
    inner = reminder_plaintext(text, seed)
    bare = crypto_box_seal(inner, box_public)
    sealed = seal_reminder_text(text, box_public=box_public, sign_seed=seed)
    raw_sealing, sealing = _paired(
        samples,
        lambda: crypto_box_seal(inner, box_public),
        lambda: seal_reminder_text(text, box_public=box_public, sign_seed=seed),
    )
    raw_opening, opening = _paired(
        samples,
        lambda: crypto_box_seal_open(bare, box_public, box_secret),
        lambda: open_reminder_text(
            sealed, box_public=box_public, box_secret=box_secret, sign_public=sign_public
        ),
    )
    rows.append(
        (
            "reminder text (§31; raw: a bare sealed box)",
            len(inner),
            raw_sealing,
            sealing,
            raw_opening,
            opening,
        )
    )
    return rows


# --- the run ------------------------------------------------------------------------------


def measure_backend(backend: str, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    provider = SmsProvider()
    try:
        with database(backend, tmp, f"reach_{backend}") as url:
            migrate.upgrade(url)
            settings = Settings(
                environment="test",
                secret_key=secrets.token_urlsafe(40),
                database_url=url,
                storage_dir=tmp / f"objects-{backend}",
                push_vapid_key_file=tmp / "vapid.pem",
                channel_timeout_seconds=10,
                **provider.settings(),
            )
            coffre = Coffre.build(settings, clock=SystemClock())
            second = Coffre.build(settings, clock=SystemClock())
            try:
                load = os.getloadavg()[0]
                figures: dict[str, Any] = {
                    "outbox": measure_outbox(
                        coffre, second, provider, args.notifications, args.rounds
                    )
                }
                figures["notify"] = measure_notify(
                    coffre, args.notifications, args.samples, args.rounds
                )
                figures["reminders"] = measure_reminders(coffre, args.reminders)
                figures["load"] = (load + os.getloadavg()[0]) / 2
            finally:
                second.close()
                coffre.close()
    finally:
        provider.close()
    _print_backend(backend, figures, args)
    return figures


def _print_backend(backend: str, f: dict[str, Any], args: argparse.Namespace) -> None:
    n = args.notifications
    o, nt, r = f["outbox"], f["notify"], f["reminders"]
    print(
        f"{backend}: {n} SMS raw {n / o['raw_seq']:.0f}/s (8 at a time {n / o['raw_par']:.0f}/s), "
        f"outbox {n / o['one']:.0f}/s, two deliverers {n / o['two']:.0f}/s; "
        f"notify {nt['notify'] * 1e3:.2f} ms vs raw {nt['raw'] * 1e3:.2f} ms; dispatch "
        f"{nt['dispatch_sms'] * 1e3:.2f} ms (SMS) / {nt['dispatch_none'] * 1e3:.2f} ms (none); "
        f"reminders {r['run'] / args.reminders * 1e3:.2f} ms each vs notify alone "
        f"{r['raw'] / args.reminders * 1e3:.2f} ms; SQL per delivery {o['statements']:.1f}, "
        f"per reminder {r['statements']:.1f} (load {f['load']:.1f})"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f}"


def write_section(
    results: list[tuple[str, dict[str, Any]]],
    crypto_rows: list[tuple[str, int, float, float, float, float]],
    args: argparse.Namespace,
) -> None:
    n, count = args.notifications, args.reminders
    lines = [
        f"Measured with `python -m bench.reach` on {platform.machine()}, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d', time.gmtime())}: {n} "
        f"notifications (one SMS each, to a Brevo-like server on 127.0.0.1) in each mode, "
        f"best of {args.rounds} rounds; {count} due reminders; medians of {args.samples} "
        "for single operations. The load average "
        "(1 min, the machine's, 2 cores shared with other work) is in the first table's "
        "last column.",
        "",
        "The outbox, deliveries per second (ratio: the outbox's time for the N deliveries "
        "over the raw path's):",
        "",
        "| backend | raw `send()` one by one | raw, 8 at a time | `deliver()`, one deliverer "
        "| ratio to raw one by one | ratio to raw 8 at a time | two deliverers "
        "| SQL statements per delivery | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, f in results:
        o = f["outbox"]
        lines.append(
            f"| {backend} | {n / o['raw_seq']:.0f} | {n / o['raw_par']:.0f} | {n / o['one']:.0f} "
            f"| {o['one'] / o['raw_seq']:.2f}× | {o['one'] / o['raw_par']:.2f}× "
            f"| {n / o['two']:.0f} | {o['statements']:.1f} | {f['load']:.1f} |"
        )
    lines += [
        "",
        "The event's side (`notify()` and its raw insert each in its own transaction, "
        "interleaved; then `notify()` for a person who chose nothing and one who chose SMS, "
        "interleaved; dispatch: the deliverer turning a notification into its deliveries), "
        "milliseconds:",
        "",
        "| backend | raw insert | `notify()` | ratio | `notify()`, nothing chosen "
        "| `notify()`, SMS chosen | dispatch per notification, SMS chosen "
        "| dispatch per notification, nothing chosen |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend, f in results:
        nt = f["notify"]
        lines.append(
            f"| {backend} | {_ms(nt['raw'])} | {_ms(nt['notify'])} "
            f"| {nt['notify'] / nt['raw']:.2f}× | {_ms(nt['notify_plain'])} "
            f"| {_ms(nt['notify_sms'])} | {_ms(nt['dispatch_sms'])} "
            f"| {_ms(nt['dispatch_none'])} |"
        )
    lines += [
        "",
        f"The reminders job over {count} due reminders (two halves, raw first then job "
        "first), milliseconds per reminder:",
        "",
        "| backend | `notify()` alone, own transaction | `reminders.run` | ratio "
        "| SQL statements per reminder | a run with nothing due (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for backend, f in results:
        r = f["reminders"]
        lines.append(
            f"| {backend} | {_ms(r['raw'] / count)} | {_ms(r['run'] / count)} "
            f"| {r['run'] / r['raw']:.2f}× | {r['statements']:.1f} | {_ms(r['idle'])} |"
        )
    lines += [
        "",
        "Organiser objects (no database), microseconds, medians:",
        "",
        "| object | padded bytes | raw document v2 seal | `seal_item` | ratio "
        "| raw open | `open_item` | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for what, size, raw_seal, seal, raw_open, opened in crypto_rows:
        lines.append(
            f"| {what} | {size} | {_us(raw_seal)} | {_us(seal)} | {seal / raw_seal:.2f}× "
            f"| {_us(raw_open)} | {_us(opened)} | {opened / raw_open:.2f}× |"
        )
    report.write_section(MARKER, HEADING, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--notifications", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    started = time.perf_counter()
    crypto_rows = measure_crypto(args.samples)
    for what, size, raw_seal, seal, raw_open, opened in crypto_rows:
        print(
            f"{what} ({size} B): seal {_us(seal)} µs vs raw {_us(raw_seal)} µs, "
            f"open {_us(opened)} µs vs raw {_us(raw_open)} µs"
        )
    results = []
    with tempfile.TemporaryDirectory(prefix="coffre-bench-") as tmp:
        for backend in args.backends.split(","):
            results.append((backend, measure_backend(backend, Path(tmp), args)))
    print(f"done in {time.perf_counter() - started:.0f} s")
    if not args.no_write:
        write_section(results, crypto_rows, args)


if __name__ == "__main__":
    main()
