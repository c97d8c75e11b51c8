// @ts-check
// The charter officer's view of a grant's consent receipt (docs/CONSENT.md, "Receipts
// the person holds"): GET /grants/{id}/receipt, what it says, and whether it checks.
//
// The check is made here with libsodium (loaded only when a receipt is opened): the
// person's signature (format 1, SPEC §11/§16; format 2, SPEC §23.3/§24.5) under the
// person's key the server shows, and the receipt names the grant asked for. Persons
// have no certificate: the key is the one the server holds for the person, so the
// screen says that the key's code (SPEC §25) is what the person can compare on their
// phone. Metadata only: no document name, no person's id on screen (the person is
// named by the console's pseudonym when the trail gave one).
import { createCoffreCrypto } from "./coffre-crypto.js";
import { createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { TYPES, createCoffreStatementsV2 } from "./coffre-statements-v2.js";
import { isObject, parseStrictJson } from "./coffre-json.js";
import { fill } from "./consent-common.js";
import { byId } from "./desk.js";

/**
 * @typedef {object} ReceiptDeps
 * @property {Record<string, string>} STRINGS
 * @property {Record<string, any>} config `sodium`: libsodium's module URL
 * @property {{professionals: Map<string, string>, structures: Map<string, string>, purposes: Map<string, string>}} state
 * @property {(method: string, path: string) => Promise<Response>} api
 * @property {(name: string) => void} show
 * @property {(value: string | number | Date) => string} when
 * @property {typeof import("./desk.js").el} el
 */

/** @param {ReceiptDeps} deps */
export function createConsoleReceipts({ STRINGS, config, state, api, show, when, el }) {
  /** @type {any} */
  let sodium = null;

  async function loadSodium() {
    if (!sodium) {
      const module = await import(config.sodium);
      sodium = module.default;
      await sodium.ready;
    }
    return sodium;
  }

  /**
   * The statement, if it verifies under `key` and names `grantId`; null otherwise.
   * @param {string} text the receipt as stored
   * @param {Uint8Array} key
   * @param {string} grantId
   */
  async function verified(text, key, grantId) {
    const lib = await loadSodium();
    const C = createCoffreCrypto(lib);
    try {
      const envelope = /** @type {any} */ (parseStrictJson(text));
      const statement = isObject(envelope) ? envelope.statement : null;
      let said;
      if (isObject(statement) && statement.v === 1) {
        said = C.verifyStatement(envelope, key);
        if (said.type !== TYPES.CONSENT_RECEIPT) return null;
      } else {
        const st = createCoffreStatementsV2(lib, createCoffreCryptoV2(lib));
        st.readReceiptV2(st.verifyStatementV2(envelope, key, TYPES.CONSENT_RECEIPT));
        said = /** @type {any} */ (statement);
      }
      return said.grant === grantId ? said : null;
    } catch (error) {
      if (error instanceof C.CryptoError) return null;
      throw error;
    }
  }

  /**
   * What the receipt says, in the console's words.
   * @param {Record<string, any>} s the statement
   */
  function facts(s) {
    const lines = [
      fill(STRINGS.receipt_professional, {
        professional: state.professionals.get(s.professional) || s.professional,
        structure: state.structures.get(s.structure) || s.structure,
      }),
      fill(STRINGS.purpose, { purpose: state.purposes.get(s.purpose) || s.purpose }),
      fill(STRINGS.receipt_documents, { n: s.documents.length }),
      fill(STRINGS.receipt_period, { start: when(s.not_before), end: when(s.not_after) }),
      s.max_pulls === null ? STRINGS.receipt_openings_free : fill(STRINGS.receipt_openings, { n: s.max_pulls }),
      fill(STRINGS.receipt_charter, { version: s.charter_version }),
    ];
    return lines.map((text) => el("p", { text }));
  }

  /** @param {string} grantId */
  async function showReceipt(grantId) {
    const body = await (await api("GET", `/grants/${grantId}/receipt`)).json();
    const lib = await loadSodium();
    const key = lib.from_base64(String(body.person_key.sign_public_key), lib.base64_variants.URLSAFE_NO_PADDING);
    const said = await verified(String(body.receipt), key, grantId);
    const box = byId("receipt-facts");
    const verdict = byId("receipt-verdict");
    if (said) {
      box.replaceChildren(...facts(said));
      verdict.className = "receipt-state good";
      verdict.textContent = fill(STRINGS.receipt_checked, { format: body.format, pin: body.person_key.pin || "" });
    } else {
      box.replaceChildren();
      verdict.className = "receipt-state warning";
      verdict.textContent = STRINGS.receipt_not_checked;
    }
    byId("receipt-server").textContent = body.verified_by_server ? STRINGS.receipt_server_ok : STRINGS.receipt_server_not_ok;
    show("receipt");
  }

  /**
   * The "Voir le reçu" button of a trail entry about a grant, or null.
   * @param {Record<string, any>} entry
   * @param {(step: () => unknown) => void} guarded
   */
  function buttonFor(entry, guarded) {
    const details = entry.details || {};
    const grantId = entry.object_type === "grant" ? entry.object_id : details.grant;
    if (typeof grantId !== "string" || !/^[0-9a-f]{32}$/.test(grantId)) return null;
    const open = /** @type {HTMLButtonElement} */ (el("button", { className: "link", text: STRINGS.receipt_view }));
    open.type = "button";
    open.addEventListener("click", () => guarded(() => showReceipt(grantId)));
    return el("p", {}, open);
  }

  function wipe() {
    for (const id of ["receipt-facts", "receipt-verdict", "receipt-server"]) {
      const node = document.getElementById(id);
      if (node) node.replaceChildren();
    }
  }

  return { buttonFor, showReceipt, wipe };
}
