// @ts-check
// A professional's deposit (docs/CONSENT.md "Deposits"): a document written into the
// vault of a person they are linked with (the persons who share something with them,
// from "Partagés avec moi"), encrypted to the person and signed as proof of origin.
//
// The pages are picked and assembled by app.js's add screens (camera, files, one PDF);
// this module gives them the target: the person's box key (GET /persons/{id}/box-key)
// seals the new document key, the deposit statement (SPEC §16) names the exact
// encrypted bytes and is signed with the professional's sign key. The depositor keeps
// no key: they cannot read the document back.
//
// Format v2 (SPEC §24.3, pro-v2.js depositV2): the target's `encrypt(bytes, meta)`
// makes the whole deposit — a document id chosen here, the v2 stream and metadata,
// and the v2 deposit statement binding them to the person, signed by the
// professional — whatever the professional's own account format (a v2 writer writes
// no v1 object). The add screens call it when they know it; `headers` is the v1
// deposit they called before (a v2 vault refuses it: format_v1_refused).
import { depositStatement, newId } from "./network.js";
import { askToChoose, byId, checked, choice, choiceMade, el, fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { createProV2 } from "./pro-v2.js";
import { TrustRefused, createTrustV2, isV2Chain } from "./trust-v2.js";

/** The pin this device confirmed (trust.js's key), else the one the page was served with. @param {any} CONFIG */
function rootPinOf(CONFIG) {
  try {
    const kept = localStorage.getItem("coffre.trustRoot") || "";
    return /^[A-Z2-7]{3}( [A-Z2-7]{3}){8}$/.test(kept) ? kept : String(CONFIG.rootPin || "");
  } catch {
    return String(CONFIG.rootPin || "");
  }
}

/** @param {any} ctx the helpers app.js gives */
export function createProDeposit(ctx) {
  const { S, C, sodium, state, api, show, setStatus, showError } = ctx;
  /** @type {{id: string, login: string}[]} */
  let persons = []; // [{id, login}] from the grants in force
  /** @type {any} */
  let profile = null; // my keys' body: structure_id (GET /professionals/{me}/keys)
  /** @type {ReturnType<typeof createProV2> | null} */
  let v2 = null;

  /** The persons with a share in force to me, once each, in the order of the list. */
  /**
   * @param {any[]} grants
   * @returns {{id: string, login: string}[]}
   */
  function personsOf(grants) {
    const seen = new Map();
    for (const grant of grants) if (!seen.has(grant.person_id)) seen.set(grant.person_id, grant.person_login);
    return [...seen].map(([id, login]) => ({ id, login }));
  }

  async function showPersons(status = "", options = {}) {
    try {
      const { grants } = await (await api("GET", "/shared-with-me")).json();
      persons = personsOf(grants);
      const list = byId("deposit-person-list");
      // No vault is ticked in advance: a deposit into the wrong person's vault is a leak.
      list.replaceChildren(...persons.map((p) => choice("person", p.id, p.login, "", false)));
      byId("deposit-person-fields").hidden = !persons.length;
      byId("deposit-person-next").hidden = !persons.length;
      byId("deposit-person-none").hidden = Boolean(persons.length);
      showError("deposit-person-error", "");
      show("deposit-person", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /**
   * My own v2 certificate checked as the person's page will check it (SPEC §26.4:
   * the root in force, the revocation list, its end) before anything is made: the
   * words to show when it does not hold, else "".
   */
  async function ownProblem() {
    profile = await (await api("GET", `/professionals/${state.accountId}/keys`)).json();
    if (!isV2Chain(profile.certificates)) return "";
    try {
      await createTrustV2(sodium, api, () => Boolean(ctx.CONFIG && ctx.CONFIG.rootV2)).checkChain(state.accountId, profile, rootPinOf(ctx.CONFIG || {}));
      return "";
    } catch (error) {
      if (!(error instanceof TrustRefused)) throw error;
      if (error.problem === "expired") return S.deposit_own_expired;
      if (error.problem === "revoked") return S.deposit_own_revoked;
      return S.deposit_own_unchecked;
    }
  }

  /** @param {SubmitEvent} event */
  async function onPerson(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const id = checked(form, "person");
    const person = persons.find((p) => p.id === id);
    if (!person) return askToChoose(form, "person", "deposit-person-error", S.choose_person);
    try {
      const problem = await ownProblem();
      if (problem) return showError("deposit-person-error", problem);
    } catch (error) {
      return showError("deposit-person-error", messageFor(error, S.unexpected_error));
    }
    startFor(person);
  }

  /** Opens the add screens with this person's vault as the target. */
  /** @param {{id: string, login: string}} person */
  function startFor(person) {
    ctx.startAdd({
      intro: fill(S.deposit_for, { person: person.login }),
      sendLabel: S.deposit_send,
      path: "/api/v1/deposits",
      headers: (/** @type {any} */ parts) => depositHeaders(person, parts),
      encrypt: (/** @type {Uint8Array} */ bytes, /** @type {any} */ meta, /** @type {any} */ options) => depositV2(person, bytes, meta, options),
      done: () => ctx.home(fill(S.deposit_done, { person: person.login })),
    });
  }

  /**
   * The v2 deposit of `bytes` for `person`: {blob, headers} to POST to /deposits.
   * @param {{id: string, login: string}} person
   * @param {Uint8Array} bytes
   * @param {{name: string, mime: string, size: number, sha256: string}} meta
   * @param {{category: string, expiresOn?: string | null}} options
   */
  async function depositV2(person, bytes, meta, { category, expiresOn = null }) {
    if (!profile) profile = await (await api("GET", `/professionals/${state.accountId}/keys`)).json();
    const { box_public_key: boxKey } = await (await api("GET", `/persons/${person.id}/box-key`)).json();
    v2 ||= createProV2(sodium, C);
    const { blob, headers } = v2.depositV2({
      bytes,
      meta,
      category,
      expiresOn,
      personId: person.id,
      personBox: C.b64decode(boxKey),
      depositorId: state.accountId,
      structureId: profile.structure_id,
      signSeed: state.keys.signSeed,
      newId: () => newId(sodium),
    });
    return { blob, headers };
  }

  /**
   * @param {{id: string, login: string}} person
   * @param {any} parts
   */
  async function depositHeaders(person, { docKey, meta, category, ciphertextSha256, expiresOn }) {
    if (!profile) profile = await (await api("GET", `/professionals/${state.accountId}/keys`)).json();
    const { box_public_key: boxKey } = await (await api("GET", `/persons/${person.id}/box-key`)).json();
    const statement = depositStatement({
      document: newId(sodium),
      person: person.id,
      depositor: state.accountId,
      structure: profile.structure_id,
      category,
      ciphertextSha256,
      depositedAt: new Date(),
    });
    const envelope = C.signStatement(statement, state.keys.signSeed);
    return {
      "Content-Type": "application/octet-stream",
      "Coffre-Person": person.id,
      "Coffre-Category": category,
      "Coffre-Metadata": C.b64encode(C.encryptMetadata(docKey, meta)),
      "Coffre-Sealed-Key": C.b64encode(C.sealDocumentKey(docKey, C.b64decode(boxKey))),
      "Coffre-Deposit": C.b64encode(new TextEncoder().encode(JSON.stringify(envelope))),
      ...(expiresOn ? { "Coffre-Expires-On": expiresOn } : {}),
    };
  }

  /** The button on a card of "Partagés avec moi". */
  /**
   * @param {any} grant
   * @param {string} describedBy
   */
  function depositButton(grant, describedBy) {
    const node = el("button", { text: fill(S.deposit_for_button, { person: grant.person_login }) });
    node.type = "button";
    node.setAttribute("aria-describedby", describedBy);
    node.addEventListener("click", () => startFor({ id: grant.person_id, login: grant.person_login }));
    return node;
  }

  const personForm = /** @type {HTMLFormElement} */ (byId("deposit-person-form"));
  personForm.addEventListener("submit", onPerson);
  personForm.addEventListener("change", () => {
    choiceMade(personForm, "person");
    showError("deposit-person-error", "");
  });

  return {
    depositButton,
    screens: ["deposit-person"],
    enter: { "deposit-person": showPersons },
    actions: {},
    wipe() {
      persons = [];
      profile = null;
      byId("deposit-person-list").replaceChildren();
    },
  };
}
