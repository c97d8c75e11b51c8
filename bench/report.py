"""What the benches share: the percentile of a run, the database each one measures on
(SQLite in a folder, or PostgreSQL started on loopback as the tests do), and the writer
of a bench's own section of docs/PERFORMANCE.md, between its two markers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PERFORMANCE = Path(__file__).resolve().parent.parent / "docs/PERFORMANCE.md"


def percentile(values: list[float], p: float) -> float:
    """The value at rank ``p`` (0..1) of the sorted run, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


@contextmanager
def database(backend: str, tmp: Path, name: str) -> Iterator[str]:
    """The URL of an empty database ``name`` on ``backend`` ("sqlite" or "postgres")."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/{name}.sqlite3"
        return
    from tests.servers.postgres import start_postgres

    server = start_postgres(tmp / f"pg-{name}")
    try:
        yield server.create_database(name)
    finally:
        server.close()


def write_section(
    marker: str, heading: str, lines: list[str], note: str = "", path: Path = PERFORMANCE
) -> None:
    """Replace the text between ``<!-- marker:start -->`` and ``<!-- marker:end -->`` in
    ``path`` (docs/PERFORMANCE.md) with ``lines``; the first time, append it under
    ``## heading`` (then ``note``)."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = "\n".join([start, *lines, end])
    content = path.read_text(encoding="utf-8")
    if start in content:
        content = content[: content.index(start)] + block + content[content.index(end) + len(end) :]
    else:
        content += f"\n## {heading}\n\n" + block + "\n" + note
    path.write_text(content, encoding="utf-8")
