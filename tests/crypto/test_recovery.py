"""Recovery code (SPEC §4)."""

import re

import pytest

from crypto import (
    InvalidInputError,
    derive_recovery_keys,
    format_recovery_code,
    new_recovery_secret,
    parse_recovery_code,
)

SECRET = bytes.fromhex("00443214c74254b635cf84653a56d7c6")


def test_code_is_27_base32_characters_in_groups_of_four() -> None:
    code = format_recovery_code(new_recovery_secret())
    assert re.fullmatch(r"([A-Z2-7]{4}-){6}[A-Z2-7]{3}", code)


def test_code_round_trips_for_random_secrets() -> None:
    for _ in range(50):
        secret = new_recovery_secret()
        assert parse_recovery_code(format_recovery_code(secret)) == secret


def test_parsing_forgives_case_spaces_dashes_and_digit_lookalikes() -> None:
    code = format_recovery_code(SECRET)
    sloppy = code.lower().replace("-", "  ").replace("o", "0").replace("i", "1").replace("b", "8")
    assert parse_recovery_code(f"  {sloppy}\n") == SECRET
    assert parse_recovery_code(code.replace("-", "")) == SECRET


def test_a_mistyped_character_is_caught_by_the_check_character() -> None:
    code = format_recovery_code(SECRET)
    caught = 0
    for i, c in enumerate(code):
        if c == "-":
            continue
        typo = code[:i] + ("A" if c != "A" else "C") + code[i + 1 :]
        try:
            parse_recovery_code(typo)
        except InvalidInputError:
            caught += 1
    # A single check character catches a typo 31 times out of 32 on average.
    assert caught >= 24


def test_a_wrong_check_character_is_refused() -> None:
    code = format_recovery_code(SECRET)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(InvalidInputError, match="check"):
        parse_recovery_code(wrong)


@pytest.mark.parametrize("text", ["", "ABCD", "9" * 27, "A" * 28])
def test_malformed_codes_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_recovery_code(text)


def test_recovery_keys_differ_from_each_other_and_are_hidden_from_repr() -> None:
    keys = derive_recovery_keys(SECRET)
    assert keys.auth_key != keys.wrap_key
    assert str(keys.auth_key) not in repr(keys) and str(keys.wrap_key) not in repr(keys)


def test_a_secret_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        format_recovery_code(bytes(15))
