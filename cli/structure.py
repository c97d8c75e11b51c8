"""``coffre structure …``: a structure admin's operations from the command line, the
same as the page's "Ma structure" screens: invite a professional (link + code),
invite from a CSV file (every row or none, rejected rows listed), list the members
with their certificate's state, certify one after comparing their pin face to face,
end a membership. Coffre sends no e-mail: hand the printed links out yourself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import DEFAULT_HOME, HomeOption, PassphraseOption
from cli.state import open_client, require_session
from client import network
from client.api import ApiError
from crypto import b64decode
from crypto.pins import pin_spoken

structure_app = typer.Typer(
    help="Ma structure : inviter, certifier, voir et retirer les professionnel·les.",
    no_args_is_help=True,
)

StructureArg = Annotated[str, typer.Argument(help="Identifiant de la structure")]
STATES = {
    "none": "non certifié·e",
    "valid": "certificat valable",
    "ending": "certificat à renouveler (finit dans moins de 30 jours)",
    "expired": "certificat expiré",
    "revoked": "certificat révoqué",
}


def _normal(pin: str) -> str:
    return "".join(ch for ch in pin.upper() if ch.isalnum())


@structure_app.command("invite")
def invite(
    structure_id: StructureArg,
    name: Annotated[str, typer.Option("--name", help="Nom affiché du ou de la professionnel·le")],
    profession: Annotated[
        str, typer.Option("--profession", help="Code de la catégorie (coffre/structures/kinds)")
    ],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Invite one professional: a single-use link and code, valid 7 days."""
    state = require_session(home)
    with open_client(home, state) as client:
        made = network.invite(client, structure_id, "professional", name, profession)
    typer.echo(f"Invitation pour {name} (à usage unique, jusqu'au {made['expires_at']}) :")
    typer.echo(f"    code : {made['code']}")
    if made.get("url"):
        typer.echo(f"    lien : {made['url']}")


@structure_app.command("invite-csv")
def invite_csv(
    structure_id: StructureArg,
    path: Annotated[Path, typer.Argument(help="Fichier CSV : nom, profession, email", exists=True)],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Invite every row of a CSV file, or none: a refused row is listed with its reason."""
    raw = path.read_bytes()
    state = require_session(home)
    with open_client(home, state) as client:
        try:
            answer = client.call(
                "POST",
                f"/structures/{structure_id}/invitations/bulk",
                content=raw,
                headers={"Content-Type": "text/csv"},
            ).json()
        except ApiError as exc:
            if not exc.rows:
                raise
            typer.echo(f"Erreur : {exc.message} ({exc.code})", err=True)
            for row in exc.rows:
                field = f" [{row['field']}]" if row.get("field") else ""
                typer.echo(f"    ligne {row['row']}{field} : {row['message']}", err=True)
            raise typer.Exit(code=1) from exc
    made = answer["invitations"]
    typer.echo(f"{len(made)} invitation(s) créée(s), à usage unique, valables 7 jours.")
    typer.echo("Coffre n'envoie pas encore d'e-mail : transmettez chaque lien vous-même.")
    for item in made:
        typer.echo(f"ligne {item['row']}\t{item['display_name']}\t{item['email']}\t{item['url']}")


@structure_app.command("members")
def members(structure_id: StructureArg, home: HomeOption = DEFAULT_HOME) -> None:
    """The structure's members, with their certificate's state and end."""
    state = require_session(home)
    with open_client(home, state) as client:
        listed = network.members(client, structure_id)
    for m in listed:
        if m.get("left_at"):
            continue
        until = f" jusqu'au {m['not_after'][:10]}" if m.get("not_after") else ""
        label = STATES.get(m.get("certificate_state", ""), "")
        typer.echo(
            f"{m['membership_id']}\t{m['display_name']}\t{m['profession']}\t{m['role']}\t"
            f"{label}{until}"
        )


@structure_app.command("certify")
def certify(
    structure_id: StructureArg,
    account_id: Annotated[str, typer.Argument(help="Identifiant du compte du membre")],
    pin: Annotated[
        str,
        typer.Option("--pin", help="Le code lu à voix haute par le membre, sur son propre écran"),
    ],
    passphrase: PassphraseOption,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Certify a member's keys after they read their pin to you, face to face."""
    state = require_session(home)
    with open_client(home, state) as client:
        found = [m for m in network.members(client, structure_id) if m["account_id"] == account_id]
        if not found:
            typer.echo("Ce membre est introuvable dans cette structure.", err=True)
            raise typer.Exit(code=1)
        member = found[0]
        # Computed here from the key the server gives: a server that swapped the key
        # shows another pin than the member's own screen.
        expected = pin_spoken(b64decode(member["sign_public_key"]))
        if _normal(expected) != _normal(pin):
            typer.echo(
                "Les codes ne correspondent pas : ne certifiez pas. Le code attendu est "
                f"{expected}. Vérifiez que la personne lit bien l'écran de son propre compte, "
                "et signalez-le si l'écart persiste.",
                err=True,
            )
            raise typer.Exit(code=1)
        keys = client.unlock(passphrase)
        me = state.account_id or client.call("GET", "/me").json()["account"]["id"]
        network.certify(client, me, keys, structure_id, member)
    typer.echo(f"{member['display_name']} est certifié·e.")


@structure_app.command("end-membership")
def end_membership(
    membership_id: Annotated[str, typer.Argument(help="Identifiant de l'adhésion du membre")],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """End a member's membership now (their certificate stops counting with it)."""
    state = require_session(home)
    with open_client(home, state) as client:
        client.call("POST", f"/memberships/{membership_id}/end")
    typer.echo("Le membre ne fait plus partie de la structure.")
