"""Reading and writing the national data·inclusion schema, with its own models.

The file format (docs/DIRECTORY.md): one JSON object with two lists, the schema's
structures and services, as data·inclusion publishes them::

    {"structures": [<Structure>, …], "services": [<Service>, …]}

Every row is validated by the ``data-inclusion-schema`` package's pydantic models
(``data_inclusion.schema.v1.Structure`` and ``Service``), never by a copy of them;
on top of the schema, Coffre's own rules: no control character in any text
(``coffre.text``), texts that fit the columns, no id twice in one file. A refused
row is reported with its list, its number (from 1), the field and a French message.

An export is the same object, each row made from the record kept at import and
checked again by the same models before it leaves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import data_inclusion.schema.v1 as di
from pydantic import ValidationError

from coffre.directory.errors import MalformedFile, RejectedRow
from coffre.structures.siret import siret_problem
from coffre.text import is_clean_text

MAX_IMPORT_BYTES = 64 * 1024 * 1024
# Texts a person reads on several lines; every other text is one line.
MULTILINE_FIELDS = frozenset(
    {
        "description",
        "conditions_acces",
        "frais_precisions",
        "publics_precisions",
        "mobilisation_precisions",
    }
)
# Longest text Coffre keeps for a field (its column), beyond the schema's own limits.
MAX_LENGTHS = {
    "source": 100,
    "id": 200,
    "structure_id": 200,
    "commune": 200,
    "adresse": 500,
    "complement_adresse": 500,
    "telephone": 100,
    "courriel": 320,
    "contact_nom_prenom": 200,
    "horaires_accueil": 2000,
}

_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_type": "Un texte est attendu.",
    "string_too_short": "Ce texte est trop court.",
    "string_too_long": "Ce texte est trop long.",
    "string_pattern_mismatch": "Le format de cette valeur n'est pas le bon.",
    "enum": "Cette valeur n'existe pas dans le référentiel data·inclusion.",
    "literal_error": "Cette valeur n'existe pas dans le référentiel data·inclusion.",
    "list_type": "Une liste est attendue.",
    "set_type": "Une liste est attendue.",
    "too_short": "Cette liste ne doit pas être vide.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "url_parsing": "Cette adresse web n'est pas valable.",
    "url_type": "Cette adresse web n'est pas valable.",
    "url_scheme": "Cette adresse web n'est pas valable.",
    "float_parsing": "Un nombre est attendu.",
    "float_type": "Un nombre est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
}
CONTROL_MESSAGE = "Ce texte contient un caractère invisible ou de contrôle, qui n'est pas accepté."
TOO_LONG_MESSAGE = "Ce texte est trop long pour l'annuaire ({limit} caractères au plus)."
DUPLICATE_MESSAGE = "Cet identifiant apparaît deux fois dans le fichier."
SIRET_DIGITS = re.compile(r"[0-9]{14}")
SIRET_KEY_MESSAGE = (
    "Ce SIRET n'existe pas : sa clé de contrôle ne correspond pas (un chiffre est faux). "
    "Corrigez-le dans le fichier, ou retirez-le."
)


@dataclass(frozen=True)
class Parsed:
    structures: list[di.Structure]
    services: list[di.Service]
    rejected: list[RejectedRow]


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    text = str(error.get("msg", ""))
    # The schema's own validators speak French already ("Value error, La date …").
    prefix = "Value error, "
    if text.startswith(prefix):
        return text[len(prefix) :]
    if kind == "value_error":
        return "Cette valeur n'est pas valable."
    return "Cette valeur n'est pas valable pour le schéma data·inclusion."


def _clean(value: Any, path: str, multiline: bool) -> str | None:
    """The path of the first text holding a refused character, or None."""
    if isinstance(value, str):
        return None if is_clean_text(value, multiline=multiline) else path
    if isinstance(value, Mapping):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if not isinstance(key, str) or not is_clean_text(key):
                return path or "?"
            found = _clean(item, sub, multiline or key in MULTILINE_FIELDS)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _clean(item, f"{path}.{index}", multiline)
            if found is not None:
                return found
    return None


def _own_rules(table: str, number: int, row: Mapping[str, Any]) -> RejectedRow | None:
    bad = _clean(row, "", False)
    if bad is not None:
        return RejectedRow(table, number, bad, CONTROL_MESSAGE)
    for name, limit in MAX_LENGTHS.items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > limit:
            return RejectedRow(table, number, name, TOO_LONG_MESSAGE.format(limit=limit))
    # 14 digits is the schema's rule; the key is the one a structure is admitted with
    # (coffre/structures/siret.py): a SIRET picked from the directory is admissible.
    siret = row.get("siret")
    if (
        table == "structures"
        and isinstance(siret, str)
        and SIRET_DIGITS.fullmatch(siret)
        and siret_problem(siret) == "key"
    ):
        return RejectedRow(table, number, "siret", SIRET_KEY_MESSAGE)
    return None


def _validate(
    table: str, rows: list[Any], model: type[di.Structure] | type[di.Service]
) -> tuple[list[Any], list[RejectedRow]]:
    kept: list[Any] = []
    rejected: list[RejectedRow] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            rejected.append(RejectedRow(table, number, "", _MESSAGES["model_type"]))
            continue
        own = _own_rules(table, number, row)
        if own is not None:
            rejected.append(own)
            continue
        try:
            item = model.model_validate(row)
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(part) for part in error.get("loc", ()))
                rejected.append(RejectedRow(table, number, field, _message(error)))
            continue
        key = (item.source, item.id)
        if key in seen:
            rejected.append(RejectedRow(table, number, "id", DUPLICATE_MESSAGE))
            continue
        seen.add(key)
        kept.append(item)
    return kept, rejected


def parse(raw: bytes) -> Parsed:
    """Read and validate a file; ``MalformedFile`` if it is not the expected object."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise MalformedFile()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise MalformedFile() from exc
    if not isinstance(document, dict) or set(document) - {"structures", "services"}:
        raise MalformedFile()
    structures = document.get("structures", [])
    services = document.get("services", [])
    if not isinstance(structures, list) or not isinstance(services, list):
        raise MalformedFile()
    kept_structures, rejected = _validate("structures", structures, di.Structure)
    kept_services, rejected_services = _validate("services", services, di.Service)
    return Parsed(kept_structures, kept_services, rejected + rejected_services)


def record_of(item: di.Structure | di.Service) -> dict[str, Any]:
    """The row as kept: the schema's JSON of the validated model, sets in a stable order."""
    record: dict[str, Any] = item.model_dump(mode="json", exclude_none=True)
    for key, value in record.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            if key != "zone_eligibilite":
                record[key] = sorted(value)
    return record


def export_document(
    structures: Iterable[Mapping[str, Any]], services: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The export, each row checked again by the schema's models before it leaves."""
    return {
        "structures": [record_of(di.Structure.model_validate(r)) for r in structures],
        "services": [record_of(di.Service.model_validate(r)) for r in services],
    }


def label(
    enum: type[di.Thematique] | type[di.Public] | type[di.ModeMobilisation], value: str
) -> str:
    """The schema's French label of a code (the code itself if the schema lost it)."""
    try:
        return str(enum(value).label)
    except ValueError:
        return value
