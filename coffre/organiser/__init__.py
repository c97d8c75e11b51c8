"""The person's organiser: notes, contacts and appointments, end-to-end encrypted (SPEC §30)."""
