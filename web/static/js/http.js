// @ts-check
// The pages' HTTP to /api/v1 (vault page and officer console): the session cookie,
// the CSRF header on every change (double-submit, api/cookies.py), and the one error
// shape of api/errors.py turned into an ApiError with its stable code.

export const CSRF_COOKIE = "coffre_csrf";
export const CSRF_HEADER = "X-Coffre-CSRF";

export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status (0: the server could not be reached)
   * @param {string} code the stable error code of api/errors.py (docs/ERRORS.md)
   * @param {string} message the server's message, in the person's language
   * @param {any[]} [rows] the refused rows of an imported file (error.rows)
   */
  constructor(status, code, message, rows = []) {
    super(message);
    this.status = status;
    this.code = code;
    /** The rows of an imported file that were refused (line, field, reason). @type {any[]} */
    this.rows = rows;
  }
}

/**
 * An error whose message the page wrote for the person (from its strings, in their
 * language), as opposed to a script's or the browser's own (English) text.
 */
export class ShownError extends Error {}

/**
 * What the person reads about `error`: the server's message for an API error (api/errors.py
 * writes it in their language) or the page's for a ShownError; `fallback` (the page's plain
 * words) for anything else. A script or network error's own text ("Failed to fetch", a
 * crypto exception, "HTTP 502") never reaches the person.
 * @param {unknown} error
 * @param {string} fallback
 * @returns {string}
 */
export function messageFor(error, fallback) {
  if (error instanceof ApiError && error.code !== "http_error" && error.message) return error.message;
  if (error instanceof ShownError && error.message) return error.message;
  return fallback;
}

/** The CSRF token the server set in its (script-readable) cookie. */
export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/**
 * The ApiError of a refused response (`{"error": {"code", "message"}}`).
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
export async function errorOf(response) {
  try {
    const { error } = await response.json();
    return new ApiError(response.status, error.code, error.message, Array.isArray(error.rows) ? error.rows : []);
  } catch {
    return new ApiError(response.status, "http_error", `HTTP ${response.status}`);
  }
}

/**
 * @typedef {object} RequestOptions
 * @property {unknown} [json] a value sent as JSON
 * @property {BodyInit} [body] a body sent as it is (a Blob)
 * @property {Record<string, string>} [headers]
 * @property {AbortSignal} [signal]
 */

/**
 * `request("POST", "/grants", {json})` → the Response, or throws ApiError
 * (`network_error` with `networkMessage` when the server cannot be reached).
 * `body` sends a Blob as it is (with its own Content-Type in `headers`); `signal` can
 * abort it (transfer.js's stall watchdog).
 * @param {string} method
 * @param {string} path under /api/v1, starting with "/"
 * @param {RequestOptions} [options]
 * @param {string} [networkMessage]
 * @returns {Promise<Response>}
 */
export async function request(method, path, { json, body, headers = {}, signal } = {}, networkMessage = "") {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, headers: { ...headers }, credentials: "same-origin", cache: "no-store", signal };
  if (method !== "GET") init.headers[CSRF_HEADER] = csrfToken();
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(0, "network_error", networkMessage);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/**
 * Every item of a list answered a page at a time (`next`: the cursor of the next page,
 * null after the last), e.g. GET /relays: the server never cuts a list silently.
 * @param {(method: string, path: string) => Promise<Response>} api
 * @param {string} path with its query, e.g. "/relays?box=mine"
 * @param {string} key the list's member in each page, e.g. "relays"
 * @returns {Promise<any[]>}
 */
export async function allPages(api, path, key) {
  /** @type {any[]} */
  const items = [];
  let cursor = "";
  for (;;) {
    const sep = path.includes("?") ? "&" : "?";
    const page = await (await api("GET", cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path)).json();
    items.push(...(page[key] || []));
    if (!page.next) return items;
    cursor = page.next;
  }
}
