"""Operator commands of the directory of services: import and export a data·inclusion
file (docs/DIRECTORY.md), on the database of the settings.

The same rules as the API's import: the file is validated whole by the schema's own
models; one refused row refuses the file and every refused row is printed. The server's
modules are imported inside the commands, so that the other commands start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from coffre.directory.errors import RowsRejected
from coffre.errors import CoffreError

directory_app = typer.Typer(help="Annuaire des solidarités (exploitation).", no_args_is_help=True)


@directory_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="Fichier data·inclusion (JSON)", exists=True)],
) -> None:
    """Import a data·inclusion file, whole or not at all."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        report = coffre.directory.import_file(None, file.read_bytes())
    except RowsRejected as exc:
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
        for row in exc.rows:
            where = f"{row.table}[{row.row}]" + (f".{row.field}" if row.field else "")
            typer.echo(f"  {where} : {row.message}", err=True)
        raise typer.Exit(1) from exc
    except CoffreError as exc:
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
        raise typer.Exit(1) from exc
    finally:
        coffre.close()
    typer.echo(
        f"Importé : {report.structures_created} structure(s) et {report.services_created} "
        f"service(s) ajoutés, {report.structures_updated} structure(s) et "
        f"{report.services_updated} service(s) mis à jour, {report.unchanged} ligne(s) "
        "inchangée(s)."
    )


@directory_app.command("export")
def export_file(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Fichier à écrire (sinon : la sortie)")
    ] = None,
) -> None:
    """Write the whole directory as a data·inclusion file."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        document = coffre.directory.export(None)
    finally:
        coffre.close()
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(
        f"Exporté : {len(document['structures'])} structure(s), "
        f"{len(document['services'])} service(s) dans {output}."
    )
