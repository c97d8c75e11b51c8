// @ts-check
// A page's screens, status line, errors and busy forms: one screen shown at a time (its
// h1 focused, the menu's entry marked), the status line (a live region: what a screen
// reader says after an action), a form's error line, a form made busy while it is sent.
// The person's vault (app.js) and the desk pages (desk.js: the officer's console, the
// territory and structure admin pages) use this one implementation; each page says what
// is its own through the options (who is signed in, when the menu shows, the history).

/**
 * @typedef {object} UiOptions
 * @property {string} working the status line while a form is busy ("Un instant…")
 * @property {() => boolean} signedIn the log-out button shows only then
 * @property {(name: string) => boolean} [menuShown] whether the menu shows with the
 *   screen `name` (default: when signed in)
 * @property {(name: string) => void} [onShow] the page's own part of showing a screen,
 *   run after the screens, the log-out button and the menu are set, before the focus
 * @property {boolean} [push] every screen shown is a history entry (the vault page: the
 *   phone's back button goes to the previous screen; popstate is the page's)
 * @property {boolean} [clearStatusAfterBusy] a form no longer busy empties the status
 *   line (the admin pages); otherwise it is left for what comes next
 */

/**
 * @param {ParentNode} root the page (document), where the screens, #status and #menu are
 * @param {UiOptions} options
 */
export function createUi(root, { working, signedIn, menuShown = () => signedIn(), onShow, push = false, clearStatusAfterBusy = false }) {
  /**
   * The element of `selector` in the page (a missing one is a bug of the template).
   * @param {string} selector
   */
  function element(selector) {
    const node = /** @type {HTMLElement | null} */ (root.querySelector(selector));
    if (!node) throw new Error(`${selector} is missing`);
    return node;
  }

  /**
   * The screen `name` (a section with data-screen).
   * @param {string} name
   */
  function screen(name) {
    return element(`[data-screen="${name}"]`);
  }

  /** @param {string} [text] */
  function setStatus(text) {
    element("#status").textContent = text || "";
  }

  /**
   * Show the screen `name` alone; the log-out button once signed in, the menu when
   * `menuShown`; the status line says `status` (or nothing).
   * @param {string} name
   * @param {{push?: boolean, status?: string}} [options] push: false for a screen shown
   *   from the history (popstate) or replacing the current entry
   */
  function show(name, { push: pushThis = push, status = "" } = {}) {
    const target = screen(name);
    for (const section of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-screen]"))) {
      section.hidden = section !== target;
    }
    element("[data-action=logout]").hidden = !signedIn();
    const menu = element("#menu");
    menu.hidden = !menuShown(name);
    for (const button of /** @type {NodeListOf<HTMLElement>} */ (menu.querySelectorAll("[data-go]"))) {
      if (button.dataset.go === name) button.setAttribute("aria-current", "page");
      else button.removeAttribute("aria-current");
    }
    if (onShow) onShow(name);
    setStatus(status);
    if (pushThis && history.state?.screen !== name) history.pushState({ screen: name }, "", `#${name}`);
    const heading = /** @type {HTMLElement | null} */ (target.querySelector("h1"));
    if (heading) heading.focus();
    window.scrollTo(0, 0);
  }

  /**
   * A form's error line: `text` shown, or hidden when empty.
   * @param {string} id
   * @param {string} text
   */
  function showError(id, text) {
    const node = element(`#${CSS.escape(id)}`);
    node.textContent = text;
    node.hidden = !text;
  }

  /**
   * A form's fields and buttons disabled while it is sent, and the status line says so.
   * @param {HTMLElement} form
   * @param {boolean} on
   */
  function busy(form, on) {
    for (const node of /** @type {NodeListOf<HTMLButtonElement>} */ (form.querySelectorAll("button, input, select"))) node.disabled = on;
    if (on) setStatus(working);
    else if (clearStatusAfterBusy) setStatus("");
  }

  return { element, screen, show, setStatus, showError, busy };
}
