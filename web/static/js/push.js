// @ts-check
// Web Push on this phone (issue 19, "Channels"): the page's service worker (/sw.js,
// web/pages/installed_app.py) and one push subscription per device, kept by the server
// (POST /notifications/push-subscriptions) and removable (DELETE …/{id}). The
// subscription is made with the server's VAPID public key (GET /notifications/push-key)
// and `userVisibleOnly`: every push shows a notification, whose text is the lock-screen-
// safe title and body the server chose (coffre/notifications/messages.py; sw.js shows
// nothing else).
//
// Nothing is kept in the page's storage: the subscription lives in the browser's push
// manager, its id on the server is found again by its endpoint (GET the list).
// The screens that offer it (person-alerts.js, pro-alerts.js) import the four functions
// below; their outcome words are the contract of /work/coord/issue19-plan.md.
import { request } from "./http.js";

/** The service worker's URL and scope: the whole origin (its Service-Worker-Allowed is /). */
export const WORKER_URL = "/sw.js";
export const WORKER_SCOPE = "/";

/** Web Push can work in this browser (a secure context with service workers, push and notifications). */
export function pushSupported() {
  return (
    globalThis.isSecureContext === true &&
    typeof navigator !== "undefined" &&
    "serviceWorker" in navigator &&
    "PushManager" in globalThis &&
    "Notification" in globalThis
  );
}

/**
 * The page's service worker registered (or found registered) and active.
 * Also used by the installed app (offline shell, app.js).
 * @returns {Promise<ServiceWorkerRegistration>}
 */
export async function registerWorker() {
  await navigator.serviceWorker.register(WORKER_URL, { scope: WORKER_SCOPE, updateViaCache: "none" });
  return navigator.serviceWorker.ready;
}

/** @returns {Promise<PushSubscription | null>} this device's subscription, if any */
async function currentSubscription() {
  const registration = await navigator.serviceWorker.getRegistration(WORKER_SCOPE);
  if (!registration) return null;
  return registration.pushManager.getSubscription();
}

/**
 * Whether this device gets the account's pushes: `on` (subscribed and allowed), `off`,
 * `denied` (the person refused notifications to this site: only the browser's settings
 * can change it), `unsupported`.
 * @returns {Promise<'on' | 'off' | 'denied' | 'unsupported'>}
 */
export async function pushState() {
  if (!pushSupported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  try {
    const subscription = await currentSubscription();
    return subscription && Notification.permission === "granted" ? "on" : "off";
  } catch {
    return "off";
  }
}

/**
 * The VAPID public key (base64url, the P-256 point) as the push manager wants it.
 * @param {string} text
 */
export function keyBytes(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * A short name for this device in the person's list ("Chrome, Android"): browser and
 * system names only, nothing that identifies the person.
 */
export function deviceLabel() {
  const agent = navigator.userAgent;
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Windows/.test(agent)
        ? "Windows"
        : /Mac OS X/.test(agent)
          ? "macOS"
          : /Linux/.test(agent)
            ? "Linux"
            : "";
  const browser = /SamsungBrowser/.test(agent)
    ? "Samsung Internet"
    : /Edg\//.test(agent)
      ? "Edge"
      : /Firefox\//.test(agent)
        ? "Firefox"
        : /Chrome\/|Chromium\//.test(agent)
          ? "Chrome"
          : /Safari\//.test(agent)
            ? "Safari"
            : "";
  return [browser, system].filter(Boolean).join(", ").slice(0, 60) || "Web";
}

/**
 * The server's VAPID public key (GET /notifications/push-key).
 * @returns {Promise<string>}
 */
async function vapidKey() {
  const answer = await (await request("GET", "/notifications/push-key")).json();
  return String(answer.public_key ?? answer.key ?? answer.publicKey ?? "");
}

/**
 * The subscription the server keeps for `subscription` (matched by its endpoint), or null.
 * @param {PushSubscription} subscription
 * @returns {Promise<{id: string} | null>}
 */
async function serverSide(subscription) {
  const answer = await (await request("GET", "/notifications/push-subscriptions")).json();
  const list = Array.isArray(answer) ? answer : answer.subscriptions || answer.items || [];
  return list.find((/** @type {any} */ item) => item.endpoint === subscription.endpoint) || null;
}

/**
 * Ask the person (the browser's own question), subscribe this device and tell the server.
 * `on` once the server keeps it; `denied` when the person refused notifications;
 * `unsupported` when this browser cannot; `failed` otherwise (the question closed
 * without an answer, no connection, the server refused): nothing is left half done.
 * @param {string} [label] the device's name in the person's list (default: deviceLabel())
 * @returns {Promise<'on' | 'denied' | 'unsupported' | 'failed'>}
 */
export async function enablePush(label = deviceLabel()) {
  if (!pushSupported()) return "unsupported";
  let permission = Notification.permission;
  if (permission === "default") {
    try {
      permission = await Notification.requestPermission();
    } catch {
      return "failed";
    }
  }
  if (permission === "denied") return "denied";
  if (permission !== "granted") return "failed";
  /** @type {PushSubscription | null} */
  let subscription = null;
  let madeHere = false;
  try {
    const registration = await registerWorker();
    const key = keyBytes(await vapidKey());
    subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) {
      // Made with another server key (the server's key changed): the push service
      // would refuse the server's messages. A new one replaces it.
      await subscription.unsubscribe();
      subscription = null;
    }
    if (!subscription) {
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      madeHere = true;
    }
    const { endpoint, keys } = /** @type {{endpoint: string, keys: {p256dh: string, auth: string}}} */ (subscription.toJSON());
    await request("POST", "/notifications/push-subscriptions", { json: { endpoint, keys, label } });
    return "on";
  } catch {
    // A subscription the server does not know would be a device that never gets anything.
    if (subscription && madeHere) await subscription.unsubscribe().catch(() => false);
    return "failed";
  }
}

/**
 * @param {PushSubscription} subscription
 * @param {Uint8Array} key
 */
function sameKey(subscription, key) {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true; // not told: keep it
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((value, i) => value === key[i]);
}

/**
 * This device gets no more pushes: the server forgets its subscription (DELETE) and the
 * browser drops it. Throws ApiError when the server could not be told (no connection):
 * the browser's subscription is then kept, so that "Désactiver" can be tried again.
 * @returns {Promise<void>}
 */
export async function disablePush() {
  if (!pushSupported()) return;
  const subscription = await currentSubscription();
  if (!subscription) return;
  const known = await serverSide(subscription);
  if (known) await request("DELETE", `/notifications/push-subscriptions/${encodeURIComponent(known.id)}`);
  await subscription.unsubscribe();
}
