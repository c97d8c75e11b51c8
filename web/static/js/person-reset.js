// @ts-check
// A reset of the person's own account (coffre/accounts/reset.py): when someone issued a
// reset code for their login, or used one and the reset waits, the person is shown it
// first, once per opened vault, and cancels it in one step. Nothing of the vault has
// changed yet; cancelling keeps it as it is.
import { day, fill, time } from "./consent-common.js";
import { messageFor } from "./http.js";

/**
 * When the new vault of a used reset code opens, for the page's sentences.
 * @param {string} moment
 */
export function opensOn(moment) {
  return { date: day(moment), time: time(moment) };
}

/** GET /me/reset's `pending`. @typedef {{stage: "code" | "waiting", since: string, until: string}} PendingReset */

/**
 * @param {Pick<import("./types/page").PageHelpers, "S" | "state" | "api" | "show" | "setStatus" | "showError" | "home">} ctx
 */
export function createResetNotice(ctx) {
  const { S, state, api, show, showError } = ctx;
  /** The keys of the vault the notice was last checked for (a new login checks again). */
  let checkedFor = /** @type {unknown} */ (null);
  let after = "";

  /** @param {PendingReset} pending */
  function text(pending) {
    const at = {
      since: day(pending.since),
      date: day(pending.until),
      time: time(pending.until),
    };
    return fill(pending.stage === "waiting" ? S.reset_waiting : S.reset_code_pending, at);
  }

  // True when the notice took the screen (the caller stops there).
  /** @param {string} status */
  async function interrupts(status) {
    if (state.kind !== "person" || !state.keys || checkedFor === state.keys) return false;
    checkedFor = state.keys;
    /** @type {PendingReset | null} */
    let pending;
    try {
      pending = (await (await api("GET", "/me/reset")).json()).pending;
    } catch {
      return false; // the vault opens anyway; the notice comes at the next login
    }
    if (!pending) return false;
    after = status;
    const paragraph = document.getElementById("reset-pending-text");
    if (paragraph) paragraph.textContent = text(pending);
    showError("reset-pending-error", "");
    show("reset-pending", { status });
    return true;
  }

  async function cancel() {
    const button = /** @type {HTMLButtonElement | null} */ (document.getElementById("reset-cancel"));
    if (button) button.disabled = true;
    try {
      await api("POST", "/me/reset/cancel");
      await ctx.home(S.reset_cancelled);
    } catch (error) {
      // reset_not_pending: it ended meanwhile (cancelled elsewhere); the server's text says so.
      showError("reset-pending-error", messageFor(error, S.unexpected_error));
    } finally {
      if (button) button.disabled = false;
    }
  }

  document.getElementById("reset-cancel")?.addEventListener("click", cancel);
  document.getElementById("reset-continue")?.addEventListener("click", () => ctx.home(after));

  return { interrupts };
}
