"""Ending an adhesion as a new charter version: the file the territory admin keeps,
with ``version`` and ``en_vigueur_le`` moved on and ``fin`` set on the structure's line.

The adhesion of a structure is written in the charter (docs/CHARTER.md): ending it
is publishing a version where its ``[[structures]]`` block has a ``fin``. Rather than
a second way of changing who adheres, the page and the CLI ask the server for that
next version's text, show its preview (the same differences and checks as any file)
and publish exactly that text after the admin confirms. Comments and layout of the
file are kept: only three lines change. The result is read back and compared with
the expected charter; anything else (a file written with inline tables, say) is
refused with ``charter_not_editable``: the admin then edits the file by hand.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from coffre.consent.charter import Charter
from coffre.consent.charter_file import read_charter
from coffre.consent.errors import CharterNotEditable, InvalidCharter

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(?:#.*)?$")
_STRUCTURES = re.compile(r"^\s*\[\[\s*structures\s*\]\]\s*(?:#.*)?$")


def _replace_key(lines: list[str], start: int, end: int, key: str, value: str) -> bool:
    pattern = re.compile(rf"^(\s*{key}\s*=\s*)([^#\s]+)(.*)$", re.DOTALL)
    for index in range(start, end):
        match = pattern.match(lines[index])
        if match:
            lines[index] = f"{match[1]}{value}{match[3]}"
            return True
    return False


def end_adhesion(
    source: str, charter: Charter, index: int, until: date, version: int, effective_on: date
) -> str:
    """``source`` (the text of ``charter``) as version ``version`` in force on
    ``effective_on``, where the ``index``-th adhesion (from 0) ends on ``until``."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    top_end = headers[0] if headers else len(lines)
    blocks = [i for i in headers if _STRUCTURES.match(lines[i])]
    if (
        index >= len(blocks)
        or not _replace_key(lines, 0, top_end, "version", str(version))
        or not _replace_key(lines, 0, top_end, "en_vigueur_le", effective_on.isoformat())
    ):
        raise CharterNotEditable()
    start = blocks[index] + 1
    following = [i for i in headers if i > blocks[index]]
    end = following[0] if following else len(lines)
    if not _replace_key(lines, start, end, "fin", until.isoformat()):
        at = next(
            (i + 1 for i in range(start, end) if re.match(r"^\s*adhesion\s*=", lines[i])), None
        )
        if at is None:
            raise CharterNotEditable()
        lines.insert(at, f"fin = {until.isoformat()}\n")
    text = "".join(lines)
    _check(text, charter, index, until, version, effective_on)
    return text


def _check(
    text: str, charter: Charter, index: int, until: date, version: int, effective_on: date
) -> None:
    try:
        edited = read_charter(text)
    except InvalidCharter as exc:
        raise CharterNotEditable() from exc
    expected: dict[str, Any] = charter.model_dump()
    expected["version"] = version
    expected["effective_on"] = effective_on
    expected["structures"][index]["until"] = until
    if edited.model_dump() != expected:
        raise CharterNotEditable()
