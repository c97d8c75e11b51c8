"""Reading a charter file: TOML (stdlib ``tomllib``) checked by the models of
``coffre.consent.charter``, every problem reported in French with its place in the
file, for the territory admin who wrote it (docs/CHARTER.md).

Places are written as in the file, with blocks counted from 1:
``finalites[2].duree_max_jours`` is the key ``duree_max_jours`` of the second
``[[finalites]]`` block.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from coffre.consent.charter import Charter
from coffre.consent.errors import CharterTooLarge, InvalidCharter, Problem
from coffre.text import check_text

MAX_CHARTER_BYTES = 256 * 1024
WHOLE_FILE = "fichier"

# pydantic's error types, said in French. The "charter" type carries its own message.
_MESSAGES: dict[str, str] = {
    "missing": "manquant : cette clé est obligatoire",
    "extra_forbidden": "clé inconnue (vérifiez l'orthographe ; docs/CHARTER.md liste les clés)",
    "string_type": "doit être un texte entre guillemets",
    "int_type": "doit être un nombre entier, sans guillemets",
    "bool_type": "doit valoir true ou false, sans guillemets",
    "date_type": "doit être une date sans guillemets, par exemple 2026-01-31",
    "list_type": 'doit être une liste entre crochets, par exemple ["identite", "domicile"]',
    "model_type": "doit être un bloc de clés",
    "model_attributes_type": "doit être un bloc de clés",
    "dict_type": "doit être un bloc de clés",
    "too_short": "ne peut pas être vide",
    "string_too_short": "ne peut pas être vide",
}
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_charter(source: str | bytes) -> Charter:
    """The charter written in ``source``, or ``InvalidCharter`` listing every problem."""
    text = _text(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidCharter([_syntax_problem(exc)]) from exc
    try:
        charter = Charter.model_validate(data)
    except ValidationError as exc:
        raise InvalidCharter([_problem(error, data) for error in exc.errors()]) from exc
    problems = [*_repeated_names(charter), *_relay_problems(charter)]
    if problems:
        raise InvalidCharter(problems)
    return charter


def _text(source: str | bytes) -> str:
    size = len(source.encode("utf-8")) if isinstance(source, str) else len(source)
    if size > MAX_CHARTER_BYTES:
        raise CharterTooLarge()
    if isinstance(source, str):
        text = source
    else:
        try:
            text = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidCharter(
                [Problem(WHOLE_FILE, "doit être un fichier texte encodé en UTF-8")]
            ) from exc
    # Tab and line breaks only (coffre/text.py); an escaped "\u0000" inside a string is
    # refused by the charter's own text types, with its place in the file.
    return check_text(text, multiline=True)


def _syntax_problem(exc: tomllib.TOMLDecodeError) -> Problem:
    # tomllib's messages are English and end with "(at line L, column C)".
    position = _TOML_POSITION.search(str(exc))
    detail = _TOML_POSITION.sub("", str(exc)).strip()
    where = f"ligne {position[1]}, colonne {position[2]}" if position else WHOLE_FILE
    return Problem(where, f"le fichier n'est pas du TOML valide ({detail})")


def _problem(error: ErrorDetails, data: dict[str, Any]) -> Problem:
    kind = error["type"]
    if kind == "charter":
        message = error["msg"]
    elif kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        message = f"est trop long (au plus {limit} caractères)"
    else:
        message = _MESSAGES.get(kind, f"valeur refusée ({kind})")
    return Problem(location(error["loc"], data), message)


def location(loc: Sequence[int | str], data: dict[str, Any] | None = None) -> str:
    """``("finalites", 1, "duree_max_jours")`` -> ``finalites[2].duree_max_jours``, with
    the purpose's code when the file gives one, so the admin finds the block."""
    out = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            code = node.get("code") if isinstance(node, dict) else None
            if isinstance(code, str) and code:
                out += f" (« {code} »)"
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out or WHOLE_FILE


def _repeated_names(charter: Charter) -> Iterable[Problem]:
    """What one block cannot see: a purpose code or a structure given twice."""
    codes = Counter(p.code for p in charter.purposes)
    for index, purpose in enumerate(charter.purposes, start=1):
        if codes[purpose.code] > 1:
            yield Problem(
                f"finalites[{index}].code",
                f"le code « {purpose.code} » est déjà celui d'une autre finalité",
            )
    names = Counter(a.siret or a.structure_id for a in charter.structures)
    for index, adhesion in enumerate(charter.structures, start=1):
        key = "siret" if adhesion.siret else "identifiant"
        value = adhesion.siret or adhesion.structure_id
        if names[value] > 1:
            yield Problem(
                f"structures[{index}].{key}",
                f"la structure « {value} » figure déjà dans la liste",
            )


def _relay_problems(charter: Charter) -> Iterable[Problem]:
    """The ``[relais]`` block names purposes the charter itself declares, once each."""
    if charter.relays is None:
        return
    codes = {p.code for p in charter.purposes}
    seen: set[str] = set()
    for index, code in enumerate(charter.relays.purposes, start=1):
        if code not in codes:
            yield Problem(
                f"relais.finalites[{index}]",
                f"la finalité « {code} » n'est pas déclarée dans un bloc [[finalites]] "
                "de cette charte",
            )
        elif code in seen:
            yield Problem(f"relais.finalites[{index}]", f"la finalité « {code} » est répétée")
        seen.add(code)
