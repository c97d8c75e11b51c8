"""Operator command: create the territory admin, whose key is the territory's trust root.

Run on the server by the territory admin themself: the keys are made here, the
passphrase never leaves this machine, and the root's v2 pin is printed to be
published (charter page, printed notice) so that every client can pin it. The
territory starts on a v2 root (crypto/SPEC.md §26.1) with its first revocation list
(§26.3), both signed here: its certificates end and can be revoked from the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from client.network import first_root_v2, revocation_list
from crypto import AccountKeys, create_account, format_recovery_code
from crypto.certificates import root_statement, sign_root
from crypto.pins import pin_qr_payload, pin_spoken

if TYPE_CHECKING:
    from coffre.settings import Settings

territory_app = typer.Typer(help="Territoire (exploitation).", no_args_is_help=True)


@dataclass(frozen=True)
class MadeTerritory:
    account_id: str
    keys: AccountKeys
    recovery_code: str


def make_territory(
    settings: Settings,
    *,
    login: str,
    name: str,
    territory: str,
    passphrase: str,
    now: datetime | None = None,
) -> MadeTerritory:
    """The territory admin (keys made here) and the territory's roots: the v1 root
    the pins name, the v2 root and its first, empty, revocation list (sequence 1,
    31 days: ``coffre territory revocations sign`` makes the next). One transaction
    on the settings' database; ``TerritoryExists`` if it has a territory already."""
    from coffre.accounts.service import SignupData  # the server, only for this command
    from coffre.container import Coffre
    from coffre.structures.first_root import FirstTrust

    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    new = create_account(passphrase)
    root = sign_root(
        root_statement(
            territory=territory,
            box_public=new.keys.box_public,
            sign_public=new.keys.sign_public,
            issued_at=moment.isoformat(timespec="seconds"),
        ),
        new.keys.sign_seed,
    )
    v2 = FirstTrust(
        root=first_root_v2(new.keys, territory, moment),
        revocations=revocation_list(
            new.keys, territory=territory, sequence=1, revoked=[], now=moment
        ),
    )
    data = SignupData(
        login=login,
        kdf=new.kdf_params,
        auth_key=new.auth_key,
        recovery_auth_key=new.recovery_auth_key,
        wrapped_master_passphrase=new.wrapped_master_passphrase,
        wrapped_master_recovery=new.wrapped_master_recovery,
        wrapped_keyring=new.wrapped_keyring,
        box_public_key=new.keys.box_public,
        sign_public_key=new.keys.sign_public,
    )
    coffre = Coffre.build(settings)
    try:
        account = coffre.structures.bootstrap_territory(data, name, territory, root, v2)
    finally:
        coffre.close()
    return MadeTerritory(account.id, new.keys, format_recovery_code(new.recovery_secret))


@territory_app.command("bootstrap")
def bootstrap(
    login: Annotated[str, typer.Option("--login", help="Identifiant de l'administrateur·rice")],
    name: Annotated[
        str, typer.Option("--name", help="Nom affiché (ex. : Département du Puy-de-Dôme)")
    ],
    territory: Annotated[str, typer.Option("--territory", help="Code du département (ex. : 63)")],
    passphrase: Annotated[
        str,
        typer.Option(
            prompt="Phrase secrète de l'administrateur·rice",
            confirmation_prompt="Répétez la phrase secrète",
            hide_input=True,
            envvar="COFFRE_PASSPHRASE",
        ),
    ],
) -> None:
    """Create the territory admin and publish the territory's trust root (format 2)."""
    from coffre.errors import CoffreError
    from coffre.settings import Settings

    try:
        made = make_territory(
            Settings(), login=login, name=name, territory=territory, passphrase=passphrase
        )
    except CoffreError as exc:
        typer.echo(f"Erreur : {exc.message_fr}", err=True)
        raise typer.Exit(1) from exc
    typer.echo("Administrateur·rice du territoire créé·e.")
    typer.echo(f"Code de récupération (à garder sur papier) : {made.recovery_code}")
    typer.echo("Code de la racine de confiance, à publier (page de la charte) :")
    typer.echo(f"    {pin_spoken(made.keys.sign_public)}")
    typer.echo(f"    QR : {pin_qr_payload(made.keys.sign_public)}")
    typer.echo(
        "Racine de confiance (format 2) et première liste de révocation publiées : les "
        "certificats durent un an au plus. Signez la liste suivante avant 31 jours : "
        "coffre territory revocations sign"
    )
