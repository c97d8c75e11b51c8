"""Coffre's domain: accounts, the vault, consent and their rules. Knows nothing of HTTP."""
