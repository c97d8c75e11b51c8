"""The authorisation matrix's framework: what an expectation is, where they are, how a
case is run.

An expectation (``Case``) names one route (method and path exactly as the app
declares it), the state it is about, the objects its path names (by their name in
the scene, tests/authz/scene.py), the body, and the status each role gets, written
out by hand per area in ``tests/authz/expect_<area>.py`` (a list ``CASES``). They are
data: never computed from ``coffre.policy`` (the table under test).

A status is an int, or ``(status, error code)`` when the code matters. For a role
refused on a route that names an object (403/404 on a path with ids), the runner
also calls the same route with unknown ids and requires the same status and the
same body: a refusal equals a missing id (the roles in ``told`` are exempt: the
grant's own professional is told why a pull failed).

Routes without expectations yet are listed in tests/authz/pending.py.
"""

from __future__ import annotations

import importlib
import json as jsonlib
import pkgutil
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from api.token_scopes import scope_of
from tests.authz.scene import ROLES, TOKEN, UNKNOWN_ID, UNKNOWN_VERSION, Scene

Status = int | tuple[int, str]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


# The ``pro_token`` role (a personal access token of ``pro_active`` holding every scope)
# unless a case names it: derived from api/token_scopes.py by ``token_expectation``.
FROM_SCOPES: Status = (0, "from_token_scopes")


def expect(default: Status = 404, *, anonymous: Status = 401, **roles: Status) -> dict[str, Status]:
    """Every role's status: ``roles`` as given, ``anonymous`` 401 unless given, the
    others ``default``; ``pro_token`` derived from the token scopes unless given."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return {
        role: roles.get(
            role,
            anonymous if role == "anonymous" else FROM_SCOPES if role == TOKEN else default,
        )
        for role in ROLES
    }


def _status(value: Status) -> int:
    return value[0] if isinstance(value, tuple) else value


def token_expectation(case: Case) -> Status:
    """What a token of ``pro_active`` with every scope gets, unless the case says: on a
    route listed in api/token_scopes.py, what ``pro_active`` gets; on any other route
    that needs a session (anonymous: 401), ``token_scope`` before any lookup; on a
    public route, what anonymous gets."""
    wanted = case.expect[TOKEN]
    if wanted != FROM_SCOPES:
        return wanted
    if scope_of(case.method, case.path) is not None:
        return case.expect["pro_active"]
    if _status(case.expect["anonymous"]) == 401:
        return (403, "token_scope")
    return case.expect["anonymous"]


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expect: Mapping[str, Status]
    state: str = ""
    # Path parameter → name of a scene object (Scene.ids / Scene.make).
    ids: Mapping[str, str] = field(default_factory=dict)
    # A JSON body; any string "{name}" in it is replaced by the scene object's id.
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    # A scene maker of the whole request's content and headers (Scene.bodies), for
    # bodies only real crypto can make (an encrypted upload).
    body: str | None = None
    # The call may consume its target (delete, revoke...): each role gets fresh ones.
    fresh: bool = False
    # Roles told why they are refused (not the answer for a missing id).
    told: frozenset[str] = frozenset()

    @property
    def route(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.state}]" if self.state else "")


# Areas whose cases end the callers' sessions (log-out) run after all the others.
LAST = ("expect_accounts",)


def area_modules() -> list[str]:
    """Every ``expect_<area>`` module, in the order they run on one scene."""
    import tests.authz as package

    names = sorted(
        name for _, name, _ in pkgutil.iter_modules(package.__path__) if name.startswith("expect_")
    )
    return [n for n in names if n not in LAST] + [n for n in LAST if n in names]


def cases_of(area: str) -> list[Case]:
    module = importlib.import_module(f"tests.authz.{area}")
    cases: list[Case] = module.CASES
    return cases


def prepare(scene: Scene, area: str) -> None:
    """An area's own objects: ``prepare(scene)`` in its module, if any, adds them to the
    scene (``scene.ids`` / ``scene.makers`` / ``scene.bodies``) before its cases run."""
    module = importlib.import_module(f"tests.authz.{area}")
    hook = getattr(module, "prepare", None)
    if hook is not None:
        hook(scene)


def all_cases() -> list[Case]:
    return [case for area in area_modules() for case in cases_of(area)]


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, mounts included (as GET of their subtree)."""
    routes: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            routes.add(("GET", route.path + "/{path:path}"))
            continue
        for method in context.methods or ():
            routes.add((method, str(context.path)))
    return routes


def _fill(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, str) and PLACEHOLDER.fullmatch(value):
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _call(scene: Scene, case: Case, role: str, path_ids: Mapping[str, str]) -> httpx.Response:
    path = case.path
    for param, value in path_ids.items():
        path = path.replace("{" + param + "}", value)
    body: dict[str, Any] = {}
    headers = {k: str(_fill(v, scene.ids)) for k, v in case.headers.items()}
    if case.json is not None:
        body["json"] = _fill(case.json, scene.ids)
    if case.content is not None:
        body["content"] = case.content
    if case.body is not None:
        made = scene.bodies[case.body]()
        body["content"] = made["content"]
        headers.update(made["headers"])
    return scene.api.request(
        case.method,
        path,
        headers={**headers, **scene.headers(role)},
        params={k: _fill(v, scene.ids) for k, v in case.query.items()},
        **body,
    )


def _unknown(param: str) -> str:
    return UNKNOWN_VERSION if param == "version" else UNKNOWN_ID


def _seen(response: httpx.Response) -> Status:
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return response.status_code
    return (response.status_code, str(code))


def _matches(seen: httpx.Response, wanted: Status) -> bool:
    if isinstance(wanted, tuple):
        return _seen(seen) == wanted
    return seen.status_code == wanted


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def run(scene: Scene, cases: Iterable[Case], roles: Iterable[str] = ROLES) -> list[str]:
    """Run every case for every role; returns the failures in words (empty: all held)."""
    failures: list[str] = []
    for case in cases:
        for role in roles:
            wanted = token_expectation(case) if role == TOKEN else case.expect[role]
            names = {
                param: str(
                    scene.make(name) if case.fresh and name in scene.makers else scene.ids[name]
                )
                for param, name in case.ids.items()
            }
            response = _call(scene, case, role, names)
            if not _matches(response, wanted):
                failures.append(
                    f"{case.name} as {role}: expected {wanted}, got {_seen(response)} "
                    f"{response.text[:160]}"
                )
                continue
            refused = response.status_code in (403, 404)
            told = case.told | ({TOKEN} if "pro_active" in case.told else set())
            if refused and case.ids and role not in told:
                missing = _call(scene, case, role, {p: _unknown(p) for p in case.ids})
                if (missing.status_code, _body(missing)) != (response.status_code, _body(response)):
                    failures.append(
                        f"{case.name} as {role}: refusal {response.status_code} "
                        f"{jsonlib.dumps(_body(response))[:160]} differs from a missing id: "
                        f"{missing.status_code} {jsonlib.dumps(_body(missing))[:160]}"
                    )
    return failures
