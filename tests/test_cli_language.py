"""The CLI's person commands speak the person's language (cli/i18n.py, domain ``cli``):
COFFRE_LANG, else the system's locale (LANG…), else French; run for real against a
server on loopback, as test_cli_roundtrip.py does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.catalogues import catalogue

COFFRE = Path(sys.executable).parent / "coffre"
PASSPHRASE = "lampe velo nuage tiroir biscuit orange"
CLI_LANGUAGES = ("en", "ar", "fa_AF", "ps", "uk", "ru", "ro", "es", "pt")


def _cli(server: str, home: Path, *args: str, **language: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "COFFRE_SERVER": server,
        "COFFRE_CLI_HOME": str(home / "cli"),
        "COFFRE_PASSPHRASE": PASSPHRASE,
        "COLUMNS": "200",
        **language,
    }
    return subprocess.run(
        [str(COFFRE), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_person_command_speaks_english_then_arabic_then_french(
    live_server: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    signup = _cli(live_server, home, "signup", "--login", "nadia", COFFRE_LANG="en")
    assert signup.returncode == 0, signup.stderr
    assert "Your vault is created." in signup.stdout
    assert "Here is your recovery code" in signup.stdout
    listed = _cli(live_server, home, "list", LANG="en_GB.UTF-8")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "Your vault is empty."
    arabic = _cli(live_server, home, "list", COFFRE_LANG="ar", LANG="en_GB.UTF-8")
    assert arabic.stdout.strip() == "خزنتك فارغة."
    french = _cli(live_server, home, "list", LANG="C.UTF-8")
    assert french.stdout.strip() == "Votre coffre est vide."
    logout = _cli(live_server, home, "logout", COFFRE_LANG="fa-AF")
    assert logout.stdout.strip() == "جلسه بسته شد. هیچ چیز روی این کمپیوتر نگه داشته نمی‌شود."
    # Without a session the refusal is in the language too, on the exit code 1.
    refused = _cli(live_server, home, "list", COFFRE_LANG="uk")
    assert refused.returncode == 1
    assert refused.stdout.strip().startswith("На цьому комп'ютері немає відкритого сеансу.")


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[a-z_]*\}|\[/?bold\]", text))


def _extracted(tmp_path: Path) -> set[str]:
    """The French strings the CLI's code marks today (not the committed .pot)."""
    pot = tmp_path / "cli.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "cli/babel.cfg"]
        + ["-k", "N_", "--no-location", "-o", str(pot), "."],
        cwd=Path(__file__).parents[1],
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        found = {m.id for m in read_po(handle) if m.id}
    assert len(found) > 40
    return found


@pytest.mark.parametrize("language", CLI_LANGUAGES)
def test_every_cli_message_is_translated_with_its_placeholders(
    language: str, tmp_path: Path
) -> None:
    translated: Catalog = catalogue(language, "cli")
    source = _extracted(tmp_path)
    entries = {m.id: m for m in translated if m.id}
    assert source - set(entries) == set(), "run scripts/catalogues"
    assert [m.id for m in entries.values() if not m.string or m.fuzzy] == []
    assert [
        m.id for m in entries.values() if _placeholders(m.id) != _placeholders(str(m.string))
    ] == []
