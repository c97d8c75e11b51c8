"""Test vectors of the Coffre crypto format v1: v1.json and its generator (SPEC §13)."""
