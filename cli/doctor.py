"""``coffre doctor``: list (and with ``--repair`` remove) what crashes left between the
object store and the database (coffre/vault/doctor.py). An operator command: it acts
on the server's own database and storage, through ``coffre/``, imported inside the
command so that the other commands start fast (cli/main.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer


def doctor(
    repair: Annotated[
        bool, typer.Option("--repair", help="Supprimer ce qui peut l'être (consigné au journal).")
    ] = False,
    grace_hours: Annotated[
        float | None,
        typer.Option(
            "--grace-hours",
            min=0.1,
            help="Âge minimum d'une trace (plus jeune : peut-être une écriture en cours).",
        ),
    ] = None,
) -> None:
    """Check the object store against the database: orphan objects, stale temp files,
    unfinished multipart uploads, and live documents whose object is missing."""
    from coffre.container import Coffre
    from coffre.settings import Settings
    from coffre.vault import doctor as checks

    labels = {
        checks.ORPHAN_OBJECT: "objet sans document",
        checks.MISSING_OBJECT: "document sans objet (données perdues)",
        checks.TEMP_FILE: "fichier temporaire abandonné",
        checks.MULTIPART_UPLOAD: "envoi S3 inachevé",
    }
    coffre = Coffre.build(Settings())
    try:
        grace = timedelta(hours=grace_hours) if grace_hours is not None else None
        checkup = coffre.doctor.repair(grace) if repair else coffre.doctor.examine(grace)
    finally:
        coffre.close()
    hours = checkup.grace.total_seconds() / 3600
    typer.echo(f"Vérification du stockage (traces de plus de {hours:g} h) :")
    for kind, label in labels.items():
        typer.echo(f"  {label} : {checkup.count(kind)}")
    for finding in checkup.findings:
        typer.echo(f"    {finding.kind} {finding.name}")
    if repair:
        typer.echo(f"Supprimé(s) : {len(checkup.removed)} ; en échec : {len(checkup.failed)}.")
    missing = checkup.count(checks.MISSING_OBJECT)
    if missing:
        typer.echo(
            f"Attention : {missing} document(s) n'ont plus leur objet stocké ; restaurez-les "
            "depuis une sauvegarde.",
            err=True,
        )
    if checkup.failed or missing or (checkup.findings and not repair):
        raise typer.Exit(code=1)
    typer.echo("Tout est en ordre." if not checkup.findings else "Réparé.")
