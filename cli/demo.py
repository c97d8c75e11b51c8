"""``coffre demo``: load the demo territory around Clermont-Ferrand into a server.

Two parts, each in the layer it belongs to. On the server's database (the settings'
``COFFRE_*``, as ``coffre territory bootstrap``): the territory admin and the trust
roots (v1, and v2 with its first revocation list), the one step with no API, made only
if the server has no territory yet. Then, over HTTP with the real client (client/demo/):
structures, the directory through the data·inclusion import, the charter, professionals
with v2 certificates that end (a year, COFFRE_CERTIFICATE_DAYS), persons with
encrypted documents, requests, grants, pulls, a deposit. Loading twice changes nothing
the second time. Every demo account shares the public passphrase of client/demo/cast.py.
The server's modules are imported inside the functions that use them, so that the other
commands start fast (cli/main.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.options import DEFAULT_SERVER, ServerOption
from cli.territory import make_territory
from client import ApiError, CoffreClient
from client.demo import cast
from client.demo.build import Demo, DemoRefused, Summary
from client.demo.totp import TotpBook
from coffre.errors import CoffreError

if TYPE_CHECKING:
    from coffre.settings import Settings

DEFAULT_STATE = Path("var/demo-totp.json")

StateOption = Annotated[
    Path,
    typer.Option(
        "--state",
        help="Fichier des secrets TOTP des comptes de démonstration (administration, charte)",
    ),
]


def bootstrap(settings: Settings, now: datetime) -> None:
    """Create the demo's territory admin and trust roots (the operator's ``coffre
    territory bootstrap``, with the demo's login and passphrase: a v2 root and its
    first revocation list, so the demo's certificates end and can be revoked);
    ``TerritoryExists`` if the database has a territory already."""
    make_territory(
        settings,
        login=cast.TERRITORY_ADMIN_LOGIN,
        name=cast.TERRITORY_NAME,
        territory=cast.TERRITORY,
        passphrase=cast.DEMO_PASSPHRASE,
        now=now,
    )


def server_has_root(server: str) -> bool:
    """Whether the server at ``server`` already has a territory (its trust root)."""
    with CoffreClient(server) as client:
        try:
            client.call("GET", "/trust/root")
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
    return True


def run(
    settings: Settings,
    server: str,
    state: Path,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    say: Callable[[str], None] = typer.echo,
) -> Summary:
    """Bootstrap if needed, then load the territory over HTTP; raises DemoRefused.

    The database is touched only when the server has no territory yet, and the server
    must then show the root just made: otherwise these settings are not the server's
    (``--server`` names another machine) and nothing more is done. Never in
    production: its passphrase is public."""
    if settings.environment == "production":
        raise DemoRefused(
            "La démo ne se charge pas sur un serveur de production "
            "(COFFRE_ENVIRONMENT=production) : sa phrase secrète est publique."
        )
    if not server_has_root(server):
        try:
            bootstrap(settings, now())
        except CoffreError as exc:
            raise DemoRefused(
                "Le territoire de démonstration n'a pas pu être créé sur la base de données "
                f"de ces réglages : {exc.message_fr}"
            ) from exc
        if not server_has_root(server):
            raise DemoRefused(
                f"Le serveur {server} n'utilise pas la base de données de ces réglages "
                "(COFFRE_DATABASE_URL) : lancez « coffre demo » sur la machine du serveur, "
                "avec ses réglages."
            )
        say(
            f"Démo : territoire {cast.TERRITORY} créé (administrateur·rice « "
            f"{cast.TERRITORY_ADMIN_LOGIN} »)."
        )
    demo = Demo(server, totp=TotpBook(state, now), now=now, say=say)
    try:
        return demo.load()
    finally:
        demo.close()


def describe(summary: Summary, server: str, state: Path) -> list[str]:
    made = ", ".join(f"{count} {what}" for what, count in sorted(summary.created.items()))
    lines = [
        f"Démo chargée ({made or 'rien de nouveau : tout y était déjà'}).",
        f"Comptes de démonstration sur {server} — phrase secrète commune (publique, "
        f"jamais en vrai) : « {cast.DEMO_PASSPHRASE} »",
        f"  {cast.TERRITORY_ADMIN_LOGIN:<12} administrateur·rice du territoire (TOTP)",
        f"  {cast.OFFICER_LOGIN:<12} référente de la charte, console {server}/console (TOTP)",
    ]
    for pro in cast.PROFESSIONALS:
        admin = " (admin de la structure)" if pro.admin else ""
        lines.append(f"  {pro.login:<12} {pro.name}, {pro.role_fr}{admin}")
    for person in cast.PERSONS:
        lines.append(f"  {person.login:<12} {person.name} : {person.story}")
    for refused in summary.refused_as_expected:
        lines.append(f"Refusé par le serveur, comme la charte le veut : {refused}")
    lines.append(f"Codes TOTP du moment : coffre demo --codes --state {state}")
    return lines


def demo(
    server: ServerOption = DEFAULT_SERVER,
    state: StateOption = DEFAULT_STATE,
    codes: Annotated[
        bool,
        typer.Option("--codes", help="Afficher les codes TOTP du moment des comptes de démo"),
    ] = False,
) -> None:
    """Load the demo territory around Clermont-Ferrand (or, with --codes, print the
    current TOTP codes of its territory admin and charter officer)."""
    if codes:
        book = TotpBook(state, lambda: datetime.now(UTC))
        found = book.codes()
        if not found:
            typer.echo(f"Aucun secret TOTP de démonstration dans {state}.", err=True)
            raise typer.Exit(1)
        left = 30 - int(time.time()) % 30
        for login, code in found.items():
            typer.echo(f"{login:<12} {code}  (encore {left} s)")
        return
    from pydantic import ValidationError

    from coffre.settings import Settings, WeakSecret

    try:
        settings = Settings()
        settings.keyring_entries  # noqa: B018 - the secret is checked before anything runs
    except (ValidationError, WeakSecret) as exc:
        # The demo runs on a development server: its public secret needs the variable
        # COFFRE_ENVIRONMENT=development set explicitly (scripts/serve sets it).
        typer.echo(
            "Erreur : réglages refusés. Pour la démo sur un serveur de développement, "
            "lancez-la avec COFFRE_ENVIRONMENT=development (comme scripts/serve) ; sinon "
            f"donnez le secret du serveur (COFFRE_SECRET_KEYS).\n{exc}",
            err=True,
        )
        raise typer.Exit(1) from None
    started = time.monotonic()
    try:
        summary = run(settings, server, state)
    except DemoRefused as exc:
        typer.echo(f"Erreur : {exc}", err=True)
        raise typer.Exit(1) from exc
    for line in describe(summary, server, state):
        typer.echo(line)
    typer.echo(f"(chargée en {time.monotonic() - started:.1f} s)")
