"""Coffre's Python client: the crypto format plus HTTP. Used by the CLI and by partners.

It never imports the domain: it speaks to a Coffre server like any other client,
and it is where encryption and decryption happen (the server is blind).
"""

from client.api import ApiError, CoffreClient, DocumentEntry, SignupOutcome

__all__ = ["ApiError", "CoffreClient", "DocumentEntry", "SignupOutcome"]
