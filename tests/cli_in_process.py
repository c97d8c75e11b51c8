"""The ``coffre`` command run in the test's own process, for tests where what is under
test is what the command does, not the process it runs in.

Each real ``coffre`` process first pays its start (Python, then the client's imports:
0.7 s on an idle machine, several seconds on a loaded one). ``run`` calls the same
entry point (``cli.main.main``: its error messages and exit codes included) with the
same arguments and environment a subprocess would get, and returns what
``subprocess.run(..., capture_output=True, text=True)`` returns: the exit code, and what
was written to stdout and stderr. The environment is the one given, exactly: every
``COFFRE_*`` and language variable of the test process is hidden while the command runs
(as the subprocess's ``env=`` did), then put back.

The process itself stays under test where it matters: tests/test_cli_startup.py (what
the command imports), the partner's pull through the real command in
tests/client/test_partner_cli.py, and the commands of tests/accounts that read their
answers from a terminal's input (credential_helpers.run_cli).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout

# What the command reads from its environment, beside its COFFRE_* variables.
_READ = ("HOME", "COLUMNS", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("COFFRE_") or name in _READ
    }
    for name in saved:
        del os.environ[name]
    os.environ.update({k: v for k, v in env.items() if k != "PATH"})
    try:
        yield
    finally:
        for name in [n for n in os.environ if n.startswith("COFFRE_") or n in _READ]:
            del os.environ[name]
        os.environ.update(saved)


@contextmanager
def _console_widths(env: Mapping[str, str]) -> Iterator[None]:
    """The width the command's rich consoles would have in a new process: a console
    reads COLUMNS once, when its module is imported (in this process, maybe by an
    earlier test with another environment); unset, it falls back to 80 columns."""
    from rich.console import Console

    consoles = [
        value
        for name, module in list(sys.modules.items())
        if name == "cli" or name.startswith("cli.")
        for value in list(vars(module).values())
        if isinstance(value, Console)
    ]
    columns = env.get("COLUMNS", "")
    saved = [(console, console._width) for console in consoles]
    for console in consoles:
        console._width = int(columns) if columns.isdigit() else None
    try:
        yield
    finally:
        for console, width in saved:
            console._width = width


def run(
    args: list[str], env: Mapping[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """``coffre *args`` with ``env``, in this process (see the module's docstring);
    ``stdin`` is what the command reads (nothing: end of input at once, as a process's
    ``/dev/null`` under pytest)."""
    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    argv, given = sys.argv, sys.stdin
    code: int = 0
    with _environment(env), _console_widths(env):
        sys.argv = ["coffre", *args]
        sys.stdin = io.StringIO(stdin)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                main()
        except SystemExit as exit_:
            if exit_.code is None:
                code = 0
            elif isinstance(exit_.code, int):
                code = exit_.code
            else:  # sys.exit("message"): printed to stderr, exit status 1
                err.write(f"{exit_.code}\n")
                code = 1
        except Exception:  # what Python does with an uncaught exception: traceback, 1
            err.write(traceback.format_exc())
            code = 1
        finally:
            sys.argv, sys.stdin = argv, given
    return subprocess.CompletedProcess(["coffre", *args], code, out.getvalue(), err.getvalue())
