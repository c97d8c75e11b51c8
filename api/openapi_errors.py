"""Every error answer in the OpenAPI document: the one error shape of api/errors.py,
with examples taken from the domain's error codes (docs/ERRORS.md), on every operation.

What an operation can answer is derived from what its route is, so a new route is
documented without a hand list:

- it reads a session (``ActorDep``, the upload's actor, ``OptionalActorDep``): 401
  ``not_authenticated``, 403 ``token_scope`` (a personal access token on a route not in
  api/token_scopes.py) and, on the routes of that table, 401 ``token_expired``,
  ``token_revoked``, ``token_membership_ended`` and 429 ``rate_limited``;
- it needs one: 403 ``totp_enrolment_required``, ``not_allowed`` (and ``csrf_failed``
  when it changes something);
- it takes parameters or a body: 422 ``invalid_request`` / ``invalid_text``; a body:
  413 with its route's limit (api/body_limits.py) and 408 ``request_too_slow``;
- each id in its path: 404 with the code of that kind of thing (``NOT_FOUND_BY_PARAM``);
- any operation: 503 ``database_unavailable``.

What only the route knows (a conflict, a refusal of the policy, a code of its own) is
declared next to it, with the domain's error classes::

    @router.post("/grants/{grant_id}/revoke", responses=errors(GrantAlreadyRevoked))

A route's own codes and the derived ones are documented together, except that a route
declaring a 404 replaces the "not found" its path ids would give (it names its own).
tests/api/test_openapi_errors.py checks that every operation documents its errors with
this schema; tests/api/test_schemathesis.py checks that the answers keep to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.body_limits import BodyLimit, RequestTooLarge, RequestTooSlow, route_limits
from api.cookies import CSRF_FAILED_FR
from api.deps import current_actor, enrolment_actor, optional_actor
from api.errors import INVALID_REQUEST_FR, error_body, status_for
from api.token_scopes import scope_of
from api.upload import TooManyUploads, UploadsBusy, upload_actor
from coffre.accounts.errors import NotAuthenticated, SessionNotFound, TotpEnrolmentRequired
from coffre.accounts.proconnect_errors import ProConnectDisabled
from coffre.accounts.token_errors import (
    TokenExpired,
    TokenHolderLeft,
    TokenNotFound,
    TokenRateLimited,
    TokenRevoked,
    TokenScopeRefused,
)
from coffre.consent.errors import (
    CharterNotFound,
    GrantNotFound,
    PersonNotFound,
    RequestNotFound,
)
from coffre.contacts.errors import ContactArrangementNotFound
from coffre.db.engine import DatabaseUnavailable
from coffre.directory.errors import ServiceNotFound
from coffre.errors import CoffreError, StorageUnavailable
from coffre.notifications.errors import PushSubscriptionNotFound
from coffre.organiser.errors import OrganiserItemNotFound
from coffre.referents.errors import ReferentHandoverNotFound, ReferentProposalNotFound
from coffre.relays.errors import RelayNotFound
from coffre.reminders.errors import ReminderNotFound
from coffre.settings import Settings
from coffre.structures.errors import (
    MembershipNotFound,
    NotAllowed,
    ProfessionalNotFound,
    StructureNotFound,
)
from coffre.text import INVALID_TEXT_FR, InvalidText
from coffre.vault.errors import DocumentNotFound

ERROR_SCHEMA_NAME = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
JSON = "application/json"

# The one shape of every error answer (api/errors.py), as a JSON schema.
ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "description": (
        "Every error answer: a stable code to switch on and a French message that says "
        "what to do next (docs/ERRORS.md lists every code)."
    ),
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "pattern": "^[a-z][a-z0-9_]*$",
                    "description": "Stable snake_case code (docs/ERRORS.md).",
                },
                "message": {"type": "string", "description": "French, says what to do next."},
                "fields": {
                    "type": "string",
                    "description": (
                        "invalid_request / invalid_text: the fields at fault, comma "
                        "separated (never their values)."
                    ),
                },
                "rows": {
                    "type": "array",
                    "description": "invitation_rows_rejected: every refused row of the file.",
                    "items": {
                        "type": "object",
                        "required": ["table", "row", "field", "message"],
                        "properties": {
                            "table": {"type": "string"},
                            "row": {"type": "integer"},
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}

# The error a path parameter's unknown (or not visible) id is answered with, by the
# parameter's name. A route where the name means another thing declares its own 404.
NOT_FOUND_BY_PARAM: dict[str, type[CoffreError]] = {
    "document_id": DocumentNotFound,
    "structure_id": StructureNotFound,
    "membership_id": MembershipNotFound,
    "account_id": ProfessionalNotFound,
    "grant_id": GrantNotFound,
    "person_id": PersonNotFound,
    "request_id": RequestNotFound,
    "version": CharterNotFound,
    "session_id": SessionNotFound,
    "token_id": TokenNotFound,
    "arrangement_id": ContactArrangementNotFound,
    "service_id": ServiceNotFound,
    "proposal_id": ReferentProposalNotFound,
    "handover_id": ReferentHandoverNotFound,
    "relay_id": RelayNotFound,
    "reminder_id": ReminderNotFound,
    "subscription_id": PushSubscriptionNotFound,
    "item_id": OrganiserItemNotFound,
}

_BY_PARAM_CODES = frozenset(error.code for error in NOT_FOUND_BY_PARAM.values())
_DESCRIPTIONS = {
    400: "Bad request",
    401: "No valid session, or wrong credentials",
    403: "Refused",
    404: "Not found (or not visible to the caller: the same answer)",
    408: "The body stopped arriving, or arrived too slowly",
    409: "Clashes with the current state",
    413: "The body is larger than this address takes",
    422: "Malformed or out-of-bounds input",
    429: "Too many attempts (see Retry-After)",
    503: "A backend is unavailable (see Retry-After)",
}
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SESSION = (current_actor, enrolment_actor, upload_actor)

Example = tuple[int, str, str]  # status, code, French message


def example_of(error: type[CoffreError] | CoffreError) -> Example:
    return (status_for(error), error.code, error.message_fr)


def _response(status: int, examples: list[Example]) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS.get(status, "Error"),
        "content": {
            JSON: {
                "schema": dict(ERROR_REF),
                "examples": {
                    code: {"summary": code, "value": error_body(code, message)}
                    for _, code, message in examples
                },
            }
        },
    }


def errors(*found: type[CoffreError] | CoffreError) -> dict[int | str, dict[str, Any]]:
    """A route's own error answers, for its decorator's ``responses=``: each error
    class (or instance, for a code raised with its own message) under its status."""
    by_status: dict[int, list[Example]] = {}
    for error in found:
        example = example_of(error)
        by_status.setdefault(example[0], []).append(example)
    return {status: _response(status, examples) for status, examples in by_status.items()}


def body_of(media_type: str, *statuses: int) -> dict[int | str, dict[str, Any]]:
    """For ``responses=``: answers whose body is not JSON (a ciphertext, a CSV file)."""
    schema = {"type": "string", "format": "binary"}
    return {status: {"content": {media_type: {"schema": schema}}} for status in statuses}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


@dataclass(frozen=True)
class Route:
    """An API route as the application serves it: its full path template (prefix
    included), its methods and its dependencies."""

    path: str
    methods: frozenset[str]
    dependant: Dependant


def api_routes(app: FastAPI) -> Iterator[Route]:
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path = context.path_format or route.path_format
        yield Route(path, frozenset(context.methods or route.methods or ()), route.dependant)


def derived_errors(
    route: Route, method: str, operation: dict[str, Any], settings: Settings
) -> list[Example]:
    """The errors an operation can answer because of what its route is."""
    found: list[type[CoffreError] | CoffreError | Example] = [DatabaseUnavailable]
    calls = set(_calls(route.dependant))
    if calls & {*_SESSION, optional_actor}:
        # A personal access token is refused (token_scope) on any route but those of
        # api/token_scopes.py, and counted (rate_limited) on those.
        found += [NotAuthenticated, TokenScopeRefused]
        if scope_of(method, route.path) is not None:
            found += [TokenExpired, TokenRevoked, TokenHolderLeft, TokenRateLimited]
    if calls & set(_SESSION):
        if enrolment_actor not in calls:
            # A role the route is not for (coffre/policy), when its refusal is not
            # "not found" (the route then declares its own 404).
            found += [TotpEnrolmentRequired, NotAllowed]
        if method in _UNSAFE:
            found.append((403, "csrf_failed", CSRF_FAILED_FR))
    if upload_actor in calls:
        found += [TooManyUploads, UploadsBusy, StorageUnavailable]
    parameters = operation.get("parameters", [])
    limit = _limit(route, method, settings)
    has_body = "requestBody" in operation or limit is not None
    if parameters or has_body:
        found.append((422, "invalid_request", INVALID_REQUEST_FR))
        found.append((422, InvalidText.code, INVALID_TEXT_FR))
    if has_body:
        found += [limit.too_large if limit is not None else RequestTooLarge, RequestTooSlow]
    for parameter in parameters:
        if parameter.get("in") == "path" and parameter["name"] in NOT_FOUND_BY_PARAM:
            found.append(NOT_FOUND_BY_PARAM[parameter["name"]])
    if route.path.startswith("/api/v1/auth/proconnect"):
        found.append(ProConnectDisabled)
    return [item if isinstance(item, tuple) else example_of(item) for item in found]


def _limit(route: Route, method: str, settings: Settings) -> BodyLimit | None:
    """The route's own body limit (a streamed upload, a file read whole), if it has one."""
    for limit_method, path, limit in route_limits(settings):
        if limit_method == method and path == route.path:
            return limit
    return None


def document_errors(schema: dict[str, Any], app: FastAPI, settings: Settings) -> None:
    """Give every operation of ``schema`` (made from ``app``) its error answers."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    for route in api_routes(app):
        for method in sorted(route.methods):
            operation = schema["paths"].get(route.path, {}).get(method.lower())
            if operation is not None:
                _merge(operation["responses"], derived_errors(route, method, operation, settings))
                operation["responses"] = dict(sorted(operation["responses"].items()))
    # FastAPI's own 422 shape ({"detail": [...]}) is not what the API answers.
    if not _refers_to(schema["paths"], "HTTPValidationError"):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


def _merge(responses: dict[str, Any], derived: list[Example]) -> None:
    by_status: dict[int, list[Example]] = {}
    for example in derived:
        by_status.setdefault(example[0], []).append(example)
    for status, examples in by_status.items():
        key = str(status)
        declared = responses.get(key, {}).get("content", {}).get(JSON, {})
        if "examples" not in declared or declared.get("schema") != ERROR_REF:
            # Not declared by the route (FastAPI's own 422 included): ours.
            responses[key] = _response(status, examples)
        else:
            for _, code, message in examples:
                if status == 404 and code in _BY_PARAM_CODES:
                    continue  # the route named its own "not found" for its path ids
                declared["examples"].setdefault(
                    code, {"summary": code, "value": error_body(code, message)}
                )


def _refers_to(node: Any, name: str) -> bool:
    if isinstance(node, dict):
        if node.get("$ref") == f"#/components/schemas/{name}":
            return True
        return any(_refers_to(value, name) for value in node.values())
    if isinstance(node, list):
        return any(_refers_to(value, name) for value in node)
    return False


def install_openapi(app: FastAPI, settings: Settings) -> None:
    """``app.openapi()`` (and /openapi.json): FastAPI's document with the error answers."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            document_errors(schema, app, settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
