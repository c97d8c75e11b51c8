"""The server's secrets: the keyring of labelled secrets (``COFFRE_SECRET_KEYS``), every
key derived from it, and the stored secrets sealed under one of its key ids.

``keyring``: parsing the ring and deriving keys (BLAKE2b keyed, per-purpose label).
``stored``: the secrets the server keeps in its database (TOTP seeds, webhook secrets,
the login verifiers' key), sealed under a key id; ``rotation``: status and re-sealing.
"""
