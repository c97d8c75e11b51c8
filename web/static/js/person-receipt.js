// @ts-check
// "Reçu de partage": a share's consent receipt in plain words, checked here, and
// printed (docs/CONSENT.md, "Receipts the person holds").
//
// The page asks GET /grants/{id}/receipt and checks the receipt itself with the
// person's OWN sign key (the key ring the passphrase opened, never the key the server
// shows): format 1 as SPEC §11/§16, format 2 as SPEC §23.3/§24.5, read strictly
// (SPEC §18.1). Then what the receipt says — its grant, person, professional,
// structure, purpose — must be the share it is shown for. Everything on the screen
// comes from the checked receipt; the names of the documents are the ones the page
// opened (the vault's own names), never sent by the server in clear.
import { button, day, el, fill, time } from "./consent-common.js";
import { messageFor } from "./http.js";
import { createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { TYPES, createCoffreStatementsV2 } from "./coffre-statements-v2.js";
import { isObject, parseStrictJson } from "./coffre-json.js";
import { purposeParagraph } from "./purpose-words.js";

/** A share as GET /grants lists it. @typedef {Record<string, any>} Grant */

/**
 * A sentence of the page's language with names set in it, each in a <bdi> (the names
 * are French: isolated, they keep their « » and parentheses on the right sides of an
 * Arabic sentence). `{name}` as in fill().
 * @param {string} template
 * @param {Record<string, string>} names
 * @returns {(string | HTMLElement)[]}
 */
function withNames(template, names) {
  return template
    .split(/\{(\w+)\}/)
    .map((part, i) => (i % 2 === 0 ? part : part in names ? el("bdi", { text: names[part] }) : `{${part}}`))
    .filter((part) => part !== "");
}
/**
 * What a checked receipt says, whatever its format.
 * @typedef {{grant: string, person: string, professional: string, structure: string,
 *   purpose: string, documents: string[], notBefore: number, notAfter: number,
 *   maxPulls: number | null}} ReceiptWords
 */

/** @param {import("./types/page").PersonHelpers} P */
export function createReceipt(P) {
  const { S, C, api, show, setStatus, categoryLabel, state } = P;
  /** @type {ReturnType<typeof createCoffreStatementsV2> | null} */
  let statements = null;
  const st = () => (statements ||= createCoffreStatementsV2(P.sodium, createCoffreCryptoV2(P.sodium)));

  /**
   * The receipt as stored, checked under `signer`; null when it does not verify or is
   * about another share.
   * @param {any} envelope the receipt's envelope, read strictly
   * @param {Uint8Array} signer
   * @param {Grant} grant
   * @returns {ReceiptWords | null}
   */
  function checkedUnder(envelope, signer, grant) {
    try {
      const statement = isObject(envelope) ? envelope.statement : null;
      /** @type {ReceiptWords} */
      let said;
      if (isObject(statement) && statement.v === 1) {
        const s = C.verifyStatement(envelope, signer);
        if (s.type !== TYPES.CONSENT_RECEIPT) return null;
        said = {
          grant: String(s.grant),
          person: String(s.person),
          professional: String(s.professional),
          structure: String(s.structure),
          purpose: String(s.purpose),
          documents: s.documents.map((/** @type {{id: string}} */ d) => String(d.id)),
          notBefore: Date.parse(String(s.not_before)),
          notAfter: Date.parse(String(s.not_after)),
          maxPulls: s.max_pulls === null ? null : Number(s.max_pulls),
        };
      } else {
        const r = st().readReceiptV2(st().verifyStatementV2(envelope, signer, TYPES.CONSENT_RECEIPT));
        said = { ...r, documents: r.documents.map((d) => d.id) }; // times: ms since 1970
      }
      const same =
        said.grant === grant.id &&
        said.person === state.accountId &&
        said.professional === grant.professional_id &&
        said.structure === grant.structure_id &&
        said.purpose === grant.purpose;
      return same ? said : null;
    } catch (error) {
      if (error instanceof C.CryptoError) return null;
      throw error;
    }
  }

  /**
   * What the page can say of the receipt: "good" (it verifies under the person's OWN
   * key and is this share's, with what it says), "other" (it verifies only under
   * another key, e.g. signed before the vault was replaced by an empty one: it cannot
   * be checked here, nothing of it is shown), or "bad" (changed, or about another share).
   * @param {string} text the receipt as stored
   * @param {Grant} grant
   * @returns {{state: "good", said: ReceiptWords} | {state: "other" | "bad"}}
   */
  function checked(text, grant) {
    const keys = state.keys;
    if (!keys) return { state: "bad" };
    let envelope;
    try {
      envelope = /** @type {any} */ (parseStrictJson(text));
    } catch (error) {
      if (error instanceof C.CryptoError) return { state: "bad" };
      throw error;
    }
    const said = checkedUnder(envelope, keys.signPublic, grant);
    if (said) return { state: "good", said };
    let signer = null;
    try {
      signer = isObject(envelope) && typeof envelope.signer === "string" ? C.b64decode(envelope.signer) : null;
    } catch (error) {
      if (!(error instanceof C.CryptoError)) throw error;
    }
    if (!signer || signer.length !== 32 || P.sodium.memcmp(signer, keys.signPublic)) return { state: "bad" };
    return checkedUnder(envelope, signer, grant) ? { state: "other" } : { state: "bad" };
  }

  /**
   * @param {string} id @param {Grant} grant
   * @returns {(string | HTMLElement)[]}
   */
  function documentName(id, grant) {
    const doc = P.documentById(id);
    if (doc) return ["« ", el("bdi", { text: P.docTitle(doc) }), " »"];
    const listed = (grant.documents || []).find((/** @type {{id: string}} */ d) => d.id === id);
    return [fill(S.document_gone, { category: listed ? categoryLabel(listed.category) : "" })];
  }

  /**
   * @param {ReceiptWords} said
   * @param {Grant} grant
   */
  function words(said, grant) {
    const openings =
      said.maxPulls === null ? S.receipt_openings_free : fill(S.receipt_openings, { n: said.maxPulls });
    let purposeName = "";
    const purpose = purposeParagraph(P.charter(), grant.purpose, grant.purpose_label, (name) => {
      purposeName = name;
      return fill(S.grant_purpose, { purpose: name });
    });
    purpose.querySelector(".purpose-name")?.replaceChildren(...withNames(S.grant_purpose, { purpose: purposeName }));
    const [before, after = ""] = S.grant_documents.split("{documents}");
    const documents = said.documents.flatMap((id, i) => [...(i ? [", "] : []), ...documentName(id, grant)]);
    return [
      el("h2", {}, ...withNames(S.receipt_with, { professional: grant.professional_name, structure: grant.structure_name })),
      purpose,
      el("p", {}, before, ...documents, after),
      el("p", {
        text: fill(S.receipt_dates, {
          start_date: day(said.notBefore),
          start_time: time(said.notBefore),
          end_date: day(said.notAfter),
          end_time: time(said.notAfter),
        }),
      }),
      el("p", { text: openings }),
      grant.pulls > 0 ? el("p", { text: fill(S.grant_pulls, { n: grant.pulls }) }) : null,
    ].filter((node) => node !== null);
  }

  /** @param {Grant} grant */
  async function showReceipt(grant) {
    setStatus(S.working);
    try {
      const body = await (await api("GET", `/grants/${grant.id}/receipt`)).json();
      if (!P.charter()) await P.loadCharter(); // the purpose's everyday words
      const found = checked(String(body.receipt), grant);
      const box = /** @type {HTMLElement} */ (document.getElementById("receipt-body"));
      const verdict = /** @type {HTMLElement} */ (document.getElementById("receipt-state"));
      const print = /** @type {HTMLButtonElement} */ (document.getElementById("receipt-print"));
      if (found.state === "good") {
        box.replaceChildren(...words(found.said, grant));
        verdict.className = "receipt-state good";
        verdict.textContent = S.receipt_good;
        print.hidden = false;
      } else {
        box.replaceChildren();
        verdict.className = found.state === "other" ? "receipt-state status-note" : "receipt-state warning";
        verdict.textContent = found.state === "other" ? S.receipt_other : S.receipt_bad;
        print.hidden = true;
      }
      show("receipt");
      setStatus("");
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /**
   * The "Voir le reçu" button of a share's card (person-grants.js).
   * @param {Grant} grant
   * @param {string} headingId
   */
  function openButton(grant, headingId) {
    const open = button(S.receipt_view, () => showReceipt(grant), "link");
    open.setAttribute("aria-describedby", headingId);
    return open;
  }

  return {
    openButton,
    screens: ["receipt"],
    enter: {},
    actions: { "print-receipt": () => window.print() },
    wipe() {
      const box = document.getElementById("receipt-body");
      if (box) box.replaceChildren();
      const verdict = document.getElementById("receipt-state");
      if (verdict) verdict.textContent = "";
      statements = null;
    },
  };
}
