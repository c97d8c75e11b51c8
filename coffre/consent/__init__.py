"""Consent under the territory's charter: the charter itself (purposes, professions,
durations, adhering structures), and later grants, requests and deposits."""
