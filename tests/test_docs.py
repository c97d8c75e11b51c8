"""Docs checked by tests: every error code, setting and CLI command is documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from coffre.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for folder in ("coffre", "api", "client"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "code" for t in node.targets
                ):
                    if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                        codes.add(node.value.value)
    codes.discard("coffre_error")
    return codes


def test_every_error_code_is_documented() -> None:
    documented = set(
        re.findall(r"^\| `([a-z0-9_]+)` \|", (ROOT / "docs/ERRORS.md").read_text(), re.M)
    )
    codes = _codes_in_source() | {
        "invalid_request",
        "not_found",
        "method_not_allowed",
        "http_error",
    }
    codes |= {"integrity_mismatch"}
    assert codes - documented == set()
    assert len(codes) >= 20


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs/SETTINGS.md").read_text()
    missing = [
        f"COFFRE_{name.upper()}"
        for name in Settings.model_fields
        if f"`COFFRE_{name.upper()}`" not in text
    ]
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    from typer.main import get_command

    from cli.main import app

    text = (ROOT / "docs/CLI.md").read_text()
    group = get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        names += [f"coffre {name} {s}" for s in sub] if sub else [f"coffre {name}"]
    missing = [n for n in names if f"`{n}" not in text]
    assert missing == []
    assert len(names) >= 10


def test_the_crypto_package_is_ours_not_the_old_pypi_one() -> None:
    import crypto

    assert Path(crypto.__file__).resolve().is_relative_to(ROOT)
