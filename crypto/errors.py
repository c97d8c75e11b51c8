"""The crypto package's errors: one small hierarchy, one type per kind of failure.

Messages never contain key material, passphrases or plaintext: they say what
failed, not with what. Callers map these to their own domain errors.
"""


class CryptoError(Exception):
    """Base of every error raised by the `crypto` package."""


class DecryptionError(CryptoError):
    """Authentication failed: tampered, truncated, reordered or duplicated data,
    or the wrong key. Deliberately one type, so a caller cannot learn (or leak)
    which of these it was."""


class UnsupportedVersionError(CryptoError):
    """The data names a format version (or magic) that this code does not know."""


class InvalidInputError(CryptoError):
    """Malformed input: wrong sizes, bad encodings, out-of-range parameters."""


class WeakParametersError(CryptoError):
    """KDF parameters below the floor of SPEC §3 (a downgrade attempt, or a bug)."""


class SignatureError(CryptoError):
    """A signature does not verify, or was made by an unexpected signer."""


class BindingError(CryptoError):
    """Format v2 (SPEC §24): the parts of a document do not belong together — a
    stream, metadata blob, sealed key or binding of another document, a key that
    is not the committed one, or contents that differ from their signed hash."""


class StaleError(CryptoError):
    """Format v2 (SPEC §24, §26): a statement that verifies but no longer holds —
    expired, not yet valid, revoked, or older than one already seen (rollback)."""
