"""Reminders: the person's own (sealed text, date, repeat) and the system's (docs/REMINDERS.md)."""
