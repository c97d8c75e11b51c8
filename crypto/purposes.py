"""Every domain-separation string of the format, in one place (SPEC §2).

Purpose strings are the `message` of `subkey()`; associated-data strings are
the AEAD `ad`. They are spelled exactly as in SPEC.md; a test checks that each
one appears there verbatim. Changing any of them is a format change.
"""

from typing import Final

FORMAT_NAME: Final = "Coffre crypto format v1"
FORMAT_NAME_V2: Final = "Coffre crypto format v2"

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

# --- Format v2 (SPEC §17-§27) ------------------------------------------------------

# Subkey purposes (SPEC §19, §20).
LOGIN_V2: Final = "coffre/v2/login"
PASSPHRASE_WRAP_V2: Final = "coffre/v2/passphrase-wrap"  # noqa: S105 - a label, not a secret
CONTENT_V2: Final = "coffre/v2/content"
METADATA_V2: Final = "coffre/v2/metadata"
COMMITMENT_V2: Final = "coffre/v2/commitment"

# Recovery through a trusted contact (SPEC §28): subkeys of the contact-recovery key.
CONTACT_WRAP_V2: Final = "coffre/v2/contact-wrap"
CONTACT_AUTH_V2: Final = "coffre/v2/contact-auth"

V2_PURPOSES: Final = (
    LOGIN_V2,
    PASSPHRASE_WRAP_V2,
    CONTENT_V2,
    METADATA_V2,
    COMMITMENT_V2,
    CONTACT_WRAP_V2,
    CONTACT_AUTH_V2,
)

# AEAD associated data, prefixes and payload tags (SPEC §19, §22, §23, §25).
AD_METADATA_V2: Final = b"coffre/v2/metadata"
STATEMENT_PREFIX_V2: Final = b"coffre/v2/statement\n"
KDF_SALT_PREFIX_V2: Final = b"coffre/v2/kdf-salt\n"
KEY_PIN_PREFIX_V2: Final = b"coffre/v2/key-pin\n"
PIN_QR_PREFIX_V2: Final = "COFFRE:V2:PIN:"
AD_MASTER_KEY_CONTACT_V2: Final = b"coffre/v2/master-key/contact"  # SPEC §28
