"""Relays between structures (prise de relais): docs/NETWORK.md, "Relais"."""
