"""The SIRET of a structure: 14 digits whose Luhn key checks (INSEE).

The SIREN (its first 9 digits) and the SIRET both carry a Luhn key. One known
exception: La Poste's establishments (SIREN 356 000 000) are too many for the key,
so INSEE numbers them so that the sum of the 14 digits is a multiple of 5 instead
(the head office, 356 000 000 00048, keeps a Luhn key: either is accepted).

The server refuses a structure whose SIRET fails it (``StructureService.admit``:
``invalid_siret``, whatever sent it: the API, ``coffre territory admit``, the
administration page, a pick from the directory) and a charter naming one; the page
(web/static/js/admin-siret.js) and the client (client/territory.py) check it first,
on the same vectors (tests/admin/siret_cases.json), to catch a mistyped digit before
it becomes a structure nobody can find.
"""

from __future__ import annotations

import re
from typing import Literal

LA_POSTE_SIREN = "356000000"
_DIGITS = re.compile(r"^[0-9]{14}$")

SiretProblem = Literal["format", "key"]


def normalise(value: str) -> str:
    """The SIRET as 14 digits: the spaces, dots and non-breaking spaces people type go."""
    return re.sub(r"[\s.\u00a0\u202f]", "", value)


def luhn_ok(digits: str) -> bool:
    """Whether ``digits`` passes the Luhn check (every second digit from the right doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_problem(value: str) -> SiretProblem | None:
    """None for a valid SIRET; ``format`` (not 14 digits) or ``key`` (a digit is wrong)."""
    digits = normalise(value)
    if not _DIGITS.match(digits):
        return "format"
    if digits.startswith(LA_POSTE_SIREN):
        by_five = sum(int(c) for c in digits) % 5 == 0
        return None if by_five or luhn_ok(digits) else "key"
    return None if luhn_ok(digits) else "key"
