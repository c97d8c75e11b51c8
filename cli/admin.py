"""Operator commands: they act on the server's own database and storage, through ``coffre/``.

The server's modules (``coffre.container``: SQLAlchemy, storage...) are imported inside
the commands that use them, so that the other commands start fast (cli/main.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

db_app = typer.Typer(help="Base de données (exploitation).", no_args_is_help=True)
jobs_app = typer.Typer(help="Tâches de fond (exploitation).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Révision cible")] = "head",
) -> None:
    """Apply the database migrations (creates the schema on a new database)."""
    from coffre.db import migrate  # alembic, imported only to migrate
    from coffre.settings import Settings

    settings = Settings()
    # Under a lock: several processes may run it at once, one migrates (coffre/db/migrate.py).
    migrate.upgrade(settings.database_url, revision)
    typer.echo(f"Base de données à jour ({revision}).")


@db_app.command("check")
def db_check() -> None:
    """Exit 0 if the database's schema is at the code's head, else 1 (says which)."""
    from coffre.db import migrate
    from coffre.db.engine import make_engine
    from coffre.settings import Settings

    engine = make_engine(Settings().database_url)
    try:
        with engine.connect() as connection:
            found = migrate.schema_revisions(connection)
    finally:
        engine.dispose()
    expected = migrate.code_heads()
    if found == expected:
        typer.echo(f"Base de données à jour ({', '.join(sorted(found))}).")
        return
    typer.echo(
        f"Base de données pas à jour : elle est à {', '.join(sorted(found)) or 'aucune révision'}, "
        f"le code attend {', '.join(sorted(expected))}. Lancez « coffre db upgrade ».",
        err=True,
    )
    raise typer.Exit(1)


@jobs_app.command("purge-deleted")
def purge_deleted() -> None:
    """Remove the stored objects of deleted documents whose purge was deferred."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        purged = coffre.vault.purge_deleted_objects()
    finally:
        coffre.close()
    typer.echo(f"{purged} objet(s) supprimé(s).")


@jobs_app.command("checkpoint")
def checkpoint() -> None:
    """Sign a checkpoint of the audit log now (if it grew since the last one)."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        signed = coffre.audit.checkpoint()
    finally:
        coffre.close()
    typer.echo(f"Point de contrôle signé : {signed.size} entrée(s).")


@jobs_app.command("clean-grants")
def clean_grants() -> None:
    """Delete the sealed keys of expired grants (pulls after expiry are refused anyway)."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        cleaned = coffre.grants.clean_expired()
    finally:
        coffre.close()
    typer.echo(f"{cleaned} partage(s) expiré(s) nettoyé(s).")


@jobs_app.command("complete-resets")
def complete_resets() -> None:
    """Complete the resets whose waiting period has passed (old documents destroyed)."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        completed = coffre.resets.complete_due()
    finally:
        coffre.close()
    typer.echo(f"{completed} réinitialisation(s) terminée(s).")


# The French name of each kind of data the retention job removes (coffre/retention/).
_RETENTION_KINDS = {
    "login_failures": "tentatives de connexion échouées",
    "sessions": "sessions expirées",
    "notification_deliveries": "envois de notifications terminés",
    "webhook_deliveries": "envois automatiques (webhooks) terminés",
    "erased_accounts": "restes de comptes supprimés (notifications, envois)",
}


@jobs_app.command("retention")
def retention() -> None:
    """Remove what has been kept long enough (audit bodies, failed logins, sessions,
    deliveries, erased accounts' notifications), recorded in the audit trail."""
    from coffre.container import Coffre
    from coffre.errors import CoffreError
    from coffre.retention.service import Retention
    from coffre.settings import Settings

    settings = Settings()
    coffre = Coffre.build(settings)
    try:
        run = Retention(coffre.db, settings, coffre.clock, coffre.audit).run()
    except CoffreError as exc:
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
        raise typer.Exit(code=1) from None
    finally:
        coffre.close()
    days = settings.audit_retention_days
    typer.echo(
        f"Journal d'audit : {run.audit.entries} entrée(s) de plus de {days} jours "
        "vidée(s) de leur contenu."
    )
    for kind in run.removed:
        typer.echo(f"{_RETENTION_KINDS[kind].capitalize()} : {run.removed[kind]} supprimé(s).")
    seqs = [*run.audit.records, *run.records]
    if seqs:
        listed = ", ".join(str(seq) for seq in seqs)
        typer.echo(f"Opération enregistrée dans le journal d'audit (entrée(s) {listed}).")
    else:
        typer.echo("Rien n'était arrivé en fin de conservation : rien n'a été enregistré.")


def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d'écoute")] = 8000,
) -> None:
    """Run the web server (uvicorn) on the settings from the environment.

    X-Forwarded-For is believed only from COFFRE_FORWARDED_ALLOW_IPS (cli/server.py).
    """
    from cli.server import run  # uvicorn is imported only to serve
    from coffre.settings import Settings

    if not run(Settings(), host=host, port=port):
        raise typer.Exit(3)
