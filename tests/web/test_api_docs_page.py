"""The API docs (/docs) in a real browser: Swagger UI renders the schema from the vault's
own origin, under the page's CSP, with no request to another host and no CSP refusal
of a script."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser


def test_the_api_docs_render_from_our_origin_under_the_csp(
    chromium: Browser, live_server: str
) -> None:
    context = chromium.new_context()
    page = context.new_page()
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    try:
        page.goto(f"{live_server}/docs")
        page.locator(".swagger-ui .info .title").filter(has_text="Coffre").wait_for()
        # The schema was read and laid out: the documents' operations are listed. Swagger
        # UI draws only what is near the screen (its lists are virtualized): scroll down
        # until they are drawn.
        documents = page.locator(".opblock-summary-path", has_text="/api/v1/documents")
        for _ in range(60):
            if documents.count():
                break
            page.mouse.wheel(0, 600)
            page.wait_for_timeout(100)
        documents.first.wait_for()
        scripts_loaded = page.evaluate(
            """() => performance.getEntriesByType("resource")
                 .filter((entry) => entry.initiatorType === "script").length"""
        )
    finally:
        context.close()
    origin = urlsplit(live_server).netloc
    elsewhere = [url for url in requested if urlsplit(url).netloc not in (origin, "")]
    assert elsewhere == []
    # Swagger UI's stylesheet draws a few icons from data: URLs, which the CSP refuses
    # (img-src 'self' blob:): cosmetic. A refused script or connection would not be.
    assert [e for e in errors if "data:image" not in e] == []
    assert scripts_loaded >= 2  # the bundle and our start-up script both loaded
