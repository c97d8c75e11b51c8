"""Professional commands: what persons shared with me, pulling a granted copy,
confirming a person's key, and replacing my own keys (``coffre rotate-keys``).

A pulled copy is decrypted on this computer and written with a visible watermark
(recipient, structure, purpose, date): the person is told of every pull, and a
leaked copy shows where it leaked from. The original is never written.

Format v2: ``coffre shared`` shows each person's verification code (SPEC §25.3), to
compare with the one on the person's phone. The first key seen for a person is
remembered on this computer; if the server later shows another, nothing opens until
``coffre confirm-person PERSON --pin CODE`` with the code the person reads out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.options import DEFAULT_HOME, HomeOption, PassphraseOption
from cli.state import open_client, require_session
from client import consent
from client.credentials import rotate_keys as rotate_keys_of

console = Console()


def shared(home: HomeOption = DEFAULT_HOME) -> None:
    """List the grants persons made to you that are still in force."""
    state = require_session(home)
    with open_client(home, state) as client:
        grants = consent.shared_with_me(client)
    if not grants:
        console.print("Aucun document ne vous est partagé en ce moment.")
        return
    table = Table("Partage", "Personne", "Finalité", "Jusqu'au", "Documents", "Motif exigé")
    for grant in grants:
        pin = consent.person_pin(grant)
        table.add_row(
            grant["id"],
            grant["person_login"] + (f"\ncode : {pin}" if pin else ""),
            grant["purpose_label"],
            grant["not_after"][:16].replace("T", " "),
            " ".join(f"{d['id']} ({d['category']})" for d in grant["documents"]),
            "oui" if grant["reason_required"] else "non",
        )
        if grant.get("blocked"):
            table.add_row("", f"[red]{grant['blocked']}[/red]", "", "", "", "")
    console.print(table)


def pull(
    grant_id: Annotated[str, typer.Argument(help="Identifiant du partage")],
    document_id: Annotated[str, typer.Argument(help="Identifiant du document")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire")],
    passphrase: PassphraseOption,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Motif (exigé pour certaines finalités)")
    ] = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Pull a shared document: recorded, told to the person, written watermarked."""
    state = require_session(home)
    with open_client(home, state) as client:
        keys = client.unlock(passphrase)
        grants = {g["id"]: g for g in consent.shared_with_me(client)}
        grant = grants.get(grant_id)
        if grant is None:
            console.print("Ce partage est introuvable ou n'est plus en cours.")
            raise typer.Exit(code=1)
        copy, stamped, _media_type = consent.pull_stamped(client, keys, grant, document_id, reason)
    tmp = output.with_name(output.name + ".part")
    tmp.write_bytes(stamped)
    tmp.replace(output)
    left = "" if copy.pulls_left is None else f" ({copy.pulls_left} consultation(s) restante(s))"
    console.print(f"Copie filigranée enregistrée dans {output}{left}.")


def confirm_person(
    person_id: Annotated[str, typer.Argument(help="Identifiant de la personne")],
    pin: Annotated[
        str, typer.Option("--pin", help="Le code affiché sur le téléphone de la personne")
    ],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Trust a person's (new) key after comparing its code with the person's phone."""
    state = require_session(home)
    with open_client(home, state) as client:
        try:
            consent.confirm_person_key(client, person_id, pin)
        except ValueError:
            console.print(
                "Ce code ne correspond pas à la clé que le serveur montre pour cette "
                "personne : n'ouvrez rien, et signalez-le à votre structure."
            )
            raise typer.Exit(code=1) from None
    console.print("Clé de la personne vérifiée et retenue sur cet ordinateur.")


ROTATE_WARNING = (
    "Changer mes clés : à faire si votre appareil a été perdu ou volé, ou si votre clé "
    "a pu être vue. Vos certificats sont révoqués tout de suite : plus rien ne peut "
    "vous être confié avant que l'administrateur ou l'administratrice de votre "
    "structure certifie votre nouvelle clé, en face à face. Les personnes qui vous "
    "avaient partagé des documents devront les partager à nouveau. Votre phrase "
    "secrète ne change pas ; votre code de récupération, si : notez le nouveau."
)


def rotate_keys(
    passphrase: PassphraseOption,
    yes: Annotated[bool, typer.Option("--yes", help="Ne pas demander de confirmation")] = False,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """New keys (device lost or stolen, key possibly seen): certify them again face to face."""
    console.print(ROTATE_WARNING)
    if not yes and not typer.confirm("Changer mes clés maintenant ?"):
        raise typer.Exit(code=1)
    state = require_session(home)
    with open_client(home, state) as client:
        rotated = rotate_keys_of(client, passphrase)
    console.print(
        f"Vos clés sont changées ({len(rotated.revoked_memberships)} certificat(s) révoqué(s)).\n"
        f"Code de votre nouvelle clé, à comparer en face à face avec l'administrateur ou "
        f"l'administratrice de votre structure : {rotated.pin}\n"
        f"Votre nouveau code de récupération (à garder en lieu sûr, l'ancien ne sert "
        f"plus) : {rotated.recovery_code}"
    )
