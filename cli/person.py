"""Person commands: sign up, log in and out, upload, list, download, delete.

They go through ``client/`` only: encryption and decryption happen here, on the
person's machine; the server sees ciphertext.
"""

from __future__ import annotations

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

from cli.account import show_pending_reset
from cli.options import (
    DEFAULT_HOME,
    DEFAULT_SERVER,
    HomeOption,
    PassphraseOption,
    ServerOption,
)
from cli.state import clear_state, load_state, remember_login, require_session
from client import ApiError, CoffreClient
from crypto import b64decode

console = Console()
CATEGORY_CODES = (
    "identite domicile ressources caf sante impots emploi logement titre-sejour famille "
    "justice autre"
).split()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def signup(
    login: Annotated[str, typer.Option("--login", "-l", help="Pseudonyme ou numéro de téléphone")],
    passphrase: Annotated[
        str,
        typer.Option(
            prompt="Choisissez votre phrase secrète",
            confirmation_prompt="Répétez la phrase secrète",
            hide_input=True,
            envvar="COFFRE_PASSPHRASE",
            help="Phrase secrète (demandée si absente ; jamais envoyée au serveur)",
        ),
    ],
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Create your vault (no e-mail needed) and log in."""
    with CoffreClient(server) as client:
        outcome = client.signup(login, passphrase)
        logged = client.login(login, passphrase)
    remember_login(home, server, logged)
    console.print("Votre coffre est créé.")
    console.print(
        "Voici votre [bold]code de récupération[/bold]. Écrivez-le sur papier et gardez-le "
        "en lieu sûr : sans lui, si vous oubliez votre phrase secrète, personne ne pourra "
        "ouvrir vos documents."
    )
    console.print(f"\n    [bold]{outcome.recovery_code}[/bold]\n")


def login(
    login: Annotated[str, typer.Option("--login", "-l", help="Pseudonyme ou numéro de téléphone")],
    passphrase: PassphraseOption,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
    totp: Annotated[
        str | None,
        typer.Option("--totp", help="Code à 6 chiffres, si la double authentification est active"),
    ] = None,
) -> None:
    """Log in to your vault."""
    with CoffreClient(server) as client:
        try:
            logged = client.login(login, passphrase, totp_code=totp)
        except ApiError as exc:
            # Asked only once the passphrase was right: then prompt for the code.
            if exc.code != "totp_required":
                raise
            code = typer.prompt("Code à 6 chiffres de votre application")
            logged = client.login(login, passphrase, totp_code=code)
    remember_login(home, server, logged)
    console.print(f"Connecté·e en tant que {logged.login}.")
    show_pending_reset(server, logged.token)
    if logged.totp_enrolment_required:
        console.print(
            "Ce compte doit d'abord activer la double authentification : "
            "lancez coffre totp enable, puis coffre totp confirm CODE."
        )


def logout(home: HomeOption = DEFAULT_HOME) -> None:
    """Log out and forget the session on this computer."""
    state = load_state(home)
    if state is not None and state.token:
        with CoffreClient(state.server, token=state.token) as client:
            client.logout()
    clear_state(home)
    console.print("Déconnecté·e. Rien n'est gardé sur cet ordinateur.")


def upload(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Le fichier")
    ],
    category: Annotated[
        str, typer.Option("--category", "-c", help="Catégorie : " + ", ".join(CATEGORY_CODES))
    ],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Encrypt a file on this computer and put it in your vault."""
    if category not in CATEGORY_CODES:
        console.print(f"Catégorie inconnue. Choisissez parmi : {', '.join(CATEGORY_CODES)}")
        raise typer.Exit(code=2)
    state = require_session(home)
    assert state.box_public_key is not None
    size = file.stat().st_size
    with CoffreClient(state.server, token=state.token) as client, _progress() as bar:
        task = bar.add_task("Chiffrement et envoi", total=size)
        document_id = client.upload(
            file,
            category,
            box_public_key=b64decode(state.box_public_key),
            progress=lambda n: bar.advance(task, n),
        )
    console.print(f"Document ajouté : {document_id}")


def list_documents(passphrase: PassphraseOption, home: HomeOption = DEFAULT_HOME) -> None:
    """List your documents (names are decrypted on this computer)."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        keys = client.unlock(passphrase)
        entries = client.list_documents(keys)
    if not entries:
        console.print("Votre coffre est vide.")
        return
    table = Table("Identifiant", "Catégorie", "Nom", "Taille", "Ajouté le")
    for entry in entries:
        table.add_row(
            entry.id,
            entry.category,
            entry.metadata.name,
            f"{entry.metadata.size:,}".replace(",", " "),
            entry.created_at.strftime("%d/%m/%Y %H:%M"),
        )
    console.print(table)


def download(
    document_id: Annotated[str, typer.Argument(help="Identifiant du document")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire")],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Download a document and decrypt it on this computer."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        keys = client.unlock(passphrase)
        entry = client.document(document_id, keys)
        with _progress() as bar:
            task = bar.add_task("Téléchargement", total=entry.ciphertext_size)
            client.download(document_id, output, keys, progress=lambda n: bar.advance(task, n))
    console.print(f"Document enregistré dans {output}")


def delete(
    document_id: Annotated[str, typer.Argument(help="Identifiant du document")],
    home: HomeOption = DEFAULT_HOME,
    yes: Annotated[bool, typer.Option("--yes", help="Ne pas demander de confirmation")] = False,
) -> None:
    """Delete a document for good (its key is destroyed)."""
    state = require_session(home)
    if not yes and not typer.confirm("Supprimer ce document pour toujours ?"):
        raise typer.Exit(code=1)
    with CoffreClient(state.server, token=state.token) as client:
        client.delete(document_id)
    console.print("Document supprimé.")
