"""``coffre doctor``: list (and with ``--repair`` remove) what crashes left between the
object store and the database (coffre/vault/doctor.py), and check that the audit trail
verifies up to its last signed checkpoint. An operator command: it acts on the server's
own database and storage, through ``coffre/``, imported inside the command so that the
other commands start fast (cli/main.py). ``coffre restore`` runs the same checks
(``checkup``) with no grace period once the backup is back."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from coffre.container import Coffre


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
    unfinished multipart uploads, and live documents whose object is missing; then the
    audit trail, up to its last signed checkpoint."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        grace = timedelta(hours=grace_hours) if grace_hours is not None else None
        healthy = checkup(coffre, grace, repair=repair)
    finally:
        coffre.close()
    if not healthy:
        raise typer.Exit(code=1)


def checkup(coffre: Coffre, grace: timedelta | None, *, repair: bool = False) -> bool:
    """Run and print the checks; True when everything is in order (or was repaired)."""
    from coffre.errors import CoffreError
    from coffre.vault import doctor as checks

    labels = {
        checks.ORPHAN_OBJECT: "objet sans document",
        checks.MISSING_OBJECT: "document sans objet (données perdues)",
        checks.TEMP_FILE: "fichier temporaire abandonné",
        checks.MULTIPART_UPLOAD: "envoi S3 inachevé",
    }
    checkup = coffre.doctor.repair(grace) if repair else coffre.doctor.examine(grace)
    hours = checkup.grace.total_seconds() / 3600
    typer.echo(f"Vérification du stockage (traces de plus de {hours:g} h) :")
    typer.echo(
        f"  objets stockés : {checkup.objects} ; documents en vigueur qui en nomment un : "
        f"{checkup.documents}"
    )
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
    storage_ok = not (checkup.failed or missing or (checkup.findings and not repair))
    try:
        report = coffre.audit.verify()
    except CoffreError as exc:
        typer.echo(f"Journal d'audit : vérification impossible : {exc.message_fr}", err=True)
        return False
    if report.ok:
        typer.echo(
            f"Journal d'audit : {report.entries} entrée(s) vérifiée(s), "
            f"{report.checkpoints} point(s) de contrôle signé(s) ; le dernier couvre "
            f"{report.signed_size} entrée(s), {report.unsigned_tail} après lui (chaînées)."
        )
    else:
        typer.echo(
            f"Journal d'audit : rompu à l'entrée {report.problem_seq} : {report.problem}",
            err=True,
        )
    if not storage_ok or not report.ok:
        return False
    typer.echo("Tout est en ordre." if not checkup.findings else "Réparé.")
    return True
