"""Settings: read once from COFFRE_* variables; the development secret never reaches production."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from coffre.settings import DEVELOPMENT_SECRET_KEY, Settings


def test_production_refuses_the_public_development_secret() -> None:
    with pytest.raises(ValidationError, match="COFFRE_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET_KEY)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="COFFRE_SECRET_KEY"):
        Settings(environment="production", secret_key="short")


def test_production_accepts_a_long_random_secret() -> None:
    settings = Settings(environment="production", secret_key="x" * 48)
    assert settings.environment == "production"


def test_settings_come_from_prefixed_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFFRE_MAX_DOCUMENT_BYTES", "1234")
    monkeypatch.setenv("COFFRE_STORAGE_BACKEND", "s3")
    settings = Settings()
    assert settings.max_document_bytes == 1234
    assert settings.storage_backend == "s3"


def test_a_bad_setting_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COFFRE_STORAGE_BACKEND", "ftp")
    with pytest.raises(ValidationError):
        Settings()
