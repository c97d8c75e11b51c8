"""Entity tags on polled reads (api/etags.py): the tag is the body's, a request naming
it (alone, in a list, weak or strong form, or ``*``) gets a 304 with no body, any other
tag the body; the answer is private and varies with the caller."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.etags import etag_json, matches, tag_of


class Listing(BaseModel):
    items: list[str]


def _client(items: list[str]) -> TestClient:
    app = FastAPI()

    @app.get("/things", response_model=Listing)
    def things(request: Request) -> Response:
        return etag_json(request, Listing(items=items))

    return TestClient(app)


def test_a_poll_holding_the_tag_gets_304_without_a_body() -> None:
    items = ["a", "b"]
    client = _client(items)
    first = client.get("/things")
    assert first.status_code == 200 and first.json() == {"items": ["a", "b"]}
    tag = first.headers["etag"]
    assert tag == tag_of(first.content) and tag.startswith('W/"')
    assert first.headers["cache-control"] == "private, no-cache"
    assert first.headers["vary"] == "Authorization, Cookie"
    for held in (tag, tag.removeprefix("W/"), f'"nope", {tag}', "*"):
        again = client.get("/things", headers={"If-None-Match": held})
        assert again.status_code == 304, held
        assert again.content == b"" and again.headers["etag"] == tag
    assert client.get("/things", headers={"If-None-Match": '"other"'}).status_code == 200
    # Something new: the old tag no longer matches.
    items.append("c")
    changed = client.get("/things", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.json()["items"] == ["a", "b", "c"]
    assert changed.headers["etag"] != tag


def test_odd_if_none_match_headers_match_nothing() -> None:
    tag = tag_of(b"{}")
    assert not matches(None, tag)
    assert not matches("", tag)
    assert not matches("x" * 3000 + tag, tag)
    assert not matches('W/"abc"', tag)
