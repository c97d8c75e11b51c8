"""schemathesis over every operation of the OpenAPI document, as each kind of caller.

The roles are those of the authorisation matrix's territory (tests/authz/scene.py, built
through the real API): anonymous, a person, a professional the person shares with, the
structure admin, the territory admin and the charter officer; and that professional's
personal access token with every scope (a partner's tool). For each role and each
operation, schemathesis generates a few requests from the document (valid ones with the
scene's real ids in the path, valid ones with any ids, and invalid ones) and sends them to
the real application in process; every answer must pass:

- ``not_a_server_error``: no 5xx, whatever was sent;
- ``status_code_conformance``: the status is one the operation documents
  (api/openapi_errors.py documents every error answer);
- ``content_type_conformance`` and ``response_schema_conformance``: the body is what the
  document says, error answers included (the one error shape).

Bounded so the README's test command stays within minutes on two cores: ``EXAMPLES``
requests per kind per operation and role (half as many invalid ones), a fixed seed
(``derandomize``), no shrinking (a failure is reported with the request that failed, as
generated); one test per role, each well within the suite's per-test timeout. SQLite +
the local object store only: this walks the API's surface; both backends are the other
tests' job. More examples, to look harder (docs/ERRORS.md, "Checking the API with
schemathesis")::

    COFFRE_SCHEMATHESIS_EXAMPLES=25 .venv/bin/python -m pytest tests/api/test_schemathesis.py \
        -s --timeout 0

``COFFRE_SCHEMATHESIS_COVERAGE=40`` adds schemathesis's coverage phase (each schema's edge
cases, deterministic) with up to 40 cases per operation and role.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import SerializationNotPossible
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.policy.tokens import Scope
from coffre.settings import Settings
from tests.authz.scene import Scene, build_scene, scene_client

EXAMPLES = int(os.environ.get("COFFRE_SCHEMATHESIS_EXAMPLES", "2"))
# The coverage phase's cases per operation and role; 0 (the default): not run.
COVERAGE = int(os.environ.get("COFFRE_SCHEMATHESIS_COVERAGE", "0"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
Case = schemathesis.Case[Any]
Strategy = st.SearchStrategy[Case]
# The roles of the issue, named as the scene names them.
ROLES = (
    "anonymous",
    # The professional's personal access token (every scope), as a partner's tool calls.
    "partner_token",
    "person",
    "pro_active",
    "structure_admin",
    "territory_admin",
    "charter_officer",
)
# A path parameter's name -> the scene object a "real id" case puts there.
SCENE_IDS = {
    "document_id": "document",
    "structure_id": "structure",
    "membership_id": "membership_pro",
    "account_id": "pro_active_id",
    "grant_id": "grant_active",
    "person_id": "person_id",
    "request_id": "request",
    "version": "version",
    "service_id": "service",
}


@dataclass
class Walk:
    """The territory, its client and the document's operations, shared by the roles."""

    api: TestClient
    scene: Scene
    operations: list[Operation]
    token: str

    def headers(self, role: str) -> dict[str, str]:
        if role == "partner_token":
            return {"Authorization": f"Bearer {self.token}"}
        return self.scene.headers(role)


@pytest.fixture(scope="module")
def walk(
    request: pytest.FixtureRequest, sqlite_template: Path, ram_disk: Path, vapid_key_file: Path
) -> Iterator[Walk]:
    if request.config.getoption("--backend") == "postgres-s3":
        pytest.skip("the walk runs on SQLite + local (with --backend all or sqlite-local)")
    data_dir = Path(tempfile.mkdtemp(dir=ram_disk))
    database = data_dir / "coffre.sqlite3"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        environment="test",
        secret_key=secrets.token_urlsafe(40),
        database_url=f"sqlite:///{database}",
        storage_backend="local",
        storage_dir=data_dir / "objects",
        max_document_bytes=8 * 1024 * 1024,
        push_vapid_key_file=vapid_key_file,
        # The walk is not about the per-token limit (tests/accounts: the token tests).
        token_rate_limit=100_000,
    )
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    try:
        with scene_client(settings, clock) as api:
            scene = build_scene(api, clock, data_dir)
            schema = schemathesis.openapi.from_dict(api.app.openapi())  # type: ignore[attr-defined]
            yield Walk(api, scene, operations(schema), _token(api, scene))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _token(api: TestClient, scene: Scene) -> str:
    response = api.post(
        "/api/v1/tokens",
        json={"label": "schemathesis", "scopes": [scope.value for scope in Scope], "days": 30},
        headers=scene.headers("pro_active"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


# The last part of a path that ends or consumes its target (after the other changes).
_ENDING = {"end", "revoke", "refuse", "decline", "cancel"}


def _order(operation: Operation) -> tuple[int, str, str]:
    """Reads first, then changes, deletions, and last what ends the caller's session
    (so each role keeps its session for the rest of the walk)."""
    path, method = operation.path, operation.method.upper()
    if "logout" in path or path.endswith(("/sessions/{session_id}", "/v1/me")):
        rank = 3
    elif method == "DELETE" or path.rsplit("/", 1)[-1] in _ENDING:
        rank = 2
    elif method == "GET":
        rank = 0
    else:
        rank = 1
    return (rank, path, method)


def operations(schema: Any) -> list[Operation]:
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=_order)


def _send(api: TestClient, case: Case, headers: dict[str, str]) -> Any:
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    assert not kwargs.get("cookies"), "no operation takes a cookie parameter"
    request: dict[str, Any] = {
        "headers": kwargs.get("headers"),
        "params": kwargs.get("params"),
    }
    if "json" in kwargs:
        request["content"] = json.dumps(kwargs["json"]).encode()
    elif isinstance(kwargs.get("data"), str | bytes):
        data = kwargs["data"]
        request["content"] = data.encode() if isinstance(data, str) else data
    elif kwargs.get("data") is not None or kwargs.get("files") is not None:
        request["data"] = kwargs.get("data")
        request["files"] = kwargs.get("files")
    return api.request(kwargs["method"], kwargs["url"], **request)


def _real_ids(scene: Scene, operation: Operation) -> dict[str, str]:
    names = [p.name for p in operation.path_parameters]
    return {name: str(scene.ids[SCENE_IDS[name]]) for name in names if name in SCENE_IDS}


def _strategies(scene: Scene, operation: Operation) -> Iterator[tuple[str, int, Strategy]]:
    """(kind, how many examples, strategy). Invalid requests get half as many: nearly
    all of them stop at the same validation (422) whoever calls."""
    real = _real_ids(scene, operation)
    if real:
        yield "real ids", EXAMPLES, operation.as_strategy(path_parameters=real)
    yield "valid", EXAMPLES, operation.as_strategy()
    negative = operation.as_strategy(GenerationMode.NEGATIVE)
    yield "invalid", max(1, EXAMPLES // 2), negative


@dataclass
class Tally:
    """One role's walk: the answers by status, and the first failure of each kind."""

    api: TestClient
    role: str
    headers: dict[str, str]
    failures: dict[str, str] = field(default_factory=dict)
    answers: Counter[int] = field(default_factory=Counter)

    def check(self, operation: Operation, kind: str, case: Case) -> None:
        try:
            response = _send(self.api, case, self.headers)
        except SerializationNotPossible:
            return  # a body type the client cannot write (the charter's application/toml)
        self.answers[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = f"{operation.method.upper()} {operation.path}: {failure.title}"
                self.failures.setdefault(
                    key,
                    f"{key}\n    as {self.role} ({kind}): {response.status_code} "
                    f"{response.text[:300]}\n    {failure.message[:600]}",
                )


def _walk(tally: Tally, operation: Operation, kind: str, examples: int, strategy: Strategy) -> None:
    @hypothesis.settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: the failing request is reported as sent
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case: Case) -> None:
        tally.check(operation, kind, case)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        pass  # no case could be made (an operation without anything to vary)


def _coverage(tally: Tally, operation: Operation) -> None:
    """schemathesis's coverage phase: the schema's edge cases (bounds, missing or
    extra fields, wrong types, other methods), deterministic; ``COVERAGE`` per operation."""
    schema = operation.schema
    cases = schema.iter_coverage_cases(
        operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=schema.config.generation_for(operation=operation),
    )
    for case in itertools.islice(cases, COVERAGE):
        tally.check(operation, "coverage", case)


def test_the_walk_covers_every_operation(walk: Walk) -> None:
    paths = {f"{op.method.upper()} {op.path}" for op in walk.operations}
    assert len(paths) > 100
    assert "POST /api/v1/grants/{grant_id}/documents/{document_id}/pull" in paths


# One test per role (in this order: the person's deletions come before the others'
# calls), each within the suite's per-test timeout.
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_the_document(walk: Walk, role: str) -> None:
    started = time.monotonic()
    tally = Tally(walk.api, role, walk.headers(role))
    for operation in walk.operations:
        for kind, examples, strategy in _strategies(walk.scene, operation):
            _walk(tally, operation, kind, examples, strategy)
        if COVERAGE:
            _coverage(tally, operation)
    failures, answers = tally.failures, tally.answers
    elapsed = time.monotonic() - started
    # Seen with -s (or -rP): how many requests the role made, by status.
    print(f"\nschemathesis as {role}: {sum(answers.values())} requests in {elapsed:.0f} s,")
    print("  by status:", dict(sorted(answers.items())))
    if failures:
        pytest.fail(
            f"{len(failures)} schemathesis failures as {role}:\n" + "\n".join(failures.values())
        )


@pytest.fixture(scope="module")
def document() -> Any:
    """The application's OpenAPI document, as schemathesis reads it."""
    return schemathesis.openapi.from_dict(create_app().openapi())


@pytest.mark.parametrize(
    ("status", "body", "failing"),
    [
        (401, {"error": {"code": "not_authenticated", "message": "m"}}, None),
        (500, {"error": {"code": "internal", "message": "m"}}, "Server error"),
        (418, {"error": {"code": "teapot", "message": "m"}}, "Undocumented status code"),
        (401, {"detail": "Not authenticated"}, "Response violates schema"),
        (401, {"error": {"code": "Not Authenticated", "message": "m"}}, "violates schema"),
    ],
)
def test_the_checks_catch_an_answer_outside_the_document(
    document: Any, status: int, body: dict[str, Any], failing: str | None
) -> None:
    """The walk's checks are not vacuous: an answer the document does not allow fails."""
    case = document["/api/v1/documents"]["GET"].Case()
    request = httpx.Request("GET", "http://testserver/api/v1/documents")
    response = httpx.Response(status, json=body, request=request)
    response.elapsed = timedelta(milliseconds=5)
    if failing is None:
        case.validate_response(response, checks=CHECKS)
        return
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(response, checks=CHECKS)
    assert any(failing in failure.title for failure in caught.value.exceptions), [
        failure.title for failure in caught.value.exceptions
    ]
