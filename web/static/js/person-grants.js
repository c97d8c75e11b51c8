// @ts-check
// "Mes partages": every share the person made, with its state; stop one, or stop it
// and give its documents a new key (re-encryption, docs/CONSENT.md).
import { button, day, el, fill, time } from "./consent-common.js";
import { messageFor } from "./http.js";
import { StallError } from "./transfer.js";
import { refusedError } from "./documents-v2.js";
import { rekeyDocument } from "./rekey-v2.js";
import { createHeld } from "./person-held.js";
import { purposeParagraph, withPurposes } from "./purpose-words.js";

/** A share as GET /grants lists it. @typedef {Record<string, any>} Grant */
/** A document a share names. @typedef {{id: string, category: string}} SharedDocument */

/** @param {import("./types/page").PersonHelpers} P */
export function createGrants(P) {
  const { S, C, api, show, setStatus, categoryLabel } = P;
  // Shares held by a professional whose access was withdrawn: re-share or stop (person-held.js).
  const held = createHeld(P, (status) => showGrants(status));

  /** @param {Grant} grant */
  function stateWords(grant) {
    switch (grant.state) {
      case "active":
        return fill(S.grant_active, { date: day(grant.not_after), time: time(grant.not_after) });
      case "expired":
        return fill(S.grant_expired, { date: day(grant.not_after) });
      case "revoked":
        return fill(S.grant_revoked, { date: day(grant.revoked_at) });
      case "exhausted":
        return S.grant_exhausted;
      default:
        return grant.state;
    }
  }

  /** @param {SharedDocument} shared */
  function sharedTitle(shared) {
    const doc = P.documentById(shared.id);
    return doc ? `« ${P.docTitle(doc)} »` : fill(S.document_gone, { category: categoryLabel(shared.category) });
  }

  /**
   * @param {Grant} grant
   * @param {number} index
   */
  function grantCard(grant, index) {
    const headingId = `grant-${index}`;
    const card = el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: `${grant.professional_name}, ${grant.structure_name}` }),
      purposeParagraph(P.charter(), grant.purpose, grant.purpose_label, (purpose) => fill(S.grant_purpose, { purpose })),
      el("p", {
        text: grant.documents.length
          ? fill(S.grant_documents, { documents: grant.documents.map(sharedTitle).join(", ") })
          : S.grant_no_documents,
      }),
      el("p", {}, el("span", { className: `state ${grant.state}`, text: stateWords(grant) })),
    );
    if (grant.pulls > 0) card.append(el("p", { text: fill(S.grant_pulls, { n: grant.pulls }) }));
    card.append(el("p", {}, P.receipt.openButton(grant, headingId))); // person-receipt.js
    if (grant.state === "active") {
      const stopIt = button(S.revoke, () => revoke(grant, false, card), "danger");
      const rotate = button(S.revoke_reencrypt, () => revoke(grant, true, card));
      for (const b of [stopIt, rotate]) b.setAttribute("aria-describedby", headingId);
      card.append(el("div", { className: "actions" }, stopIt, rotate), el("p", { className: "hint", text: S.reencrypt_hint }));
    } else if (grant.documents.some((/** @type {SharedDocument} */ shared) => P.documentById(shared.id))) {
      // Ended, but a copy of a key may have been kept: the documents still in the
      // vault can get a new one.
      const rotate = button(S.reencrypt_ended, () => revoke(grant, true, card, false));
      rotate.setAttribute("aria-describedby", headingId);
      card.append(el("div", { className: "actions" }, rotate), el("p", { className: "hint", text: S.reencrypt_ended_hint }));
    }
    return card;
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showGrants(status = "", options = {}) {
    try {
      await P.refreshDocuments();
      const { grants } = await (await api("GET", "/grants")).json();
      await withPurposes(P, grants); // their everyday names and examples (purpose-words.js)
      const list = /** @type {HTMLElement} */ (document.getElementById("grant-list"));
      const notices = await held.cards(grants);
      const heldList = notices.length ? [el("ul", { className: "cards", id: "grant-held" }, ...notices)] : [];
      if (!grants.length) list.replaceChildren(el("p", { text: S.no_grants }));
      else list.replaceChildren(...heldList, el("ul", { className: "cards" }, ...grants.map(grantCard)));
      show("grants", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /**
   * @param {Grant} grant
   * @param {boolean} rotate give the documents a new key
   * @param {HTMLElement} card
   * @param {boolean} [active] still active: stop it first
   */
  async function revoke(grant, rotate, card, active = true) {
    for (const b of card.querySelectorAll("button")) b.disabled = true;
    setStatus(S.working);
    try {
      if (active) await api("POST", `/grants/${grant.id}/revoke`);
      if (!rotate) return await showGrants(fill(S.revoked_done, { professional: grant.professional_name }));
      for (const shared of grant.documents) {
        const doc = P.documentById(shared.id);
        if (!doc) continue;
        setStatus(fill(S.reencrypting, { document: P.docTitle(doc) }));
        await rekeyDocument(P, doc); // rekey-v2.js
      }
      const done = active ? S.revoked_reencrypted : S.reencrypted_done;
      await showGrants(fill(done, { professional: grant.professional_name }));
    } catch (error) {
      let message = error instanceof C.CryptoError ? S.decrypt_failed : messageFor(error, S.unexpected_error);
      if (refusedError(error)) message = S.my_document_refused;
      if (error instanceof StallError) message = S.reencrypt_stalled;
      await showGrants(`${S.error_prefix} : ${message}`);
    }
  }

  return {
    show: showGrants,
    screens: ["grants"],
    enter: { grants: showGrants },
    actions: {},
    wipe() {
      /** @type {HTMLElement} */ (document.getElementById("grant-list")).replaceChildren();
    },
  };
}
