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

from cli.i18n import N_, _
from cli.options import DEFAULT_HOME, HomeOption, PassphraseOption
from cli.state import require_session
from client import CoffreClient
from client.export import OUTCOMES_FR, export_vault
from client.export import history as fetch_history

console = Console()
# client/export.py's OUTCOMES_FR, marked here for the CLI's catalogue (domain cli).
OUTCOMES = (N_("effectué"), N_("refusé"), N_("échoué"))


def history(
    home: HomeOption = DEFAULT_HOME,
    document: Annotated[
        str | None, typer.Option("--document", help=_("Seulement ce document (identifiant)"))
    ] = None,
    professional: Annotated[
        str | None,
        typer.Option("--professional", help=_("Seulement ce professionnel (identifiant)")),
    ] = None,
) -> None:
    """Show who opened your documents, your shares, deposits, requests and logins."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        items = fetch_history(client, document=document, professional=professional)
    if not items:
        console.print(_("Rien à afficher."))
        return
    table = Table(_("Date"), _("Ce qui s'est passé"), _("Résultat"))
    for item in items:
        at = datetime.fromisoformat(str(item["at"])).astimezone()
        outcome = str(item["outcome"])
        table.add_row(
            at.strftime("%d/%m/%Y %H:%M"),
            str(item["summary"]),
            _(OUTCOMES_FR[outcome]) if outcome in OUTCOMES_FR else outcome,
        )
    console.print(table)


def export(
    output: Annotated[Path, typer.Option("--output", "-o", help=_("Fichier à écrire (.zip)"))],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
    root: Annotated[
        str | None,
        typer.Option(
            "--root",
            help=_(
                "Code du territoire, tel que publié avec la charte "
                "(pour vérifier d'où viennent les documents déposés)"
            ),
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=_("Remplacer le fichier s'il existe déjà"))
    ] = False,
) -> None:
    """Export your whole vault: every document decrypted here, and your history, in one ZIP."""
    if output.exists() and not force:
        console.print(
            _("{path} existe déjà. Choisissez un autre nom, ou ajoutez --force.").format(
                path=output
            )
        )
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
            task = bar.add_task(_("Téléchargement et ouverture des documents"), total=None)
            summary = export_vault(
                client,
                keys,
                output,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                pinned_root=root,
            )
    console.print(
        _(
            "Tout est dans {path} : {n} document(s). Dans ce fichier, tout le monde peut "
            "lire vos documents : gardez-le en lieu sûr."
        ).format(path=summary.path, n=summary.documents)
    )
    if summary.deposits:
        console.print(
            _(
                "Documents déposés par un professionnel : {n}, dont {verified} dont "
                "l'origine est vérifiée."
            ).format(n=summary.deposits, verified=summary.deposits_verified)
        )
    if summary.deposits_verified < summary.deposits:
        console.print(
            _("Voir manifest.json (« problem ») pour ceux qui n'ont pas pu être vérifiés.")
        )
