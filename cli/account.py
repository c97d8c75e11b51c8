"""Account commands: recover with the kit, change the passphrase, reset without the kit
(and cancel a reset that waits), delete the account; and the operator's
``coffre admin reset-code``.

The person commands go through ``client/``: the recovery code, the passphrases and the
master key stay on this computer. The admin command acts on the server's database
through ``coffre/`` (an operator at the server's console), imported inside it so that
the person commands start fast (cli/main.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console

from cli.options import (
    DEFAULT_HOME,
    DEFAULT_SERVER,
    HomeOption,
    PassphraseOption,
    ServerOption,
)
from cli.state import clear_state, remember_login, require_session
from client import ApiError, CoffreClient
from client.api import PendingReset
from coffre.errors import CoffreError
from crypto.errors import InvalidInputError

console = Console()
admin_app = typer.Typer(help="Comptes (exploitation).", no_args_is_help=True)

LoginOption = Annotated[
    str, typer.Option("--login", "-l", help="Pseudonyme ou numéro de téléphone")
]
NewPassphraseOption = Annotated[
    str | None,
    typer.Option(
        "--new-passphrase",
        envvar="COFFRE_NEW_PASSPHRASE",
        help="Nouvelle phrase secrète (demandée si absente ; jamais envoyée au serveur)",
        show_default=False,
    ),
]
YesOption = Annotated[bool, typer.Option("--yes", help="Ne pas demander de confirmation")]

RESET_WARNING = (
    "[bold]Attention.[/bold] Sans votre code de récupération, personne ne peut plus ouvrir "
    "vos documents : ni vous, ni nous, ni les professionnels. C'est le prix du chiffrement "
    "de bout en bout. Avec le code de réinitialisation qu'un professionnel vous a donné, "
    "vous retrouvez votre identifiant et un coffre [bold]vide[/bold], après un délai "
    "d'attente de quelques jours (pendant ce délai, la personne qui a l'ancienne phrase "
    "secrète ou l'ancien code de récupération peut annuler). Ce jour-là, vos anciens "
    "documents seront détruits pour toujours. Les documents ajoutés, déposés ou partagés "
    "ensuite s'ouvriront normalement.\n"
    "Si vous avez encore votre code de récupération, arrêtez ici et utilisez plutôt : "
    "coffre recover"
)


def when(moment: datetime) -> str:
    """A moment as the person reads it, in this computer's time zone."""
    return moment.astimezone().strftime("%d/%m/%Y à %H:%M")


def pending_reset_text(pending: PendingReset) -> str:
    """What a person who logs in is told about a reset of their account, in French."""
    if pending.stage == "waiting":
        return (
            "[bold]Attention : une réinitialisation de votre compte est en attente.[/bold] "
            f"Le {when(pending.until)}, votre coffre sera remplacé par un coffre vide et vos "
            "documents seront détruits. Si ce n'est pas vous qui l'avez demandée, ou si vous "
            "avez retrouvé votre phrase secrète, annulez-la maintenant : coffre reset-cancel"
        )
    return (
        "[bold]Attention : un code de réinitialisation a été créé pour votre compte[/bold] "
        f"(valable jusqu'au {when(pending.until)}). Si vous n'avez rien demandé, "
        "retirez-le maintenant : coffre reset-cancel"
    )


def _new_passphrase(value: str | None) -> str:
    if value:
        return value
    return str(
        typer.prompt(
            "Choisissez votre nouvelle phrase secrète",
            hide_input=True,
            confirmation_prompt="Répétez la nouvelle phrase secrète",
        )
    )


def recover(
    login: LoginOption,
    code: Annotated[
        str | None,
        typer.Option(
            "--code",
            envvar="COFFRE_RECOVERY_CODE",
            help="Code de récupération (demandé si absent ; il reste sur cet ordinateur)",
            show_default=False,
        ),
    ] = None,
    new_passphrase: NewPassphraseOption = None,
    totp: Annotated[
        str | None, typer.Option("--totp", help="Code à 6 chiffres, si votre compte en a un")
    ] = None,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Forgot your passphrase? Choose a new one with your recovery code; keep every document."""
    recovery_code = code or str(typer.prompt("Votre code de récupération", hide_input=True))
    passphrase = _new_passphrase(new_passphrase)
    with CoffreClient(server) as client:
        try:
            logged = client.recover(login, recovery_code, passphrase, totp_code=totp)
        except InvalidInputError:
            console.print(
                "Ce code de récupération n'est pas valable (rien n'a été envoyé). "
                "Vérifiez chaque caractère sur votre kit."
            )
            raise typer.Exit(code=1) from None
    remember_login(home, server, logged)
    console.print(
        "Votre nouvelle phrase secrète est enregistrée et tous vos documents sont là. "
        "Vos autres sessions ont été fermées. Gardez le même code de récupération."
    )


def passwd(
    passphrase: PassphraseOption,
    new_passphrase: NewPassphraseOption = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Change your passphrase (your documents stay as they are)."""
    state = require_session(home)
    new = _new_passphrase(new_passphrase)
    with CoffreClient(state.server, token=state.token) as client:
        revoked = client.change_passphrase(passphrase, new)
    console.print(
        f"Votre phrase secrète est changée. Autres sessions fermées : {revoked}. "
        "Votre code de récupération ne change pas."
    )


def reset(
    login: LoginOption,
    code: Annotated[
        str | None,
        typer.Option(
            "--code",
            envvar="COFFRE_RESET_CODE",
            help="Code de réinitialisation donné par un professionnel (demandé si absent)",
            show_default=False,
        ),
    ] = None,
    new_passphrase: NewPassphraseOption = None,
    yes: YesOption = False,
    server: ServerOption = DEFAULT_SERVER,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Lost both your passphrase and your recovery code: start again with an empty vault."""
    console.print(RESET_WARNING)
    if not yes and not typer.confirm(
        "Détruire vos anciens documents et repartir avec un coffre vide ?"
    ):
        raise typer.Exit(code=1)
    reset_code = code or str(typer.prompt("Code de réinitialisation"))
    passphrase = _new_passphrase(new_passphrase)
    with CoffreClient(server) as client:
        outcome = client.reset_with_code(login, reset_code, passphrase)
    console.print(outcome.message)
    console.print(
        f"Vous pourrez entrer dans votre nouveau coffre à partir du {when(outcome.completes_at)} "
        f"avec : coffre login --login {login}"
    )
    console.print(
        "Voici votre [bold]nouveau code de récupération[/bold]. Écrivez-le sur papier et "
        "gardez-le en lieu sûr : sans lui, si vous oubliez votre phrase secrète, personne "
        "ne pourra ouvrir vos documents. Il servira à partir de la même date."
    )
    console.print(f"\n    [bold]{outcome.recovery_code}[/bold]\n")


def show_pending_reset(server: str, token: str) -> None:
    """After a login: tell the person at once about a reset of their account."""
    with CoffreClient(server, token=token) as client:
        try:
            pending = client.pending_reset()
        except ApiError as exc:
            # A session that may only enrol a second factor (territory admin, officer)
            # is refused everything else; those accounts cannot be reset anyway.
            if exc.code != "totp_enrolment_required":
                raise
            return
    if pending is not None:
        console.print(pending_reset_text(pending))


def reset_cancel(
    yes: YesOption = False,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Cancel a reset of your account that waits (log in first with coffre login)."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        pending = client.pending_reset()
        if pending is None:
            console.print("Aucune réinitialisation de votre compte n'est en attente.")
            return
        console.print(pending_reset_text(pending))
        if not yes and not typer.confirm("Annuler la réinitialisation ?"):
            raise typer.Exit(code=1)
        console.print(client.cancel_reset())


def delete_account(
    passphrase: PassphraseOption,
    yes: YesOption = False,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Delete your account and every document in it, for good."""
    state = require_session(home)
    if not yes and not typer.confirm(
        "Supprimer votre compte et tous vos documents pour toujours ? Personne ne pourra "
        "plus les ouvrir, pas même vous"
    ):
        raise typer.Exit(code=1)
    with CoffreClient(state.server, token=state.token) as client:
        client.delete_account(passphrase)
    clear_state(home)
    console.print(
        "Votre compte et vos documents sont supprimés. Votre identifiant est libre à nouveau."
    )


@admin_app.command("reset-code")
def reset_code(
    login: Annotated[str, typer.Argument(help="Identifiant de la personne")],
) -> None:
    """Give a person who lost passphrase and recovery code a one-time reset code (3 days)."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        issued = coffre.resets.create_reset_code_as_operator(login)
    except CoffreError as exc:
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
        raise typer.Exit(code=1) from None
    finally:
        coffre.close()
    typer.echo(f"Code de réinitialisation pour {issued.login} :")
    typer.echo(f"\n    {issued.code}\n")
    typer.echo(
        f"Valable jusqu'au {issued.expires_at:%d/%m/%Y %H:%M} (UTC), une seule fois. "
        "Remettez-le à la personne en main propre. Avec lui, elle retrouve son identifiant "
        f"et un coffre vide, {coffre.settings.reset_waiting_days} jours après l'avoir utilisé : "
        "ses anciens documents seront détruits alors. La personne est prévenue dans "
        "l'application et peut annuler pendant ce délai avec sa phrase secrète ou son kit."
    )
