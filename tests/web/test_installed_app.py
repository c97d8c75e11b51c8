"""The page as an installed app (issue 19): the web app manifest (installable on Android
by Chromium's criteria), the service worker at /sw.js (the app shell kept for offline,
nothing else; a push shows exactly the payload's text), and an upload made while the
phone has no connection, which waits as ciphertext on the phone and leaves when the
network returns. In Chromium at 360 px; the push goes through the DevTools protocol
(``ServiceWorker.deliverPushMessage``), the browser's own push service being out of
reach here. http://127.0.0.1 is a secure context: service workers and push work there."""

from __future__ import annotations

import base64
import io
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import BrowserContext, CDPSession, Page, expect

from client import CoffreClient
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.service import Kind, notify
from coffre.settings import Settings
from tests.notifications.servers import PushEndpoint, push_endpoint  # noqa: F401 - fixture
from tests.web.conftest import PageProblems, assert_accessible, screenshot
from tests.web.journeys import (
    describe_document,
    document_button,
    keep_recovery_kit,
    log_out_person,
    open_document,
    pick_pages,
    visible_screen,
)

PASSPHRASE = "girafe orange tram lundi pluie"
WAITING = (
    "Pas de connexion. Votre document est prêt et protégé. Il attend sur ce téléphone et "
    "partira tout seul dans votre coffre dès que le téléphone sera connecté."
)
NO_CONNECTION = (
    "Pas de connexion internet. Coffre ne peut rien envoyer ni recevoir tant que le "
    "téléphone n'est pas connecté. Vérifiez le réseau du téléphone."
)
# What the browser logs of a request made while the phone is offline (not a fault).
OFFLINE_LOG = "ERR_INTERNET_DISCONNECTED"
# A small PDF stored as picked (one PDF page goes as it is): its bytes come back identical.
MARKER = b"Avis d'imposition 2025 - texte en clair"


def small_pdf(path: Path) -> Path:
    stream = b"BT /F1 12 Tf 40 700 Td (" + MARKER + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


# -- what the server serves ---------------------------------------------------------------


def test_the_manifest_makes_the_page_installable_and_the_page_links_it(api: TestClient) -> None:
    answer = api.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["name"] == manifest["short_name"] == "Coffre"
    assert manifest["lang"] == "fr"
    assert manifest["start_url"] == manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and icon["purpose"] in ("any", "maskable")
        served = api.get(icon["src"])
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(served.content))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any")} <= sizes

    page = api.get("/").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    policy = api.get("/").headers["content-security-policy"]
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy


def test_the_service_worker_is_served_at_the_root_never_cached_with_the_static_version(
    api: TestClient,
) -> None:
    answer = api.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["service-worker-allowed"] == "/"
    assert answer.headers["cache-control"] == "no-store"
    first = answer.text.splitlines()[0]
    settings = json.loads(first.removeprefix("self.coffreShell = ").removesuffix(";"))
    assert api.app.state.static_prefix == f"/static/{settings['version']}"  # type: ignore[attr-defined]
    assert settings["icon"].startswith(f"/static/{settings['version']}/icons/")
    # It keeps the page and its static files, and answers nothing else itself.
    assert "/api/" not in answer.text


# -- in the browser ---------------------------------------------------------------------


def sign_up(page: Page, base: str, login: str) -> None:
    page.goto(base)
    visible_screen(page, "welcome")
    page.get_by_role("button", name="Créer mon coffre").click()
    form = visible_screen(page, "signup")
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill(login)
    form.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    form.get_by_label("La même phrase secrète, encore une fois").fill(PASSPHRASE)
    form.get_by_role("button", name="Créer mon coffre").click()
    keep_recovery_kit(page)
    visible_screen(page, "documents")


def poll(page: Page, script: str, timeout: float = 30) -> Any:
    """The value of ``script`` (a function) once truthy. Not wait_for_function: the page's
    CSP has no 'unsafe-eval', which Playwright's polling needs."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(200)


def worker_controls(page: Page) -> None:
    """The page's service worker is installed, active, and controls the page."""
    assert poll(
        page,
        "() => navigator.serviceWorker.controller !== null"
        " && navigator.serviceWorker.controller.scriptURL.endsWith('/sw.js')",
    )
    state = page.evaluate("navigator.serviceWorker.ready.then(r => [r.scope, r.active.state])")
    assert state[0].endswith("/") and state[1] == "activated"


def assert_only_the_shell_is_kept(page: Page) -> None:
    """The worker's cache holds the page "/" and its static files: no API answer, no
    vendored library (the browser's own cache keeps those)."""
    kept: list[list[str]] = page.evaluate(
        """async () => {
            const out = [];
            for (const name of await caches.keys()) {
                if (!name.startsWith('coffre-shell-')) continue;
                const cache = await caches.open(name);
                for (const r of await cache.keys()) out.push([name, new URL(r.url).pathname]);
            }
            return out;
        }"""
    )
    assert len({name for name, _ in kept}) == 1  # one version
    paths = {path for _, path in kept}
    assert "/" in paths and any(path.endswith("/js/app.js") for path in paths)
    assert all(path == "/" or path.startswith("/static/") for path in paths), paths
    assert not any(path.startswith(("/static/vendor/", "/api/")) for path in paths)


def add_pdf_offline(page: Page, pdf: Path) -> None:
    page.get_by_role("button", name="Ajouter un document").first.click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "impots", "Avis d'imposition")
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [pdf])
    page.get_by_role("button", name="Mettre dans mon coffre").click()


def waiting_records(page: Page) -> list[dict[str, Any]]:
    """What waits in the page's IndexedDB: each record's headers and its blob's bytes."""
    result: list[dict[str, Any]] = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('coffre-waiting');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('uploads')) { db.close(); resolve([]); return; }
                const all = db.transaction('uploads').objectStore('uploads').getAll();
                all.onsuccess = async () => {
                    db.close();
                    const out = [];
                    for (const r of all.result) {
                        const bytes = new Uint8Array(await r.blob.arrayBuffer());
                        let text = '';
                        for (const b of bytes) text += String.fromCharCode(b);
                        out.push({id: r.id, path: r.path, headers: r.headers, blob: btoa(text),
                                  fields: Object.keys(r).sort()});
                    }
                    resolve(out);
                };
            };
        })"""
    )
    for record in result:
        record["blob"] = base64.b64decode(record["blob"])
    return result


@pytest.mark.both_backends
def test_an_upload_made_offline_waits_as_ciphertext_and_leaves_when_the_network_returns(
    phone: BrowserContext,
    page: Page,
    problems: dict[str, PageProblems],
    live_server: str,
    tmp_path: Path,
) -> None:
    problems["page"].allow(OFFLINE_LOG)
    sign_up(page, live_server, "nadia")
    worker_controls(page)
    pdf = small_pdf(tmp_path / "avis.pdf")
    original = pdf.read_bytes()

    phone.set_offline(True)
    add_pdf_offline(page, pdf)
    sending = visible_screen(page, "sending")
    expect(sending.locator("#send-step")).to_have_text(WAITING)
    expect(page.locator("#retry-button")).to_be_hidden()
    assert_accessible(page, "upload-waiting")
    screenshot(page, "installed-app-upload-waiting")

    # What waits on the phone is what would have left: ciphertext and its headers.
    [record] = waiting_records(page)
    assert record["fields"] == ["account", "at", "blob", "headers", "id", "path"]
    assert record["path"] == "/api/v1/documents"
    assert record["headers"]["Coffre-Document-Id"] == record["id"]
    assert MARKER not in record["blob"] and b"%PDF" not in record["blob"]
    assert len(record["blob"]) > len(original)
    assert "avis" not in json.dumps(record["headers"]).lower()
    assert "Avis d'imposition" not in json.dumps(record["headers"])

    # Still waiting on another screen: said there too.
    page.locator("#person-nav").get_by_role("button", name="Plus").click()
    visible_screen(page, "more")
    expect(page.locator("#queue-note")).to_be_visible()
    expect(page.locator("#queue-text")).to_have_text(WAITING)

    # The network returns: it leaves by itself, says so, and is in the vault.
    phone.set_offline(False)
    expect(page.locator("#queue-text")).to_have_text(
        "Le document qui attendait est arrivé dans votre coffre.", timeout=30_000
    )
    page.locator("#person-nav").get_by_role("button", name="Documents").click()
    visible_screen(page, "documents")
    expect(document_button(page, "Avis d'imposition.pdf")).to_be_visible()
    expect(page.locator("#queue-note")).to_be_hidden()  # said until the list shows it
    assert waiting_records(page) == []
    open_document(page, "Avis d'imposition.pdf")
    link = page.locator("#doc-download")
    expect(link).to_have_attribute("href", re.compile("^blob:"))
    downloaded = page.evaluate(
        """async () => {
            const a = document.querySelector('#doc-download');
            const bytes = new Uint8Array(await (await fetch(a.href)).arrayBuffer());
            let text = '';
            for (const b of bytes) text += String.fromCharCode(b);
            return btoa(text);
        }"""
    )
    assert base64.b64decode(downloaded) == original
    # After a session of API calls, an upload and a document opened: still the shell only.
    assert_only_the_shell_is_kept(page)


def test_the_shell_opens_offline_and_says_there_is_no_connection(
    phone: BrowserContext, page: Page, live_server: str
) -> None:
    page.goto(live_server)
    visible_screen(page, "welcome")
    worker_controls(page)
    expect(page.locator("#connection-note")).to_be_hidden()

    phone.set_offline(True)
    offline = phone.new_page()
    try:
        offline.goto(live_server)
        visible_screen(offline, "welcome")
        expect(offline.locator("#connection-note")).to_be_visible()
        expect(offline.locator("#connection-note")).to_have_text(NO_CONNECTION)
        assert_accessible(offline, "offline-shell")
        screenshot(offline, "installed-app-offline-shell")
        assert_only_the_shell_is_kept(offline)
        phone.set_offline(False)
        expect(offline.locator("#connection-note")).to_be_hidden()
    finally:
        phone.set_offline(False)
        offline.close()


def test_the_page_is_installable_and_a_push_shows_exactly_its_text(
    phone: BrowserContext, page: Page, live_server: str
) -> None:
    phone.grant_permissions(["notifications"], origin=live_server)
    page.goto(live_server)
    visible_screen(page, "welcome")
    worker_controls(page)

    cdp: CDPSession = phone.new_cdp_session(page)
    # Chromium's own installability check (manifest, icons, service worker, secure context).
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are off-the-record profiles, where Chromium installs nothing:
    # that one reason aside, none (no manifest, icon, worker or secure-context error).
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []

    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if not r["isDeleted"]]
    payload = {
        "title": "Coffre",
        "body": "Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir.",
        "url": "/#history",
        "extra": "never shown",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server + "/",
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )
    shown = poll(
        page,
        """() => navigator.serviceWorker.ready
            .then(r => r.getNotifications())
            .then(list => list.length ? list.map(n => ({title: n.title, body: n.body,
                data: n.data, image: n.image, actions: n.actions.length})) : null)""",
        timeout=15,
    )
    assert shown == [
        {
            "title": payload["title"],
            "body": payload["body"],
            "data": {"url": "/#history"},
            "image": "",
            "actions": 0,
        }
    ]


def test_a_person_logging_out_with_an_upload_waiting_drops_it_only_when_they_say_so(
    phone: BrowserContext,
    page: Page,
    problems: dict[str, PageProblems],
    live_server: str,
    tmp_path: Path,
) -> None:
    problems["page"].allow(OFFLINE_LOG)
    sign_up(page, live_server, "karim")
    pdf = small_pdf(tmp_path / "avis.pdf")
    phone.set_offline(True)
    add_pdf_offline(page, pdf)
    expect(visible_screen(page, "sending").locator("#send-step")).to_have_text(WAITING)
    assert len(waiting_records(page)) == 1

    # "Me déconnecter" while it cannot leave: the page asks; going back keeps it.
    page.locator("#person-nav").get_by_role("button", name="Plus").click()
    visible_screen(page, "more").get_by_role("button", name="Me déconnecter").click()
    asked = visible_screen(page, "logout-waiting")
    assert_accessible(page, "logout-waiting")
    screenshot(page, "installed-app-logout-waiting")
    asked.get_by_role("button", name="Revenir et attendre la connexion").click()
    visible_screen(page, "more")
    assert len(waiting_records(page)) == 1

    # Asked again, the person agrees: it goes from the phone, and the vault closes.
    page.locator("#person-nav").get_by_role("button", name="Plus").click()
    visible_screen(page, "more").get_by_role("button", name="Me déconnecter").click()
    visible_screen(page, "logout-waiting").get_by_role(
        "button", name="Effacer ce document et me déconnecter"
    ).click()
    visible_screen(page, "welcome")
    assert waiting_records(page) == []
    phone.set_offline(False)


def test_logging_out_online_sends_what_waited_first(
    phone: BrowserContext,
    page: Page,
    problems: dict[str, PageProblems],
    live_server: str,
    tmp_path: Path,
) -> None:
    problems["page"].allow(OFFLINE_LOG)
    sign_up(page, live_server, "lina")
    phone.set_offline(True)
    add_pdf_offline(page, small_pdf(tmp_path / "avis.pdf"))
    expect(visible_screen(page, "sending").locator("#send-step")).to_have_text(WAITING)
    # The network returns and, at the same moment, the person logs out: it leaves first.
    page.locator("#person-nav").get_by_role("button", name="Plus").click()
    visible_screen(page, "more")
    phone.set_offline(False)
    log_out_person(page)
    assert waiting_records(page) == []
    with CoffreClient(live_server) as client:
        keys = client.login("lina", PASSPHRASE).keys
        [entry] = client.list_documents(keys)
    assert entry.metadata.name == "Avis d'imposition.pdf"


def test_an_upload_waiting_when_the_tab_closed_leaves_from_the_next_one_opened_offline(
    phone: BrowserContext,
    page: Page,
    problems: dict[str, PageProblems],
    live_server: str,
    tmp_path: Path,
) -> None:
    problems["page"].allow(OFFLINE_LOG)
    sign_up(page, live_server, "amadou")
    worker_controls(page)
    phone.set_offline(True)
    add_pdf_offline(page, small_pdf(tmp_path / "avis.pdf"))
    expect(visible_screen(page, "sending").locator("#send-step")).to_have_text(WAITING)
    page.close()  # the tab closed: the keys go (pagehide), the ciphertext waits

    later = phone.new_page()
    later_problems = PageProblems(later)
    later_problems.allow(OFFLINE_LOG)
    later.goto(live_server)  # still no network: the kept shell
    visible_screen(later, "welcome")
    expect(later.locator("#connection-note")).to_be_visible()
    expect(later.locator("#queue-text")).to_have_text(WAITING)
    assert len(waiting_records(later)) == 1

    phone.set_offline(False)
    expect(later.locator("#queue-text")).to_have_text(
        "Le document qui attendait est arrivé dans votre coffre.", timeout=30_000
    )
    assert waiting_records(later) == []
    with CoffreClient(live_server) as client:
        keys = client.login("amadou", PASSPHRASE).keys
        [entry] = client.list_documents(keys)
    assert entry.metadata.name == "Avis d'imposition.pdf"
    assert later_problems.items == []
    later.close()


# -- push on this phone, both halves ------------------------------------------------------

# The browser's push service cannot be reached here (and Chromium offers none to an
# off-the-record profile such as Playwright's): the page's PushManager answers with a
# subscription the test's push endpoint made (tests/notifications/servers.py), as a phone's
# browser would. Everything else is real: push.js, the server's routes, the outbox, Web
# Push encryption (decrypted by the endpoint), the service worker showing the message.
BROWSER_PUSH_SERVICE = """(() => {
    const made = %s;
    let current = null;
    PushManager.prototype.subscribe = async function (options) {
        window.subscribedWith = {
            userVisibleOnly: options.userVisibleOnly,
            key: Array.from(new Uint8Array(options.applicationServerKey)),
        };
        current = {
            endpoint: made.endpoint,
            options: {applicationServerKey: options.applicationServerKey},
            toJSON: () => made,
            unsubscribe: async () => { current = null; return true; },
        };
        return current;
    };
    PushManager.prototype.getSubscription = async function () { return current; };
})();"""

PUSH_JS = "document.querySelector('script[type=module]').src.replace('/app.js', '/push.js')"


@pytest.mark.both_backends
def test_this_phone_gets_pushes_from_the_server_and_stops_them(
    phone: BrowserContext,
    page: Page,
    live_server: str,
    settings: Settings,
    clock: FrozenClock,
    push_endpoint: PushEndpoint,  # noqa: F811 - the fixture imported above
) -> None:
    phone.grant_permissions(["notifications"], origin=live_server)
    subscription = push_endpoint.subscribe()
    phone.add_init_script(BROWSER_PUSH_SERVICE % json.dumps(subscription))
    sign_up(page, live_server, "farah")
    worker_controls(page)

    turned = page.evaluate(
        f"""async () => {{
            const push = await import({PUSH_JS});
            const before = await push.pushState();
            const result = await push.enablePush("Téléphone de Farah");
            const key = (await (await fetch('/api/v1/notifications/push-key')).json()).public_key;
            const listed = await (await fetch('/api/v1/notifications/push-subscriptions')).json();
            return {{before, result, after: await push.pushState(), key,
                     expected: Array.from(push.keyBytes(key)), used: window.subscribedWith,
                     listed, me: (await (await fetch('/api/v1/me')).json()).account.id}};
        }}"""
    )
    assert (turned["before"], turned["result"], turned["after"]) == ("off", "on", "on")
    assert turned["used"] == {"userVisibleOnly": True, "key": turned["expected"]}
    assert len(turned["expected"]) == 65  # the server's VAPID key, an uncompressed P-256 point
    [device] = turned["listed"]["subscriptions"]
    assert device["endpoint"] == subscription["endpoint"]
    assert device["label"] == "Téléphone de Farah"

    # A document of hers opened: the outbox sends it to this phone's push service...
    coffre = Coffre.build(settings, clock=clock)
    try:
        with coffre.db.unit_of_work() as db:
            notify(db, turned["me"], Kind.DOCUMENT_PULLED, {"document": "x" * 32}, clock.now())
        coffre.outbox.deliver()
    finally:
        coffre.close()
    [message] = push_endpoint.messages_for(subscription)
    sent = json.loads(message.plaintext)
    assert sent["body"] == (
        "Coffre : un professionnel a ouvert un de vos documents. Ouvrez Coffre pour voir."
    )

    # ...which hands it to the phone: the service worker shows exactly its text.
    cdp = phone.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    assert _wait(page, lambda: bool(registrations))
    [registration] = [r for r in registrations if not r["isDeleted"]]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server + "/",
            "registrationId": registration["registrationId"],
            "data": message.plaintext.decode(),
        },
    )
    shown = poll(
        page,
        """() => navigator.serviceWorker.ready.then(r => r.getNotifications())
            .then(list => list.map(n => [n.title, n.body]))""",
        timeout=15,
    )
    assert shown == [[sent["title"], sent["body"]]]

    # Turned off: the server forgets this phone, and the browser drops the subscription.
    stopped = page.evaluate(
        f"""async () => {{
            const push = await import({PUSH_JS});
            await push.disablePush();
            const listed = await (await fetch('/api/v1/notifications/push-subscriptions')).json();
            return {{state: await push.pushState(), listed}};
        }}"""
    )
    assert stopped == {"state": "off", "listed": {"subscriptions": []}}


def _wait(page: Page, done: Any, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return bool(done())
