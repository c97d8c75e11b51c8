"""Every domain-separation string of the format, in one place (SPEC §2).

Purpose strings are the `message` of `subkey()`; associated-data strings are
the AEAD `ad`. They are spelled exactly as in SPEC.md; a test checks that each
one appears there verbatim. Changing any of them is a format change.
"""

from typing import Final

FORMAT_NAME: Final = "Coffre crypto format v1"

# Subkey purposes (SPEC §2): subkey(parent, purpose).
LOGIN: Final = "coffre/v1/login"
PASSPHRASE_WRAP: Final = "coffre/v1/passphrase-wrap"  # noqa: S105 - a label, not a secret
RECOVERY_LOGIN: Final = "coffre/v1/recovery-login"
RECOVERY_WRAP: Final = "coffre/v1/recovery-wrap"
KEYRING: Final = "coffre/v1/keyring"
CONTENT: Final = "coffre/v1/content"
METADATA: Final = "coffre/v1/metadata"

ALL_PURPOSES: Final = (
    LOGIN,
    PASSPHRASE_WRAP,
    RECOVERY_LOGIN,
    RECOVERY_WRAP,
    KEYRING,
    CONTENT,
    METADATA,
)

# AEAD associated data (SPEC §5, §6, §9).
AD_MASTER_KEY_PASSPHRASE: Final = b"coffre/v1/master-key/passphrase"
AD_MASTER_KEY_RECOVERY: Final = b"coffre/v1/master-key/recovery"
AD_KEYRING_PREFIX: Final = b"coffre/v1/keyring"  # || box_public || sign_public
AD_METADATA: Final = b"coffre/v1/metadata"

# Signature and hash prefixes (SPEC §11, §12).
STATEMENT_PREFIX: Final = b"coffre/v1/statement\n"
FINGERPRINT_PREFIX: Final = b"coffre/v1/fingerprint\n"
