"""``coffre directory import`` and ``export`` on the database of the settings."""

from __future__ import annotations

import json
from pathlib import Path

import data_inclusion.schema.v1 as di
import pytest
from typer.testing import CliRunner

from cli.main import app
from coffre.settings import Settings
from tests.directory.factories import as_bytes, territory


def test_the_commands_import_refuse_with_the_rows_and_export(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COFFRE_ENVIRONMENT", "test")
    monkeypatch.setenv("COFFRE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COFFRE_STORAGE_DIR", str(tmp_path / "objects"))
    runner = CliRunner()
    bad = territory()
    bad["services"][1]["thematiques"] = ["nimporte-quoi"]
    (tmp_path / "bad.json").write_bytes(as_bytes(bad))
    refused = runner.invoke(app, ["directory", "import", str(tmp_path / "bad.json")])
    assert refused.exit_code == 1
    assert "directory_rows_rejected" in refused.output
    assert "services[2].thematiques.0" in refused.output
    (tmp_path / "good.json").write_bytes(as_bytes(territory()))
    done = runner.invoke(app, ["directory", "import", str(tmp_path / "good.json")])
    assert done.exit_code == 0, done.output
    assert "4 structure(s) et 5 service(s) ajoutés" in done.output
    again = runner.invoke(app, ["directory", "import", str(tmp_path / "good.json")])
    assert "9 ligne(s) inchangée(s)" in again.output
    out = tmp_path / "export.json"
    exported = runner.invoke(app, ["directory", "export", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len([di.Service.model_validate(r) for r in document["services"]]) == 5
    assert len([di.Structure.model_validate(r) for r in document["structures"]]) == 4
