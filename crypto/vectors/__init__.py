"""Test vectors of the Coffre crypto format: v1.json (SPEC §13), v2.json (SPEC §27)
and their generator; two_key.py crafts the two-key stream of SPEC §14.6."""
