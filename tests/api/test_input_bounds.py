"""Every input the API takes is bounded: text without control characters, integers
within 64 bits (api/types.py, coffre/text.py).

The walk reads the routes from the OpenAPI schema itself, so a new field, query, path
or header parameter that is not built from the bounded types fails here: a NUL in any
string answers 422 ``invalid_text`` (not a 500 on PostgreSQL, not a NUL kept by SQLite),
and 2**63 or -1 in any integer answers 422 naming that field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.structures.world import World, build_world

NUL = "a\x00b"
KEY = "k"  # the key used for dict values (additionalProperties)
PLACEHOLDER_ID = "0" * 32


@dataclass(frozen=True)
class Leaf:
    """A place in a request where a client puts a string or an integer."""

    where: str  # path, query, header, body
    path: tuple[str | int, ...]  # the parameter name, or the path inside the body
    kind: str  # string, key (a dict's key), integer
    schema: dict[str, Any]

    @property
    def loc(self) -> str:
        return ".".join(str(part) for part in (self.where, *self.path))


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _leaves(
    schema: dict[str, Any], components: dict[str, Any], path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str, dict[str, Any]]]:
    schema = _resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _leaves(option, components, path)
    kind = schema.get("type")
    if kind == "string":
        yield path, "string", schema
    elif kind == "integer":
        yield path, "integer", schema
    elif kind == "array":
        yield from _leaves(schema.get("items", {}), components, (*path, 0))
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            yield from _leaves(prop, components, (*path, name))
        extra = schema.get("additionalProperties")
        if extra is not None and extra is not False:
            yield path, "key", schema
            # dict[str, Any]: any string inside counts (a signed receipt, a certificate).
            value = {"type": "string"} if extra is True else extra
            yield from _leaves(value, components, (*path, KEY))


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    parameters: list[dict[str, Any]]
    body: dict[str, Any] | None  # requestBody.content

    def leaves(self, components: dict[str, Any]) -> Iterator[Leaf]:
        for param in self.parameters:
            for _, kind, schema in _leaves(param["schema"], components):
                yield Leaf(param["in"], (param["name"],), kind, schema)
        if self.body is None:
            return
        if "application/json" in self.body:
            for path, kind, schema in _leaves(self.body["application/json"]["schema"], components):
                yield Leaf("body", path, kind, schema)
        else:  # a text body (the charter file)
            yield Leaf("body", (), "string", {"type": "string"})


def _operations(openapi: dict[str, Any]) -> list[Operation]:
    return [
        Operation(
            method.upper(),
            path,
            op.get("parameters", []),
            op.get("requestBody", {}).get("content"),
        )
        for path, ops in openapi["paths"].items()
        for method, op in ops.items()
    ]


def _nest(path: tuple[str | int, ...], value: Any) -> Any:
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _send(
    api: TestClient, world: World, op: Operation, leaf: Leaf, value: Any
) -> tuple[int, dict[str, Any]]:
    url = op.path
    for param in op.parameters:
        if param["in"] == "path":
            text = value if param["name"] == leaf.path[0] and leaf.where == "path" else None
            url = url.replace("{" + param["name"] + "}", quote(str(text or PLACEHOLDER_ID)))
    params = {leaf.path[0]: str(value)} if leaf.where == "query" else None
    headers = {**world.admin.headers}
    if leaf.where == "header":
        headers[str(leaf.path[0])] = str(value)
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    if leaf.where == "body":
        if op.body is not None and "application/json" not in op.body:
            kwargs["content"] = str(value).encode()
            headers["content-type"] = "text/plain; charset=utf-8"
        elif leaf.kind == "key":
            kwargs["json"] = _nest(leaf.path, {value: "x"})
        else:
            kwargs["json"] = _nest(leaf.path, value)
    elif op.body is not None and "application/json" in op.body:
        kwargs["json"] = {}
    response = api.request(op.method, url, **kwargs)
    body = response.json() if response.headers.get("content-type", "").startswith("app") else {}
    return response.status_code, body


def _names(fields: str) -> list[str]:
    return [field.strip() for field in fields.split(",") if field.strip()]


def _names_the_leaf(leaf: Leaf, fields: list[str]) -> bool:
    # The leaf itself, a dict key under it, or (for a dict[str, Any]) the dict holding it.
    return any(
        field == leaf.loc
        or field.startswith(leaf.loc + ".")
        or (leaf.loc.startswith(field + ".") and field.count(".") >= 1)
        for field in fields
    )


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def test_the_walk_finds_the_routes_and_fields_it_must_check(api: TestClient) -> None:
    openapi = api.app.openapi()  # type: ignore[attr-defined]
    components = openapi["components"]["schemas"]
    leaves = {
        (op.method, op.path, leaf.loc)
        for op in _operations(openapi)
        for leaf in op.leaves(components)
    }
    # The four fields of the report, and the console's cursor.
    assert ("POST", "/api/v1/structures", "body.name") in leaves
    assert (
        "POST",
        "/api/v1/structures/{structure_id}/invitations",
        "body.display_name",
    ) in leaves
    assert (
        "POST",
        "/api/v1/grants/{grant_id}/documents/{document_id}/pull",
        "body.reason",
    ) in leaves
    assert ("POST", "/api/v1/requests", "body.message") in leaves
    assert ("GET", "/api/v1/console/entries", "query.cursor") in leaves
    assert ("POST", "/api/v1/accounts", "body.kdf.opslimit") in leaves
    assert ("POST", "/api/v1/grants", "body.receipt.k") in leaves
    assert len(leaves) > 150


def test_a_nul_in_any_text_is_refused_with_invalid_text(api: TestClient, world: World) -> None:
    openapi = api.app.openapi()  # type: ignore[attr-defined]
    components = openapi["components"]["schemas"]
    failures = []
    checked = 0
    for op in _operations(openapi):
        for leaf in op.leaves(components):
            if leaf.kind not in ("string", "key"):
                continue
            status, body = _send(api, world, op, leaf, NUL)
            error = body.get("error", {})
            fields = _names(error.get("fields", ""))
            checked += 1
            if "\x00" in str(body):
                failures.append(f"{op.method} {op.path} {leaf.loc}: the NUL is echoed")
            if status != 422 or error.get("code") != "invalid_text":
                failures.append(f"{op.method} {op.path} {leaf.loc}: {status} {error.get('code')}")
            elif op.body is None or "application/json" in op.body or leaf.where != "body":
                if not _names_the_leaf(leaf, fields):
                    failures.append(f"{op.method} {op.path} {leaf.loc}: fields {fields}")
    assert failures == []
    assert checked > 100


def test_a_lone_surrogate_is_refused_like_a_nul(api: TestClient, world: World) -> None:
    # JSON's "\ud800" decodes to a string PostgreSQL's driver cannot encode.
    response = api.post(
        "/api/v1/structures",
        content=b'{"name": "CCAS \\ud800", "kind": "ccas", "address": "1 rue", "territory": "63"}',
        headers={**world.admin.headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_text", response.text


def test_every_integer_is_bounded_on_both_sides(api: TestClient, world: World) -> None:
    openapi = api.app.openapi()  # type: ignore[attr-defined]
    components = openapi["components"]["schemas"]
    failures = []
    checked = 0
    for op in _operations(openapi):
        for leaf in op.leaves(components):
            if leaf.kind != "integer":
                continue
            if "maximum" not in leaf.schema or "minimum" not in leaf.schema:
                failures.append(f"{op.method} {op.path} {leaf.loc}: unbounded {leaf.schema}")
                continue
            for value in (2**63, leaf.schema["minimum"] - 1):
                checked += 1
                status, body = _send(api, world, op, leaf, value)
                fields = _names(body.get("error", {}).get("fields", ""))
                if status != 422 or not _names_the_leaf(leaf, fields):
                    failures.append(f"{op.method} {op.path} {leaf.loc}={value}: {status} {fields}")
    assert failures == []
    assert checked >= 10
