"""Professional commands: what persons shared with me, and pulling a granted copy.

A pulled copy is decrypted on this computer and written with a visible watermark
(recipient, structure, purpose, date): the person is told of every pull, and a
leaked copy shows where it leaked from. The original is never written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.options import DEFAULT_HOME, HomeOption, PassphraseOption
from cli.state import require_session
from client import CoffreClient, consent

console = Console()


def shared(home: HomeOption = DEFAULT_HOME) -> None:
    """List the grants persons made to you that are still in force."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        grants = consent.shared_with_me(client)
    if not grants:
        console.print("Aucun document ne vous est partagé en ce moment.")
        return
    table = Table("Partage", "Personne", "Finalité", "Jusqu'au", "Documents", "Motif exigé")
    for grant in grants:
        table.add_row(
            grant["id"],
            grant["person_login"],
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
    with CoffreClient(state.server, token=state.token) as client:
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
