"""What a new charter version changes, compared with the one it replaces.

Shown to the territory admin before they publish (``POST /charters/preview``, the
administration page, ``coffre territory charter preview``): purposes added, removed
or changed (label, description, document categories, professions, longest grant,
reason at each pull), structures that join, leave the list or end their adhesion,
and the ``[relais]`` settings. Codes stay codes here; the page and the CLI say them
with their labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from coffre.consent.charter import Adhesion, Charter, Purpose, RelaySettings

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class ListChange:
    """Codes added to and removed from a list (categories, professions, kinds)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def _list_change(old: list[str], new: list[str]) -> ListChange:
    return ListChange(
        added=tuple(c for c in new if c not in old),
        removed=tuple(c for c in old if c not in new),
    )


@dataclass(frozen=True)
class ValueChange:
    """A single value before and after (a number, a flag, a text)."""

    old: str | int | bool | None
    new: str | int | bool | None


@dataclass(frozen=True)
class PurposeChange:
    code: str
    change: Change
    label: str
    categories: ListChange = ListChange()
    professions: ListChange = ListChange()
    max_days: ValueChange | None = None
    reason_required: ValueChange | None = None
    label_changed: ValueChange | None = None
    description_changed: bool = False


@dataclass(frozen=True)
class StructureChange:
    """A line of ``[[structures]]``: ``added``, ``removed`` from the list, ``ended``
    (``fin`` set), ``resumed`` (``fin`` taken away) or ``changed`` (dates, name)."""

    key: str  # the SIRET, or the Coffre identifier
    name: str
    change: Literal["added", "removed", "ended", "resumed", "changed"]
    since: ValueChange | None = None
    until: ValueChange | None = None


@dataclass(frozen=True)
class RelayChange:
    change: Change
    purposes: ListChange = ListChange()
    remind_after_days: ValueChange | None = None
    expire_after_days: ValueChange | None = None
    orientations_changed: bool = False


@dataclass(frozen=True)
class CharterDiff:
    """Every difference; ``compared_with`` is None for the territory's first charter."""

    compared_with: int | None
    purposes: tuple[PurposeChange, ...] = ()
    structures: tuple[StructureChange, ...] = ()
    relays: RelayChange | None = None
    title_changed: bool = False
    preamble_changed: bool = False
    effective_on: ValueChange | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.purposes
            or self.structures
            or self.relays
            or self.title_changed
            or self.preamble_changed
        )


def _plain(value: str | int | bool | date | None) -> str | int | bool | None:
    return value.isoformat() if isinstance(value, date) else value


def _value(
    old: str | int | bool | date | None, new: str | int | bool | date | None
) -> ValueChange | None:
    if old == new:
        return None
    return ValueChange(_plain(old), _plain(new))


def _purpose_change(old: Purpose, new: Purpose) -> PurposeChange | None:
    change = PurposeChange(
        code=new.code,
        change="changed",
        label=new.label,
        categories=_list_change(old.categories, new.categories),
        professions=_list_change(old.professions, new.professions),
        max_days=_value(old.max_days, new.max_days),
        reason_required=_value(old.reason_required, new.reason_required),
        label_changed=_value(old.label, new.label),
        description_changed=old.description != new.description,
    )
    if (
        change.categories
        or change.professions
        or change.max_days
        or change.reason_required
        or change.label_changed
        or change.description_changed
    ):
        return change
    return None


def _key(adhesion: Adhesion) -> str:
    return adhesion.siret or adhesion.structure_id or ""


def _structure_change(old: Adhesion, new: Adhesion) -> StructureChange | None:
    until = _value(old.until, new.until)
    since = _value(old.since, new.since)
    if until is None and since is None and old.name == new.name:
        return None
    if until is not None and old.until is None:
        kind: Literal["ended", "resumed", "changed"] = "ended"
    elif until is not None and new.until is None:
        kind = "resumed"
    else:
        kind = "changed"
    return StructureChange(_key(new), new.name, kind, since=since, until=until)


def _relay_change(old: RelaySettings | None, new: RelaySettings | None) -> RelayChange | None:
    if old is None and new is None:
        return None
    if old is None or new is None:
        present = new if new is not None else old
        assert present is not None
        listed = _list_change([], present.purposes)
        return RelayChange(
            change="added" if new is not None else "removed",
            purposes=listed if new is not None else ListChange(removed=listed.added),
        )
    change = RelayChange(
        change="changed",
        purposes=_list_change(old.purposes, new.purposes),
        remind_after_days=_value(old.remind_after_days, new.remind_after_days),
        expire_after_days=_value(old.expire_after_days, new.expire_after_days),
        orientations_changed=old.orientations != new.orientations,
    )
    if (
        change.purposes
        or change.remind_after_days
        or change.expire_after_days
        or change.orientations_changed
    ):
        return change
    return None


def differences(old: Charter | None, new: Charter) -> CharterDiff:
    """What ``new`` changes from ``old`` (everything is "added" when there is no ``old``)."""
    if old is None:
        return CharterDiff(
            compared_with=None,
            purposes=tuple(PurposeChange(p.code, "added", p.label) for p in new.purposes),
            structures=tuple(StructureChange(_key(a), a.name, "added") for a in new.structures),
            relays=_relay_change(None, new.relays),
        )
    old_purposes = {p.code: p for p in old.purposes}
    new_purposes = {p.code: p for p in new.purposes}
    purposes: list[PurposeChange] = []
    for purpose in new.purposes:
        before = old_purposes.get(purpose.code)
        if before is None:
            purposes.append(PurposeChange(purpose.code, "added", purpose.label))
        elif (changed := _purpose_change(before, purpose)) is not None:
            purposes.append(changed)
    purposes += [
        PurposeChange(p.code, "removed", p.label)
        for p in old.purposes
        if p.code not in new_purposes
    ]
    old_lines = {_key(a): a for a in old.structures}
    new_keys = {_key(a) for a in new.structures}
    structures: list[StructureChange] = []
    for adhesion in new.structures:
        previous = old_lines.get(_key(adhesion))
        if previous is None:
            structures.append(StructureChange(_key(adhesion), adhesion.name, "added"))
        elif (moved := _structure_change(previous, adhesion)) is not None:
            structures.append(moved)
    structures += [
        StructureChange(_key(a), a.name, "removed")
        for a in old.structures
        if _key(a) not in new_keys
    ]
    return CharterDiff(
        compared_with=old.version,
        purposes=tuple(purposes),
        structures=tuple(structures),
        relays=_relay_change(old.relays, new.relays),
        title_changed=old.title != new.title,
        preamble_changed=old.preamble != new.preamble,
        effective_on=_value(old.effective_on, new.effective_on),
    )
