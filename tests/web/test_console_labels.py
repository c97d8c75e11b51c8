"""The officer's console names every audit kind of the network in plain words
(web/console_strings.py), in French and in English: the référent's (``referent.*``)
and the relays' (``relay.*``) entries are not shown as raw codes."""

from __future__ import annotations

import re
from pathlib import Path

from tests.catalogues import translated
from web.console_strings import console_labels

ROOT = Path(__file__).resolve().parents[2]
# The audit kinds each area records (its service writes them as literals).
RECORDED = {
    "referent": ROOT / "coffre/referents/service.py",
    "relay": ROOT / "coffre/relays/service.py",
}


def _recorded() -> set[str]:
    kinds: set[str] = set()
    for prefix, path in RECORDED.items():
        kinds |= set(re.findall(rf'"({prefix}\.[a-z_]+)"', path.read_text()))
    return kinds


def test_every_referent_and_relay_audit_kind_has_a_plain_label_in_french_and_english() -> None:
    kinds = _recorded()
    assert {"referent.designated", "referent.handover_accepted", "relay.taken"} <= kinds
    labels = console_labels(lambda text: text)["actions"]
    assert sorted(kinds - set(labels)) == []
    english = translated("en")
    assert sorted(labels[kind] for kind in kinds if labels[kind] not in english) == []
    assert all(not labels[kind].startswith(("referent.", "relay.")) for kind in kinds)
