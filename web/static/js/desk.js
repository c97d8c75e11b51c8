// @ts-check
// What the desk pages share: the officer's console (console.js), the territory admin's
// page (admin.js) and the structure admin's (structure-admin.js). One screen shown at a
// time with the menu and the status line, a form's error line, a form made busy (ui.js), the API
// with "your session is over" on a 401, a script's error in plain words, and the log-out
// after a moment without activity. The log-in itself is console-login.js; each page keeps
// its own screens, its wipe and its end of session.
import { messageFor, request } from "./http.js";
import { createUi } from "./ui.js";

/**
 * The element of id `id` (the template has every one the page uses).
 * @param {string} id
 */
export function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/**
 * The form of id `id`, its fields by name.
 * @param {string} id
 */
export function formOf(id) {
  return /** @type {HTMLFormElement & Record<string, any>} */ (document.getElementById(id));
}

/**
 * An element with a class, a text and a language; children appended after the text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{className?: string, text?: string, lang?: string}} [options]
 * @param {...(Node | null)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, { className = "", text = "", lang = "" } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  if (lang) node.lang = lang;
  for (const child of children) if (child) node.append(child);
  return node;
}

/**
 * An invitation's QR code, an SVG the server made (segno) from the link: no external
 * service. Parsed as HTML: segno's inline SVG carries no xmlns, the HTML parser gives it
 * one. `into` is hidden when there is none.
 * @param {string} svgText
 * @param {HTMLElement} into
 */
export function putQr(svgText, into) {
  into.replaceChildren();
  const svg = new DOMParser().parseFromString(svgText, "text/html").querySelector("svg");
  if (svg) {
    svg.setAttribute("aria-hidden", "true");
    into.append(document.importNode(svg, true));
  }
  into.hidden = !svg;
}

/**
 * What a desk page's screens and API calls need of the page.
 * @typedef {object} DeskContext
 * @property {Record<string, string>} STRINGS the page's texts (working, network_error,
 *   unexpected_error, session_over: web/console_strings.py login_strings)
 * @property {{signedIn: boolean}} state
 * @property {(message: string) => void} endSession wipes the page and shows the log-in
 * @property {boolean} [clearStatusAfterBusy] a form no longer busy empties the status line
 *   (the admin pages); the console leaves it for what comes next
 */

/** @param {DeskContext} ctx */
export function createDesk({ STRINGS, state, endSession, clearStatusAfterBusy = true }) {
  // The screens, the status line, errors and busy forms (ui.js), no history entries.
  const { setStatus, show, showError, busy } = createUi(document, {
    working: STRINGS.working,
    signedIn: () => state.signedIn,
    clearStatusAfterBusy,
  });

  /**
   * @param {string} method
   * @param {string} path
   * @param {import("./http.js").RequestOptions} [options]
   */
  async function api(method, path, options) {
    try {
      return await request(method, path, options, STRINGS.network_error);
    } catch (error) {
      // A session that ended on the server (idle, revoked): back to the login.
      if (state.signedIn && error.status === 401) endSession(STRINGS.session_over);
      throw error;
    }
  }

  /**
   * What the person reads about an error (never a script's own English text).
   * @param {unknown} error
   */
  function problem(error) {
    return messageFor(error, STRINGS.unexpected_error);
  }

  return { setStatus, show, showError, busy, api, problem };
}

/**
 * The log-out after `seconds` without a pointer, a key or a touch while signed in: the
 * page listens (`listen`), restarts the wait (`touch`, also at log-in) and ends it (`stop`,
 * in its wipe).
 * @param {{signedIn: boolean}} state
 * @param {number} seconds
 * @param {() => unknown} onIdle
 */
export function createIdleLogout(state, seconds, onIdle) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  function touch() {
    if (!state.signedIn) return;
    clearTimeout(timer);
    timer = setTimeout(onIdle, seconds * 1000);
  }
  function stop() {
    clearTimeout(timer);
  }
  function listen() {
    for (const kind of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(kind, touch, { passive: true });
  }
  return { touch, stop, listen };
}
