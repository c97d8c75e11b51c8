"""Authorisation is decided in one place: outside coffre/policy/, no code compares the
caller's role to decide what it may do (CONVENTIONS.md 4). The relays' and the guide's
last checks moved into the tables (coffre/policy/relays.py: RELAY_ORIENT, the lists'
SCOPES)."""

from __future__ import annotations

import re
from pathlib import Path

from coffre.policy import Action, Actor, Role, can, scope

ROOT = Path(__file__).resolve().parents[2]
ROLE_CHECK = re.compile(r"\bactor\.role\s*(?:is not|is|==|!=|not in|in)\s")


def _actor(role: Role) -> Actor:
    return Actor(account_id="a" * 32, role=role, session_id="s" * 32)


def test_no_role_check_on_the_caller_outside_the_policy_tables() -> None:
    found = []
    for area in ("coffre", "api", "web", "cli"):
        for path in sorted((ROOT / area).rglob("*.py")):
            if path.is_relative_to(ROOT / "coffre" / "policy"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ROLE_CHECK.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_only_a_professional_orients_and_each_lists_their_own_relays() -> None:
    person, pro = _actor(Role.PERSON), _actor(Role.PROFESSIONAL)
    assert can(pro, Action.RELAY_ORIENT) and not can(person, Action.RELAY_ORIENT)
    assert scope(person, Action.RELAY_LIST_MINE) == person.account_id
    assert scope(person, Action.RELAY_LIST_HELD) is None
    assert scope(pro, Action.RELAY_LIST_HELD) == pro.account_id
    assert scope(pro, Action.RELAY_LIST_MINE) is None
    for role in Role:
        if role not in (Role.PERSON, Role.PROFESSIONAL):
            other = _actor(role)
            assert not can(other, Action.RELAY_ORIENT)
            assert scope(other, Action.RELAY_LIST_MINE) is None
            assert scope(other, Action.RELAY_LIST_HELD) is None
