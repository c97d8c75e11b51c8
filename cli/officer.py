"""Charter officer commands (``coffre console …``): the territory's trail, its flags, the
CSV export and the signed log, through the HTTP API with the saved session.

The officer sees metadata only; persons appear as pseudonymous references. Every
command is itself recorded in the trail by the server.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.options import DEFAULT_HOME, HomeOption
from cli.state import require_session
from client import CoffreClient
from client import console as officer_console

console_app = typer.Typer(
    help="Console du ou de la référent·e de la charte : journal, signalements, exports.",
    no_args_is_help=True,
)
out = Console()

FromOption = Annotated[
    str | None, typer.Option("--from", help="Début de la période (ISO-8601, ex. 2026-03-01)")
]
ToOption = Annotated[str | None, typer.Option("--to", help="Fin de la période, exclue (ISO-8601)")]


def _when(value: str) -> str:
    return datetime.fromisoformat(value).astimezone().strftime("%d/%m/%Y %H:%M")


def _entries_table(entries: list[dict[str, Any]]) -> Table:
    table = Table(
        "N°", "Date", "Action", "Résultat", "Auteur", "Personne", "Structure", "Finalité", "Motif"
    )
    for entry in entries:
        table.add_row(
            str(entry["seq"]),
            _when(entry["at"]),
            entry["action"],
            entry["outcome"],
            entry["actor"]["name"],
            entry["person"] or "",
            entry["structure_name"] or "",
            entry["purpose_label"] or "",
            entry["reason"] or "",
        )
    return table


@console_app.command("entries")
def entries(
    structure: Annotated[str | None, typer.Option(help="Identifiant d'une structure")] = None,
    professional: Annotated[
        str | None, typer.Option(help="Identifiant du compte qui a agi")
    ] = None,
    purpose: Annotated[str | None, typer.Option(help="Code d'une finalité")] = None,
    action: Annotated[str | None, typer.Option(help="Action, ex. grant.pull")] = None,
    outcome: Annotated[str | None, typer.Option(help="Résultat : ok, refused, failed")] = None,
    person: Annotated[
        str | None, typer.Option(help="Référence pseudonyme d'une personne (p-…)")
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    limit: Annotated[int, typer.Option(help="Lignes par page (1 à 200)")] = 50,
    cursor: Annotated[
        int | None, typer.Option(help="Suite de la page précédente (numéro donné en bas)")
    ] = None,
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", help="Écrire toutes les entrées choisies dans ce fichier CSV"),
    ] = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """List the trail's entries (newest first), or write them all to a CSV file."""
    state = require_session(home)
    filters: dict[str, str | int | None] = {
        "structure": structure,
        "professional": professional,
        "purpose": purpose,
        "action": action,
        "outcome": outcome,
        "person": person,
        "from": start,
        "to": end,
    }
    with CoffreClient(state.server, token=state.token) as client:
        if csv_file is not None:
            size = officer_console.save_csv(client, csv_file, **filters)
            out.print(f"Entrées enregistrées dans {csv_file} ({size} octets, séparateur « ; »).")
            return
        page = officer_console.entries(client, **filters, limit=limit, cursor=cursor)
    if not page["entries"]:
        out.print("Aucune entrée ne correspond à ces filtres.")
        return
    out.print(_entries_table(page["entries"]))
    if page["next_cursor"] is not None:
        out.print(f"Suite : ajoutez --cursor {page['next_cursor']}")


@console_app.command("flags")
def flags(start: FromOption = None, end: ToOption = None, home: HomeOption = DEFAULT_HOME) -> None:
    """Show what deserves a look in the period (default: the last 30 days), and why."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        report = officer_console.flags(client, start, end)
    period = f"du {_when(report['period_from'])} au {_when(report['period_to'])}"
    if not report["flags"]:
        out.print(f"Aucun signalement {period}.")
        return
    out.print(f"{len(report['flags'])} signalement(s) {period} :")
    for flag in report["flags"]:
        out.print(f"\n[bold]{flag['title']}[/bold] ({flag['code']})")
        out.print(flag["explanation"])
        out.print(_entries_table(flag["entries"]))


@console_app.command("log")
def log(
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire (JSON lines)")],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Download the verifiable signed log of the whole trail."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        officer_console.save_log(client, output)
        key = client.call("GET", "/audit/key").text.strip()
    out.print(
        f"Journal signé enregistré dans {output}. Vérifiez-le avec : "
        f"coffre audit verify --file {output} --key {key}"
    )
