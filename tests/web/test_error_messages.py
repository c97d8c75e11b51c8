"""A script's or the browser's own error never reaches the person (issue 14, item 7's class).

The server's errors carry a French message (api/errors.py) and the page shows it; but
an answer cut in the middle ("Unexpected end of JSON input"), a proxy's error page
("HTTP 502") or a connection that fails ("Failed to fetch") used to be shown as the
script saw them, in English. The page now says it in plain French (http.js
`messageFor`).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import PageProblems
from tests.web.test_person_journey import sign_up

FALLBACK = "Erreur : Cela n'a pas marché. Réessayez. Si cela recommence, rechargez la page."


def test_a_broken_answer_or_a_failed_fetch_is_said_in_french(
    page: Page, live_server: str, problems: dict[str, PageProblems]
) -> None:
    for fragment in ("502", "net::ERR_FAILED", "net::ERR_INTERNET_DISCONNECTED"):
        problems["page"].allow(fragment)
    sign_up(page, live_server, "lucie")
    shares = page.locator("#person-nav").get_by_role("button", name="Partages")
    status = page.locator("#status")

    # The answer stops half-way through its JSON.
    page.route(
        "**/api/v1/grants",
        lambda route: route.fulfill(
            status=200, body='{"grants": [', content_type="application/json"
        ),
    )
    shares.click()
    expect(status).to_have_text(FALLBACK)
    page.unroute("**/api/v1/grants")

    # A proxy in front of the server answers with its own page.
    page.route(
        "**/api/v1/grants",
        lambda route: route.fulfill(
            status=502, body="<html>Bad Gateway</html>", content_type="text/html"
        ),
    )
    shares.click()
    expect(status).to_have_text(FALLBACK)
    page.unroute("**/api/v1/grants")

    # The connection fails: the page's own French words about the network.
    page.route("**/api/v1/grants", lambda route: route.abort("internetdisconnected"))
    shares.click()
    expect(status).to_have_text("Erreur : Pas de connexion. Vérifiez le réseau et réessayez.")
