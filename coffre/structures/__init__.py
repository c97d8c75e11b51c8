"""Structures of the territory, their professionals, invitations and certified keys."""
