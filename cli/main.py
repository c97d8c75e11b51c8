"""The ``coffre`` command line: one Typer app assembling the command groups."""

from __future__ import annotations

import sys

import httpx
import typer

from cli import (
    account,
    admin,
    certificates,
    doctor,
    export,
    officer,
    partner,
    person,
    professional,
    security,
    worker,
)
from cli import backup as backups
from cli.audit import audit_app
from cli.demo import demo
from cli.directory import directory_app
from cli.i18n import _
from cli.secrets import secrets_app
from cli.structure import structure_app
from cli.territory import territory_app
from cli.territory_admin import register as register_territory_admin
from client import ApiError
from client.trust import CertificateNotLive, RootNotTrusted
from coffre.errors import CoffreError
from coffre.notifications.channels.base import ChannelSetupError
from crypto.errors import BindingError, CryptoError, DecryptionError, StaleError

app = typer.Typer(
    name="coffre",
    help=_("Coffre : votre coffre-fort numérique. Personne d'autre ne peut lire vos documents."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# The person's commands, their help in the person's language (cli/i18n.py).
app.command("signup", help=_("Créer votre coffre (sans adresse e-mail) et vous connecter."))(
    person.signup
)
app.command("login", help=_("Vous connecter à votre coffre."))(person.login)
app.command("logout", help=_("Fermer la session. Rien n'est gardé sur cet ordinateur."))(
    person.logout
)
app.command(
    "upload", help=_("Mettre un fichier dans votre coffre. Il est protégé sur cet ordinateur.")
)(person.upload)
app.command("list", help=_("Voir la liste de vos documents."))(person.list_documents)
app.command("download", help=_("Enregistrer un de vos documents sur cet ordinateur."))(
    person.download
)
app.command("rename", help=_("Changer le nom d'un document."))(person.rename)
app.command("migrate")(person.migrate)
app.command("delete", help=_("Supprimer un document pour toujours."))(person.delete)
app.command(
    "history", help=_("Voir qui a ouvert vos documents, vos partages, dépôts et demandes.")
)(export.history)
app.command(
    "export", help=_("Récupérer tout votre coffre : vos documents et l'historique, en un fichier.")
)(export.export)
app.command("shared")(professional.shared)
# The partners' commands (a token and a key file: docs/PARTNERS.md).
app.command(
    "pull",
    help=_(
        "Récupérer les documents partagés : avec un jeton, dans un dossier (reprend là où "
        "il s'était arrêté) ; en session, une copie filigranée."
    ),
)(partner.pull)
app.command("grants", help=_("Voir les partages que des personnes vous ont faits."))(partner.grants)
app.command("outcome", help=_("Dire à la personne ce qu'il est advenu de ses documents."))(
    partner.outcome
)
app.command("request", help=_("Demander un document à une personne."))(partner.request)
app.command("deposit", help=_("Déposer un document signé dans le coffre d'une personne."))(
    partner.deposit
)
app.add_typer(partner.receipt_app, name="receipt")
app.add_typer(partner.key_app, name="key")
app.command("confirm-person")(professional.confirm_person)
app.command("rotate-keys")(professional.rotate_keys)
app.command("serve")(admin.serve)
app.command("doctor")(doctor.doctor)
app.command("backup")(backups.backup)
app.command("restore")(backups.restore)
app.command("worker")(worker.worker)
app.command("demo")(demo)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.jobs_app, name="jobs")
app.add_typer(secrets_app, name="secrets")
app.add_typer(security.sessions_app, name="sessions")
app.add_typer(security.totp_app, name="totp")
register_territory_admin(territory_app)
app.add_typer(territory_app, name="territory")
territory_app.command("publish-root")(certificates.publish_root)
territory_app.command("rotate-root")(certificates.rotate_root)
territory_app.add_typer(certificates.revocations_app, name="revocations")
app.add_typer(certificates.certificate_app, name="certificate")
app.add_typer(structure_app, name="structure")
admin.jobs_app.command("remind-revocations")(certificates.remind_revocations)
app.add_typer(audit_app, name="audit")
app.add_typer(directory_app, name="directory")
app.add_typer(officer.console_app, name="console")
app.command("recover")(account.recover)
app.command("passwd")(account.passwd)
app.command("reset")(account.reset)
app.command("reset-cancel")(account.reset_cancel)
app.command("delete-account")(account.delete_account)
app.add_typer(account.admin_app, name="admin")


def main() -> None:
    """Run the app, turning expected failures into a French message and exit code 1."""
    try:
        app()
    except ApiError as exc:
        typer.echo(
            _("Erreur : {message} ({code})").format(message=exc.message, code=exc.code), err=True
        )
        sys.exit(1)
    except (CertificateNotLive, RootNotTrusted) as exc:
        # The client's trust check, before sealing: its message says what to do.
        typer.echo(_("Erreur : {message}").format(message=exc), err=True)
        sys.exit(1)
    except DecryptionError:
        typer.echo(
            _(
                "Erreur : impossible d'ouvrir. Vérifiez votre phrase secrète "
                "(ou le document a été altéré)."
            ),
            err=True,
        )
        sys.exit(1)
    except BindingError:
        typer.echo(
            _(
                "Erreur : ce document ne correspond pas à ce que vous (ou la personne qui "
                "l'a partagé ou déposé) avez signé : il a pu être échangé ou modifié sur le "
                "serveur. Rien n'a été écrit. Signalez-le."
            ),
            err=True,
        )
        sys.exit(1)
    except StaleError:
        typer.echo(
            _(
                "Erreur : le serveur présente une version de ce document plus ancienne que "
                "celle déjà vue sur cet ordinateur. Rien n'a été écrit. Signalez-le."
            ),
            err=True,
        )
        sys.exit(1)
    except CryptoError as exc:
        typer.echo(_("Erreur de chiffrement : {kind}").format(kind=type(exc).__name__), err=True)
        sys.exit(1)
    except httpx.TransportError:
        typer.echo(
            _("Erreur : le serveur ne répond pas. Vérifiez l'adresse et le réseau."), err=True
        )
        sys.exit(1)
    # An operator command whose server side cannot start or refuses (a key file or a
    # channel's setting missing in production, a retired secret...): its message says
    # what to set, never a traceback (which could show a setting's value).
    except ChannelSetupError as exc:
        typer.echo(_("Erreur : {message}").format(message=exc), err=True)
        sys.exit(1)
    except CoffreError as exc:
        typer.echo(
            _("Erreur : {message} ({code})").format(message=exc.message_fr, code=exc.code),
            err=True,
        )
        sys.exit(1)
