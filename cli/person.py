"""Person commands: sign up, log in and out, upload, list, download, rename, delete,
and the move to crypto format v2.

They go through ``client/`` only: encryption and decryption happen here, on the
person's machine; the server sees ciphertext. Whenever the keys are unlocked (log-in,
or a command that asks for the passphrase) a vault still in format v1 is moved to v2
without re-sending any document (``coffre migrate`` does it on demand, SPEC §14.7);
after that every upload, rename and re-encryption is signed (SPEC §24), and every
document read is checked against what this computer remembers.
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
from cli.i18n import _
from cli.options import (
    DEFAULT_HOME,
    DEFAULT_SERVER,
    HomeOption,
    PassphraseOption,
    ServerOption,
)
from cli.state import (
    clear_state,
    load_state,
    memory_path,
    open_client,
    remember_login,
    require_session,
)
from client import ApiError, CoffreClient
from client.memory import ReaderMemory
from crypto import AccountKeys, ciphertext_size_v2

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


def ensure_v2(client: CoffreClient, keys: AccountKeys, *, quiet: bool = False) -> None:
    """Move the vault to format v2 if it is not yet (a server that knows v2 only): each
    document gets a signed binding, no content is sent again."""
    if "crypto_format" not in client.account():
        return  # a server without format v2
    if client.crypto_format() == 2:
        client.memory.mark_migrated(client.account_id())
        return
    summary = client.migrate_to_v2(keys)
    if summary.bound and not quiet:
        console.print(
            _(
                "Votre coffre est passé au format 2 : {count} document(s) signé(s), "
                "sans rien renvoyer."
            ).format(count=summary.bound)
        )


def unlock(client: CoffreClient, passphrase: str) -> AccountKeys:
    """Unwrap the keys with the passphrase, then make sure the vault is in format v2."""
    keys = client.unlock(passphrase)
    ensure_v2(client, keys)
    return keys


def signup(
    login: Annotated[
        str, typer.Option("--login", "-l", help=_("Pseudonyme ou numéro de téléphone"))
    ],
    passphrase: Annotated[
        str,
        typer.Option(
            prompt=_("Choisissez votre phrase secrète"),
            confirmation_prompt=_("Répétez la phrase secrète"),
            hide_input=True,
            envvar="COFFRE_PASSPHRASE",
            help=_("Phrase secrète (demandée si absente ; jamais envoyée au serveur)"),
        ),
    ],
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Create your vault (no e-mail needed) and log in."""
    with CoffreClient(server, memory=ReaderMemory(memory_path(home))) as client:
        outcome = client.signup(login, passphrase)
        logged = client.login(login, passphrase)
        if not logged.totp_enrolment_required:
            ensure_v2(client, logged.keys, quiet=True)  # an empty vault starts in v2
    remember_login(home, server, logged)
    console.print(_("Votre coffre est créé."))
    console.print(
        _(
            "Voici votre [bold]code de récupération[/bold]. Écrivez-le sur papier et "
            "gardez-le en lieu sûr : sans lui, si vous oubliez votre phrase secrète, "
            "personne ne pourra ouvrir vos documents."
        )
    )
    console.print(f"\n    [bold]{outcome.recovery_code}[/bold]\n")


def login(
    login: Annotated[
        str, typer.Option("--login", "-l", help=_("Pseudonyme ou numéro de téléphone"))
    ],
    passphrase: PassphraseOption,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
    totp: Annotated[
        str | None,
        typer.Option(
            "--totp", help=_("Code à 6 chiffres, si la double authentification est active")
        ),
    ] = None,
) -> None:
    """Log in to your vault."""
    with CoffreClient(server, memory=ReaderMemory(memory_path(home))) as client:
        try:
            logged = client.login(login, passphrase, totp_code=totp)
        except ApiError as exc:
            # Asked only once the passphrase was right: then prompt for the code.
            if exc.code != "totp_required":
                raise
            code = typer.prompt(_("Code à 6 chiffres de votre application"))
            logged = client.login(login, passphrase, totp_code=code)
        if not logged.totp_enrolment_required:
            ensure_v2(client, logged.keys)
    remember_login(home, server, logged)
    console.print(_("Connexion réussie : {login}.").format(login=logged.login))
    show_pending_reset(server, logged.token)
    if logged.totp_enrolment_required:
        console.print(
            _(
                "Ce compte doit d'abord activer la double authentification : "
                "lancez coffre totp enable, puis coffre totp confirm CODE."
            )
        )


def logout(home: HomeOption = DEFAULT_HOME) -> None:
    """Log out and forget the session on this computer."""
    state = load_state(home)
    if state is not None and state.token:
        with CoffreClient(state.server, token=state.token) as client:
            client.logout()
    clear_state(home)
    console.print(_("Session fermée. Rien n'est gardé sur cet ordinateur."))


def upload(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help=_("Le fichier"))
    ],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            "-c",
            help=_("Catégorie : {codes}").format(codes=", ".join(CATEGORY_CODES)),
        ),
    ],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Encrypt a file on this computer, sign it and put it in your vault."""
    if category not in CATEGORY_CODES:
        console.print(
            _("Catégorie inconnue. Choisissez parmi : {codes}").format(
                codes=", ".join(CATEGORY_CODES)
            )
        )
        raise typer.Exit(code=2)
    state = require_session(home)
    size = file.stat().st_size
    with open_client(home, state) as client:
        keys = unlock(client, passphrase)
        total = ciphertext_size_v2(size) if client.crypto_format() == 2 else size
        with _progress() as bar:
            task = bar.add_task(_("Chiffrement et envoi"), total=total)
            document_id = client.upload(
                file, category, keys=keys, progress=lambda n: bar.advance(task, n)
            )
    console.print(_("Document ajouté : {id}").format(id=document_id))


def list_documents(passphrase: PassphraseOption, home: HomeOption = DEFAULT_HOME) -> None:
    """List your documents (names are decrypted on this computer)."""
    state = require_session(home)
    with open_client(home, state) as client:
        keys = unlock(client, passphrase)
        entries = client.list_documents(keys)
    if not entries:
        console.print(_("Votre coffre est vide."))
        return
    table = Table(_("Identifiant"), _("Catégorie"), _("Nom"), _("Taille"), _("Ajouté le"))
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
    document_id: Annotated[str, typer.Argument(help=_("Identifiant du document"))],
    output: Annotated[Path, typer.Option("--output", "-o", help=_("Fichier à écrire"))],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Download a document and decrypt it on this computer."""
    state = require_session(home)
    with open_client(home, state) as client:
        keys = unlock(client, passphrase)
        entry = client.document(document_id, keys)
        with _progress() as bar:
            task = bar.add_task(_("Téléchargement"), total=entry.ciphertext_size)
            client.download(document_id, output, keys, progress=lambda n: bar.advance(task, n))
    console.print(_("Document enregistré dans {path}").format(path=output))


def rename(
    document_id: Annotated[str, typer.Argument(help=_("Identifiant du document"))],
    name: Annotated[str, typer.Argument(help=_("Nouveau nom"))],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Rename a document (the new name is encrypted and signed here)."""
    state = require_session(home)
    with open_client(home, state) as client:
        client.rename(document_id, name, unlock(client, passphrase))
    console.print(_("Document renommé."))


def migrate(passphrase: PassphraseOption, home: HomeOption = DEFAULT_HOME) -> None:
    """Move your vault to crypto format 2 now (done anyway at the next log-in): each
    document is signed, none is sent again."""
    state = require_session(home)
    with open_client(home, state) as client:
        keys = client.unlock(passphrase)
        if "crypto_format" not in client.account():
            console.print(_("Ce serveur ne connaît pas encore le format 2."))
            raise typer.Exit(code=1)
        summary = client.migrate_to_v2(keys)
    console.print(
        _(
            "Votre coffre est au format 2 : {signed} document(s) signé(s) maintenant, "
            "{kept} dépôt(s) gardé(s) tels quels, {read} octets lus, aucun renvoyé."
        ).format(
            signed=summary.bound,
            kept=summary.deposits_kept_v1,
            read=summary.content_bytes_downloaded,
        )
    )


def delete(
    document_id: Annotated[str, typer.Argument(help=_("Identifiant du document"))],
    home: HomeOption = DEFAULT_HOME,
    yes: Annotated[bool, typer.Option("--yes", help=_("Ne pas demander de confirmation"))] = False,
) -> None:
    """Delete a document for good (its key is destroyed)."""
    state = require_session(home)
    if not yes and not typer.confirm(_("Supprimer ce document pour toujours ?")):
        raise typer.Exit(code=1)
    with CoffreClient(state.server, token=state.token) as client:
        client.delete(document_id)
    console.print(_("Document supprimé."))
