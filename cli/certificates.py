"""Certificates with a life from the command line (crypto/SPEC.md §26, §26.5).

Territory admin (``coffre territory …``): publish the territory's v2 root, see and
sign the root-signed revocation list, rotate the root. Structure admin (and the
territory admin, for structure admins): renew a certificate before it ends, revoke
one (``coffre certificate …``).

The root key is the territory admin's own account key until a rotation; after it, the
new root's secrets live in a file the territory admin keeps offline (``--root-file``,
written 0600 by ``rotate-root``, never sent anywhere). Every signature is made here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from cli.options import DEFAULT_HOME, HomeOption, PassphraseOption
from cli.state import open_client, require_session
from client import network
from client.api import ApiError, CoffreClient
from crypto import AccountKeys, b64decode, generate_account_keys
from crypto.keyring import account_keys_from_secrets
from crypto.pins import pin_spoken

revocations_app = typer.Typer(help="Liste de révocation (administration du territoire).")
certificate_app = typer.Typer(
    help="Certificats des professionnel·les : renouveler, révoquer.", no_args_is_help=True
)

RootFileOption = Annotated[
    Path | None,
    typer.Option(
        "--root-file",
        help="Fichier des secrets de la racine après une rotation (sinon : votre propre clé)",
    ),
]


def _root_keys(client: CoffreClient, passphrase: str, root_file: Path | None) -> AccountKeys:
    if root_file is None:
        return client.unlock(passphrase)
    data = json.loads(root_file.read_text(encoding="utf-8"))
    return account_keys_from_secrets(
        bytes.fromhex(data["box_secret"]), bytes.fromhex(data["sign_seed"])
    )


def _territory(client: CoffreClient) -> str:
    return str(client.call("GET", "/trust/root/v2").json()["root"]["statement"]["territory"])


def _published_root(client: CoffreClient) -> bytes | None:
    """The sign key of the v2 root in force, None before the first is published."""
    try:
        chain = client.call("GET", "/trust/root/v2").json()
    except ApiError as exc:
        if exc.code == "trust_root_missing":
            return None
        raise
    return b64decode(str(chain["root"]["statement"]["sign_public_key"]))


def publish_root(
    passphrase: PassphraseOption,
    territory: Annotated[str, typer.Option("--territory", help="Code du territoire (ex. : 63)")],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Publish the territory's v2 trust root, signed by your own key (once: a
    territory made by ``coffre territory bootstrap`` has it already)."""
    state = require_session(home)
    with open_client(home, state) as client:
        published = _published_root(client)
        if published is not None:
            typer.echo(
                "La racine de confiance (format 2) de ce territoire est déjà publiée "
                f"(code : {pin_spoken(published)}) : rien n'a été changé."
            )
            return
        keys = client.unlock(passphrase)
        network.publish_root_v2(client, keys, territory)
    typer.echo("Racine de confiance (format 2) publiée. Code à publier :")
    typer.echo(f"    {pin_spoken(keys.sign_public)}")


@revocations_app.command("status")
def revocations_status(home: HomeOption = DEFAULT_HOME) -> None:
    """Show the list in force, and whether a new one must be signed."""
    state = require_session(home)
    with open_client(home, state) as client:
        status = client.call("GET", "/trust/revocations/status").json()
    end = status["next_update"] or "aucune liste publiée"
    typer.echo(f"Liste n° {status['sequence']}, valable jusqu'au : {end}")
    typer.echo(f"Certificats révoqués à nommer : {len(status['revoked'])}")
    if status["due"]:
        typer.echo("Une nouvelle liste doit être signée : coffre territory revocations sign")


@revocations_app.command("sign")
def revocations_sign(
    passphrase: PassphraseOption,
    days: Annotated[int, typer.Option("--days", min=1, max=31, help="Durée (jours)")] = 31,
    root_file: RootFileOption = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Sign (with the root key, here) and publish the next revocation list."""
    state = require_session(home)
    with open_client(home, state) as client:
        keys = _root_keys(client, passphrase, root_file)
        published = network.sign_revocations(client, keys, days=days)
    typer.echo(
        f"Liste de révocation n° {published['sequence']} publiée, "
        f"valable jusqu'au {published['next_update']}."
    )


def rotate_root(
    passphrase: PassphraseOption,
    new_root_file: Annotated[
        Path,
        typer.Option("--new-root-file", help="Où écrire les secrets de la nouvelle racine"),
    ],
    root_file: RootFileOption = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Replace the territory's trust root by a new key, signed by the old one (§26.5).

    Then certify the structure admins again and sign a revocation list with the new
    root (``--root-file``): clients follow the rotation from the old pin."""
    if new_root_file.exists():
        typer.echo("Ce fichier existe déjà : choisissez un autre nom (rien n'a été changé).")
        raise typer.Exit(code=1)
    state = require_session(home)
    with open_client(home, state) as client:
        old = _root_keys(client, passphrase, root_file)
        new = generate_account_keys()
        secrets = {"box_secret": new.box_secret.hex(), "sign_seed": new.sign_seed.hex()}
        fd = os.open(new_root_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(secrets, out)
        chain = network.rotate_root(client, old, new)
    typer.echo(f"Nouvelle racine de confiance publiée (rotation n° {chain['sequence']}).")
    typer.echo(f"Nouveau code à publier : {pin_spoken(new.sign_public)}")
    typer.echo(
        f"Gardez {new_root_file} hors ligne. Certifiez de nouveau les administrateurs de "
        "structure, puis signez une liste : coffre territory revocations sign --root-file …"
    )


@certificate_app.command("renew")
def renew(
    structure_id: Annotated[str, typer.Argument(help="Identifiant de la structure")],
    account_id: Annotated[str, typer.Argument(help="Identifiant du membre")],
    passphrase: PassphraseOption,
    days: Annotated[int, typer.Option("--days", min=1, max=400, help="Durée (jours)")] = 365,
    root_file: RootFileOption = None,
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Renew a member's certificate before it ends (v2, with an end date)."""
    state = require_session(home)
    with open_client(home, state) as client:
        listing = [
            m for m in network.members(client, structure_id) if m["account_id"] == account_id
        ]
        if not listing:
            typer.echo("Ce membre est introuvable dans cette structure.")
            raise typer.Exit(code=1)
        member = listing[0]
        keys = (
            _root_keys(client, passphrase, root_file)
            if member["role"] == "structure_admin"
            else client.unlock(passphrase)
        )
        me = client.call("GET", "/me").json()["account"]["id"]
        network.renew(
            client, me, keys, structure_id, member, territory=_territory(client), days=days
        )
    typer.echo(f"Certificat de {member['display_name']} renouvelé pour {days} jours.")


@certificate_app.command("revoke")
def revoke(
    membership_id: Annotated[str, typer.Argument(help="Identifiant de l'adhésion du membre")],
    reason: Annotated[
        str,
        typer.Option("--reason", help="key_lost, left, device_stolen, key_rotated ou other"),
    ],
    home: HomeOption = DEFAULT_HOME,
) -> None:
    """Revoke a certificate now: nothing new is sealed to that key from this moment."""
    state = require_session(home)
    with open_client(home, state) as client:
        network.revoke(client, membership_id, reason)
    typer.echo(
        "Certificat révoqué. L'administration du territoire doit signer une nouvelle "
        "liste de révocation (elle en est avertie)."
    )


def remind_revocations() -> None:
    """Tell the territory admin when a revocation list is due (a job, e.g. daily)."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    try:
        told = coffre.certificates.remind_if_due()
    finally:
        coffre.close()
    typer.echo(f"{told} rappel(s) envoyé(s).")
