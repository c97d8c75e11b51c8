"""Text encodings (SPEC §1)."""

import pytest

from crypto import InvalidInputError, b64decode, b64encode, canonical_json


@pytest.mark.parametrize("size", range(0, 7))
def test_base64url_round_trips_without_padding(size: int) -> None:
    data = bytes(range(250, 250 + size)) if size < 6 else b"\xff" * size
    text = b64encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64decode(text) == data


@pytest.mark.parametrize("text", ["AA==", "A", "a+b/", "ab c", "AB\n", "-x", "é"])
def test_base64url_rejects_padding_foreign_characters_and_non_canonical_text(text: str) -> None:
    with pytest.raises(InvalidInputError):
        b64decode(text)


def test_base64url_decoding_takes_only_text() -> None:
    with pytest.raises(InvalidInputError):
        b64decode(b"AA")  # type: ignore[arg-type]


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    assert (
        canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )


@pytest.mark.parametrize("value", [{1: "x"}, {"a": b"bytes"}, {"a": float("nan")}, {"a": 2**60}])
def test_canonical_json_refuses_what_json_cannot_carry_exactly(value: object) -> None:
    with pytest.raises(InvalidInputError):
        canonical_json(value)
