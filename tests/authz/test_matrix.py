"""The generated authorisation matrix: every route of the app × every role × the states
that matter, against expectations written out by hand per area
(tests/authz/expect_<area>.py), on both backends.

A route with no expectation fails ``test_every_route_has_expectations`` unless it is
listed in tests/authz/pending.py (which may only shrink).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.authz.matrix import all_cases, app_routes, area_modules, cases_of, prepare, run
from tests.authz.pending import PENDING
from tests.authz.scene import ROLES, build_scene, scene_client


def _app() -> FastAPI:
    settings = Settings(
        environment="test", secret_key=secrets.token_urlsafe(40), database_url="sqlite://"
    )
    return create_app(settings)


def _routes() -> set[tuple[str, str]]:
    return app_routes(_app())


def _uncovered(routes: set[tuple[str, str]]) -> list[tuple[str, str]]:
    covered = {case.route for case in all_cases()}
    return sorted(routes - covered - PENDING)


def test_every_route_has_expectations() -> None:
    missing = _uncovered(_routes())
    assert missing == [], f"routes without expectations (tests/authz/expect_*.py): {missing}"


def test_a_new_route_or_method_without_expectations_is_caught() -> None:
    app = _app()
    router = APIRouter()
    router.add_api_route("/things/{thing_id}", lambda thing_id: {}, methods=["GET", "DELETE"])
    app.include_router(router, prefix="/api/v1")
    app.add_api_route("/api/v1/documents/{document_id}", lambda document_id: {}, methods=["POST"])
    assert _uncovered(app_routes(app)) == [
        ("DELETE", "/api/v1/things/{thing_id}"),
        ("GET", "/api/v1/things/{thing_id}"),
        ("POST", "/api/v1/documents/{document_id}"),
    ]


def test_pending_routes_are_real_and_not_yet_covered() -> None:
    routes = _routes()
    covered = {case.route for case in all_cases()}
    assert sorted(PENDING - routes) == [], "pending routes not in the app: remove them"
    assert sorted(PENDING & covered) == [], "pending routes now covered: remove them"


def test_every_case_names_a_route_and_every_role() -> None:
    routes = _routes()
    for case in all_cases():
        assert case.route in routes, f"{case.name}: no such route"
        assert set(case.expect) == set(ROLES), f"{case.name}: roles {sorted(case.expect)}"
        for param in case.ids:
            assert "{" + param + "}" in case.path, f"{case.name}: no parameter {param}"


def test_the_areas_run_with_log_out_last() -> None:
    assert area_modules()[-1] == "expect_accounts"


def test_each_role_gets_exactly_the_expected_answer(
    settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    """One scene per backend; every area's cases in turn (an area may add its objects
    first: ``prepare(scene)`` in its module). The failures are reported by area."""
    report: list[str] = []
    with scene_client(settings, clock) as api:
        scene = build_scene(api, clock, tmp_path)
        for area in area_modules():
            prepare(scene, area)
            failures = run(scene, cases_of(area))
            if failures:
                report.append(f"{area}: {len(failures)} unexpected answers")
                report.extend(f"  {line}" for line in failures)
    if report:
        pytest.fail("\n".join(report))
