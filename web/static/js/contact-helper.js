// @ts-check
// The trusted contact's side (crypto/SPEC.md §28, coffre/contacts/service.py), for a
// person or a professional: the persons who named them, "Demander l'accès de secours"
// (the person is told at once and can refuse), the date it opens, then — the person
// beside them — the recovery: the server's share, released after the wait, and this
// account's sealed share rebuild the key K here; the person's master key opens here,
// is checked against their keyring, and is wrapped under the new passphrase the person
// types and a new recovery code shown once. Nothing secret leaves this page.
import { day, el, fill, time } from "./consent-common.js";
import { createContactRecovery } from "./contact-recovery.js";
import { messageFor } from "./http.js";
import { createKdfClient } from "./kdf-client.js";
import { passphraseProblem } from "./passphrase.js";

/**
 * GET /contacts/named-me's persons.
 * @typedef {{id: string, person: {name: string}, waiting_days: number, since: string, request: {id: string, state: string, asked_at: string, opens_at: string, open: boolean} | null}} Naming
 */

/** @param {import("./types/page").PageHelpers} ctx */
export function createContactHelper(ctx) {
  const { S, C, CONFIG, sodium, api, show, showError, setStatus, busy, state } = ctx;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @type {Naming | null} */
  let recovering = null;

  /** @param {Naming} naming */
  function line(naming) {
    const request = naming.request;
    const who = naming.person.name;
    const item = el("li", { className: "card" }, el("p", { text: fill(S.contact_named_me, { person: who, since: day(naming.since) }) }));
    if (request && request.state === "waiting" && request.open) {
      item.append(el("p", { text: fill(S.contact_open, { person: who }) }));
      item.append(action(S.contact_open_button, () => startRecovery(naming), "primary"));
      return item;
    }
    if (request && request.state === "waiting") {
      const at = { asked: day(request.asked_at), date: day(request.opens_at), time: time(request.opens_at), person: who };
      item.append(el("p", { text: fill(S.contact_waiting, at) }));
      return item;
    }
    if (request && request.state === "refused") {
      item.append(el("p", { text: fill(S.contact_was_refused, { person: who, date: day(request.asked_at) }) }));
    }
    item.append(el("p", { className: "hint", text: fill(S.contact_ask_hint, { person: who, days: naming.waiting_days }) }));
    item.append(action(S.contact_ask, () => ask(naming)));
    return item;
  }

  /**
   * @param {string} text
   * @param {() => unknown} onClick
   * @param {string} [className]
   */
  function action(text, onClick, className = "") {
    const button = /** @type {HTMLButtonElement} */ (el("button", { className, text }));
    button.type = "button";
    button.addEventListener("click", onClick);
    return el("div", { className: "actions" }, button);
  }

  /** @param {string} [status] */
  async function showNamedMe(status = "") {
    showError("contact-named-error", "");
    try {
      const { persons } = await (await api("GET", "/contacts/named-me")).json();
      const list = byId("contact-named-list");
      list.replaceChildren(...(persons.length ? persons.map(line) : [el("li", { text: S.contact_nobody })]));
      show("contact-named-me", { status });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {Naming} naming */
  async function ask(naming) {
    try {
      await api("POST", `/contacts/named-me/${naming.id}/ask`);
      await showNamedMe(fill(S.contact_asked, { person: naming.person.name }));
    } catch (error) {
      showError("contact-named-error", messageFor(error, S.unexpected_error));
    }
  }

  /** @param {Naming} naming */
  function startRecovery(naming) {
    recovering = naming;
    byId("contact-recover-title").textContent = fill(S.contact_recover_title, { person: naming.person.name });
    /** @type {HTMLFormElement} */ (byId("contact-recover-form")).reset();
    showError("contact-recover-error", "");
    show("contact-recover");
  }

  /**
   * The new passphrase's part of the body, in the KDF version of the person's account
   * (v2, SPEC §19: the salt is the territory's and the person's login; v1, §3).
   * @param {import("./kdf-client.js").KdfClient} kdf
   * @param {Uint8Array} masterKey
   * @param {string} passphrase
   * @param {any} material GET /contacts/named-me/{id}/recovery
   */
  async function newPassphrase(kdf, masterKey, passphrase, material) {
    if (material.kdf_version >= 2) {
      const who = { territory: String(CONFIG.territory), login: material.person_login };
      const rewrap = await kdf.call("rewrapV2", masterKey, passphrase, who);
      return {
        kdf: rewrap.kdf,
        auth_key: C.b64encode(rewrap.authKey),
        wrapped_master_passphrase: C.b64encode(rewrap.wrappedMasterPassphrase),
      };
    }
    const rewrap = await kdf.call("rewrapForNewPassphrase", masterKey, passphrase);
    return {
      kdf: C.kdfParamsToJson(rewrap.kdfParams),
      auth_key: C.b64encode(rewrap.authKey),
      wrapped_master_passphrase: C.b64encode(rewrap.wrappedMasterPassphrase),
    };
  }

  /** @param {SubmitEvent} event */
  async function onRecover(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const naming = recovering;
    if (!naming || !state.keys) return showNamedMe();
    const problem = passphraseProblem(form.passphrase.value, form.confirm.value, S, /** @type {string[]} */ (CONFIG.passphraseExamples || []));
    if (problem) return showError("contact-recover-error", problem);
    busy(form, true);
    const kdf = createKdfClient();
    /** @type {Uint8Array[]} */
    const secrets = [];
    try {
      const path = `/contacts/named-me/${naming.id}/recovery`;
      const material = await (await api("GET", path)).json();
      const contact = createContactRecovery(sodium);
      const key = contact.rebuildContactKey(C.b64decode(material.sealed_share), C.b64decode(material.server_share), state.keys.signSeed);
      secrets.push(key);
      const masterKey = contact.openMasterKeyForContact(key, C.b64decode(material.wrapped_master_key));
      secrets.push(masterKey);
      // The person's own keyring must open with it: a master key the server made up
      // is refused here, before anything is written (SPEC §28.3 step 3).
      const keys = C.unwrapKeyring(C.b64decode(material.wrapped_keyring), masterKey, C.b64decode(material.box_public_key), C.b64decode(material.sign_public_key));
      for (const value of Object.values(keys)) if (value instanceof Uint8Array && value !== keys.boxPublic && value !== keys.signPublic) secrets.push(value);
      const passphrase = await newPassphrase(kdf, masterKey, form.passphrase.value, material);
      const recoverySecret = C.newRecoverySecret();
      secrets.push(recoverySecret);
      const recovery = C.deriveRecoveryKeys(recoverySecret);
      secrets.push(recovery.wrapKey);
      await api("POST", path, {
        json: {
          ...passphrase,
          contact_auth_key: C.b64encode(contact.contactAuthKey(key)),
          recovery_auth_key: C.b64encode(recovery.authKey),
          wrapped_master_recovery: C.b64encode(C.wrapMasterKey(masterKey, recovery.wrapKey, "recovery")),
        },
      });
      byId("contact-done-text").textContent = fill(S.contact_done, { person: naming.person.name });
      byId("contact-done-code").textContent = C.formatRecoveryCode(recoverySecret);
      recovering = null;
      show("contact-done");
    } catch (error) {
      const wrong = error instanceof C.DecryptionError;
      showError("contact-recover-error", wrong ? S.contact_keys_refused : messageFor(error, S.unexpected_error));
      setStatus("");
    } finally {
      for (const value of secrets) sodium.memzero(value);
      kdf.end();
      busy(form, false);
      form.passphrase.value = "";
      form.confirm.value = "";
    }
  }

  function done() {
    byId("contact-done-code").textContent = "";
    showNamedMe();
  }

  byId("contact-recover-form").addEventListener("submit", onRecover);

  return {
    screens: ["contact-named-me", "contact-recover", "contact-done"],
    enter: { "contact-named-me": showNamedMe },
    actions: { "contact-done": done },
    wipe() {
      recovering = null;
      byId("contact-named-list").replaceChildren();
      byId("contact-done-code").textContent = "";
    },
  };
}
