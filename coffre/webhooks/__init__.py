"""Webhooks per structure (docs/WEBHOOKS.md): endpoints managed by the structure's
admin, events queued in their own unit of work (``emit``), signed deliveries with
retries (coffre/webhooks/delivery.py, the ``webhooks.deliver`` job)."""

from coffre.webhooks.events import EventType, emit

__all__ = ["EventType", "emit"]
