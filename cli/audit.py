"""Operator commands for the audit log: verify it (database or export), export it, and
remove the content of entries whose retention period is over.

``coffre audit verify`` reads the database named by the settings (``COFFRE_*``) and
checks every entry, every column and every signed checkpoint from the first entry to
the head; ``--file`` checks an exported log instead (``--key``: the checkpoint key you
trust, as published at ``/api/v1/audit/key``); ``--checkpoint``: a checkpoint you kept
earlier, which the log must extend (the one check that sees a rollback). It says in
plain words what it checked and what it cannot see. Exit code: 0 intact, 1 altered
(the first broken link is named), 2 could not check (unreadable file, a kept
checkpoint or key that is not this log's).

The server's modules (``coffre.container``, ``coffre.audit``) are imported inside the
commands, so that the other commands start fast (cli/main.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coffre.errors import CoffreError

if TYPE_CHECKING:
    from coffre.audit.verification import Report

audit_app = typer.Typer(
    help="Journal d'audit : vérifier, exporter, effacer le contenu arrivé en fin de conservation.",
    no_args_is_help=True,
)

EXIT_ALTERED = 1
EXIT_CANNOT_CHECK = 2


def _when(at: datetime) -> str:
    return at.strftime("%d/%m/%Y à %H:%M UTC")


def _checked(report: Report, *, export: bool) -> list[str]:
    from coffre.audit.verification import MARGIN

    lines: list[str] = []
    if not report.contents:
        lines.append(
            "chaque entrée de l'export : son empreinte publiée correspond à son empreinte "
            "dans l'arbre, les numéros se suivent, la chaîne est continue. Cet export (celui "
            "du responsable de la charte) ne contient ni le contenu des entrées ni leur sel : "
            "ce qu'il montre de chaque entrée (personnes en pseudonymes) n'est pas prouvé ici"
        )
    elif export:
        lines.append(
            "chaque entrée de l'export : son contenu correspond à son empreinte, les numéros "
            "se suivent, la chaîne est continue (les colonnes de la base ne sont pas dans "
            "un export : vérifiez la base avec coffre audit verify sans --file)"
        )
    else:
        lines.append(
            "chaque entrée : son contenu correspond à son empreinte et chaque colonne "
            "(date, action, résultat, auteur, personne, structure, objet, finalité, motif) "
            "à son contenu ; les numéros se suivent ; la chaîne est continue ; la tête du "
            "journal correspond"
        )
    minutes = (report.cover_seconds + int(MARGIN.total_seconds())) // 60
    if report.signed_size:
        signed = (
            f"les {report.signed_size} premières entrées sont couvertes par des points de "
            "contrôle signés par la clé du journal"
        )
        if report.last_signed_at is not None:
            signed += f" (le dernier signé le {_when(report.last_signed_at)})"
        lines.append(signed)
    lines.append(
        f"toute entrée antérieure de plus de {minutes} minutes à la plus récente est "
        "couverte par un point de contrôle signé (aucun n'a été supprimé sans que cela se "
        "voie), et aucune n'est datée d'avant un point de contrôle qui ne la contient pas"
    )
    if not report.contents:
        pass  # no bodies: the retention records cannot be read
    elif report.purged and report.retention is not None:
        record = report.retention
        lines.append(
            f"{report.purged} entrée(s) anciennes n'ont plus de contenu : effacé à la fin de "
            f"leur durée de conservation ({record.retention_days} jours), opération "
            f"enregistrée dans le journal (entrée {record.seq}) ; leur date, leur action et "
            "leur résultat sont vérifiés"
        )
    else:
        lines.append("aucune entrée n'a perdu son contenu")
    if report.kept is not None:
        lines.append(
            f"le journal prolonge le point de contrôle que vous avez gardé ({report.kept} "
            "entrées) : rien n'a été retiré ni réécrit jusque-là"
        )
    return lines


def _unseen(report: Report) -> list[str]:
    lines: list[str] = []
    if report.unsigned_tail:
        lines.append(
            f"les {report.unsigned_tail} dernière(s) entrée(s), après le dernier point de "
            "contrôle signé, sont seulement chaînées : quelqu'un qui peut écrire dans la base "
            "a pu les modifier ou les ajouter (le serveur les signera au prochain point de "
            "contrôle)"
        )
    lines.append(
        "une entrée ajoutée à la fin par quelqu'un qui peut écrire dans la base, datée "
        "après le dernier point de contrôle, est signée ensuite par le serveur comme les "
        "autres"
    )
    if report.kept is None:
        lines.append(
            "sans point de contrôle gardé (--checkpoint), un retour en arrière — les "
            "dernières entrées retirées avec leurs points de contrôle — ne se voit pas : "
            "gardez celui qu'écrit --save-checkpoint et donnez-le à la prochaine vérification"
        )
    lines.append(
        "une opération qui n'a pas été inscrite ; ce que le détenteur de la clé des points de "
        "contrôle (COFFRE_AUDIT_KEY_FILE), qui peut signer, a réécrit avant que quelqu'un "
        "garde un point de contrôle"
    )
    return lines


def _report(report: Report, *, export: bool, save: Path | None) -> None:
    if not report.ok:
        typer.echo(f"Journal ALTÉRÉ : {report.problem}", err=True)
        raise typer.Exit(code=EXIT_ALTERED)
    typer.echo(
        f"Journal intact : {report.entries} entrée(s), "
        f"{report.checkpoints} point(s) de contrôle signé(s) vérifié(s)."
    )
    typer.echo("Vérifié :")
    for line in _checked(report, export=export):
        typer.echo(f"  - {line}.")
    typer.echo("Ce que cette vérification ne peut pas voir :")
    for line in _unseen(report):
        typer.echo(f"  - {line}.")
    if save is not None:
        if report.signed_note is None:
            typer.echo("Aucun point de contrôle signé à garder : lancez coffre jobs checkpoint.")
        else:
            save.write_text(report.signed_note, encoding="utf-8")
            typer.echo(
                f"Point de contrôle de {report.signed_size} entrées gardé dans {save} : "
                f"donnez-le à la prochaine vérification (--checkpoint {save})."
            )


def _cannot_check(exc: CoffreError) -> typer.Exit:
    typer.echo(f"Vérification impossible : {exc.message_fr} ({exc.code})", err=True)
    return typer.Exit(code=EXIT_CANNOT_CHECK)


@audit_app.command("verify")
def verify(
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", exists=True, dir_okay=False, help="Export à vérifier"),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", help="Clé des points de contrôle en laquelle vous avez confiance"),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            exists=True,
            dir_okay=False,
            help="Point de contrôle gardé plus tôt (note signée, export ou manifest.json)",
        ),
    ] = None,
    save_checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--save-checkpoint", dir_okay=False, help="Où garder le point de contrôle vérifié"
        ),
    ] = None,
) -> None:
    """Check the audit log from end to end; say what was checked and what cannot be."""
    from coffre.audit.log import verify_export
    from coffre.container import Coffre
    from coffre.settings import Settings

    kept = checkpoint.read_text(encoding="utf-8") if checkpoint is not None else None
    settings = Settings()
    if file is not None:
        try:
            with file.open(encoding="utf-8") as lines:
                report = verify_export(
                    lines, key, cover_seconds=settings.audit_checkpoint_seconds, kept=kept
                )
        except CoffreError as exc:
            raise _cannot_check(exc) from None
        _report(report, export=True, save=save_checkpoint)
        return
    coffre = Coffre.build(settings)
    try:
        report = coffre.audit.verify(kept)
    except CoffreError as exc:
        raise _cannot_check(exc) from None
    finally:
        coffre.close()
    _report(report, export=False, save=save_checkpoint)


@audit_app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire (JSON lines)")],
) -> None:
    """Write the verifiable log (entries, signed checkpoints, key) to a file."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    coffre = Coffre.build(Settings())
    tmp = output.with_name(output.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for line in coffre.audit.export_lines():
                handle.write(line)
        tmp.replace(output)
    finally:
        coffre.close()
    typer.echo(
        f"Journal exporté dans {output}. Vérifiez-le avec : coffre audit verify --file {output}"
    )


@audit_app.command("retention")
def retention() -> None:
    """Remove the content of entries older than COFFRE_AUDIT_RETENTION_DAYS, recorded."""
    from coffre.container import Coffre
    from coffre.settings import Settings

    settings = Settings()
    coffre = Coffre.build(settings)
    try:
        purged = coffre.audit.purge_expired()
    except CoffreError as exc:
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
        raise typer.Exit(code=EXIT_ALTERED) from None
    finally:
        coffre.close()
    days = settings.audit_retention_days
    if not purged.entries:
        typer.echo(f"Aucune entrée de plus de {days} jours à effacer.")
        return
    records = ", ".join(str(seq) for seq in purged.records)
    typer.echo(
        f"{purged.entries} entrée(s) de plus de {days} jours : contenu effacé (qui, quoi, "
        f"pourquoi) ; restent leur place dans le journal, leur date, leur action et leur "
        f"résultat. Opération enregistrée dans le journal (entrée(s) {records})."
    )


key_app = typer.Typer(
    help="Clé des points de contrôle du journal : en créer une, en changer.",
    no_args_is_help=True,
)
audit_app.add_typer(key_app, name="key")


@key_app.command("new")
def key_new(
    path: Annotated[Path, typer.Argument(dir_okay=False, help="Fichier de clé à créer")],
) -> None:
    """Create the checkpoint key file of a new deployment (COFFRE_AUDIT_KEY_FILE)."""
    from auditlog.note import format_verifier_key, generate_signer
    from coffre.audit.keys import write_key_file
    from coffre.settings import Settings

    signer = generate_signer(Settings().audit_origin)
    try:
        write_key_file(path, signer)
    except FileExistsError:
        typer.echo(f"{path} existe déjà : il n'a pas été remplacé.", err=True)
        raise typer.Exit(code=EXIT_CANNOT_CHECK) from None
    verifier = signer.verifier
    typer.echo(
        f"Clé créée dans {path} (lisible par vous seul). Mettez COFFRE_AUDIT_KEY_FILE={path} "
        "et publiez la clé de vérification avec la charte :\n"
        + format_verifier_key(verifier.name, verifier.public_key)
    )


@key_app.command("rotate")
def key_rotate(
    path: Annotated[Path, typer.Argument(dir_okay=False, help="Fichier de la nouvelle clé")],
) -> None:
    """Pass the log to a new checkpoint key: a statement signed by the key in use and the
    new one is added to the key history (docs/AUDIT.md, "The checkpoint key")."""
    from auditlog.note import format_verifier_key, generate_signer
    from coffre.audit.keys import write_key_file
    from coffre.container import Coffre
    from coffre.settings import Settings

    settings = Settings()
    coffre = Coffre.build(settings)
    new = generate_signer(settings.audit_origin)
    try:
        write_key_file(path, new)
    except FileExistsError:
        coffre.close()
        typer.echo(f"{path} existe déjà : il n'a pas été remplacé.", err=True)
        raise typer.Exit(code=EXIT_CANNOT_CHECK) from None
    try:
        coffre.audit.rotate_key(new)
    except CoffreError as exc:
        path.unlink(missing_ok=True)  # not in the history: useless, and a secret
        typer.echo(f"Erreur : {exc.message_fr} ({exc.code})", err=True)
        raise typer.Exit(code=EXIT_CANNOT_CHECK) from None
    finally:
        coffre.close()
    verifier = new.verifier
    typer.echo(
        f"Nouvelle clé dans {path}, annoncée dans l'historique des clés du journal (signée "
        f"par l'ancienne clé et par la nouvelle). Mettez COFFRE_AUDIT_KEY_FILE={path}, "
        "redémarrez le serveur, publiez la nouvelle clé de vérification, puis détruisez "
        "l'ancienne clé :\n" + format_verifier_key(verifier.name, verifier.public_key)
    )
