"""Is this process ready to serve: ``/api/v1/ready`` (compose's and the proxy's health
checks) asks the database, the object store and the schema's revision.

``/api/v1/health`` only says the process is alive (it touches nothing): a load
balancer that restarted a process because the database is away would restart every
process for nothing. Readiness says whether to send it requests.
"""

from __future__ import annotations

from coffre.db import migrate
from coffre.db.engine import Database
from coffre.errors import Unavailable
from coffre.storage import ObjectStore


class SchemaNotAtHead(Unavailable):
    code = "schema_not_at_head"
    message_fr = (
        "Le service est en cours de mise à jour. Rien n'a été modifié : "
        "réessayez dans quelques minutes."
    )


def check_ready(db: Database, store: ObjectStore) -> None:
    """Return when the database answers at the code's schema revision and the store
    answers; else raise the failing part's error (``database_unavailable``,
    ``schema_not_at_head``, ``storage_unavailable``), in that order."""
    with db.unit_of_work() as session:
        current = migrate.at_head(session.connection())
    if not current:
        raise SchemaNotAtHead()
    store.check()
