"""``coffre worker``: runs the background jobs from the job queue on PostgreSQL
(coffre/jobs/queue.py, docs/JOBS.md). An operator command: the server's modules are
imported inside it, so that the other commands start fast (cli/main.py).

Only with COFFRE_JOBS=worker on PostgreSQL: otherwise the app runs the same jobs in
its own process (COFFRE_JOBS=inprocess, coffre/jobs/inprocess.py), and a worker
beside it would only repeat them.
"""

from __future__ import annotations

from typing import Annotated

import typer

REFUSED_SQLITE = (
    "Le worker ne fonctionne qu'avec PostgreSQL. Avec la base SQLite intégrée, le serveur "
    "exécute déjà lui-même les tâches de fond : il n'y a rien d'autre à lancer."
)
REFUSED_INPROCESS = (
    "COFFRE_JOBS vaut « inprocess » : le serveur exécute déjà lui-même les tâches de fond. "
    "Pour les confier à des workers, mettez COFFRE_JOBS=worker pour le serveur et pour "
    "chaque worker (docs/JOBS.md)."
)


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=32, help="Nombre de tâches exécutées en même temps.")
    ] = 4,
) -> None:
    """Run the background jobs from the job queue until stopped (SIGTERM, Ctrl+C)."""
    from pydantic import ValidationError

    from coffre.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        # Settings that cannot go together (COFFRE_JOBS=worker on SQLite): their sentence.
        for error in exc.errors():
            typer.echo(str(error.get("ctx", {}).get("error", error["msg"])), err=True)
        raise typer.Exit(2) from None
    if settings.is_sqlite:
        typer.echo(REFUSED_SQLITE, err=True)
        raise typer.Exit(2)
    if settings.jobs != "worker":
        typer.echo(REFUSED_INPROCESS, err=True)
        raise typer.Exit(2)

    import asyncio

    from cli.server import serve_metrics
    from coffre.container import Coffre
    from coffre.jobs import queue
    from coffre.logs import configure
    from coffre.metrics import STATE

    # Job names and error codes only (coffre/jobs/); procrastinate's own lines name
    # tasks and job ids, never a job's data (periodic jobs carry a timestamp only).
    configure(settings.log_output, level=settings.log_level)
    coffre = Coffre.build(settings)
    # The worker's own metrics (job failures, the queue's depth) on its private port.
    STATE.watch(coffre.db, coffre.clock, queue=True)
    stop_metrics = serve_metrics(settings)
    try:
        asyncio.run(queue.work(coffre, concurrency=concurrency))
    except queue.QueueNotReady as exc:
        typer.echo(exc.message_fr, err=True)
        raise typer.Exit(1) from None
    finally:
        stop_metrics()
        STATE.unwatch(coffre.db)
        coffre.close()
