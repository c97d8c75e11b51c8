"""The charter (charte locale de partage d'informations) as a value, and its rules.

One version of the territory's charter, read from its TOML file by
``coffre.consent.charter_file``: purposes (finalités), and for each one the document
categories that may be shared, the professional categories allowed to receive them,
the longest a grant may last, and whether each pull must state a reason; then the
adhering structures with their adhesion dates (docs/CHARTER.md).

The field names are English in code and French in the file (aliases), so that a
validation error points at the key the territory admin wrote.

A grant keeps the version it was made under and is checked against that version
AND the one in force (``permitted_under_both``): a new version can narrow existing
grants, never widen them (DESIGN.md, "The charter").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from coffre.ids import is_valid_id
from coffre.structures.kinds import PROFESSIONS, STRUCTURE_KINDS
from coffre.structures.siret import siret_problem
from coffre.text import is_clean_text
from coffre.vault.categories import CATEGORIES

MAX_GRANT_DAYS = 365
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SIRET = re.compile(r"^[0-9]{14}$")
# Département codes, as for structures: 01..95, 2A, 2B, 971..976.
_TERRITORY = re.compile(r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")


def _refuse(message: str) -> PydanticCustomError:
    # The "charter" error type carries a French message, shown as written.
    return PydanticCustomError("charter", message)


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise _refuse(
            "doit être un code en minuscules, chiffres et tirets, par exemple "
            "« ouverture-droits-rsa »"
        )
    return value


def _category(value: str) -> str:
    if value not in CATEGORIES:
        known = ", ".join(CATEGORIES)
        raise _refuse(f"catégorie de document inconnue « {value} » (codes possibles : {known})")
    return value


def _profession(value: str) -> str:
    if value not in PROFESSIONS:
        known = ", ".join(PROFESSIONS)
        raise _refuse(f"catégorie professionnelle inconnue « {value} » (codes possibles : {known})")
    return value


def _kind(value: str) -> str:
    if value not in STRUCTURE_KINDS:
        known = ", ".join(STRUCTURE_KINDS)
        raise _refuse(f"type de structure inconnu « {value} » (codes possibles : {known})")
    return value


def _days(value: int) -> int:
    if not 1 <= value <= MAX_GRANT_DAYS:
        raise _refuse(f"doit être entre 1 et {MAX_GRANT_DAYS} (jours)")
    return value


def _territory(value: str) -> str:
    if not _TERRITORY.match(value):
        raise _refuse("doit être un code de département, par exemple « 63 », « 2A » ou « 974 »")
    return value


MAX_VERSION = 1_000_000


def _version(value: int) -> int:
    if not 1 <= value <= MAX_VERSION:
        raise _refuse(f"doit être un nombre entier entre 1 et {MAX_VERSION}")
    return value


def _siret(value: str) -> str:
    if not _SIRET.match(value):
        raise _refuse("doit avoir 14 chiffres, sans espace")
    if siret_problem(value) is not None:  # the rule a structure is admitted with
        raise _refuse(
            "n'est pas un SIRET : sa clé de contrôle ne correspond pas (un chiffre est faux)"
        )
    return value


def _coffre_id(value: str) -> str:
    if not is_valid_id(value):
        raise _refuse("doit être l'identifiant Coffre de la structure (32 caractères 0-9 a-f)")
    return value


def _optional(check: Callable[[str], str]) -> Callable[[str | None], str | None]:
    def optional_check(value: str | None) -> str | None:
        return None if value is None else check(value)

    return optional_check


def _one_line(value: str) -> str:
    if not is_clean_text(value):
        raise _refuse("contient un caractère de contrôle ou invisible : retapez ce texte")
    return value


def _multiline(value: str) -> str:
    if not is_clean_text(value, multiline=True):
        raise _refuse("contient un caractère de contrôle ou invisible : retapez ce texte")
    return value


Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]
LongText = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_multiline)]


class _Strict(BaseModel):
    # Strict: TOML has real integers, booleans and dates; "30" or "2026-01-01" in
    # quotes is a mistake worth pointing out. Unknown keys are refused (a typo in
    # "motif_obligatoire" must not silently mean "no reason required").
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, str_strip_whitespace=True)


class Purpose(_Strict):
    """A finalité: what a grant may be for, and within which bounds."""

    code: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_slug)]
    label: Text = Field(alias="libelle")
    description: LongText
    # For persons who read little (issue 18): a short everyday name ("Demander le RSA")
    # and a one-line example spelling acronyms out, shown beside the official label.
    everyday_name: Text | None = Field(default=None, alias="nom_courant")
    example: Text | None = Field(default=None, alias="exemple")
    categories: list[Annotated[str, AfterValidator(_category)]] = Field(min_length=1)
    professions: list[Annotated[str, AfterValidator(_profession)]] = Field(min_length=1)
    max_days: Annotated[int, AfterValidator(_days)] = Field(alias="duree_max_jours")
    reason_required: bool = Field(alias="motif_obligatoire")


class Adhesion(_Strict):
    """A structure that adheres to the charter (libre adhésion), from a date."""

    siret: Annotated[str | None, AfterValidator(_optional(_siret))] = None
    structure_id: Annotated[str | None, AfterValidator(_optional(_coffre_id))] = Field(
        default=None, alias="identifiant"
    )
    name: Text = Field(alias="nom")
    since: date = Field(alias="adhesion")
    until: date | None = Field(default=None, alias="fin")

    @model_validator(mode="after")
    def _one_identity_and_a_sensible_period(self) -> Adhesion:
        if (self.siret is None) == (self.structure_id is None):
            raise _refuse(
                "donnez soit « siret », soit « identifiant » (l'un des deux, pas les deux)"
            )
        if self.until is not None and self.until <= self.since:
            raise _refuse("« fin » doit venir après la date d'« adhesion »")
        return self

    def names(self, structure_id: str, siret: str | None) -> bool:
        """Whether this line of the charter is about that structure."""
        if self.structure_id is not None:
            return self.structure_id == structure_id
        return siret is not None and self.siret == siret

    def covers(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on < self.until)


Kind = Annotated[str, AfterValidator(_kind)]


class Orientation(_Strict):
    """Who may orient to whom, by kind of structure (``structures.kind``)."""

    from_kinds: list[Kind] = Field(min_length=1, alias="de")
    to_kinds: list[Kind] = Field(min_length=1, alias="vers")


class RelaySettings(_Strict):
    """The ``[relais]`` block: which purposes may carry a relay (prise de relais), after
    how many days the responsible professional is reminded and the relay expires, and
    between which kinds of structures (docs/CHARTER.md, docs/NETWORK.md)."""

    purposes: list[Annotated[str, AfterValidator(_slug)]] = Field(min_length=1, alias="finalites")
    remind_after_days: Annotated[int, AfterValidator(_days)] = Field(alias="rappel_apres_jours")
    expire_after_days: Annotated[int, AfterValidator(_days)] = Field(alias="expire_apres_jours")
    orientations: list[Orientation] = Field(min_length=1)

    @model_validator(mode="after")
    def _reminder_before_expiry(self) -> RelaySettings:
        if self.remind_after_days >= self.expire_after_days:
            raise _refuse(
                "« rappel_apres_jours » doit être plus petit que « expire_apres_jours » : "
                "le rappel vient avant l'expiration"
            )
        return self

    def orients(self, from_kind: str, to_kind: str) -> bool:
        return any(from_kind in o.from_kinds and to_kind in o.to_kinds for o in self.orientations)


@dataclass(frozen=True)
class Decision:
    """The charter's answer, with a reason a person or a professional can read."""

    allowed: bool
    reason_fr: str

    def __bool__(self) -> bool:
        return self.allowed


class Charter(_Strict):
    """One version of the territory's charter."""

    version: Annotated[int, AfterValidator(_version)]
    territory: Annotated[str, AfterValidator(_territory)] = Field(alias="territoire")
    title: Text = Field(alias="titre")
    effective_on: date = Field(alias="en_vigueur_le")
    preamble: Annotated[str, AfterValidator(_multiline)] = Field(
        default="", max_length=8000, alias="preambule"
    )
    purposes: list[Purpose] = Field(min_length=1, alias="finalites")
    structures: list[Adhesion] = Field(default_factory=list)
    relays: RelaySettings | None = Field(default=None, alias="relais")

    def purpose(self, code: str) -> Purpose | None:
        return next((p for p in self.purposes if p.code == code), None)

    def allows(self, purpose: str, category: str, profession: str) -> Decision:
        """May a document of ``category`` be shared for ``purpose`` with this profession?"""
        found = self.purpose(purpose)
        if found is None:
            return Decision(
                False,
                f"La charte du territoire (version {self.version}) ne prévoit pas "
                f"la finalité « {purpose} ».",
            )
        if category not in found.categories:
            return Decision(
                False,
                f"Pour « {found.label} », la charte du territoire (version {self.version}) "
                f"ne permet pas de partager un document « {_category_label(category)} ».",
            )
        if profession not in found.professions:
            return Decision(
                False,
                f"Pour « {found.label} », la charte du territoire (version {self.version}) "
                "ne permet pas de partager avec la profession "
                f"« {_profession_label(profession)} ».",
            )
        return Decision(
            True,
            f"La charte du territoire (version {self.version}) permet de partager "
            f"un document « {_category_label(category)} » avec la profession "
            f"« {_profession_label(profession)} » pour « {found.label} ».",
        )

    def permits_grant(self, purpose: str, category: str, profession: str, days: int) -> Decision:
        """``allows``, and a time box no longer than the purpose's maximum."""
        decision = self.allows(purpose, category, profession)
        found = self.purpose(purpose)
        if not decision or found is None:
            return decision
        if days < 1:
            return Decision(False, "Un partage dure au moins un jour.")
        if days > found.max_days:
            return Decision(
                False,
                f"Pour « {found.label} », la charte du territoire (version {self.version}) "
                f"limite un partage à {found.max_days} jours ({days} jours demandés).",
            )
        return decision

    def max_duration(self, purpose: str) -> timedelta | None:
        """The longest grant for this purpose; None when the charter does not know it."""
        found = self.purpose(purpose)
        return timedelta(days=found.max_days) if found is not None else None

    def reason_required(self, purpose: str) -> bool:
        """Whether each pull must state a reason. An unknown purpose errs on the strict side
        (a pull for it is refused anyway)."""
        found = self.purpose(purpose)
        return found.reason_required if found is not None else True

    def adheres(self, structure_id: str, on: date, *, siret: str | None = None) -> bool:
        """Whether the structure (named by its Coffre id or its SIRET) adheres on that day."""
        return any(a.names(structure_id, siret) and a.covers(on) for a in self.structures)

    def permits_relay(
        self, purpose: str, categories: list[str], from_kind: str, to_kind: str
    ) -> Decision:
        """May a structure of ``from_kind`` orient a person to one of ``to_kind`` for
        ``purpose``, naming documents of ``categories``? (The adhesion of both
        structures is checked by the caller, with their ids.)"""
        settings = self.relays
        if settings is None:
            return Decision(
                False,
                f"La charte du territoire (version {self.version}) ne prévoit pas encore "
                "de relais entre structures.",
            )
        found = self.purpose(purpose)
        if found is None or purpose not in settings.purposes:
            return Decision(
                False,
                f"La charte du territoire (version {self.version}) ne prévoit pas de relais "
                f"pour la finalité « {found.label if found else purpose} ».",
            )
        outside = [c for c in categories if c not in found.categories]
        if outside:
            return Decision(
                False,
                f"Pour « {found.label} », la charte du territoire (version {self.version}) "
                f"ne permet pas de demander un document « {_category_label(outside[0])} ».",
            )
        if not settings.orients(from_kind, to_kind):
            return Decision(
                False,
                f"La charte du territoire (version {self.version}) ne prévoit pas de relais "
                f"d'une structure « {_kind_label(from_kind)} » vers une structure "
                f"« {_kind_label(to_kind)} ».",
            )
        return Decision(
            True,
            f"La charte du territoire (version {self.version}) permet ce relais pour "
            f"« {found.label} ».",
        )


def permitted_under_both(
    old: Charter, new: Charter, purpose: str, category: str, profession: str, days: int
) -> Decision:
    """A grant made under ``old`` stands under ``new`` only if both allow it: the
    narrower wins. The refusal names the version that refuses."""
    for charter in (new, old):
        decision = charter.permits_grant(purpose, category, profession, days)
        if not decision:
            return decision
    return new.permits_grant(purpose, category, profession, days)


def still_permitted(
    old: Charter, new: Charter, purpose: str, category: str, profession: str, days: int
) -> bool:
    """True only if both the grant's version and the version in force allow it."""
    return permitted_under_both(old, new, purpose, category, profession, days).allowed


def _category_label(code: str) -> str:
    return CATEGORIES.get(code, code)


def _profession_label(code: str) -> str:
    return PROFESSIONS.get(code, code)


def _kind_label(code: str) -> str:
    return STRUCTURE_KINDS.get(code, code)
