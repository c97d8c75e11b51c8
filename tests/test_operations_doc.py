"""docs/OPERATIONS.md is the operator's runbook, and its commands are run here.

Every shell block of the runbook is marked after its language (docs/OPERATIONS.md,
"How to read this runbook"):

- ```` ```sh checked ````: run, in the order of the file, each block by one ``bash -euo
  pipefail`` process, all in one empty temporary folder, on SQLite and a local object
  directory, with the real ``coffre`` command of this virtual environment first in
  ``PATH``. The environment holds no ``COFFRE_*`` setting of the test suite: only what
  the blocks write to ``coffre.env`` (loaded before each block, as an operator loads
  it once per shell) and ``COFFRE_PASSPHRASE`` (so that a command asking for a
  passphrase does not wait for a keyboard). The ports ``8000`` (the app) and ``9100``
  (its metrics) are replaced by free ports of this machine. Each block must exit 0;
  anything it left running is stopped.
- ```` ```sh not-run: <reason> ````: not run (Docker, a production host...), but every
  ``coffre`` command and option it names must exist in the command line's tree (the
  same tree ``coffre … --help`` prints, read in process).

Inline ``coffre …`` spans of the prose are checked the same way.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "OPERATIONS.md"
BIN = Path(sys.executable).parent
SHELLS = {"sh", "bash", "shell"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
PASSPHRASE = "lampe velo nuage tiroir biscuit orange"
# The only thing the test changes in a checked block (docs/OPERATIONS.md says so).
PORTS = ("8000", "9100")
# A simple command ends at these (shlex with punctuation_chars gives them as tokens).
HOST_TOOLS = ("bash", "curl", "openssl", "sed", "shred", "grep")
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
OPERATORS = {"|", "||", "&", "&&", ";", ";;", "(", ")", "|&", "<", ">", ">>", "<<"}


@dataclass(frozen=True)
class Block:
    line: int
    language: str
    marker: str  # "checked", "not-run" or "" (unmarked)
    reason: str
    text: str

    def where(self) -> str:
        return f"docs/OPERATIONS.md:{self.line}"


def _blocks(doc: str) -> list[Block]:
    found = []
    for match in FENCE.finditer(doc):
        info = match.group(1).strip()
        language, _, rest = info.partition(" ")
        rest = rest.strip()
        marker, reason = "", ""
        if rest == "checked":
            marker = "checked"
        elif rest.startswith("not-run:"):
            marker, reason = "not-run", rest.removeprefix("not-run:").strip()
        line = doc.count("\n", 0, match.start()) + 1
        found.append(Block(line, language, marker, reason, match.group(2)))
    return found


BLOCKS = _blocks(DOC.read_text(encoding="utf-8"))
SHELL_BLOCKS = [b for b in BLOCKS if b.language in SHELLS]
CHECKED = [b for b in SHELL_BLOCKS if b.marker == "checked"]


def _compose_services() -> set[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return set(compose["services"])


def _commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script, as word lists (continuations joined)."""
    text = script.replace("\\\n", " ")
    commands: list[list[str]] = []
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        try:
            tokens = list(lexer)
        except ValueError:  # a heredoc's body, unbalanced quotes in prose: not a command
            continue
        for token in tokens:
            if token in OPERATORS or token.startswith("$("):
                if current:
                    commands.append(current)
                current = [token.removeprefix("$(")] if token.startswith("$(") else []
            else:
                current.append(token)
        if current:
            commands.append(current)
    return commands


def _coffre_invocations(script: str, services: set[str]) -> list[list[str]]:
    """Each ``coffre …`` of a script: at a command's start, or after the service or image
    that ``docker compose run|exec`` / ``docker run`` starts."""
    found = []
    for command in _commands(script):
        words = list(command)
        while words and ASSIGNMENT.match(words[0]):  # VAR=value coffre …
            words.pop(0)
        for i, word in enumerate(words):
            if Path(word).name != "coffre":
                continue
            before = words[i - 1] if i else ""
            if i == 0 or before in services or before.startswith("coffre:"):
                found.append(words[i + 1 :])
                break
    return found


def _problems(args: list[str], root: Any) -> list[str]:
    """What in ``coffre ARGS`` does not exist: an unknown subcommand or option.

    ``root`` is the command line's tree as Typer builds it (click's classes, vendored by
    Typer): a group has ``commands``, a command ``params`` with their ``opts``."""
    command = root
    path = ["coffre"]
    words = [w for w in args if w not in ("[", "]")]
    i = 0
    while (subcommands := getattr(command, "commands", None)) is not None:
        if i >= len(words) or words[i].startswith("-"):
            return []  # a group alone, or its --help
        sub = subcommands.get(words[i])
        if sub is None:
            return [f"{' '.join(path)}: no subcommand {words[i]!r}"]
        path.append(words[i])
        command = sub
        i += 1
    known = {"--help"}
    for param in command.params:
        known.update(getattr(param, "opts", []))
        known.update(getattr(param, "secondary_opts", []))
    problems = []
    for word in words[i:]:
        option = word.strip("[]").split("=", 1)[0]
        if option.startswith("-") and option not in ("-", "--") and option not in known:
            problems.append(f"{' '.join(path)}: no option {option!r}")
    return problems


@pytest.fixture(scope="module")
def coffre_tree() -> Any:
    from cli.main import app

    group = get_command(app)
    assert "db" in getattr(group, "commands", {})
    return group


def test_every_shell_block_is_marked_checked_or_not_run_with_its_reason() -> None:
    unmarked = [b.where() for b in SHELL_BLOCKS if not b.marker]
    no_reason = [b.where() for b in SHELL_BLOCKS if b.marker == "not-run" and not b.reason]
    untyped = [b.where() for b in BLOCKS if not b.language]
    assert unmarked == [], "a shell block must say `checked` or `not-run: <reason>`"
    assert no_reason == []
    assert untyped == [], "every block names its language (sh, ini, yaml…)"
    # The runbook's sections each have their checked commands.
    assert len(CHECKED) >= 6


def test_every_coffre_command_and_option_the_runbook_names_exists(
    coffre_tree: Any,
) -> None:
    services = _compose_services()
    problems: list[str] = []
    seen = 0
    for block in SHELL_BLOCKS:
        for args in _coffre_invocations(block.text, services):
            seen += 1
            problems += [f"{block.where()}: {p}" for p in _problems(args, coffre_tree)]
    prose = FENCE.sub("", DOC.read_text(encoding="utf-8"))
    for span in re.findall(r"`(coffre [^`]+)`", prose):
        seen += 1
        words = span.replace("|", " ").split()[1:]
        problems += [f"prose `{span}`: {p}" for p in _problems(words, coffre_tree)]
    assert problems == []
    assert seen >= 15


def test_the_checker_names_what_does_not_exist(coffre_tree: Any) -> None:
    services = _compose_services() | {"app"}
    script = (
        "coffre db upgrad\n"
        "docker compose run --rm app coffre doctor --repare\n"
        "pg_dump -U coffre coffre > dump && coffre audit key new --force F\n"
        "coffre audit verify --save-checkpoint=F --checkpoint F\n"
        'COFFRE_X="a b" COFFRE_Y=1 \\\n  coffre backup --to B --recipent R\n'
    )
    found = _coffre_invocations(script, services)
    assert found == [
        ["db", "upgrad"],
        ["doctor", "--repare"],
        ["audit", "key", "new", "--force", "F"],
        ["audit", "verify", "--save-checkpoint=F", "--checkpoint", "F"],
        ["backup", "--to", "B", "--recipent", "R"],
    ]
    assert [_problems(args, coffre_tree) for args in found] == [
        ["coffre db: no subcommand 'upgrad'"],
        ["coffre doctor: no option '--repare'"],
        ["coffre audit key new: no option '--force'"],
        [],
        ["coffre backup: no option '--recipent'"],
    ]


def _free_ports(count: int) -> list[int]:
    """``count`` distinct ports nobody listens on (all held open while chosen)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _run(
    block: Block, folder: Path, env: dict[str, str], ports: dict[str, int]
) -> subprocess.CompletedProcess[str]:
    prelude = "if [ -f coffre.env ]; then set -a; . ./coffre.env; set +a; fi\n"
    script = block.text
    for documented, free in ports.items():
        script = re.sub(rf"\b{documented}\b", str(free), script)
    script = prelude + script
    # Output to files, not pipes: a server the block started in the background (and
    # left running if the block failed half-way) must not hold the test waiting.
    out_path, err_path = folder.parent / "block.out", folder.parent / "block.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            code = -1
        finally:
            try:  # what the block left running (a server): its session, and only it
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            process.wait()
    return subprocess.CompletedProcess(
        process.args, code, out_path.read_text(), err_path.read_text()
    )


def test_the_checked_blocks_run_in_order_and_succeed(tmp_path: Path) -> None:
    # The host tools the checked blocks use, as on an operator's Linux host.
    missing = [tool for tool in HOST_TOOLS if shutil.which(tool) is None]
    assert missing == [], f"the runbook's checked blocks need {missing} on this machine"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFRE_")}
    env.update(
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        HOME=str(tmp_path),
        COFFRE_PASSPHRASE=PASSPHRASE,
    )
    env.pop("VIRTUAL_ENV", None)
    folder = tmp_path / "coffre"
    folder.mkdir()
    ports = dict(zip(PORTS, _free_ports(len(PORTS)), strict=True))
    for block in CHECKED:
        done = _run(block, folder, env, ports)
        assert done.returncode == 0, (
            f"{block.where()} exited {done.returncode}\n{block.text}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    # The install left a production server's files where the runbook says.
    settings = (folder / "coffre.env").read_text()
    assert "COFFRE_ENVIRONMENT=production" in settings
    assert (folder / "var" / "coffre.sqlite3").stat().st_size > 0
