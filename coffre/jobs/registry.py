"""The one list of background jobs: what runs, how often. Both runners read it.

The in-process loop (coffre/jobs/inprocess.py, COFFRE_JOBS=inprocess, SQLite's
default) and the procrastinate worker (coffre/jobs/queue.py, ``coffre worker``,
COFFRE_JOBS=worker on PostgreSQL) run the same functions at the same intervals.

Every job here is idempotent and safe to run at the same time in several processes:
it claims its rows with one ``UPDATE ... WHERE state`` (or a unique key, or
``ON CONFLICT DO NOTHING``), so a job run twice (a crash, two workers, an app and a
worker) changes nothing the second time (docs/JOBS.md says how each one is).

To add a job: one line in ``jobs()`` (a name that stays stable: the queue's task
and its periodic lock are named after it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coffre.container import Coffre
from coffre.retention.service import Retention


@dataclass(frozen=True)
class Job:
    """One background job: ``run()`` does one round of it; ``every_seconds`` apart."""

    name: str
    run: Callable[[], object]
    every_seconds: int


def jobs(coffre: Coffre) -> list[Job]:
    """Every background job, in the order one round runs them."""
    settings = coffre.settings
    every = settings.audit_checkpoint_seconds
    return [
        # Signs the audit log's head when it grew (and at start: entries written while
        # the server was stopped are signed at once; coffre/jobs/inprocess.py). One
        # leader among the processes, one checkpoint per interval (AuditLog.checkpoint_if_due).
        Job("audit.checkpoint", coffre.audit.checkpoint_if_due, every),
        # Deletes the sealed keys of expired grants (pulls after expiry are refused anyway).
        Job("grants.clean_expired", coffre.grants.clean_expired, every),
        # Completes the resets whose waiting period has passed.
        Job("resets.complete_due", coffre.resets.complete_due, every),
        # Relay reminders and expiry (coffre/relays/).
        Job("relays.run_sweep", coffre.relays.run_sweep, every),
        # The end of a référent's absence (coffre/referents/).
        Job("referents.run_sweep", coffre.referents.run_sweep, every),
        # Reminders due: the person's own, documents expiring, grants ending, requests
        # waiting (coffre/reminders/; each occurrence once, by its key).
        Job("reminders.run", coffre.reminders.run_job, settings.reminders_interval_seconds),
        # Notifications out of the app: dispatch, then send what is due, with retries
        # (coffre/notifications/outbox.py); the desks' daily digests (keyed per day).
        Job("notifications.deliver", coffre.outbox.deliver, settings.notifications_deliver_seconds),
        Job("notifications.digest", coffre.outbox.digest, settings.notifications_deliver_seconds),
        # The structures' webhooks: due deliveries claimed with a lease, signed, posted,
        # retried with back-off (coffre/webhooks/delivery.py).
        Job(
            "webhooks.deliver",
            coffre.webhook_deliverer.deliver,
            settings.webhooks_deliver_seconds,
        ),
        # The stored objects of deleted documents whose purge could not run at once
        # (the store was down); their keys were already shredded.
        Job("vault.purge_deleted", coffre.vault.purge_deleted_objects, every),
        # What crashes left between the store and the database (coffre/vault/doctor.py).
        Job("doctor.run_job", coffre.doctor.run_job, settings.doctor_interval_seconds),
        # Idempotency keys whose answers are no longer kept (coffre/idempotency/).
        Job("idempotency.purge", coffre.idempotency.purge_expired, every),
        # The end of every trace's retention (coffre/retention/): the audit trail's
        # bodies (CNIL délibération 2021-122), failed logins, sessions, deliveries,
        # erased accounts' notifications; each run that removes something records it.
        Job(
            "retention.run",
            Retention(coffre.db, settings, coffre.clock, coffre.audit).run,
            settings.retention_interval_seconds,
        ),
    ]
