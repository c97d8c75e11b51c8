"""Coffre's crypto format package: "Coffre crypto format v1" (written by the
product today) and "Coffre crypto format v2" (SPEC Part II, Python only until
the migration), specified in crypto/SPEC.md, with test vectors in crypto/vectors/.

Pure functions over bytes built on libsodium constructions (PyNaCl); it imports
nothing else of Coffre. Not the abandoned PyPI project also named `crypto`.
"""

from crypto.account import (
    NewAccount,
    NewPassphrase,
    create_account,
    open_account,
    open_account_with_recovery,
    open_master_key,
    rewrap_for_new_passphrase,
)
from crypto.binding import (
    BoundParts,
    DocumentReader,
    OpenedDocument,
    bound_parts,
    deposit_statement,
    open_document,
    open_document_stream,
    sign_binding,
    verify_binding,
)
from crypto.certificates_v2 import (
    CertifiedKeysV2,
    certificate_statement_v2,
    revocation_list_statement,
    root_statement_v2,
    verify_chain_v2,
    verify_revocation_list,
    verify_root_v2,
)
from crypto.commitment import content_key_v2, key_commitment, metadata_key_v2
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2, read_receipt_v2
from crypto.document_key import content_key, metadata_key, new_document_key
from crypto.encoding import b64decode, b64encode, canonical_json
from crypto.errors import (
    BindingError,
    CryptoError,
    DecryptionError,
    InvalidInputError,
    SignatureError,
    StaleError,
    UnsupportedVersionError,
    WeakParametersError,
)
from crypto.fingerprint import fingerprint
from crypto.jsontext import parse_json
from crypto.kdf import (
    KdfParams,
    PassphraseKeys,
    check_kdf_params,
    derive_passphrase_keys,
    new_kdf_params,
    passphrase_root,
)
from crypto.kdf_v2 import (
    KdfParamsV2,
    PassphraseKeysV2,
    check_kdf_params_v2,
    derive_passphrase_keys_v2,
    derive_salt,
    new_kdf_params_v2,
)
from crypto.keyring import (
    AccountKeys,
    account_keys_from_secrets,
    generate_account_keys,
    unwrap_keyring,
    wrap_keyring,
)
from crypto.master_key import new_master_key, unwrap_master_key, wrap_master_key
from crypto.metadata import DocumentMetadata, decrypt_metadata, encrypt_metadata
from crypto.metadata_v2 import DocumentMetadataV2, decrypt_metadata_v2, encrypt_metadata_v2
from crypto.padding import padme
from crypto.pins import matches_pin, pin_qr_payload, pin_spoken
from crypto.purposes import FORMAT_NAME, FORMAT_NAME_V2
from crypto.recovery import (
    RecoveryKeys,
    derive_recovery_keys,
    format_recovery_code,
    new_recovery_secret,
    parse_recovery_code,
)
from crypto.sealed import open_sealed_key, seal_document_key
from crypto.statements import sign_statement, signed_message, verify_statement
from crypto.statements_v2 import sign_statement_v2, statement_id, verify_statement_v2
from crypto.stream import (
    DEFAULT_CHUNK_SIZE,
    ciphertext_size,
    decrypt_bytes,
    decrypt_stream,
    decrypt_to_file,
    encrypt_bytes,
    encrypt_stream,
)
from crypto.stream_v2 import (
    ciphertext_size_v2,
    decrypt_bytes_v2,
    decrypt_stream_v2,
    encrypt_bytes_v2,
    encrypt_stream_v2,
)
from crypto.subkeys import subkey

FORMAT_VERSION = 1  # what the product writes; v2 is specified and implemented (SPEC Part II)
FORMAT_VERSION_V2 = 2

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "AccountKeys",
    "CryptoError",
    "DecryptionError",
    "DocumentMetadata",
    "InvalidInputError",
    "KdfParams",
    "NewAccount",
    "NewPassphrase",
    "PassphraseKeys",
    "RecoveryKeys",
    "SignatureError",
    "UnsupportedVersionError",
    "WeakParametersError",
    "account_keys_from_secrets",
    "b64decode",
    "b64encode",
    "canonical_json",
    "check_kdf_params",
    "ciphertext_size",
    "content_key",
    "create_account",
    "decrypt_bytes",
    "decrypt_metadata",
    "decrypt_stream",
    "decrypt_to_file",
    "derive_passphrase_keys",
    "derive_recovery_keys",
    "encrypt_bytes",
    "encrypt_metadata",
    "encrypt_stream",
    "fingerprint",
    "format_recovery_code",
    "generate_account_keys",
    "metadata_key",
    "new_document_key",
    "new_kdf_params",
    "new_master_key",
    "new_recovery_secret",
    "open_account",
    "open_account_with_recovery",
    "open_master_key",
    "open_sealed_key",
    "parse_recovery_code",
    "passphrase_root",
    "rewrap_for_new_passphrase",
    "seal_document_key",
    "sign_statement",
    "signed_message",
    "subkey",
    "unwrap_keyring",
    "unwrap_master_key",
    "verify_statement",
    "wrap_keyring",
    "wrap_master_key",
    "BoundParts",
    "OpenedDocument",
    "bound_parts",
    "deposit_statement",
    "open_document",
    "sign_binding",
    "verify_binding",
    "CertifiedKeysV2",
    "certificate_statement_v2",
    "revocation_list_statement",
    "root_statement_v2",
    "verify_chain_v2",
    "verify_revocation_list",
    "verify_root_v2",
    "content_key_v2",
    "key_commitment",
    "metadata_key_v2",
    "ConsentReceiptV2",
    "SharedDocumentV2",
    "read_receipt_v2",
    "BindingError",
    "StaleError",
    "parse_json",
    "KdfParamsV2",
    "PassphraseKeysV2",
    "check_kdf_params_v2",
    "derive_passphrase_keys_v2",
    "derive_salt",
    "new_kdf_params_v2",
    "DocumentMetadataV2",
    "decrypt_metadata_v2",
    "encrypt_metadata_v2",
    "padme",
    "matches_pin",
    "pin_qr_payload",
    "pin_spoken",
    "FORMAT_NAME_V2",
    "sign_statement_v2",
    "statement_id",
    "verify_statement_v2",
    "ciphertext_size_v2",
    "decrypt_bytes_v2",
    "decrypt_stream_v2",
    "encrypt_bytes_v2",
    "encrypt_stream_v2",
    "FORMAT_VERSION_V2",
    "DocumentReader",
    "open_document_stream",
]
