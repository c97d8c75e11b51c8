"""Partners' commands over a personal access token (client/partner.py): ``coffre
grants``, ``coffre pull`` (one grant, or every new one into a folder), ``coffre
outcome``, ``coffre request``, ``coffre deposit``, ``coffre receipt verify|get`` and
``coffre key export|remember|forget`` (the professional's key file, client/keyfile.py).

The token comes from ``--token`` or ``COFFRE_TOKEN`` (keep it in a secret store, never
in a script); the professional's keys from the key file (``--key-file`` /
``COFFRE_KEY_FILE``), opened with ``COFFRE_KEY_PASSPHRASE``, else the passphrase kept
in the OS keyring, else a prompt. Neither is ever printed, logged or sent.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

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

from cli.i18n import _
from cli.options import DEFAULT_HOME, DEFAULT_SERVER, HomeOption, ServerOption
from client.keyfile import (
    PartnerKeys,
    forget_passphrase,
    keep_passphrase,
    key_file_account,
    open_key_file,
    write_key_file,
)
from client.memory import ReaderMemory
from client.partner import OUTCOMES, Grant, GrantDocument, PartnerClient
from client.partner_sync import pull_into
from client.receipts import ReceiptInvalid, verify_receipt

console = Console()

TokenOption = Annotated[
    str,
    typer.Option(
        "--token",
        envvar="COFFRE_TOKEN",
        help=_("Jeton d'accès personnel (coffre_pat_…), jamais affiché"),
        show_default=False,
    ),
]
KeyFileOption = Annotated[
    Path,
    typer.Option(
        "--key-file", envvar="COFFRE_KEY_FILE", help=_("Fichier de clés du professionnel")
    ),
]
KeyPassphraseOption = Annotated[
    str | None,
    typer.Option(
        "--key-passphrase",
        envvar="COFFRE_KEY_PASSPHRASE",
        hide_input=True,
        help=_("Phrase secrète du fichier de clés (sinon le trousseau du système, sinon demandée)"),
        show_default=False,
    ),
]
DEFAULT_KEY_FILE = DEFAULT_HOME / "partner.key"


def _memory(home: Path) -> ReaderMemory:
    """The persons' keys and versions seen, kept between runs (no secret in it)."""
    return ReaderMemory(home / "partner-memory.json")


def _keys(key_file: Path, passphrase: str | None) -> PartnerKeys:
    from client.keyfile import KeyFileError

    try:
        return open_key_file(key_file, passphrase)
    except KeyFileError as exc:
        if exc.code != "key_passphrase_missing":
            raise
    asked = typer.prompt(_("Phrase secrète du fichier de clés"), hide_input=True)
    return open_key_file(key_file, asked)


def _client(server: str, token: str, home: Path, keys: PartnerKeys | None = None) -> PartnerClient:
    return PartnerClient(server, token, keys, memory=_memory(home))


# -- grants ------------------------------------------------------------------------------
def grants(
    token: TokenOption,
    person: Annotated[
        str | None, typer.Option("--person", help=_("Identifiant de la personne"))
    ] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help=_("Code de la finalité"))] = None,
    state: Annotated[
        str | None, typer.Option("--state", help=_("active, ended ou revoked"))
    ] = None,
    ending_before: Annotated[
        str | None, typer.Option("--ending-before", help=_("Se terminant avant (AAAA-MM-JJ)"))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Écrire en JSON"))] = False,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """The grants persons made to you (filters, every page)."""
    ending = date.fromisoformat(ending_before) if ending_before else None
    with _client(server, token, home) as client:
        found = list(
            client.grants(
                person=person,
                purpose=purpose,
                state=state,  # type: ignore[arg-type]
                ending_before=ending,
            )
        )
    if as_json:
        typer.echo(json.dumps([g.raw for g in found], ensure_ascii=False, indent=1, default=str))
        return
    if not found:
        console.print(_("Aucun partage ne correspond."))
        return
    table = Table(
        _("Partage"), _("Personne"), _("Finalité"), _("État"), _("Jusqu'au"), _("Documents")
    )
    for grant in found:
        table.add_row(
            grant.id,
            grant.person_login or grant.person_id,
            grant.purpose_label,
            grant.state,
            grant.not_after.isoformat()[:16].replace("T", " "),
            " ".join(f"{d.id} ({d.category})" for d in grant.documents),
        )
    console.print(table)


# -- pull --------------------------------------------------------------------------------
def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def partner_pull(
    server: str,
    token: str,
    home: Path,
    key_file: Path,
    key_passphrase: str | None,
    grant_id: str | None,
    document_id: str | None,
    into: Path,
    reason: str | None,
) -> None:
    """``coffre pull`` with a token: into a folder, resumable (client/partner_sync.py)."""
    keys = _keys(key_file, key_passphrase)
    with _client(server, token, home, keys) as client, _bar() as bar:

        def on_document(grant: Grant, document: GrantDocument) -> Any:
            task = bar.add_task(f"{grant.id[:8]}/{document.id[:8]}", total=document.ciphertext_size)
            return lambda n: bar.advance(task, n)

        chosen = [client.grant(grant_id)] if grant_id is not None else None
        report = pull_into(
            client,
            into,
            grants=chosen,
            document_id=document_id,
            reason=reason,
            on_document=on_document,
        )
    for pulled in report.pulled:
        console.print(
            _("Reçu vérifié, document écrit : {path}").format(path=pulled.path), highlight=False
        )
    for grant, document, code, message in report.refused:
        console.print(
            _("Refusé : {grant}/{document} : {message} ({code})").format(
                grant=grant, document=document, message=message, code=code
            ),
            highlight=False,
        )
    console.print(
        _(
            "{pulled} document(s) récupéré(s), {skipped} déjà présent(s), {refused} refusé(s)."
        ).format(pulled=len(report.pulled), skipped=report.skipped, refused=len(report.refused))
    )
    if report.refused:
        raise typer.Exit(code=1)


def pull(
    grant_id: Annotated[str | None, typer.Argument(help=_("Identifiant du partage"))] = None,
    document_id: Annotated[str | None, typer.Argument(help=_("Identifiant du document"))] = None,
    into: Annotated[
        Path | None, typer.Option("--into", help=_("Dossier où récupérer les documents"))
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("Fichier à écrire (un document)"))
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help=_("Motif (exigé pour certaines finalités)"))
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="COFFRE_TOKEN",
            help=_("Jeton d'accès personnel (coffre_pat_…), jamais affiché"),
            show_default=False,
        ),
    ] = None,
    key_file: KeyFileOption = DEFAULT_KEY_FILE,
    key_passphrase: KeyPassphraseOption = None,
    passphrase: Annotated[
        str | None,
        typer.Option(
            "--passphrase",
            envvar="COFFRE_PASSPHRASE",
            hide_input=True,
            help=_("Phrase secrète (session, sans jeton)"),
            show_default=False,
        ),
    ] = None,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Pull granted documents: with a token, into a folder (resumable); in a session,
    one watermarked copy."""
    if not token:
        # A professional's own session (coffre login): one copy, watermarked.
        from cli import professional

        if grant_id is None or document_id is None or output is None:
            console.print(_("Sans jeton : coffre pull PARTAGE DOCUMENT -o FICHIER."))
            raise typer.Exit(code=2)
        if passphrase is None:
            passphrase = typer.prompt(_("Votre phrase secrète"), hide_input=True)
        professional.pull(grant_id, document_id, output, passphrase, reason, home)
        return
    if output is not None:
        if grant_id is None or document_id is None:
            console.print(_("Avec -o : coffre pull PARTAGE DOCUMENT -o FICHIER."))
            raise typer.Exit(code=2)
        keys = _keys(key_file, key_passphrase)
        with _client(server, token, home, keys) as client, _bar() as bar:
            task = bar.add_task(document_id[:8], total=None)
            pulled = client.pull(
                grant_id,
                document_id,
                output,
                reason=reason,
                progress=lambda n: bar.advance(task, n),
            )
        console.print(
            _("Reçu vérifié, document écrit : {path}").format(path=pulled.path), highlight=False
        )
        return
    if into is None:
        console.print(_("Indiquez le dossier : --into DOSSIER (ou -o FICHIER pour un document)."))
        raise typer.Exit(code=2)
    partner_pull(server, token, home, key_file, key_passphrase, grant_id, document_id, into, reason)


# -- outcome, request, deposit -----------------------------------------------------------
def outcome(
    grant_id: Annotated[str, typer.Argument(help=_("Identifiant du partage"))],
    result: Annotated[
        str, typer.Argument(help=_("right_opened, document_unreadable ou document_missing"))
    ],
    token: TokenOption,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Tell the person what came of their documents (shown in their history)."""
    if result not in OUTCOMES:
        console.print(
            _("Résultat inconnu : choisissez parmi {choices}.").format(choices=", ".join(OUTCOMES))
        )
        raise typer.Exit(code=2)
    with _client(server, token, home) as client:
        client.report_outcome(grant_id, result)
    console.print(_("Résultat transmis à la personne."))


def request(
    person_login: Annotated[
        str, typer.Option("--person", help=_("Identifiant de connexion de la personne"))
    ],
    structure_id: Annotated[str, typer.Option("--structure", help=_("Votre structure"))],
    purpose: Annotated[str, typer.Option("--purpose", help=_("Code de la finalité"))],
    category: Annotated[str, typer.Option("--category", help=_("Catégorie du document demandé"))],
    token: TokenOption,
    message: Annotated[
        str | None, typer.Option("--message", help=_("Message pour la personne"))
    ] = None,
    due_on: Annotated[str | None, typer.Option("--due-on", help=_("Pour le (AAAA-MM-JJ)"))] = None,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Ask a person for a document."""
    with _client(server, token, home) as client:
        request_id = client.request_document(
            person_login=person_login,
            structure_id=structure_id,
            purpose=purpose,
            category=category,
            message=message,
            due_on=date.fromisoformat(due_on) if due_on else None,
        )
    console.print(_("Demande envoyée : {id}").format(id=request_id), highlight=False)


def deposit(
    person_id: Annotated[str, typer.Argument(help=_("Identifiant de la personne"))],
    path: Annotated[Path, typer.Argument(help=_("Fichier à déposer"), exists=True, dir_okay=False)],
    structure_id: Annotated[str, typer.Option("--structure", help=_("Votre structure"))],
    category: Annotated[str, typer.Option("--category", help=_("Catégorie du document"))],
    token: TokenOption,
    name: Annotated[str | None, typer.Option("--name", help=_("Nom du document"))] = None,
    key_file: KeyFileOption = DEFAULT_KEY_FILE,
    key_passphrase: KeyPassphraseOption = None,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Deposit a document into a person's vault, signed with your key."""
    keys = _keys(key_file, key_passphrase)
    with _client(server, token, home, keys) as client, _bar() as bar:
        task = bar.add_task(path.name, total=path.stat().st_size)
        done = client.deposit(
            person_id,
            path,
            structure_id=structure_id,
            category=category,
            name=name,
            progress=lambda n: bar.advance(task, n),
        )
    console.print(_("Document déposé : {id}").format(id=done.id), highlight=False)


# -- receipts ----------------------------------------------------------------------------
receipt_app = typer.Typer(help=_("Reçus de consentement"), no_args_is_help=True)


@receipt_app.command("verify")
def receipt_verify(
    file: Annotated[
        Path, typer.Argument(help=_("Fichier du reçu (JSON)"), exists=True, dir_okay=False)
    ],
    root: Annotated[
        str | None,
        typer.Option("--root", help=_("Code de la clé de confiance du territoire, tel que publié")),
    ] = None,
    person_pin: Annotated[
        str | None,
        typer.Option("--person-pin", help=_("Code affiché sur le téléphone de la personne")),
    ] = None,
) -> None:
    """Check a consent receipt offline, against the pinned trust root."""
    try:
        verified = verify_receipt(file.read_bytes(), root, person_pin=person_pin)
    except ReceiptInvalid as exc:
        console.print(
            _("Reçu refusé : {message} ({code})").format(message=exc.message_fr, code=exc.code),
            highlight=False,
        )
        raise typer.Exit(code=1) from None
    receipt = verified.receipt
    console.print(_("Reçu valide : signé par la personne {person}.").format(person=receipt.person))
    console.print(
        _("Partage {grant}, finalité {purpose}, du {start} au {end}, {count} document(s).").format(
            grant=receipt.grant,
            purpose=receipt.purpose,
            start=receipt.not_before.date().isoformat(),
            end=receipt.not_after.date().isoformat(),
            count=len(receipt.documents),
        ),
        highlight=False,
    )
    console.print(_("Code de la clé de la personne : {pin}").format(pin=verified.person_pin))
    if not verified.person_key_confirmed:
        console.print(
            _("Clé de la personne non comparée : vérifiez ce code avec elle (--person-pin).")
        )
    if verified.professional_certified:
        console.print(
            _("Professionnel certifié par la clé de confiance du territoire : {name}.").format(
                name=verified.professional_name or receipt.professional
            )
        )
    elif root is None:
        console.print(
            _("Professionnel non vérifié : donnez le code de la clé de confiance (--root).")
        )
    else:
        console.print(_("Professionnel non vérifié : ce fichier ne contient pas son certificat."))


@receipt_app.command("get")
def receipt_get(
    grant_id: Annotated[str, typer.Argument(help=_("Identifiant du partage"))],
    output: Annotated[Path, typer.Option("--output", "-o", help=_("Fichier à écrire"))],
    token: TokenOption,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Save a grant's consent receipt, to verify offline later."""
    with _client(server, token, home) as client:
        text = client.receipt(grant_id).to_json()
    tmp = output.with_name(output.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(output)
    console.print(_("Reçu enregistré dans {path}.").format(path=output), highlight=False)


# -- the key file ------------------------------------------------------------------------
key_app = typer.Typer(
    help=_("Fichier de clés du professionnel, pour un jeton"), no_args_is_help=True
)


@key_app.command("export")
def key_export(
    output: Annotated[Path, typer.Option("--output", "-o", help=_("Fichier de clés à écrire"))],
    passphrase: Annotated[
        str,
        typer.Option(
            prompt=_("Votre phrase secrète"),
            hide_input=True,
            envvar="COFFRE_PASSPHRASE",
            help=_("Phrase secrète de votre compte (jamais envoyée au serveur)"),
        ),
    ],
    key_passphrase: Annotated[
        str,
        typer.Option(
            "--key-passphrase",
            prompt=_("Phrase secrète du fichier de clés"),
            confirmation_prompt=True,
            hide_input=True,
            envvar="COFFRE_KEY_PASSPHRASE",
            help=_("Phrase secrète qui protège le fichier"),
        ),
    ],
    remember: Annotated[
        bool, typer.Option("--remember", help=_("Garder cette phrase dans le trousseau du système"))
    ] = False,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Write your keys to a file protected by a passphrase (after coffre login)."""
    from cli.state import open_client, require_session

    state = require_session(home)
    with open_client(home, state) as client:
        keys = client.unlock(passphrase)
        account = client.account()
        territory = client.territory
    write_key_file(
        output,
        keys,
        account_id=str(account["id"]),
        login=str(account["login"]),
        territory=territory,
        passphrase=key_passphrase,
    )
    if remember:
        keep_passphrase(str(account["id"]), key_passphrase)
    console.print(_("Fichier de clés écrit : {path}").format(path=output), highlight=False)


@key_app.command("remember")
def key_remember(
    key_passphrase: Annotated[
        str,
        typer.Option(
            "--key-passphrase",
            prompt=_("Phrase secrète du fichier de clés"),
            hide_input=True,
            envvar="COFFRE_KEY_PASSPHRASE",
            help=_("Phrase secrète qui protège le fichier"),
        ),
    ],
    key_file: KeyFileOption = DEFAULT_KEY_FILE,
) -> None:
    """Keep the key file's passphrase in the OS keyring (checked first)."""
    opened = open_key_file(key_file, key_passphrase)
    keep_passphrase(opened.account_id, key_passphrase)
    console.print(_("Phrase secrète gardée dans le trousseau du système."))


@key_app.command("forget")
def key_forget(key_file: KeyFileOption = DEFAULT_KEY_FILE) -> None:
    """Remove the key file's passphrase from the OS keyring."""
    forget_passphrase(key_file_account(key_file))
    console.print(_("Phrase secrète retirée du trousseau du système."))
