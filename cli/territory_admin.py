"""The territory admin's commands beside ``bootstrap`` (``coffre territory …``): admit a
structure, invite its admin or the charter officer, who adheres since when, preview
and publish the charter, end an adhesion. Through the HTTP API with the saved session
(``coffre login``, with the 6-digit code), like the administration page
(/administration): the same checks, the same errors.

Publishing always goes through the preview: the differences and the problems are
printed, then the very bytes previewed are published after a confirmation (``--yes``
to skip it in a script), guarded by their SHA-256 (``charter_changed`` otherwise).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.options import DEFAULT_HOME, HomeOption
from cli.state import require_session
from client import CoffreClient
from client import territory as admin
from coffre.structures.kinds import PROFESSIONS, STRUCTURE_KINDS
from coffre.vault.categories import CATEGORIES

charter_app = typer.Typer(
    help="Charte du territoire : aperçu (différences, erreurs) et publication.",
    no_args_is_help=True,
)
out = Console(highlight=False)

YesOption = Annotated[bool, typer.Option("--yes", help="Publier sans demander de confirmation")]
KINDS = ", ".join(STRUCTURE_KINDS)


def _names(table: dict[str, str], codes: list[str]) -> str:
    return ", ".join(table.get(code, code) for code in codes)


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def describe(diff: dict[str, Any]) -> list[str]:
    """The differences in French, one line each (details indented)."""
    lines: list[str] = []
    for p in diff["purposes"]:
        if p["change"] == "added":
            lines.append(f"+ Finalité ajoutée : {p['label']} ({p['code']})")
        elif p["change"] == "removed":
            lines.append(f"- Finalité retirée : {p['label']} ({p['code']})")
        else:
            lines.append(f"~ Finalité modifiée : {p['label']} ({p['code']})")
            if p["label_changed"]:
                lines.append(f"    nouveau nom (avant : « {p['label_changed']['old']} »)")
            for key, table, word in (
                ("categories", CATEGORIES, "Documents"),
                ("professions", PROFESSIONS, "Professions"),
            ):
                if p[key]["added"]:
                    lines.append(f"    {word} ajoutés : {_names(table, p[key]['added'])}")
                if p[key]["removed"]:
                    lines.append(f"    {word} retirés : {_names(table, p[key]['removed'])}")
            if p["max_days"]:
                lines.append(
                    f"    Durée maximale : {p['max_days']['old']} → {p['max_days']['new']} jours"
                )
            if p["reason_required"]:
                required = p["reason_required"]["new"]
                lines.append(
                    "    Motif désormais obligatoire" if required else "    Motif plus demandé"
                )
            if p["description_changed"]:
                lines.append("    Description modifiée")
    for s in diff["structures"]:
        words = {
            "added": "+ Structure ajoutée",
            "removed": "- Structure retirée de la liste",
            "ended": "~ Fin d'adhésion",
            "resumed": "~ Adhésion reprise",
            "changed": "~ Dates d'adhésion modifiées",
        }
        until = s["until"]["new"] if s.get("until") and s["until"]["new"] else None
        lines.append(
            f"{words[s['change']]} : {s['name']}" + (f", le {_day(until)}" if until else "")
        )
    relays = diff["relays"]
    if relays:
        if relays["change"] == "added":
            lines.append(f"+ Relais permis pour : {', '.join(relays['purposes']['added'])}")
        elif relays["change"] == "removed":
            lines.append("- Plus aucun relais entre structures")
        else:
            lines.append("~ Réglages des relais modifiés")
            if relays["purposes"]["added"]:
                lines.append(f"    relais en plus pour : {', '.join(relays['purposes']['added'])}")
            if relays["purposes"]["removed"]:
                lines.append(
                    f"    relais plus permis pour : {', '.join(relays['purposes']['removed'])}"
                )
            for key, word in (("remind_after_days", "Rappel"), ("expire_after_days", "Fin")):
                if relays[key]:
                    lines.append(f"    {word} : {relays[key]['old']} → {relays[key]['new']} jours")
            if relays["orientations_changed"]:
                lines.append("    Orientations permises modifiées")
    if diff["title_changed"]:
        lines.append("~ Le titre change")
    if diff["preamble_changed"]:
        lines.append("~ Le préambule change")
    return lines


def _show_preview(previewed: dict[str, Any]) -> bool:
    """Print the preview; True when it can be published."""
    if previewed["version"] is not None:
        out.print(
            f"Version {previewed['version']} de la charte, en vigueur le "
            f"{_day(previewed['effective_on'])}."
        )
    if previewed["problems"]:
        count = len(previewed["problems"])
        out.print(f"Cette charte ne peut pas être publiée : {count} problème(s) dans le fichier.")
        for problem in previewed["problems"]:
            out.print(f"  À « {problem['location']} » : {problem['message']}")
    diff = previewed["differences"]
    if diff is not None:
        base = previewed["compared_with"]
        if base is None:
            out.print("C'est la première charte du territoire : tout est nouveau.")
        else:
            out.print(
                f"Différences avec la version {base['version']} (en vigueur le "
                f"{_day(base['effective_on'])}) :"
            )
        lines = describe(diff)
        for line in lines or [f"Aucune différence de fond avec la version {base['version']}."]:
            out.print(f"  {line}")
    out.print(f"SHA-256 du fichier : {previewed['sha256']}")
    return bool(previewed["valid"])


def _publish(client: CoffreClient, source: bytes, yes: bool) -> None:
    previewed = admin.preview(client, source)
    if not _show_preview(previewed):
        raise typer.Exit(1)
    if not yes:
        try:
            confirmed = typer.confirm("Publier cette version ?", default=False)
        except typer.Abort:  # no answer (end of input)
            confirmed = False
        if not confirmed:
            out.print("Rien n'a été publié.")
            raise typer.Exit(1)
    published = admin.publish(client, source, previewed)
    out.print(
        f"C'est fait : la version {published['version']} de la charte est publiée "
        f"(en vigueur le {_day(published['effective_on'])})."
    )


@charter_app.command("preview")
def charter_preview(
    file: Annotated[Path, typer.Argument(help="Fichier TOML de la charte", exists=True)],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Show what publishing this file would change, and its problems; publishes nothing."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        previewed = admin.preview(client, file.read_bytes())
    if not _show_preview(previewed):
        raise typer.Exit(1)


@charter_app.command("publish")
def charter_publish(
    file: Annotated[Path, typer.Argument(help="Fichier TOML de la charte", exists=True)],
    yes: YesOption = False,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Preview the file, then publish exactly it after confirmation."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        _publish(client, file.read_bytes(), yes)


def admit(
    name: Annotated[str, typer.Option("--name", help="Nom de la structure")],
    kind: Annotated[str, typer.Option("--kind", help=f"Type : {KINDS}")],
    address: Annotated[str, typer.Option("--address", help="Adresse")],
    siret: Annotated[str | None, typer.Option("--siret", help="SIRET (14 chiffres)")] = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Admit a structure into the territory (SIRET checked with its Luhn key)."""
    if kind not in STRUCTURE_KINDS:
        typer.echo(f"Erreur : type de structure inconnu « {kind} » (codes : {KINDS}).", err=True)
        raise typer.Exit(1)
    problem = admin.siret_problem(siret) if siret else None
    if problem == "format":
        typer.echo("Erreur : le SIRET a 14 chiffres (les espaces sont acceptés).", err=True)
        raise typer.Exit(1)
    if problem == "key":
        typer.echo(
            "Erreur : ce SIRET n'existe pas, un chiffre est faux (sa clé de contrôle ne "
            "correspond pas). Vérifiez-le sur un document de la structure.",
            err=True,
        )
        raise typer.Exit(1)
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        structure = admin.admit(client, name=name, kind=kind, address=address, siret=siret)
    out.print(f"C'est fait : « {structure['name']} » est admise (identifiant {structure['id']}).")
    out.print(
        "Invitez son administrateur·rice : coffre territory invite-admin "
        f"{structure['id']} --name NOM"
    )


def _print_invitation(invitation: dict[str, Any], qr: Path | None) -> None:
    out.print(f"Lien d'invitation : {invitation.get('url') or ''}")
    out.print(f"Code : {invitation['code']}")
    expires = invitation["expires_at"]
    out.print(f"Une seule fois, valable jusqu'au {expires[:10]} {expires[11:16]} (UTC).")
    if qr is not None and invitation.get("qr_svg"):
        qr.write_text(invitation["qr_svg"], encoding="utf-8")
        out.print(f"Code QR du lien enregistré dans {qr}.")


QrOption = Annotated[
    Path | None, typer.Option("--qr", help="Écrire le code QR du lien dans ce fichier SVG")
]
ProfessionOption = Annotated[
    str, typer.Option("--profession", help=f"Profession : {', '.join(PROFESSIONS)}")
]


def invite_admin(
    structure_id: Annotated[str, typer.Argument(help="Identifiant de la structure")],
    name: Annotated[str, typer.Option("--name", help="Nom de la personne invitée")],
    profession: ProfessionOption = "autre",
    qr: QrOption = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Invite a structure's admin: a link, a code, a QR code (single use, expiring)."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        invitation = admin.invite_admin(client, structure_id, name, profession)
    _print_invitation(invitation, qr)


def invite_officer(
    name: Annotated[str, typer.Option("--name", help="Nom de la personne invitée")],
    profession: ProfessionOption = "autre",
    qr: QrOption = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Invite the charter officer: a link, a code, a QR code (single use, expiring)."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        invitation = admin.invite_officer(client, name, profession)
    _print_invitation(invitation, qr)


def adhesions(home: HomeOption = DEFAULT_HOME) -> None:
    """The admitted structures and their adhesion to the charter in force."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        view = admin.adhesions(client)
    if view["in_force_version"] is None:
        out.print("Aucune charte n'est en vigueur : aucune structure n'adhère encore.")
    else:
        out.print(
            f"Charte en vigueur : version {view['in_force_version']}, depuis le "
            f"{_day(view['in_force_since'])}."
        )
    table = Table("Structure", "Identifiant", "SIRET", "Adhésion")
    today = date.today().isoformat()
    for line in view["adhesions"]:
        if line["structure"] is None:
            state_text = "dans la charte, pas encore admise"
        elif line["since"] is None:
            state_text = "n'adhère pas"
        elif line["until"] and line["until"] <= today:
            state_text = f"terminée le {_day(line['until'])}"
        elif line["until"]:
            state_text = f"depuis le {_day(line['since'])}, jusqu'au {_day(line['until'])}"
        else:
            state_text = f"depuis le {_day(line['since'])}"
        structure_id = line["structure"]["id"] if line["structure"] else ""
        table.add_row(line["name"], structure_id, line["siret"] or "", state_text)
    out.print(table)


def end_adhesion(
    structure_id: Annotated[str, typer.Argument(help="Identifiant de la structure")],
    until: Annotated[
        str | None,
        typer.Option("--until", help="Premier jour sans adhésion (AAAA-MM-JJ ; aujourd'hui)"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Écrire aussi la nouvelle version dans ce fichier"),
    ] = None,
    yes: YesOption = False,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """End a structure's adhesion: the next charter version with « fin », previewed, then
    published after confirmation."""
    state = require_session(home)
    with CoffreClient(state.server, token=state.token) as client:
        draft = admin.end_adhesion_draft(client, structure_id, until)
        source = draft["source"].encode("utf-8")
        if output is not None:
            output.write_bytes(source)
            out.print(f"Nouvelle version (la {draft['version']}) écrite dans {output}.")
        _publish(client, source, yes)


def register(territory_app: typer.Typer) -> None:
    """Add these commands to ``coffre territory`` (cli/territory.py keeps ``bootstrap``)."""
    territory_app.command("admit")(admit)
    territory_app.command("invite-admin")(invite_admin)
    territory_app.command("invite-officer")(invite_officer)
    territory_app.command("adhesions")(adhesions)
    territory_app.command("end-adhesion")(end_adhesion)
    territory_app.add_typer(charter_app, name="charter")
