"""Operator command: create the territory admin, whose key is the territory's trust root.

Run on the server by the territory admin themself: the keys are made here, the
passphrase never leaves this machine, and the root's v2 pin is printed to be
published (charter page, printed notice) so that every client can pin it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from crypto import create_account, format_recovery_code
from crypto.certificates import root_statement, sign_root
from crypto.pins import pin_qr_payload, pin_spoken

territory_app = typer.Typer(help="Territoire (exploitation).", no_args_is_help=True)


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
    """Create the territory admin and publish the territory's trust root."""
    from coffre.accounts.service import SignupData  # the server, only for this command
    from coffre.container import Coffre
    from coffre.settings import Settings

    new = create_account(passphrase)
    root = sign_root(
        root_statement(
            territory=territory,
            box_public=new.keys.box_public,
            sign_public=new.keys.sign_public,
            issued_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ),
        new.keys.sign_seed,
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
    coffre = Coffre.build(Settings())
    try:
        coffre.structures.bootstrap_territory(data, name, territory, root)
    finally:
        coffre.close()
    typer.echo("Administrateur·rice du territoire créé·e.")
    typer.echo(
        f"Code de récupération (à garder sur papier) : {format_recovery_code(new.recovery_secret)}"
    )
    typer.echo("Code de la racine de confiance, à publier (page de la charte) :")
    typer.echo(f"    {pin_spoken(new.keys.sign_public)}")
    typer.echo(f"    QR : {pin_qr_payload(new.keys.sign_public)}")
