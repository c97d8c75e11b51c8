"""Accounts: persons (and, in later issues, professionals), their keys and their sessions."""
