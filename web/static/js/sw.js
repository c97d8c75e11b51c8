// @ts-check
// The page's service worker (issue 19, "The page as an installed app"), served at /sw.js
// with the whole origin as scope (web/pages/installed_app.py puts `self.coffreShell`
// before this file: the static files' version and the notification icon's URL).
//
// What it keeps (one Cache Storage cache per version, "coffre-shell-<version>"; the
// older ones go when a new version activates): the app shell only, i.e. the vault page
// "/" as the server renders it for everyone (no account, no session: web/pages/app.py)
// and the static files that page links (styles, app.js and the modules it imports, the
// page's texts, the icon). Never an API answer, a document, a key, a passphrase or a
// plaintext: every request but those goes to the network untouched (no respondWith),
// so the API's `no-store` stays the rule. The documents' ciphertext cache of the open
// vault is doc-cache.js's, not this file's.
//
// Offline, the page "/" opens from that copy and says there is no connection
// (offline-queue.js). A push shows the payload's title and body and nothing else (the
// server chose them safe for a shared phone's lock screen: coffre/notifications/
// messages.py); a tap on it focuses an open Coffre window (told the payload's `url`)
// or opens one at that `url`.
//
// A classic script (no import/export): its names stay inside the function below.
(() => {
  /**
   * The worker's global scope, typed loosely (tsconfig's lib is the page's "dom").
   * @type {any}
   */
  const worker = self;
  /** @type {{version: string, icon: string}} */
  const shell = worker.coffreShell || { version: "dev", icon: "" };
  const PREFIX = "coffre-shell-";
  const CACHE = PREFIX + shell.version;
  const PAGE = "/";

  /**
   * @typedef {Event & {waitUntil(promise: Promise<unknown>): void}} WorkerEvent
   * @typedef {WorkerEvent & {request: Request, respondWith(response: Promise<Response>): void}} WorkerFetchEvent
   * @typedef {WorkerEvent & {data: {json(): any, text(): string} | null}} WorkerPushEvent
   * @typedef {WorkerEvent & {notification: Notification}} WorkerNotificationEvent
   */

  /**
   * The same-origin static files a copy of the page links (<link href>, <script src>):
   * its styles, its script and the modules it preloads, its texts, its icon.
   * @param {string} html
   * @returns {string[]}
   */
  function linkedStatic(html) {
    const found = new Set();
    for (const match of html.matchAll(/\s(?:href|src)="(\/static\/[^"?#]+)"/g)) found.add(match[1]);
    return [...found];
  }

  /**
   * Keep `page` (an answer to "/") as the shell, and the static files it links that
   * this version's cache does not have yet.
   * @param {Response} page
   */
  async function keepShell(page) {
    if (!page.ok || page.type !== "basic") return;
    const cache = await caches.open(CACHE);
    const html = await page.clone().text();
    await cache.put(PAGE, page);
    const missing = [];
    for (const url of linkedStatic(html)) if (!(await cache.match(url))) missing.push(url);
    await Promise.all(
      missing.map(async (url) => {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok) await cache.put(url, response);
      }),
    );
  }

  worker.addEventListener("install", (/** @type {WorkerEvent} */ event) => {
    // The shell as this browser sees it (its language cookie travels with the request).
    event.waitUntil(
      fetch(PAGE, { credentials: "same-origin", cache: "no-store" })
        .then(keepShell)
        .catch(() => undefined) // no shell kept: the page still works online
        .then(() => worker.skipWaiting()),
    );
  });

  worker.addEventListener("activate", (/** @type {WorkerEvent} */ event) => {
    event.waitUntil(
      (async () => {
        const names = await caches.keys();
        await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
        await worker.clients.claim();
      })(),
    );
  });

  /**
   * The page "/": from the network (its copy refreshed), else the kept copy.
   * @param {WorkerFetchEvent} event
   */
  async function openPage(event) {
    try {
      const response = await fetch(event.request);
      event.waitUntil(keepShell(response.clone()).catch(() => undefined));
      return response;
    } catch (error) {
      const cache = await caches.open(CACHE);
      const copy = await cache.match(PAGE);
      if (copy) return copy;
      throw error;
    }
  }

  /**
   * A static file of the shell: the kept copy, else the network.
   * @param {Request} request
   */
  async function staticFile(request) {
    const cache = await caches.open(CACHE);
    const copy = await cache.match(request.url);
    return copy || fetch(request);
  }

  worker.addEventListener("fetch", (/** @type {WorkerFetchEvent} */ event) => {
    const { request } = event;
    if (request.method !== "GET") return;
    const url = new URL(request.url);
    if (url.origin !== worker.location.origin) return;
    if (request.mode === "navigate" && url.pathname === PAGE) {
      event.respondWith(openPage(event));
    } else if (url.pathname.startsWith("/static/") && !url.pathname.startsWith("/static/vendor/")) {
      event.respondWith(staticFile(request));
    }
    // Anything else (the API above all) is not this worker's: straight to the network.
  });

  /**
   * A path of this origin to open (the payload's `url`), else "/".
   * @param {unknown} value
   */
  function samePath(value) {
    if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return PAGE;
    try {
      const url = new URL(value, worker.location.origin);
      return url.origin === worker.location.origin ? url.pathname + url.search + url.hash : PAGE;
    } catch {
      return PAGE;
    }
  }

  /**
   * The text of a push: the payload's title and body as sent, nothing added.
   * @param {WorkerPushEvent} event
   * @returns {{title: string, body: string, url: string}}
   */
  function pushed(event) {
    /** @type {any} */
    let data;
    try {
      data = event.data ? event.data.json() : {};
    } catch {
      data = {}; // not JSON: the default title alone
    }
    return {
      title: typeof data?.title === "string" && data.title ? data.title.slice(0, 200) : "Coffre",
      body: typeof data?.body === "string" ? data.body.slice(0, 500) : "",
      url: samePath(data?.url),
    };
  }

  worker.addEventListener("push", (/** @type {WorkerPushEvent} */ event) => {
    const { title, body, url } = pushed(event);
    /** @type {NotificationOptions} */
    const options = { body, data: { url } };
    if (shell.icon) options.icon = shell.icon;
    event.waitUntil(worker.registration.showNotification(title, options));
  });

  worker.addEventListener("notificationclick", (/** @type {WorkerNotificationEvent} */ event) => {
    event.notification.close();
    const url = samePath(event.notification.data?.url);
    event.waitUntil(
      (async () => {
        const windows = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
        const open = windows.find((/** @type {any} */ client) => new URL(client.url).origin === worker.location.origin);
        if (open) {
          // Not navigated: that would close an open vault (its keys live in the page).
          // The page is told where the person was asked to go (H8's screens).
          open.postMessage({ type: "coffre-open", url });
          await open.focus();
          return;
        }
        await worker.clients.openWindow(url);
      })(),
    );
  });
})();
