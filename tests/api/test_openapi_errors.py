"""The OpenAPI document gives every operation its error answers, in the one error shape,
with examples that are real codes (api/openapi_errors.py)."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi import APIRouter, FastAPI

from api.app import create_app
from api.openapi_errors import ERROR_REF, ERROR_SCHEMA, errors
from coffre.settings import Settings
from coffre.vault.errors import DocumentNotFound, MigrationIncomplete
from tests.authz.matrix import all_cases

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_CODES = set(
    re.findall(r"^\| `([a-z0-9_]+)` \|", (ROOT / "docs/ERRORS.md").read_text(), re.M)
)


def _app() -> FastAPI:
    settings = Settings(
        environment="test", secret_key=secrets.token_urlsafe(40), database_url="sqlite://"
    )
    return create_app(settings)


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return _app().openapi()


def _operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, ops in openapi["paths"].items()
        for method, op in ops.items()
    ]


def _errors(op: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(s): r for s, r in op["responses"].items() if s.isdigit() and int(s) >= 400}


def test_every_error_answer_has_the_error_schema_and_valid_examples(
    openapi: dict[str, Any],
) -> None:
    broken = []
    for name, op in _operations(openapi):
        errs = _errors(op)
        if 503 not in errs:
            broken.append(f"{name}: no 503")
        for status, response in errs.items():
            content = response.get("content", {})
            if list(content) != ["application/json"]:
                broken.append(f"{name} {status}: content {list(content)}")
                continue
            media = content["application/json"]
            if media.get("schema") != ERROR_REF:
                broken.append(f"{name} {status}: schema {media.get('schema')}")
            if not media.get("examples"):
                broken.append(f"{name} {status}: no example")
            for code, example in media.get("examples", {}).items():
                jsonschema_rs.validate(ERROR_SCHEMA, example["value"])
                if example["value"]["error"]["code"] != code:
                    broken.append(f"{name} {status}: example {code} has another code")
                if code not in DOCUMENTED_CODES:
                    broken.append(f"{name} {status}: {code} not in docs/ERRORS.md")
    assert broken == []


def test_fastapis_own_validation_error_shape_is_gone(openapi: dict[str, Any]) -> None:
    text = json.dumps(openapi)
    assert "HTTPValidationError" not in text
    assert openapi["components"]["schemas"]["Error"] == ERROR_SCHEMA


def test_what_a_route_is_gives_its_error_answers(openapi: dict[str, Any]) -> None:
    missing = []
    for name, op in _operations(openapi):
        errs = _errors(op)
        if (op.get("parameters") or "requestBody" in op) and 422 not in errs:
            missing.append(f"{name}: 422")
        if "requestBody" in op and not {408, 413} <= set(errs):
            missing.append(f"{name}: 408/413")
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            if not _examples(op, 404) - {"not_found"}:
                missing.append(f"{name}: 404 with the code of the thing its path names")
    assert missing == []


def test_a_session_route_answers_401_and_a_public_one_does_not(openapi: dict[str, Any]) -> None:
    documents = openapi["paths"]["/api/v1/documents"]["get"]
    assert "not_authenticated" in _examples(documents, 401)
    assert "totp_enrolment_required" in _examples(documents, 403)
    upload = openapi["paths"]["/api/v1/documents"]["post"]
    assert "csrf_failed" in _examples(upload, 403)
    assert "document_too_large" in _examples(upload, 413)
    assert "too_many_uploads" in _examples(upload, 429)
    health = openapi["paths"]["/api/v1/health"]["get"]
    assert set(_errors(health)) == {503}
    ready = openapi["paths"]["/api/v1/ready"]["get"]
    assert set(_errors(ready)) == {503}
    assert {"database_unavailable", "schema_not_at_head"} <= _examples(ready, 503)


def test_a_path_id_answers_404_with_its_own_code(openapi: dict[str, Any]) -> None:
    pull = openapi["paths"]["/api/v1/grants/{grant_id}/documents/{document_id}/pull"]["post"]
    assert {"grant_not_found", "document_not_found"} <= _examples(pull, 404)


def test_a_route_declares_its_own_codes_next_to_it() -> None:
    app = _app()
    router = APIRouter()
    router.add_api_route(
        "/things/{document_id}",
        lambda document_id: {},
        methods=["POST"],
        responses=errors(MigrationIncomplete, DocumentNotFound),
    )
    app.include_router(router, prefix="/api/v1")
    op = app.openapi()["paths"]["/api/v1/things/{document_id}"]["post"]
    assert _examples(op, 409) == {"migration_incomplete"}
    assert _examples(op, 404) == {"document_not_found"}
    assert {"invalid_request", "invalid_text"} <= _examples(op, 422)
    value = op["responses"]["409"]["content"]["application/json"]["examples"]
    assert value["migration_incomplete"]["value"] == {
        "error": {"code": "migration_incomplete", "message": MigrationIncomplete.message_fr}
    }


def _examples(op: dict[str, Any], status: int) -> set[str]:
    response = op["responses"].get(str(status), {})
    return set(response.get("content", {}).get("application/json", {}).get("examples", {}))


def test_every_status_the_authorisation_matrix_expects_is_documented(
    openapi: dict[str, Any],
) -> None:
    """The matrix's expectations (tests/authz/expect_*.py, written by hand per role) are
    facts about what each route answers: each of their statuses is in the document, and
    each code they name is one of its examples."""
    undocumented = set()
    for case in all_cases():
        op = openapi["paths"].get(case.path, {}).get(case.method.lower())
        if op is None:
            continue  # a page, a static file, HEAD
        for expected in case.expect.values():
            status, code = expected if isinstance(expected, tuple) else (expected, None)
            if status and str(status) not in op["responses"]:
                undocumented.add(f"{case.method} {case.path}: {expected}")
            elif code is not None and status >= 400 and code not in _examples(op, status):
                undocumented.add(f"{case.method} {case.path}: {expected} (no such example)")
    assert sorted(undocumented) == []
