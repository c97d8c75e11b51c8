// @ts-check
// "Une personne de confiance" (crypto/SPEC.md §28, coffre/contacts/service.py): the
// person names one trusted contact — a person they know, whose sign key they pin by
// typing the spoken pin that person's phone shows (§25.3), or a professional whose
// keys verify up to the territory's pinned root (trust.js) — after reading plainly
// what that person could do. Their passphrase, typed again, opens the master key here
// (it never leaves this page); contact-recovery.js wraps it for the contact. A request
// of the contact is shown here with "Refuser", one tap.
import { askToChoose, checked, choice, choiceMade, day, fill, time } from "./consent-common.js";
import { createContactRecovery } from "./contact-recovery.js";
import { documentsV2 } from "./documents-v2.js";
import { ApiError, messageFor } from "./http.js";
import { createKdfClient } from "./kdf-client.js";

/**
 * GET /me/trusted-contact's `contact`.
 * @typedef {{id: string, contact: {account_id: string, kind: string, name: string, structure: string | null}, waiting_days: number, since: string, request: {id: string, state: string, asked_at: string, opens_at: string, open: boolean} | null}} Arrangement
 */
/** Who the person is about to name, with the sign key their client authenticated. @typedef {{id: string, name: string, signPublic: Uint8Array}} Chosen */

/** @param {import("./types/page").PersonHelpers} P */
export function createContact(P) {
  const { S, C, CONFIG, sodium, api, show, showError, setStatus, busy } = P;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @type {Arrangement | null} */
  let current = null;
  let waitingDays = 7;
  /** @type {Chosen | null} */
  let chosen = null;
  /** @type {any[]} */
  let professionals = [];
  /** The keys of the vault a waiting request was last looked for (a new login looks again). */
  let checkedFor = /** @type {unknown} */ (null);

  /** @param {Arrangement} arrangement */
  function who(arrangement) {
    const { name, structure } = arrangement.contact;
    return structure ? `${name} (${structure})` : name;
  }

  /** @param {string} [status] */
  async function showContact(status = "") {
    showError("contact-error", "");
    try {
      const answer = await (await api("GET", "/me/trusted-contact")).json();
      current = answer.contact;
      waitingDays = answer.waiting_days;
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
      return;
    }
    const request = current && current.request && current.request.state === "waiting" ? current.request : null;
    byId("contact-request").hidden = !request;
    if (current && request) {
      byId("contact-request-text").textContent = fill(S.contact_request_pending, {
        contact: who(current),
        asked: day(request.asked_at),
        date: day(request.opens_at),
        time: time(request.opens_at),
      });
    }
    byId("contact-current").textContent = current
      ? fill(S.contact_current, { contact: who(current), since: day(current.since), days: current.waiting_days })
      : S.contact_none;
    byId("contact-start").textContent = current ? S.contact_change : S.contact_choose;
    byId("contact-remove").hidden = !current;
    show("contact", { status });
  }

  /**
   * At unlock: a request of the contact that waits takes the screen (true), so that the
   * person sees it, and "Refuser", before anything else; once per opened vault.
   * @param {string} status
   */
  async function interrupts(status) {
    if (!P.state.keys || checkedFor === P.state.keys) return false;
    checkedFor = P.state.keys;
    try {
      const answer = await (await api("GET", "/me/trusted-contact")).json();
      const request = answer.contact && answer.contact.request;
      if (!request || request.state !== "waiting") return false;
    } catch {
      return false; // the vault opens anyway; the request is on "Une personne de confiance"
    }
    await showContact(status);
    return true;
  }

  function start() {
    chosen = null;
    const form = /** @type {HTMLFormElement} */ (byId("contact-kind-form"));
    form.reset(); // nothing pre-selected
    showError("contact-kind-error", "");
    show("contact-kind");
  }

  /** @param {SubmitEvent} event */
  async function onKind(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const kind = checked(form, "kind");
    if (!kind) return askToChoose(form, "kind", "contact-kind-error", S.contact_choose_kind);
    choiceMade(form, "kind");
    if (kind === "person") {
      /** @type {HTMLFormElement} */ (byId("contact-person-form")).reset();
      showError("contact-person-error", "");
      return show("contact-person");
    }
    busy(form, true);
    try {
      professionals = (await (await api("GET", "/directory/professionals")).json()).professionals;
      const list = byId("contact-pro-list");
      list.replaceChildren(
        ...professionals.map((p) => choice("contact-pro", p.account_id, p.display_name, `${p.profession_label}, ${p.structure.name}`, false)),
      );
      showError("contact-pro-error", professionals.length ? "" : S.share_no_professional);
      show("contact-pro");
    } catch (error) {
      showError("contact-kind-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // The pin is checked here, against the key the server gives for that login: a key
  // the server swapped would not match what the person reads on their own phone.
  /** @param {SubmitEvent} event */
  async function onPerson(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const login = form.login.value.trim();
    if (!login) return showError("contact-person-error", S.login_missing);
    busy(form, true);
    try {
      try {
        documentsV2(P).st.parsePinSpoken(form.pin.value);
      } catch {
        return showError("contact-person-error", S.contact_pin_invalid);
      }
      // The server answers only for a login whose key the pin names (no one can test
      // logins without being face to face with their holders), and the page checks
      // the key it gets against the pin again below.
      const query = `login=${encodeURIComponent(login)}&pin=${encodeURIComponent(form.pin.value)}`;
      let found;
      try {
        found = await (await api("GET", `/contacts/candidates?${query}`)).json();
      } catch (error) {
        if (error instanceof ApiError && error.code === "contact_not_found") {
          return showError("contact-person-error", S.contact_pin_mismatch);
        }
        throw error;
      }
      const signPublic = C.b64decode(found.sign_public_key);
      let matches = false;
      try {
        matches = documentsV2(P).st.matchesPin(signPublic, form.pin.value);
      } catch {
        return showError("contact-person-error", S.contact_pin_invalid);
      }
      if (!matches) return showError("contact-person-error", S.contact_pin_mismatch);
      chosen = { id: found.account_id, name: found.login, signPublic };
      confirmStep();
    } catch (error) {
      showError("contact-person-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  /** @param {SubmitEvent} event */
  async function onPro(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const id = checked(form, "contact-pro");
    if (!id) return askToChoose(form, "contact-pro", "contact-pro-error", S.contact_choose_pro);
    choiceMade(form, "contact-pro");
    const pro = professionals.find((p) => p.account_id === id);
    busy(form, true);
    try {
      const root = await P.trust.check();
      if (root.state === "changed") return showError("contact-pro-error", S.root_changed);
      if (root.state === "unchained") return showError("contact-pro-error", S.root_unchained);
      if (root.state === "rotated") return P.trust.tellRotated({ onConfirm: () => proVerified(pro) });
      if (root.state === "mismatch") return showError("contact-pro-error", S.root_mismatch);
      if (root.state === "first") {
        return P.trust.ask(root.fingerprint, { onConfirm: () => proVerified(pro), onBack: () => show("contact-pro") });
      }
      await proVerified(pro);
    } catch (error) {
      showError("contact-pro-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // The professional's sign key, verified up to the pinned root (the directory's word
  // is not enough): the share is sealed to that key (SPEC §28.1).
  /** @param {any} pro */
  async function proVerified(pro) {
    const verified = await P.trust.verifiedKeys(pro.account_id);
    if (!verified || verified.leaf.structure !== pro.structure.id) {
      show("contact-pro");
      return showError("contact-pro-error", S.keys_not_certified);
    }
    chosen = { id: pro.account_id, name: `${verified.leaf.display_name} (${pro.structure.name})`, signPublic: verified.signPublic };
    confirmStep();
  }

  function confirmStep() {
    if (!chosen) return;
    byId("contact-warning").textContent = fill(S.contact_warning, { days: waitingDays });
    byId("contact-confirm-who").textContent = fill(S.contact_confirm_who, { contact: chosen.name });
    const form = /** @type {HTMLFormElement} */ (byId("contact-confirm-form"));
    form.reset(); // the box is never ticked for the person
    showError("contact-confirm-error", "");
    show("contact-confirm");
  }

  /**
   * The master key from the passphrase typed again: v2 parameters (SPEC §19, they carry
   * "v") through the worker's v2 derivation, whose salt is the territory's and the
   * login's; v1 ones (§3) as at unlock.
   * @param {import("./kdf-client.js").KdfClient} kdf
   * @param {string} passphrase
   * @param {any} keyring GET /me's keyring
   * @param {string} login the account's login, as the server keeps it (canonical)
   * @returns {Promise<Uint8Array>}
   */
  async function openMasterKey(kdf, passphrase, keyring, login) {
    const wrapped = C.b64decode(keyring.wrapped_master_passphrase);
    if (keyring.kdf && typeof keyring.kdf === "object" && "v" in keyring.kdf) {
      const who = { territory: String(CONFIG.territory), login };
      const keys = await kdf.call("derivePassphraseKeysAny", passphrase, keyring.kdf, who);
      sodium.memzero(keys.authKey);
      try {
        return C.unwrapMasterKey(wrapped, keys.wrapKey, "passphrase");
      } finally {
        sodium.memzero(keys.wrapKey);
      }
    }
    return kdf.call("openMasterKey", passphrase, C.kdfParamsFromJson(keyring.kdf), wrapped);
  }

  /** @param {SubmitEvent} event */
  async function onConfirm(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!chosen) return showContact();
    if (!form.understood.checked) return showError("contact-confirm-error", S.contact_not_understood);
    if (!form.passphrase.value) return showError("contact-confirm-error", S.contact_passphrase_missing);
    busy(form, true);
    const kdf = createKdfClient();
    /** @type {Uint8Array | null} */
    let masterKey = null;
    try {
      const me = await (await api("GET", "/me")).json();
      const keyring = me.keyring;
      try {
        masterKey = await openMasterKey(kdf, form.passphrase.value, keyring, me.account.login);
      } catch (error) {
        if (error instanceof C.DecryptionError) return showError("contact-confirm-error", S.wrong_passphrase_here);
        throw error;
      }
      const named = createContactRecovery(sodium).nameContact(/** @type {Uint8Array} */ (masterKey), chosen.signPublic);
      await api("PUT", "/me/trusted-contact", {
        json: {
          contact_id: chosen.id,
          wrapped_master_key: C.b64encode(named.wrappedMasterKey),
          sealed_share: C.b64encode(named.sealedShare),
          server_share: C.b64encode(named.serverShare),
          auth_key: C.b64encode(named.authKey),
        },
      });
      for (const value of [named.key, named.authKey, named.serverShare]) sodium.memzero(value);
      chosen = null;
      await showContact(S.contact_named);
    } catch (error) {
      showError("contact-confirm-error", messageFor(error, S.unexpected_error));
      setStatus("");
    } finally {
      if (masterKey) sodium.memzero(masterKey);
      kdf.end();
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  async function refuse() {
    const request = current && current.request;
    if (!request) return;
    try {
      await api("POST", `/me/trusted-contact/requests/${request.id}/refuse`);
      await showContact(S.contact_refused);
    } catch (error) {
      showError("contact-error", messageFor(error, S.unexpected_error));
    }
  }

  async function remove() {
    try {
      await api("DELETE", "/me/trusted-contact");
      await showContact(S.contact_removed);
    } catch (error) {
      showError("contact-error", messageFor(error, S.unexpected_error));
    }
  }

  byId("contact-kind-form").addEventListener("submit", onKind);
  byId("contact-person-form").addEventListener("submit", onPerson);
  byId("contact-pro-form").addEventListener("submit", onPro);
  byId("contact-confirm-form").addEventListener("submit", onConfirm);

  return {
    interrupts,
    screens: ["contact", "contact-kind", "contact-person", "contact-pro", "contact-confirm"],
    enter: { contact: showContact },
    actions: { "contact-start": start, "contact-refuse": refuse, "contact-remove": remove },
    wipe() {
      current = null;
      checkedFor = null;
      chosen = null;
      professionals = [];
      byId("contact-pro-list").replaceChildren();
      byId("contact-current").textContent = "";
      byId("contact-request-text").textContent = "";
    },
  };
}
