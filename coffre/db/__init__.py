"""Database plumbing: metadata with a naming convention, engines, units of work, migrations."""

from coffre.db.base import Base, UTCDateTime
from coffre.db.engine import Database, make_engine

__all__ = ["Base", "Database", "UTCDateTime", "make_engine"]
