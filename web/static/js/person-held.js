// @ts-check
// "Mes partages", at the top: the person's shares still in force whose professional
// can no longer open them (the professional's certificate was revoked: lost phone,
// gone from the structure, new keys; GET /revoked-keys/grants, contract issue 17).
// For each one, the page checks the professional again (trust.checkedKeys, SPEC §26.4):
// - verified now (a new certificate over new keys: a key rotation): the person is
//   offered to share again, the same documents, purpose and end, sealed to the new
//   keys (grant-send.js, which checks once more), then the old share is stopped;
// - not verified: the person is told plainly that this professional no longer has
//   access, and may stop the share.
// Plain words: what it means for the person, never "clé", "certificat", "empreinte".
import { button, el, fill, day } from "./consent-common.js";
import { messageFor } from "./http.js";
import { sendGrant } from "./grant-send.js";

/** A share as GET /grants lists it. @typedef {Record<string, any>} Grant */

/**
 * @param {import("./types/page").PersonHelpers} P
 * @param {(status?: string) => Promise<unknown>} refresh shows "Mes partages" again
 */
export function createHeld(P, refresh) {
  const { S, api, setStatus } = P;

  /**
   * The notice cards for `grants` (GET /grants), or [] when nothing is held by a
   * revoked professional. A failure to check is not shown as a notice (nothing is
   * offered then: the next visit tries again).
   * @param {Grant[]} grants
   * @returns {Promise<HTMLElement[]>}
   */
  async function cards(grants) {
    let held;
    try {
      held = (await (await api("GET", "/revoked-keys/grants")).json()).grants;
    } catch {
      return [];
    }
    if (!Array.isArray(held) || !held.length) return [];
    const byId = new Map(grants.map((g) => [g.id, g]));
    // Per professional: when their current certificate was issued (they verify again
    // in this structure: new keys), or null (no access any more).
    /** @type {Map<string, number | null>} */
    const renewed = new Map();
    const snapshot = P.trust.snapshot(); // the root and the list, once for the whole list
    const out = [];
    for (const h of held) {
      const grant = byId.get(h.grant_id);
      if (!grant || grant.state !== "active") continue;
      if (!renewed.has(h.professional_id)) {
        const verified = await P.trust.checkedKeys(h.professional_id, undefined, snapshot).catch(() => null);
        const ok = verified && verified.leaf.structure === h.structure_id;
        renewed.set(h.professional_id, ok ? Date.parse(String(verified.leaf.issued_at)) : null);
      }
      const since = renewed.get(h.professional_id);
      // A share made since the new certificate was sealed to the new keys already.
      if (since != null && Date.parse(grant.created_at) >= since) continue;
      out.push(since != null ? reshareCard(grant, out.length) : goneCard(grant, out.length));
    }
    return out;
  }

  /** @param {Grant} grant */
  const who = (grant) => ({ professional: grant.professional_name, structure: grant.structure_name, purpose: grant.purpose_label, date: day(grant.not_after) });

  /** @param {Grant} grant @param {number} index */
  function reshareCard(grant, index) {
    const headingId = `held-${index}`;
    const again = button(S.held_reshare, () => reshare(grant, card), "primary");
    const card = el(
      "li",
      { className: "card notice" },
      el("h2", { id: headingId, text: fill(S.held_reshare_title, who(grant)) }),
      el("p", { text: fill(S.held_reshare_text, who(grant)) }),
      el("div", { className: "actions" }, again),
    );
    again.setAttribute("aria-describedby", headingId);
    return card;
  }

  /** @param {Grant} grant @param {number} index */
  function goneCard(grant, index) {
    const headingId = `held-${index}`;
    const stopIt = button(S.held_stop, () => stop(grant, card), "danger");
    const card = el(
      "li",
      { className: "card notice" },
      el("h2", { id: headingId, text: fill(S.held_gone_title, who(grant)) }),
      el("p", { text: fill(S.held_gone_text, who(grant)) }),
      el("div", { className: "actions" }, stopIt),
    );
    stopIt.setAttribute("aria-describedby", headingId);
    return card;
  }

  /** @param {HTMLElement} card */
  const disable = (card) => {
    for (const b of card.querySelectorAll("button")) b.disabled = true;
  };

  /**
   * The same documents, purpose and end, sealed to the professional's new keys (checked
   * again by sendGrant); then the old share, sealed to the old keys, is stopped.
   * @param {Grant} grant
   * @param {HTMLElement} card
   */
  async function reshare(grant, card) {
    disable(card);
    setStatus(S.sharing);
    try {
      const verified = await P.trust.checkedKeys(grant.professional_id);
      const documents = grant.documents.filter((/** @type {any} */ d) => P.documentById(d.id)).map((/** @type {any} */ d) => d.id);
      if (!documents.length) throw new Error(S.share_failed);
      await P.loadCharter();
      await sendGrant(P, {
        documents,
        professional: grant.professional_id,
        structure: String(verified.leaf.structure),
        boxPublic: verified.boxPublic,
        purpose: grant.purpose,
        charterVersion: P.charter().version,
        notAfter: new Date(grant.not_after),
        maxPulls: grant.max_pulls,
      });
      await api("POST", `/grants/${grant.id}/revoke`);
      await refresh(fill(S.held_reshared, who(grant)));
    } catch (error) {
      await refresh(`${S.error_prefix} : ${messageFor(error, S.share_failed)}`);
    }
  }

  /** @param {Grant} grant @param {HTMLElement} card */
  async function stop(grant, card) {
    disable(card);
    setStatus(S.working);
    try {
      await api("POST", `/grants/${grant.id}/revoke`);
      await refresh(fill(S.revoked_done, { professional: grant.professional_name }));
    } catch (error) {
      await refresh(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  return { cards };
}
