"""Operator commands for the audit log: verify it (database or export), export it.

``coffre audit verify`` reads the database named by the settings (``COFFRE_*``) and
checks every entry and every signed checkpoint from the first entry to the head;
``--file`` checks an exported log instead (``--key``: the checkpoint key you trust,
as published at ``/api/v1/audit/key``). The exit code is 0 when intact, 1 otherwise,
with the first broken link named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coffre.audit.log import verify_export
from coffre.audit.trail import Report
from coffre.container import Coffre
from coffre.settings import Settings

audit_app = typer.Typer(help="Journal d'audit : vérifier, exporter.", no_args_is_help=True)


def _report(report: Report) -> None:
    if report.ok:
        typer.echo(
            f"Journal intact : {report.entries} entrée(s), "
            f"{report.checkpoints} point(s) de contrôle signé(s) vérifié(s)."
        )
        if report.unsigned_tail:
            typer.echo(
                f"{report.unsigned_tail} entrée(s) après le dernier point de contrôle signé "
                "(chaînées, pas encore signées : lancez coffre jobs checkpoint)."
            )
        return
    typer.echo(f"Journal ALTÉRÉ : {report.problem}", err=True)
    raise typer.Exit(code=1)


@audit_app.command("verify")
def verify(
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", exists=True, dir_okay=False, help="Export à vérifier"),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", help="Clé des points de contrôle en laquelle vous avez confiance"),
    ] = None,
) -> None:
    """Check the audit log from end to end and name the first broken link."""
    if file is not None:
        with file.open(encoding="utf-8") as lines:
            _report(verify_export(lines, key))
        return
    coffre = Coffre.build(Settings())
    try:
        report = coffre.audit.verify()
    finally:
        coffre.close()
    _report(report)


@audit_app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire (JSON lines)")],
) -> None:
    """Write the verifiable log (entries, signed checkpoints, key) to a file."""
    coffre = Coffre.build(Settings())
    tmp = output.with_name(output.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for line in coffre.audit.export_lines():
                handle.write(line)
        tmp.replace(output)
    finally:
        coffre.close()
    typer.echo(
        f"Journal exporté dans {output}. Vérifiez-le avec : coffre audit verify --file {output}"
    )
