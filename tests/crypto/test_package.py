"""The imported `crypto` is this repository's format package, and its spec and
code agree on every constant they share (SPEC, convention 11)."""

import re
from pathlib import Path

import crypto
from crypto import purposes

REPO = Path(__file__).resolve().parents[2]
CRYPTO_DIR = REPO / "crypto"
SPEC = (CRYPTO_DIR / "SPEC.md").read_text(encoding="utf-8")


def test_crypto_is_the_repository_package_not_the_pypi_one() -> None:
    assert Path(crypto.__file__).resolve().parent == CRYPTO_DIR
    assert crypto.__doc__ is not None and "Coffre's crypto format package" in crypto.__doc__
    assert crypto.FORMAT_VERSION == 1


def test_spec_starts_with_its_version_line() -> None:
    assert "Coffre crypto format v1" in SPEC.splitlines()[0]
    assert crypto.FORMAT_NAME == "Coffre crypto format v1"


def test_every_purpose_string_is_spelled_identically_in_the_spec() -> None:
    for purpose in purposes.ALL_PURPOSES:
        assert f'"{purpose}"' in SPEC, purpose


def test_every_associated_data_and_prefix_appears_in_the_spec() -> None:
    for value in (
        purposes.AD_MASTER_KEY_PASSPHRASE,
        purposes.AD_MASTER_KEY_RECOVERY,
        purposes.AD_KEYRING_PREFIX,
        purposes.AD_METADATA,
    ):
        assert f'"{value.decode()}"' in SPEC, value
    assert '"coffre/v1/statement\\n"' in SPEC
    assert '"coffre/v1/fingerprint\\n"' in SPEC
    assert '"coffre/relay-note/v1\\n"' in SPEC  # SPEC §29.3, crypto/relay_note.py
    assert '"coffre/organiser/v1\\n"' in SPEC  # SPEC §30.3, crypto/organiser.py
    assert '"coffre/reminder-text/v1\\n"' in SPEC  # SPEC §31.2, crypto/organiser.py


def test_every_spec_section_cited_by_the_code_exists() -> None:
    sections = set(re.findall(r"^## (\d+)\. ", SPEC, flags=re.MULTILINE))
    # v1: 1-16, v2: 17-28, 29: the liaison notes of relays, 30-31: the organiser and
    # the reminder texts.
    assert sections == {str(n) for n in range(1, 32)}
    for path in CRYPTO_DIR.rglob("*.py"):
        for cited in re.findall(r"SPEC §(\d+)", path.read_text(encoding="utf-8")):
            assert cited in sections, f"{path.name} cites missing SPEC §{cited}"


def test_every_v2_string_is_spelled_identically_in_the_spec() -> None:
    for purpose in purposes.V2_PURPOSES:
        assert f'"{purpose}"' in SPEC, purpose
    for value in (
        purposes.AD_METADATA_V2,
        purposes.STATEMENT_PREFIX_V2,
        purposes.KDF_SALT_PREFIX_V2,
        purposes.KEY_PIN_PREFIX_V2,
        purposes.AD_MASTER_KEY_CONTACT_V2,
    ):
        assert '"' + value.decode().replace("\n", "\\n") + '"' in SPEC, value
    assert f'"{purposes.PIN_QR_PREFIX_V2}"' in SPEC
    assert purposes.FORMAT_NAME_V2 in SPEC


def test_the_spec_says_v2_is_what_the_product_writes() -> None:
    status = " ".join(SPEC[: SPEC.index("# Part I")].split())
    assert "Part II (§17–§28) is format v2, in use" in status
    # ... and it is: the person's add screen writes through the v2 writer.
    add = (REPO / "web/static/js/add-document.js").read_text()
    assert 'from "./documents-v2.js"' in add and ".newDocument(" in add


def test_every_public_name_is_exported() -> None:
    for name in crypto.__all__:
        assert hasattr(crypto, name), name
