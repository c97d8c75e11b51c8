// @ts-check
// "Mes orientations" (issue 16, docs/NETWORK.md "Relais"): the relays a professional
// proposed to the person, in plain words — agreeing (what the service is, what it
// needs, which of the person's papers for each need: none ticked) or saying no; once
// a professional of the service took the relay, the prompt "X a pris le relais : lui
// montrer vos papiers ?" that makes the grant scoped to the relay (grant-send.js, with
// the relay's id) and gives the taker the liaison note's key; reading the note and
// the return (relay-note.js, SPEC §29: the author's certified signature checked first).
//
// Papers are shown only to the named professional who took the relay, never to a
// structure; the keys are sealed to their box key verified up to the pinned root.
// At the vault's opening, a relay waiting for the person is put to them once.
import { button, byId, checkedAll, choice, day, el, fill, setCount, time } from "./consent-common.js";
import { ApiError, ShownError, allPages, messageFor } from "./http.js";
import { rootPinned, sendGrant, verifiedProfessional } from "./grant-send.js";
import { createRelayNote } from "./relay-note.js";
import { purposeNameOf } from "./purpose-words.js";

const DAY_MS = 86400000;
const PRESET_DAYS = [7, 30];

/**
 * A relay as GET /relays gives it to the person (contract "Relays").
 * @typedef {Record<string, any>} Relay
 */
/** @typedef {{id: string, name: string}} Named */

/**
 * A named party of the relay (`{id, name}`, or an id alone).
 * @param {unknown} value
 * @returns {Named | null}
 */
function named(value) {
  if (!value) return null;
  if (typeof value === "string") return { id: value, name: "" };
  const v = /** @type {Record<string, any>} */ (value);
  return { id: String(v.id), name: String(v.name || v.display_name || "") };
}

/** @param {import("./types/page").PersonHelpers} P */
export function createRelays(P) {
  const { S, C, sodium, state, api, show, setStatus, showError } = P;
  const notes = createRelayNote(sodium);
  /** @type {Relay[]} */
  let relays = [];
  /** @type {Relay | null} */
  let current = null; // the relay on screen
  /** What was already put to the person since the vault opened ("<id>:agree", "<id>:share"). */
  const asked = new Set();
  /** @type {unknown} */
  let askedFor = null; // the keys of the vault opened when `asked` was filled
  /** @type {Record<string, any> | null} */
  let charter = null;

  const taker = (/** @type {Relay} */ r) => named(r.taker) || named(r.taken_by);
  const orienting = (/** @type {Relay} */ r) => named(r.orienting) || { id: "", name: "" };
  const target = (/** @type {Relay} */ r) => named(r.target_structure) || { id: "", name: "" };
  const service = (/** @type {Relay} */ r) => named(r.service) || { id: "", name: "" };
  const orientingStructure = (/** @type {Relay} */ r) => named(r.orienting_structure) || { id: "", name: "" };

  /** @param {string} code */
  function purposeLabel(code) {
    const listed = relays.find((r) => r.purpose === code && r.purpose_label);
    // The everyday name when the charter gives one (purpose-words.js), else the label.
    return purposeNameOf(charter, code, listed ? String(listed.purpose_label) : code);
  }

  /** Waiting for the person's "d'accord". @param {Relay} r */
  const waitingAgreement = (r) => r.state === "proposed" && !r.agreed_at;

  /**
   * Taken, and the person has not shown the papers yet (no grant scoped to it).
   * @param {Relay} r
   * @param {Record<string, any>[]} grants
   */
  function waitingShare(r, grants) {
    const who = taker(r);
    if (r.state !== "taken" || !who || !(r.documents || []).length) return false;
    return !grants.some(
      (g) => g.relay_id === r.id || (g.relay_id === undefined && g.professional_id === who.id && g.purpose === r.purpose && g.state === "active"),
    );
  }

  async function load() {
    const [listed, granted] = await Promise.all([
      allPages(api, "/relays?box=mine", "relays"),
      api("GET", "/grants").then((r) => r.json()),
    ]);
    relays = listed;
    /** @type {Record<string, any>[]} */
    const grants = granted.grants;
    for (const r of relays) r.waitingShare = waitingShare(r, grants);
    setCount("relays-count", relays.filter((r) => waitingAgreement(r) || r.waitingShare).length);
    return relays; // each relay names its purpose (purpose_label): no charter needed here
  }

  /** The relay's state in plain words. @param {Relay} r */
  function stateWords(r) {
    const values = {
      service: service(r).name,
      structure: target(r).name,
      professional: (taker(r) || { name: "" }).name,
      orienting: orienting(r).name,
      reason: r.decline_reason || "",
      date: r.taken_at ? day(r.taken_at) : r.closed_at ? day(r.closed_at) : r.agreed_at ? day(r.agreed_at) : "",
    };
    switch (r.state) {
      case "proposed":
        return fill(r.agreed_at ? S.relay_state_agreed : S.relay_state_waiting, values);
      case "taken":
        return fill(S.relay_state_taken, values);
      case "declined":
        return fill(r.decline_reason ? S.relay_state_declined_reason : S.relay_state_declined, values);
      case "expired":
        return fill(S.relay_state_expired, values);
      case "closed": {
        /** @type {Record<string, string>} */
        const reasons = {
          person_refused: S.relay_closed_person_refused,
          ended_by_person: S.relay_closed_by_person,
          ended_by_orienting: S.relay_closed_by_orienting,
          done: S.relay_closed_done,
        };
        return fill(reasons[r.close_reason] || S.relay_closed_done, values);
      }
      default:
        return String(r.state);
    }
  }

  /** "Accueil RSA, CAF du Puy-de-Dôme". @param {Relay} r */
  const where = (r) => fill(S.relay_where, { service: service(r).name, structure: target(r).name });

  // ---------------------------------------------------------------------- the list

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showRelays(status = "", options = {}) {
    try {
      await load();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    const list = byId("relay-list");
    if (!relays.length) list.replaceChildren(el("p", { text: S.relays_none }));
    else list.replaceChildren(el("ul", { className: "cards" }, ...relays.map(relayCard)));
    show("relays", { status, ...options });
  }

  /**
   * @param {Relay} r
   * @param {number} index
   */
  function relayCard(r, index) {
    const headingId = `relay-${index}`;
    const actions = [];
    if (waitingAgreement(r)) actions.push(button(S.relay_answer, () => showAgree(r), "primary"));
    if (r.waitingShare) actions.push(button(fill(S.relay_share_button, { professional: (taker(r) || { name: "" }).name }), () => showShare(r), "primary"));
    actions.push(button(S.relay_details, () => showRelay(r)));
    for (const b of actions) b.setAttribute("aria-describedby", headingId);
    return el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: where(r) }),
      el("p", { text: fill(S.relay_by, { professional: orienting(r).name, structure: orientingStructure(r).name }) }),
      el("p", { text: fill(S.grant_purpose, { purpose: purposeLabel(r.purpose) }) }),
      el("p", {}, el("span", { className: `state ${r.state}`, text: stateWords(r) })),
      el("div", { className: "actions" }, ...actions),
    );
  }

  // ------------------------------------------------------------------- agreeing

  /** @param {Relay} r */
  async function showAgree(r) {
    asked.add(`${r.id}:agree`);
    current = r;
    try {
      await P.refreshDocuments();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    byId("relay-agree-intro").textContent = fill(S.relay_agree_intro, {
      professional: orienting(r).name,
      from: orientingStructure(r).name,
      service: service(r).name,
      structure: target(r).name,
    });
    byId("relay-agree-purpose").textContent = fill(S.grant_purpose, { purpose: purposeLabel(r.purpose) });
    const needs = /** @type {string[]} */ (r.categories || []).map((category) => {
      const docs = state.documents.filter((doc) => doc.category === category);
      const legend = el("legend", { text: fill(S.relay_need, { category: P.categoryLabel(category) }) });
      const body = docs.length
        ? el(
          "div",
          { className: "choices" },
          ...docs.map((doc) =>
            choice("relay-doc", doc.id, P.docTitle(doc), `${S.added_on} ${day(doc.createdAt)}`, false, "checkbox"),
          ),
        )
        : el("p", { className: "hint", text: S.relay_need_missing });
      return el("fieldset", {}, legend, body);
    });
    byId("relay-agree-needs").replaceChildren(...needs);
    byId("relay-agree-note-heading").textContent = fill(S.relay_note_heading, { professional: orienting(r).name });
    showNote("relay-agree-note", "relay-agree-note-text", null);
    showError("relay-agree-error", "");
    show("relay-agree");
    // The note helps to decide; read here only when the territory's key is already
    // pinned on this device (else on the relay's screen, after the check).
    if (r.note && P.trust.readPin()) {
      try {
        showNote("relay-agree-note", "relay-agree-note-text", await noteText(r, "note"));
      } catch (error) {
        showError("relay-agree-error", messageFor(error, S.unexpected_error));
      }
    }
  }

  /** @param {boolean} on */
  function agreeButtons(on) {
    for (const id of ["relay-agree-yes", "relay-agree-no"]) /** @type {HTMLButtonElement} */ (byId(id)).disabled = !on;
  }

  async function agree() {
    const r = current;
    if (!r) return showRelays();
    const ids = checkedAll(byId("relay-agree-needs"), "relay-doc");
    agreeButtons(false);
    setStatus(S.working);
    try {
      await api("POST", `/relays/${r.id}/agree`, { json: { document_ids: ids } });
      current = null;
      await showRelays(fill(S.relay_agreed, { service: service(r).name }));
    } catch (error) {
      setStatus("");
      showError("relay-agree-error", messageFor(error, S.unexpected_error));
    } finally {
      agreeButtons(true);
    }
  }

  async function refuse() {
    const r = current;
    if (!r) return showRelays();
    agreeButtons(false);
    setStatus(S.working);
    try {
      await api("POST", `/relays/${r.id}/refuse`);
      current = null;
      await showRelays(fill(S.relay_refused, { service: service(r).name }));
    } catch (error) {
      setStatus("");
      showError("relay-agree-error", messageFor(error, S.unexpected_error));
    } finally {
      agreeButtons(true);
    }
  }

  // ------------------------------------------------ showing the papers to the taker

  /** @param {number} days */
  function durationLabel(days) {
    if (days === 7) return S.duration_week;
    if (days === 30) return S.duration_month;
    return fill(S.duration_days, { n: days });
  }

  /** @param {Relay} r */
  async function showShare(r) {
    asked.add(`${r.id}:share`);
    current = r;
    const who = taker(r);
    if (!who) return showRelays();
    try {
      await P.refreshDocuments();
      charter = await P.loadCharter(); // the purpose's longest share
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    const purpose = charter ? charter.purposes.find((/** @type {any} */ p) => p.code === r.purpose) : null;
    const docs = /** @type {string[]} */ (r.documents || []).map(P.documentById).filter((doc) => doc);
    byId("relay-share-title").textContent = fill(S.relay_share_title, { professional: who.name });
    byId("relay-share-who").textContent = fill(S.relay_share_who, {
      professional: who.name,
      structure: target(r).name,
      purpose: purposeLabel(r.purpose),
    });
    byId("relay-share-docs").replaceChildren(...docs.map((doc) => el("li", { text: P.docTitle(/** @type {any} */ (doc)) })));
    const max = purpose ? Number(purpose.max_days) : 30;
    const options = [...new Set([...PRESET_DAYS.filter((d) => d < max), max])];
    byId("relay-share-durations").replaceChildren(
      ...options.map((days) => choice("relay-days", String(days), durationLabel(days), days === max ? S.duration_max : "", false)),
    );
    showError("relay-share-error", "");
    show("relay-share");
  }

  /** @param {SubmitEvent} event */
  async function onShare(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const r = current;
    if (!r) return showRelays();
    const days = Number((/** @type {HTMLInputElement | null} */ (form.querySelector('input[name="relay-days"]:checked')) || { value: "" }).value);
    if (!days) {
      const error = byId("relay-share-error");
      error.textContent = S.choose_duration;
      error.hidden = false;
      error.tabIndex = -1;
      return error.focus();
    }
    await shareWithTaker(r, days);
  }

  /**
   * @param {Relay} r
   * @param {number} days
   */
  async function shareWithTaker(r, days) {
    const who = /** @type {Named} */ (taker(r));
    const submit = /** @type {HTMLButtonElement} */ (byId("relay-share-yes"));
    submit.disabled = true;
    showError("relay-share-error", "");
    setStatus(S.working);
    try {
      if (!(await rootPinned(P, () => shareWithTaker(r, days), () => show("relay-share")))) return;
      const section = /** @type {HTMLElement} */ (document.querySelector('[data-screen="relay-share"]'));
      if (section.hidden) show("relay-share", { push: false, status: S.working });
      const snapshot = P.trust.snapshot(); // one check of the root and the list for the tap
      const pro = await verifiedProfessional(P, who.id, target(r).id, snapshot);
      const documents = /** @type {string[]} */ (r.documents || []).filter((id) => P.documentById(id));
      if (!documents.length) throw new ShownError(S.share_failed);
      setStatus(S.sharing);
      const start = new Date(Math.floor(Date.now() / 1000) * 1000);
      await sendGrant(P, {
        documents,
        professional: who.id,
        structure: pro.structure,
        boxPublic: pro.boxPublic,
        purpose: r.purpose,
        charterVersion: /** @type {Record<string, any>} */ (charter || (await P.loadCharter())).version,
        notBefore: start,
        notAfter: new Date(start.getTime() + days * DAY_MS),
        relay: r.id,
        snapshot,
      });
      await giveNoteKey(r, who.id, pro.boxPublic);
      current = null;
      await showRelays(fill(S.relay_shared, { professional: pro.name }));
    } catch (error) {
      setStatus("");
      const message = error instanceof C.CryptoError ? S.share_failed : messageFor(error, S.unexpected_error);
      showError("relay-share-error", message);
    } finally {
      submit.disabled = false;
    }
  }

  /**
   * The liaison note's key, opened with the person's box key and sealed to the taker's
   * verified one (SPEC §29.1): the taker reads the note. Another client (the author's)
   * may have added it first: that is no failure.
   * @param {Relay} r
   * @param {string} takerId
   * @param {Uint8Array} boxPublic
   */
  async function giveNoteKey(r, takerId, boxPublic) {
    if (!r.note || !r.note_key || !state.keys) return;
    const key = notes.openNoteKey(C.b64decode(r.note_key), state.keys.boxPublic, state.keys.boxSecret);
    try {
      const sealed = C.b64encode(notes.sealNoteKey(key, boxPublic));
      await api("PUT", `/relays/${r.id}/note-keys`, { json: { which: "note", recipient_id: takerId, sealed_key: sealed } });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    } finally {
      sodium.memzero(key);
    }
  }

  function later() {
    current = null;
    return showRelays(S.relay_later);
  }

  // ------------------------------------------------------- one relay, its notes

  /**
   * The text of the note `which`, read as SPEC §29.4 says (the author's certified key
   * first), or null when there is none for the person; ShownError when it does not check.
   * @param {Relay} r
   * @param {"note" | "return"} which
   */
  async function noteText(r, which) {
    const envelope = which === "note" ? r.note : r.return_note;
    const sealed = which === "note" ? r.note_key : r.return_key;
    const author = which === "note" ? orienting(r) : taker(r);
    const structure = which === "note" ? orientingStructure(r).id : target(r).id;
    if (!envelope || !sealed || !author || !state.keys) return null;
    try {
      const keys = await verifiedProfessional(P, author.id, structure);
      return notes.readNote({
        envelope: C.b64decode(envelope),
        relayId: r.id,
        which,
        authorId: author.id,
        authorSignPublic: keys.signPublic,
        sealedKey: C.b64decode(sealed),
        boxPublic: state.keys.boxPublic,
        boxSecret: state.keys.boxSecret,
      });
    } catch (error) {
      if (error instanceof ShownError) throw error;
      throw new ShownError(S.relay_note_refused);
    }
  }

  /**
   * @param {string} boxId
   * @param {string} textId
   * @param {string | null} text
   */
  function showNote(boxId, textId, text) {
    byId(boxId).hidden = text === null;
    byId(textId).textContent = text || "";
  }

  /** @param {Relay} listed */
  async function showRelay(listed) {
    // Read again: a note key or a return may have come since the list was drawn.
    let r = listed;
    try {
      r = { ...(await (await api("GET", `/relays/${listed.id}`)).json()), waitingShare: listed.waitingShare };
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    current = r;
    byId("relay-title").textContent = where(r);
    byId("relay-state").textContent = stateWords(r);
    const facts = [
      fill(S.relay_by, { professional: orienting(r).name, structure: orientingStructure(r).name }),
      fill(S.grant_purpose, { purpose: purposeLabel(r.purpose) }),
      fill(S.relay_needs, { categories: (r.categories || []).map(P.categoryLabel).join(", ") }),
    ];
    if (r.expires_at && r.state === "proposed") facts.push(fill(S.relay_expires, { date: day(r.expires_at), time: time(r.expires_at) }));
    byId("relay-facts").replaceChildren(...facts.map((text) => el("p", { text })));
    byId("relay-note-heading").textContent = fill(S.relay_note_heading, { professional: orienting(r).name });
    byId("relay-return-heading").textContent = fill(S.relay_return_heading, { professional: (taker(r) || { name: "" }).name });
    showNote("relay-note-box", "relay-note-text", null);
    showNote("relay-return-box", "relay-return-text", null);
    const actions = [];
    if (waitingAgreement(r)) actions.push(button(S.relay_answer, () => showAgree(r), "primary"));
    if (r.waitingShare) actions.push(button(fill(S.relay_share_button, { professional: (taker(r) || { name: "" }).name }), () => showShare(r), "primary"));
    if (r.state === "taken" || (r.state === "proposed" && r.agreed_at)) actions.push(button(S.relay_close, () => closeRelay(r), "danger"));
    actions.push(button(S.back, () => showRelays()));
    byId("relay-actions").replaceChildren(...actions);
    showError("relay-error", "");
    show("relay");
    if (!(r.note || r.return_note)) return;
    // The notes need the territory's key pinned (the authors' keys are checked up to it).
    try {
      if (!(await rootPinned(P, () => showRelay(r), () => showRelays()))) return;
      showNote("relay-note-box", "relay-note-text", await noteText(r, "note"));
      showNote("relay-return-box", "relay-return-text", await noteText(r, "return"));
    } catch (error) {
      showError("relay-error", messageFor(error, S.unexpected_error));
    }
  }

  /** @param {Relay} r */
  async function closeRelay(r) {
    setStatus(S.working);
    try {
      await api("POST", `/relays/${r.id}/close`, { json: { reason: "ended_by_person" } });
      current = null;
      await showRelays(fill(S.relay_closed, { service: service(r).name }));
    } catch (error) {
      setStatus("");
      showError("relay-error", messageFor(error, S.unexpected_error));
    }
  }

  /**
   * At the vault's opening: a relay waiting for the person's answer, or taken and
   * waiting for the papers, is put to them first (each once per opened vault).
   */
  async function interrupts() {
    if (askedFor !== state.keys) {
      asked.clear(); // a vault opened again: asked again
      askedFor = state.keys;
    }
    try {
      await load();
    } catch {
      return false; // the vault opens as usual
    }
    const agreeing = relays.find((r) => waitingAgreement(r) && !asked.has(`${r.id}:agree`));
    if (agreeing) {
      await showAgree(agreeing);
      return true;
    }
    const sharing = relays.find((r) => r.waitingShare && !asked.has(`${r.id}:share`));
    if (sharing) {
      await showShare(sharing);
      return true;
    }
    return false;
  }

  byId("relay-share-form").addEventListener("submit", onShare);
  byId("relay-share-form").addEventListener("change", () => showError("relay-share-error", ""));

  return {
    show: showRelays,
    interrupts,
    screens: ["relays", "relay", "relay-agree", "relay-share"],
    enter: { relays: showRelays },
    actions: {
      "relay-agree": agree,
      "relay-refuse": refuse,
      "relay-later": later,
    },
    wipe() {
      relays = [];
      current = null;
      charter = null;
      asked.clear();
      askedFor = null;
      for (const id of ["relay-list", "relay-agree-needs", "relay-share-docs", "relay-share-durations", "relay-facts", "relay-actions"]) {
        byId(id).replaceChildren();
      }
      for (const id of ["relay-note-text", "relay-return-text", "relay-agree-note-text", "relay-agree-intro", "relay-share-who", "relay-share-title"]) {
        byId(id).textContent = "";
      }
    },
  };
}
