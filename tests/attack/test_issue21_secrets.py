"""Attack: the server keyring (COFFRE_SECRET_KEYS) in a careless operator's hands
(issue 21): the runbook's rotation followed year after year, faulty or weak entries
refused without the secret in the message, and no secret in a repr."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest

from coffre.secrets.keyring import SecretKey, parse_keyring
from coffre.settings import Settings
from tests.test_operations_doc import SHELL_BLOCKS

ADD = next(b for b in SHELL_BLOCKS if 'sed -i "s#^COFFRE_SECRET_KEYS=' in b.text)
RETIRE = next(b for b in SHELL_BLOCKS if "sed -i 's#^\\(COFFRE_SECRET_KEYS=" in b.text)


def _ring(env: Path) -> list[SecretKey]:
    line = next(x for x in env.read_text().splitlines() if x.startswith("COFFRE_SECRET_KEYS="))
    return parse_keyring(line.removeprefix("COFFRE_SECRET_KEYS="))


def test_the_runbooks_rotation_followed_every_year_keeps_a_keyring_that_parses(
    tmp_path: Path,
) -> None:
    """docs/OPERATIONS.md, "Rotate secrets": step 1 puts a new entry in front, step 3
    keeps the front entry only. Followed a second time (next year's rotation), step 1
    must not give an id already in the ring: a ring with one id twice stops every
    process (the settings refuse it) in the middle of the rotation."""
    env = tmp_path / "coffre.env"
    env.write_text(f"COFFRE_SECRET_KEYS=k1:{secrets.token_urlsafe(48)}\nCOFFRE_OTHER=1\n")
    seen: list[str] = ["k1"]
    for _year in range(3):
        subprocess.run(["bash", "-euo", "pipefail", "-c", ADD.text], cwd=tmp_path, check=True)
        ring = _ring(env)  # ValueError ("appears twice") before the runbook was fixed
        assert len(ring) == 2 and ring[1].kid == seen[-1]
        assert ring[0].kid not in seen
        seen.append(ring[0].kid)
        retire = RETIRE.text.split("\n", 1)[0]  # the sed alone (not the coffre command)
        subprocess.run(["bash", "-euo", "pipefail", "-c", retire], cwd=tmp_path, check=True)
        assert [k.kid for k in _ring(env)] == [seen[-1]]
    assert "COFFRE_OTHER=1" in env.read_text()


# Fixed, not drawn: it names the parametrized cases, which every xdist worker must
# collect identically (a drawn value made each worker's ids differ).
SECRET = "S3cr3t-Qv7pXk2LmN9sRt4WbY6zHc3JdF8gKe5TaU1oViPqZr0"


@pytest.mark.parametrize(
    "text",
    [
        f"K1:{SECRET}",  # uppercase id
        f"k1 {SECRET}",  # no colon
        f":{SECRET}",  # no id
        f"k1:{SECRET},k1:{SECRET}x",  # one id twice
        f"{'k' * 17}:{SECRET}",  # id too long
        f"k\u00e9:{SECRET}",  # a non-ASCII id
        "k1:",  # empty secret
        ",,,",
    ],
)
def test_a_faulty_keyring_is_refused_without_its_secret_in_the_message(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        Settings(environment="production", secret_keys=text)
    assert SECRET not in str(refused.value)
    assert SECRET[:12] not in repr(refused.value)


@pytest.mark.parametrize(
    "text", [f"k1:{'a' * 31}", f"k2:{SECRET},k1:short", f"k1:{'x' * 31}\u00e9"[:34]]
)
def test_a_short_secret_is_refused_in_production_without_the_secret(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        Settings(environment="production", secret_keys=text)
    assert text.split(":", 1)[1][:20] not in str(refused.value)


def test_a_keyring_and_its_settings_show_no_secret() -> None:
    settings = Settings(environment="production", secret_keys=f"k2:{SECRET},k1:{SECRET}-old")
    ring = settings.keyring
    for shown in (repr(ring), str(ring), repr(settings), repr(settings.keyring_entries)):
        assert SECRET not in shown
