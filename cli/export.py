"""Person commands for your data: ``coffre history`` and ``coffre export``.

They go through ``client/`` only: the export decrypts every document on this
computer and writes one ZIP (client/export.py); the server never sees it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from cli.options import DEFAULT_HOME, HomeOption, PassphraseOption
from cli.state import require_session
from client import CoffreClient
from client.export import OUTCOMES_FR, export_vault
from client.export import history as fetch_history

console = Console()


def history(
    home: HomeOption = DEFAULT_HOME,
    document: Annotated[
        str | None, typer.Option("--document", help="Seulement ce document (identifiant)")
    ] = None,
    professional: Annotated[
        str | None,
        typer.Option("--professional", help="Seulement ce·tte professionnel·le (identifiant)"),
    ] = None,
) -> None:
    """Show who opened your documents, your shares, deposits, requests and logins."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        items = fetch_history(client, document=document, professional=professional)
    if not items:
        console.print("Rien à afficher.")
        return
    table = Table("Date", "Ce qui s'est passé", "Résultat")
    for item in items:
        at = datetime.fromisoformat(str(item["at"])).astimezone()
        outcome = str(item["outcome"])
        table.add_row(
            at.strftime("%d/%m/%Y %H:%M"),
            str(item["summary"]),
            OUTCOMES_FR.get(outcome, outcome),
        )
    console.print(table)


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier ZIP à écrire")],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
    root: Annotated[
        str | None,
        typer.Option(
            "--root",
            help="Empreinte de la racine du territoire, telle que publiée avec la charte "
            "(pour vérifier l'origine des documents déposés)",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier s'il existe déjà")
    ] = False,
) -> None:
    """Export your whole vault: every document decrypted here, and your history, in one ZIP."""
    if output.exists() and not force:
        console.print(f"{output} existe déjà. Choisissez un autre nom, ou ajoutez --force.")
        raise typer.Exit(code=1)
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        keys = client.unlock(passphrase)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("Téléchargement et déchiffrement", total=None)
            summary = export_vault(
                client,
                keys,
                output,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                pinned_root=root,
            )
    console.print(
        f"Export écrit dans {summary.path} : {summary.documents} document(s). "
        "Ce fichier n'est pas chiffré : gardez-le en lieu sûr."
    )
    if summary.deposits:
        console.print(
            f"Documents déposés par un·e professionnel·le : {summary.deposits}, "
            f"dont {summary.deposits_verified} à l'origine vérifiée."
        )
    if summary.deposits_verified < summary.deposits:
        console.print("Voir manifest.json (« problem ») pour ceux qui n'ont pas pu être vérifiés.")
