"""Coffre's Python client: the crypto format plus HTTP. Used by the CLI and by partners.

It never imports the domain: it speaks to a Coffre server like any other client,
and it is where encryption and decryption happen (the server is blind).

Partners' integrations use ``PartnerClient`` (client/partner.py: typed calls over a
personal access token) with the professional's keys from a key file
(``open_key_file``, client/keyfile.py); docs/PARTNERS.md, "Client".
"""

from client.api import ApiError, CoffreClient, DocumentEntry, SignupOutcome
from client.keyfile import PartnerKeys, open_key_file, write_key_file
from client.partner import (
    Grant,
    PartnerClient,
    PersonKeyChanged,
    PulledDocument,
    RateLimited,
    ReceiptRefused,
    RetryPolicy,
)

__all__ = [
    "ApiError",
    "CoffreClient",
    "DocumentEntry",
    "Grant",
    "PartnerClient",
    "PartnerKeys",
    "PersonKeyChanged",
    "PulledDocument",
    "RateLimited",
    "ReceiptRefused",
    "RetryPolicy",
    "SignupOutcome",
    "open_key_file",
    "write_key_file",
]
