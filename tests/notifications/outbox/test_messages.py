"""What leaves Coffre (coffre/notifications/messages.py): every kind has its own
lock-screen-safe text, in every language of the `notify` catalogue."""

from __future__ import annotations

import pytest

from coffre.notifications.messages import BODIES, DIGEST, GENERIC, text_for
from coffre.notifications.preferences import LANGUAGES
from coffre.notifications.service import Kind


def test_every_kind_has_its_own_text() -> None:
    assert {kind.value for kind in Kind} - set(BODIES) == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated_and_names_coffre(language: str) -> None:
    for kind in [*BODIES, DIGEST]:
        text = text_for(kind, language, count=3)
        assert text.title and text.body
        assert "Coffre" in text.body, (language, kind)
        assert "%(" not in text.body and "{" not in text.body, (language, kind)
        if language != "fr":
            # Read from the language's catalogue, not French (the catalogues are
            # compiled by scripts/install; the coordinator keeps them complete).
            assert text.body != text_for(kind, "fr", count=3).body, (language, kind)


def test_the_digest_says_its_count_in_the_right_plural() -> None:
    assert text_for(DIGEST, "fr", 1).body.startswith("Coffre : 1 nouveauté depuis")
    assert text_for(DIGEST, "fr", 4).body.startswith("Coffre : 4 nouveautés depuis")
    assert text_for(DIGEST, "en", 1).body.startswith("Coffre: 1 new thing since")
    assert text_for(DIGEST, "en", 4).body.startswith("Coffre: 4 new things since")


def test_an_unknown_kind_gets_the_generic_text() -> None:
    assert text_for("something.new", "fr").body == GENERIC
