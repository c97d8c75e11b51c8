// @ts-check
// The person's pin on the professional's page (crypto/SPEC.md §25.3, §24.5): the
// "person-pin" screen shows the spoken pin of the key that signed the person's
// receipt, and asks the professional to compare it with the code the person's own
// phone shows (« Mon code de vérification »), typed here. The same code: the key is
// remembered as verified (pro-v2.js createPersonKeys), including a key that had
// changed since the last visit, which opens nothing until then. Another code: a
// plain warning, and nothing is remembered.
import { byId, fill } from "./consent-common.js";
import { createPersonKeys } from "./pro-v2.js";

/**
 * @param {any} ctx the helpers app.js gives
 * @param {{pro: () => ReturnType<typeof import("./pro-v2.js").createProV2>, back: (status: string) => unknown}} options
 */
export function createProPin(ctx, { pro, back }) {
  const { S, state, show, showError } = ctx;
  /** @type {{personId: string, person: string, key: Uint8Array, keyText: string} | null} */
  let asking = null;
  const form = /** @type {HTMLFormElement} */ (byId("person-pin-form"));

  /**
   * The screen for one person's key; `changed` says the key is not the remembered one.
   * @param {{personId: string, person: string, key: Uint8Array, keyText: string, changed: boolean}} who
   */
  function ask({ personId, person, key, keyText, changed }) {
    asking = { personId, person, key, keyText };
    form.reset();
    showError("person-pin-error", "");
    byId("person-pin-title").textContent = fill(S.pin_title, { person });
    const warning = byId("person-pin-changed");
    warning.textContent = changed ? fill(S.person_key_changed, { person }) : "";
    warning.hidden = !changed;
    byId("person-pin-code").textContent = pro().pinOf(key);
    show("person-pin");
  }

  /** @param {SubmitEvent} event */
  async function onCompare(event) {
    event.preventDefault();
    if (!asking) return back("");
    const typed = form.pin.value;
    const outcome = pro().comparePin(asking.key, typed);
    if (outcome === "invalid") return showError("person-pin-error", S.pin_invalid);
    if (outcome === "mismatch") return showError("person-pin-error", S.pin_mismatch);
    createPersonKeys(state.accountId).confirm(asking.personId, asking.keyText);
    const { person } = asking;
    asking = null;
    await back(fill(S.pin_matched, { person }));
  }

  form.addEventListener("submit", onCompare);

  return {
    ask,
    screens: ["person-pin"],
    wipe() {
      asking = null;
      form.reset();
      for (const id of ["person-pin-title", "person-pin-code", "person-pin-changed"]) byId(id).textContent = "";
    },
  };
}
