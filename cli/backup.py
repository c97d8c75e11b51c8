"""``coffre backup`` and ``coffre restore`` (coffre/backup/; docs/OPERATIONS.md, "Backup"
and "Restore"). Operator commands: plain French, through ``coffre/``, imported inside
the commands so that the other commands start fast (cli/main.py).

Exit codes. backup: 0 written; 1 nothing written (the error says why); 3 written and
usable, but some documents were already lost or damaged in the store (listed: restore
them from an older backup). restore: 0 restored and ``coffre doctor``'s checks pass;
1 nothing restored (the targets are left empty); 3 restored but a check fails (read
what it prints). A backup of an older version is migrated once loaded.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

EXIT_WITH_WARNINGS = 3


def _fail(exc: Exception) -> typer.Exit:
    from coffre.errors import CoffreError

    if isinstance(exc, CoffreError):
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
    return typer.Exit(code=1)


def backup(
    to: Annotated[
        str,
        typer.Option("--to", help="Dossier, ou s3://seau/préfixe, où écrire la sauvegarde."),
    ],
    recipient: Annotated[
        list[str] | None,
        typer.Option("--recipient", "-r", help="Clé publique age (age1…) ; répétable."),
    ] = None,
    recipients_file: Annotated[
        Path | None,
        typer.Option(
            "--recipients-file",
            "-R",
            exists=True,
            dir_okay=False,
            help="Fichier de clés publiques age, une par ligne.",
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            min=1,
            help="Après une sauvegarde réussie, n'en garder que les N plus récentes ici.",
        ),
    ] = None,
) -> None:
    """Write one consistent, encrypted backup: the database, every document's object,
    and a manifest of their hashes (written last)."""
    from coffre.backup import places, streams
    from coffre.backup.service import backup_name, take_backup
    from coffre.clock import SystemClock
    from coffre.container import object_store
    from coffre.db.engine import Database, make_engine
    from coffre.errors import CoffreError
    from coffre.settings import Settings

    settings = Settings()
    lines = list(recipient or [])
    if recipients_file is not None:
        lines += recipients_file.read_text(encoding="utf-8").splitlines()
    now = SystemClock().now()
    db = None
    try:
        recipients = streams.recipients_from(lines)
        name = backup_name(now)
        root = places.place_at(to, settings)
        place = places.child(root, name)
        store = object_store(settings, prepare=False)
        db = Database(make_engine(settings.database_url))
        place.create()
        manifest = take_backup(
            database_url=settings.database_url,
            db=db,
            store=store,
            place=place,
            recipients=recipients,
            name=name,
            now=now,
        )
    except CoffreError as exc:
        raise _fail(exc) from None
    finally:
        if db is not None:
            db.dispose()
    pruned: list[str] = []
    if keep is not None:
        try:
            pruned = places.prune(root, keep, name)
        except CoffreError as exc:  # the new backup is whole: only the pruning failed
            typer.echo(f"Attention : anciennes sauvegardes non supprimées : {exc.message_fr}")
    counts = manifest.counts()
    typer.echo(f"Sauvegarde écrite : {place.label}")
    typer.echo(
        f"  base {manifest.database_kind} (révision {manifest.alembic_head}) : "
        f"{counts['database_bytes']} octets ; {counts['objects']} objet(s), "
        f"{counts['object_bytes']} octets ; manifeste écrit en dernier."
    )
    if pruned:
        typer.echo(f"  {len(pruned)} sauvegarde(s) plus ancienne(s) supprimée(s) (--keep {keep}).")
    if manifest.deleted_after_snapshot:
        typer.echo(
            f"  {len(manifest.deleted_after_snapshot)} document(s) supprimé(s) pendant la "
            "copie : la restauration les supprimera de nouveau."
        )
    if manifest.replaced_after_snapshot:
        typer.echo(
            f"Attention : {len(manifest.replaced_after_snapshot)} document(s) ont été "
            "re-chiffrés pendant la copie : leur ancien contenu n'existe plus et le nouveau "
            "est postérieur à cette sauvegarde, qui ne les contient donc pas. Relancez "
            "« coffre backup » (la restauration de celle-ci les signalerait manquants).",
            err=True,
        )
    if manifest.missing or manifest.damaged:
        typer.echo(
            f"Attention : {len(manifest.missing)} document(s) n'avaient déjà plus leur objet "
            f"et {len(manifest.damaged)} objet(s) ne correspondent plus à leur empreinte. "
            "La sauvegarde est utilisable ; retrouvez ces objets dans une sauvegarde plus "
            "ancienne :",
            err=True,
        )
        for key in [*manifest.missing, *manifest.damaged]:
            typer.echo(f"    {key}", err=True)
    if manifest.missing or manifest.damaged or manifest.replaced_after_snapshot:
        raise typer.Exit(code=EXIT_WITH_WARNINGS)


def restore(
    source: Annotated[
        str,
        typer.Option("--from", help="La sauvegarde : son dossier, ou s3://seau/préfixe/coffre-…"),
    ],
    identity: Annotated[
        Path,
        typer.Option(
            "--identity",
            "-i",
            exists=True,
            dir_okay=False,
            help="Fichier de clé secrète age (AGE-SECRET-KEY-1…).",
        ),
    ],
) -> None:
    """Restore a backup into an EMPTY database and an EMPTY store (every hash checked
    first), then run coffre doctor's checks."""
    from cli.doctor import checkup
    from coffre.backup import places, streams
    from coffre.backup.service import apply_deletions
    from coffre.backup.service import restore as restore_backup
    from coffre.clock import SystemClock
    from coffre.container import Coffre, object_store
    from coffre.db.engine import Database, make_engine
    from coffre.errors import CoffreError
    from coffre.settings import Settings

    settings = Settings()
    try:
        identities = streams.identities_from(identity.read_text(encoding="utf-8"))
        place = places.place_at(source, settings)
        store = object_store(settings)
        restored = restore_backup(
            place=place, identities=identities, database_url=settings.database_url, store=store
        )
    except CoffreError as exc:
        raise _fail(exc) from None
    manifest = restored.manifest
    typer.echo(
        f"Sauvegarde {manifest.name} (du {manifest.created_at}) restaurée : toutes les "
        f"empreintes vérifiées ; base {manifest.database_kind}, {restored.objects} objet(s), "
        f"{restored.object_bytes} octets."
    )
    if restored.upgraded_from is not None:
        typer.echo(
            f"Base migrée de la révision {restored.upgraded_from} à celle de cette version "
            "(comme « coffre db upgrade »)."
        )
    if manifest.deleted_after_snapshot:
        db = Database(make_engine(settings.database_url))
        try:
            again = apply_deletions(db, manifest, SystemClock().now())
        finally:
            db.dispose()
        typer.echo(
            f"{again} document(s) supprimé(s) pendant la sauvegarde : supprimé(s) de nouveau."
        )
    coffre = Coffre.build(settings, store=store)
    try:
        # Nothing runs yet: every object is whole, so no grace period.
        healthy = checkup(coffre, timedelta(0))
    finally:
        coffre.close()
    if not healthy:
        raise typer.Exit(code=EXIT_WITH_WARNINGS)
