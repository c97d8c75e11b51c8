"""All queries of the consent area (the charter's versions for now)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.consent.models import PublishedCharter


def latest_charter(db: DbSession) -> PublishedCharter | None:
    query = select(PublishedCharter).order_by(PublishedCharter.version.desc()).limit(1)
    return db.scalars(query).first()


def charter_version(db: DbSession, version: int) -> PublishedCharter | None:
    query = select(PublishedCharter).where(PublishedCharter.version == version)
    return db.scalars(query).one_or_none()


def charter_in_force(db: DbSession, on: date) -> PublishedCharter | None:
    """The highest version whose effective date has come."""
    query = (
        select(PublishedCharter)
        .where(PublishedCharter.effective_on <= on)
        .order_by(PublishedCharter.version.desc())
        .limit(1)
    )
    return db.scalars(query).first()
