"""Security commands: your sessions (devices) and your second factor (TOTP).

They go through ``client/`` with the session kept by ``coffre login``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import segno
import typer
from rich.console import Console
from rich.table import Table

from cli.options import DEFAULT_HOME, HomeOption
from cli.state import clear_state, require_session
from client import CoffreClient

console = Console()

sessions_app = typer.Typer(
    help="Vos sessions ouvertes (téléphone, ordinateur…) : les voir, les fermer.",
    invoke_without_command=True,
)
totp_app = typer.Typer(
    help="Double authentification : un code à 6 chiffres d'une application.",
    no_args_is_help=True,
)


@sessions_app.callback()
def list_sessions(ctx: typer.Context, home: HomeOption = DEFAULT_HOME) -> None:
    """List your open sessions; the one of this computer is marked."""
    if ctx.invoked_subcommand is not None:
        return
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        sessions = client.sessions()
    table = Table("Identifiant", "Appareil", "Type", "Ouverte le", "Dernière activité", "")
    for entry in sessions:
        table.add_row(
            entry.id,
            entry.label,
            "navigateur" if entry.kind == "web" else "application",
            entry.created_at.strftime("%d/%m/%Y %H:%M"),
            entry.last_seen_at.strftime("%d/%m/%Y %H:%M"),
            "cet ordinateur" if entry.current else "",
        )
    console.print(table)
    console.print("Fermer une session : coffre sessions revoke IDENTIFIANT")


@sessions_app.command("revoke")
def revoke(
    session_id: Annotated[str, typer.Argument(help="Identifiant de la session à fermer")],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Close one session at once (a lost phone, a shared computer)."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        current = any(s.current and s.id == session_id for s in client.sessions())
        client.revoke_session(session_id)
    if current:
        clear_state(home)
        console.print("C'était la session de cet ordinateur : vous êtes déconnecté·e.")
    else:
        console.print("Session fermée.")


@sessions_app.command("revoke-others")
def revoke_others(home: HomeOption = DEFAULT_HOME) -> None:
    """Close every session except the one of this computer."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        count = client.revoke_other_sessions()
    console.print(f"{count} autre(s) session(s) fermée(s).")


@totp_app.command("enable")
def enable(
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Écrire aussi le QR code dans ce fichier SVG"),
    ] = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Start the second factor: scan the QR code (or type the key) in an app."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        enrolment = client.enable_totp()
    console.print(
        "Ajoutez ce compte dans une application d'authentification "
        "(par exemple FreeOTP, Aegis ou Google Authenticator) :"
    )
    # The QR code is drawn here from the URI: nothing is sent anywhere else.
    segno.make(enrolment.otpauth_uri, error="m").terminal(compact=True)
    grouped = " ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4))
    console.print(f"Ou saisissez la clé : [bold]{grouped}[/bold]")
    if svg is not None:
        svg.write_text(enrolment.qr_svg, encoding="utf-8")
        console.print(f"QR code enregistré dans {svg}")
    console.print("Puis confirmez avec le code affiché : coffre totp confirm CODE")


@totp_app.command("confirm")
def confirm(
    code: Annotated[str, typer.Argument(help="Le code à 6 chiffres affiché par l'application")],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Turn the second factor on with a first code from the app."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        client.confirm_totp(code)
    console.print(
        "Double authentification activée : chaque connexion demandera un code "
        "(coffre login --totp CODE)."
    )


@totp_app.command("disable")
def disable(
    code: Annotated[str, typer.Argument(help="Le code à 6 chiffres affiché par l'application")],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Turn the second factor off (not possible for accounts that require it)."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        client.disable_totp(code)
    console.print("Double authentification désactivée.")
