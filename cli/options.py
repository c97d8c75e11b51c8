"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.i18n import _

DEFAULT_SERVER = "http://127.0.0.1:8000"
DEFAULT_HOME = Path(typer.get_app_dir("coffre"))

ServerOption = Annotated[
    str, typer.Option("--server", envvar="COFFRE_SERVER", help=_("Adresse du serveur Coffre"))
]
HomeOption = Annotated[
    Path,
    typer.Option(
        "--home",
        envvar="COFFRE_CLI_HOME",
        help=_("Dossier où la session est gardée (jamais de clé secrète)"),
    ),
]
PassphraseOption = Annotated[
    str,
    typer.Option(
        prompt=_("Votre phrase secrète"),
        hide_input=True,
        envvar="COFFRE_PASSPHRASE",
        help=_("Phrase secrète (demandée si absente ; jamais envoyée au serveur)"),
    ),
]
