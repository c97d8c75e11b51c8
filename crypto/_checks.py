"""Input checks shared by the modules: raise InvalidInputError, never `assert`."""

from crypto.errors import InvalidInputError


def require_bytes(value: object, name: str, length: int) -> bytes:
    """Return `value` as `bytes` if it is bytes-like of exactly `length` bytes."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidInputError(f"{name} must be bytes")
    data = bytes(value)
    if len(data) != length:
        raise InvalidInputError(f"{name} must be {length} bytes, got {len(data)}")
    return data


def require_bytes_like(value: object, name: str) -> bytes:
    """Return `value` as `bytes` if it is bytes-like (any length)."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidInputError(f"{name} must be bytes")
    return bytes(value)


def require_int(value: object, name: str) -> int:
    """Return `value` if it is an int (and not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"{name} must be an integer")
    return value
