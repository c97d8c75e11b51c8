"""The ``coffre`` command line: one Typer app assembling the command groups."""

from __future__ import annotations

import sys

import httpx
import typer

from cli import admin, person
from client import ApiError
from crypto.errors import CryptoError, DecryptionError

app = typer.Typer(
    name="coffre",
    help="Coffre : votre coffre-fort numérique, chiffré de bout en bout.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("signup")(person.signup)
app.command("login")(person.login)
app.command("logout")(person.logout)
app.command("upload")(person.upload)
app.command("list")(person.list_documents)
app.command("download")(person.download)
app.command("delete")(person.delete)
app.command("serve")(admin.serve)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.jobs_app, name="jobs")


def main() -> None:
    """Run the app, turning expected failures into a French message and exit code 1."""
    try:
        app()
    except ApiError as exc:
        typer.echo(f"Erreur : {exc.message} ({exc.code})", err=True)
        sys.exit(1)
    except DecryptionError:
        typer.echo(
            "Erreur : impossible de déchiffrer. Vérifiez votre phrase secrète "
            "(ou le document a été altéré).",
            err=True,
        )
        sys.exit(1)
    except CryptoError as exc:
        typer.echo(f"Erreur de chiffrement : {type(exc).__name__}", err=True)
        sys.exit(1)
    except httpx.TransportError:
        typer.echo("Erreur : le serveur ne répond pas. Vérifiez l'adresse et le réseau.", err=True)
        sys.exit(1)
