"""``coffre secrets status|rotate``: the server's stored secrets and the keyring
(``COFFRE_SECRET_KEYS``; coffre/secrets/, docs/OPERATIONS.md "Rotate the server
secrets"). Operator commands: plain French, never a secret printed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from coffre.secrets.keyring import Keyring
    from coffre.settings import Settings

secrets_app = typer.Typer(
    help="Secrets du serveur : clés de COFFRE_SECRET_KEYS (exploitation).", no_args_is_help=True
)


def _keyring() -> tuple[Settings, Keyring]:
    """The settings' keyring; a weak secret is said in one line, exit 2."""
    from coffre.settings import Settings, WeakSecret

    settings = Settings()
    try:
        return settings, settings.keyring
    except WeakSecret as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        raise typer.Exit(2) from None


def _print_status(newest: str, counts: dict[str, dict[str, int]]) -> int:
    from coffre.secrets.rotation import Status

    for kind, kids in counts.items():
        listed = ", ".join(f"{kid} : {n}" for kid, n in sorted(kids.items())) or "aucun"
        typer.echo(f"{kind} — {listed}")
    left = Status(counts).outside(newest)
    if left:
        typer.echo(
            f"{left} secret(s) ne sont pas sous la clé la plus récente ({newest}) : lancez "
            "« coffre secrets rotate » avant de retirer une ancienne clé."
        )
    else:
        typer.echo(
            f"Tout est sous la clé la plus récente ({newest}) : les autres clés de "
            "COFFRE_SECRET_KEYS peuvent être retirées (retirer la plus ancienne change "
            "les pseudonymes de la console et les faux sels : docs/THREATS.md)."
        )
    return left


@secrets_app.command("status")
def status() -> None:
    """List, by key id, the stored secrets (TOTP, webhooks, server's own keys)."""
    from coffre.clock import SystemClock
    from coffre.db.engine import Database, make_engine
    from coffre.secrets import rotation

    settings, keyring = _keyring()
    database = Database(make_engine(settings.database_url))
    try:
        with database.unit_of_work() as db:
            found = rotation.status(db, keyring, SystemClock())
    finally:
        database.dispose()
    typer.echo(f"Clés de l'anneau (la plus récente d'abord) : {', '.join(keyring.kids)}")
    _print_status(keyring.newest, found.counts)


@secrets_app.command("rotate")
def rotate() -> None:
    """Re-seal every stored secret under the newest key of COFFRE_SECRET_KEYS.

    Batched, idempotent, resumable; the server may keep running meanwhile."""
    from coffre.clock import SystemClock
    from coffre.db.engine import Database, make_engine
    from coffre.secrets import rotation

    settings, keyring = _keyring()
    database = Database(make_engine(settings.database_url))
    try:
        done = rotation.rotate(database, keyring, SystemClock())
        with database.unit_of_work() as db:
            found = rotation.status(db, keyring, SystemClock())
    finally:
        database.dispose()
    resealed = ", ".join(f"{kind} : {n}" for kind, n in done.resealed.items())
    typer.echo(f"Re-chiffrés sous la clé {keyring.newest} — {resealed}.")
    unreadable = sum(done.unreadable.values())
    if unreadable:
        typer.echo(
            f"{unreadable} secret(s) illisible(s) : leur clé n'est plus dans "
            "COFFRE_SECRET_KEYS. Remettez-la, puis relancez « coffre secrets rotate ».",
            err=True,
        )
    left = _print_status(keyring.newest, found.counts)
    if unreadable or left:
        raise typer.Exit(1)
