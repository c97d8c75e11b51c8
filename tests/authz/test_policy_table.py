"""The decision table itself: every action has exactly one rule, and every list shows
exactly the rows the row rules allow (the lists' scopes and the rules are built from
the same functions, coffre/policy/<area>.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from coffre import policy
from coffre.policy import SCOPES, TABLE, Action, Actor, Role, can, scope


def test_every_action_has_exactly_one_rule() -> None:
    counted = Counter(action for area in policy._AREAS for action in area.RULES)
    assert {a for a in Action if counted[a] == 0} == set(), "actions without a rule"
    assert {a for a, n in counted.items() if n > 1} == set(), "actions with two rules"
    assert set(TABLE) == set(Action)


def test_every_list_scope_belongs_to_an_action_with_a_rule() -> None:
    assert set(SCOPES) <= set(TABLE)


@dataclass(frozen=True)
class _Row:
    owner_id: str = ""
    grantee_id: str = ""


ACCOUNTS = ("a" * 32, "b" * 32)
ACTORS = [Actor(account, role, "s") for role in Role for account in ACCOUNTS]
# (list, the rule on one row of it, the row's field the scope names)
LISTS = [
    (Action.DOCUMENT_LIST, Action.DOCUMENT_READ, "owner_id"),
    (Action.DOCUMENT_LIST, Action.DOCUMENT_DELETE, "owner_id"),
    (Action.GRANT_LIST_OWN, Action.GRANT_REVOKE, "owner_id"),
    (Action.REQUEST_LIST_OWN, Action.REQUEST_ANSWER, "owner_id"),
    (Action.SHARED_WITH_ME, Action.GRANT_STATE, "grantee_id"),
]


@pytest.mark.parametrize(("listed", "row_action", "field"), LISTS)
def test_a_list_shows_exactly_the_rows_its_row_rule_allows(
    listed: Action, row_action: Action, field: str
) -> None:
    for actor in ACTORS:
        for account in ACCOUNTS:
            row = _Row(**{field: account})
            in_list = scope(actor, listed) == account
            assert in_list == can(actor, row_action, row), (actor.role, account, row_action)


def test_a_person_lists_their_own_and_a_professional_what_was_made_to_them() -> None:
    person = Actor(ACCOUNTS[0], Role.PERSON, "s")
    professional = Actor(ACCOUNTS[1], Role.PROFESSIONAL, "s")
    assert scope(person, Action.GRANT_LIST_OWN) == person.account_id
    assert scope(person, Action.SHARED_WITH_ME) is None
    assert scope(professional, Action.SHARED_WITH_ME) == professional.account_id
    assert scope(professional, Action.REQUEST_LIST_SENT) == professional.account_id
    assert scope(professional, Action.DOCUMENT_LIST) is None
    for role in (Role.TERRITORY_ADMIN, Role.CHARTER_OFFICER):
        admin = Actor(ACCOUNTS[0], role, "s")
        assert all(scope(admin, action) is None for action in SCOPES)
