// @ts-check
// "Mon référent" (issue 16, docs/NETWORK.md "Référent"): the person's référent de
// parcours — who it is, choosing one (among the professionals the person already
// shows papers to, then the others of the territory), changing or ending it in one
// tap, answering a professional's proposal, and whether the référent may see a
// count of the papers about to expire (off unless the person ticks it).
//
// The hand-over: when the référent leaves, is replaced or is away, the person is asked
// in plain words, once per opened vault, before anything else; "Oui" accepts the new
// référent and shows them the same papers, for the same purposes and until the same
// dates, in one tap (one grant per former grant, made by grant-send.js after the new
// référent's keys are verified up to the pinned root); "Non" changes nothing.
// Nothing here is chosen for the person: no professional is ticked, the box is not.
import { button, byId, checked, choice, day, el, fill, setCount, time } from "./consent-common.js";
import { calendarDay } from "./dates.js";
import { messageFor } from "./http.js";
import { rootPinned, sendGrant, verifiedProfessional } from "./grant-send.js";
import { purposeNameOf } from "./purpose-words.js";

/**
 * A référent link as GET /referent gives it.
 * @typedef {object} Link
 * @property {string} id
 * @property {{id: string, name: string, profession?: string}} professional
 * @property {{id: string, name: string}} structure
 * @property {string} status proposed | active | ended | declined
 * @property {string} proposed_by person | professional
 * @property {boolean} show_expiry_count
 * @property {string | null} started_at
 * @property {string | null} ended_at
 * @property {string | null} end_reason
 */
/**
 * A hand-over waiting for the person's answer.
 * @typedef {object} Handover
 * @property {string} id
 * @property {{id: string, name: string}} from
 * @property {{id: string, name: string, profession?: string}} successor
 * @property {{id: string, name: string}} structure the successor's
 * @property {string} reason left | replaced | absent | back (the end of an absence)
 * @property {string | null} until
 * @property {{grant_id: string, purpose: string, not_after: string, document_ids: string[]}[]} regrants
 */
/** @typedef {{current: Link | null, proposals: Link[], handover: Handover | null, history: Link[]}} ReferentView */

/** @param {import("./types/page").PersonHelpers} P */
export function createReferent(P) {
  const { S, api, show, setStatus, showError, busy } = P;
  /** @type {ReferentView | null} */
  let view = null;
  /** @type {Map<string, {professional: string, structure: string, name: string}>} */
  let candidates = new Map();
  /** The hand-overs already put to the person since the vault opened (asked once). */
  const asked = new Set();
  /** @type {unknown} */
  let askedFor = null; // the keys of the vault opened when `asked` was filled

  async function load() {
    view = /** @type {ReferentView} */ (await (await api("GET", "/referent")).json());
    setCount("referent-count", view.proposals.length + (view.handover ? 1 : 0));
    return view;
  }

  /** @param {Link} link */
  function who(link) {
    return fill(S.referent_who, { professional: link.professional.name, structure: link.structure.name });
  }

  // ----------------------------------------------------------------------- the screen

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showReferent(status = "", options = {}) {
    try {
      await load();
    } catch (error) {
      return setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
    const v = /** @type {ReferentView} */ (view);
    const current = byId("referent-current");
    if (v.current) {
      const since = v.current.started_at ? fill(S.referent_since, { date: day(v.current.started_at) }) : "";
      current.replaceChildren(
        el("div", { className: "card" }, el("h2", { text: who(v.current) }), since ? el("p", { text: since }) : null),
      );
    } else {
      current.replaceChildren(el("p", { text: S.referent_none }));
    }
    const handoverNote = byId("referent-handover-note");
    handoverNote.hidden = !v.handover;
    if (v.handover) byId("referent-handover-text").textContent = handoverSentence(v.handover);
    const proposals = byId("referent-proposals");
    proposals.replaceChildren(
      ...(v.proposals.length ? [el("ul", { className: "cards" }, ...v.proposals.map(proposalCard))] : []),
    );
    // The référents of before, kept: who, and until when.
    const before = v.history.filter((link) => link.status === "ended" && link.started_at);
    byId("referent-history").hidden = !before.length;
    byId("referent-history-list").replaceChildren(
      ...before.map((link) =>
        el("li", {
          text: fill(S.referent_before, {
            who: who(link),
            from: day(/** @type {string} */ (link.started_at)),
            until: link.ended_at ? day(link.ended_at) : "",
          }),
        }),
      ),
    );
    const expiry = /** @type {HTMLFormElement} */ (byId("referent-expiry-form"));
    expiry.hidden = !v.current;
    /** @type {HTMLInputElement} */ (byId("referent-expiry")).checked = Boolean(v.current && v.current.show_expiry_count);
    byId("referent-choose").textContent = v.current ? S.referent_change : S.referent_choose;
    byId("referent-end").hidden = !v.current;
    showError("referent-error", "");
    show("referent", { status, ...options });
  }

  /**
   * @param {Link} link
   * @param {number} index
   */
  function proposalCard(link, index) {
    const headingId = `referent-proposal-${index}`;
    const yes = button(S.referent_accept, () => answerProposal(link, "accept"), "primary");
    const no = button(S.referent_decline, () => answerProposal(link, "decline"));
    for (const b of [yes, no]) b.setAttribute("aria-describedby", headingId);
    return el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: who(link) }),
      el("p", { text: fill(S.referent_proposes, { professional: link.professional.name }) }),
      el("div", { className: "actions" }, yes, no),
    );
  }

  /**
   * @param {Link} link
   * @param {"accept" | "decline"} answer
   */
  async function answerProposal(link, answer) {
    setStatus(S.working);
    try {
      await api("POST", `/referent/proposals/${link.id}/${answer}`);
      const done = answer === "accept" ? S.referent_accepted : S.referent_declined;
      await showReferent(fill(done, { professional: link.professional.name }));
    } catch (error) {
      setStatus("");
      showError("referent-error", messageFor(error, S.unexpected_error));
    }
  }

  // Ending is one tap: the shares made to the référent go on until their end (the
  // person stops them in "Mes partages").
  async function endReferent() {
    if (!view || !view.current) return;
    const name = view.current.professional.name;
    setStatus(S.working);
    try {
      await api("DELETE", "/referent");
      await showReferent(fill(S.referent_ended, { professional: name }));
    } catch (error) {
      setStatus("");
      showError("referent-error", messageFor(error, S.unexpected_error));
    }
  }

  /** @param {SubmitEvent} event */
  async function onExpiry(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const on = /** @type {HTMLInputElement} */ (byId("referent-expiry")).checked;
    busy(form, true);
    try {
      await api("PATCH", "/referent", { json: { show_expiry_count: on } });
      await showReferent(on ? S.referent_expiry_on : S.referent_expiry_off);
    } catch (error) {
      setStatus("");
      showError("referent-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // ------------------------------------------------------------------- choosing one

  // The professionals the person shows papers to now come first (they know them), then
  // the territory's others (the list the share dialog uses); none ticked.
  async function startChoosing() {
    setStatus(S.working);
    try {
      const [{ grants }, { professionals }] = await Promise.all([
        api("GET", "/grants").then((r) => r.json()),
        api("GET", "/directory/professionals").then((r) => r.json()),
      ]);
      const currentKey = view && view.current ? `${view.current.professional.id}:${view.current.structure.id}` : "";
      candidates = new Map();
      /** @type {HTMLElement[]} */
      const known = [];
      for (const grant of grants) {
        const key = `${grant.professional_id}:${grant.structure_id}`;
        if (grant.state !== "active" || key === currentKey || candidates.has(key)) continue;
        candidates.set(key, { professional: grant.professional_id, structure: grant.structure_id, name: grant.professional_name });
        known.push(choice("referent", key, grant.professional_name, grant.structure_name, false));
      }
      /** @type {HTMLElement[]} */
      const others = [];
      for (const pro of professionals) {
        const key = `${pro.account_id}:${pro.structure.id}`;
        if (key === currentKey || candidates.has(key)) continue;
        candidates.set(key, { professional: pro.account_id, structure: pro.structure.id, name: pro.display_name });
        others.push(choice("referent", key, pro.display_name, `${pro.profession_label}, ${pro.structure.name}`, false));
      }
      byId("referent-known-list").replaceChildren(...known);
      byId("referent-pick-known").hidden = !known.length;
      byId("referent-all-list").replaceChildren(...others);
      byId("referent-pick-all").hidden = !others.length;
      byId("referent-pick-none").hidden = Boolean(known.length || others.length);
      const change = byId("referent-pick-change");
      change.hidden = !(view && view.current);
      if (view && view.current) change.textContent = fill(S.referent_pick_change, { professional: view.current.professional.name });
      showError("referent-pick-error", "");
      show("referent-pick");
    } catch (error) {
      setStatus("");
      showError("referent-error", messageFor(error, S.unexpected_error));
    }
  }

  /** @param {SubmitEvent} event */
  async function onPick(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const picked = candidates.get(checked(form, "referent"));
    if (!picked) {
      const error = byId("referent-pick-error");
      error.textContent = S.referent_pick_missing;
      error.hidden = false;
      error.tabIndex = -1;
      return error.focus();
    }
    busy(form, true);
    try {
      await api("POST", "/referent", { json: { professional_id: picked.professional, structure_id: picked.structure } });
      await showReferent(fill(S.referent_chosen, { professional: picked.name }));
    } catch (error) {
      setStatus("");
      showError("referent-pick-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // --------------------------------------------------------------------- hand-over

  /** "Votre référent·e X part. Y, de Z, le ou la remplace." @param {Handover} h */
  function handoverSentence(h) {
    const values = {
      from: h.from.name,
      successor: h.successor.name,
      structure: h.structure.name,
      date: h.until ? calendarDay(h.until) : "",
    };
    const template = { left: S.handover_left, replaced: S.handover_replaced, absent: S.handover_absent, back: S.handover_back }[h.reason] || S.handover_replaced;
    return fill(template, values);
  }

  /** @param {Handover} h */
  async function showHandover(h) {
    asked.add(h.id);
    let charter = null;
    try {
      await P.refreshDocuments();
      charter = await P.loadCharter();
    } catch {
      // The purposes' names are a help: their codes are shown without them.
    }
    // The everyday name when the charter gives one (purpose-words.js), else the label.
    const label = (/** @type {string} */ code) => purposeNameOf(charter, code, code);
    byId("handover-text").textContent = handoverSentence(h);
    const shared = h.regrants.filter((r) => r.document_ids.some((id) => P.documentById(id)));
    byId("handover-ask").textContent = fill(shared.length ? S.handover_ask : S.handover_ask_alone, {
      from: h.from.name,
      successor: h.successor.name,
    });
    byId("handover-regrants").replaceChildren(
      ...shared.map((r) =>
        el(
          "li",
          {},
          fill(S.handover_regrant, {
            documents: r.document_ids
              .map(P.documentById)
              .filter((doc) => doc)
              .map((doc) => `« ${P.docTitle(/** @type {any} */ (doc))} »`)
              .join(", "),
            purpose: label(r.purpose),
            date: day(r.not_after),
            time: time(r.not_after),
          }),
        ),
      ),
    );
    byId("handover-regrants").hidden = !shared.length;
    showError("handover-error", "");
    show("referent-handover");
  }

  /** @param {boolean} on */
  function handoverButtons(on) {
    for (const id of ["handover-yes", "handover-no"]) /** @type {HTMLButtonElement} */ (byId(id)).disabled = !on;
  }

  // One tap: the link moves to the successor, then each former grant is made again to
  // them (same purpose, documents still in the vault, same end). A grant that cannot be
  // made again (a purpose gone from the charter, its end passed, a refusal) is said.
  async function acceptHandover() {
    const h = view ? view.handover : null;
    if (!h) return showReferent();
    handoverButtons(false);
    showError("handover-error", "");
    setStatus(S.working);
    try {
      if (!(await rootPinned(P, acceptHandover, () => show("referent-handover")))) return;
      const section = /** @type {HTMLElement} */ (document.querySelector('[data-screen="referent-handover"]'));
      if (section.hidden) show("referent-handover", { push: false, status: S.working });
      const snapshot = P.trust.snapshot(); // one check of the root and the list for the tap
      const pro = await verifiedProfessional(P, h.successor.id, h.structure.id, snapshot);
      const charter = await P.loadCharter();
      await P.refreshDocuments();
      // The answer names the grants to make again, as they stand at the acceptance.
      const accepted = await (await api("POST", `/referent/handovers/${h.id}/accept`)).json();
      /** @type {Handover["regrants"]} */
      const regrants = Array.isArray(accepted.regrants) ? accepted.regrants : h.regrants;
      let missed = 0;
      for (const regrant of regrants) {
        const documents = regrant.document_ids.filter((id) => P.documentById(id));
        const notAfter = new Date(regrant.not_after);
        const purpose = charter.purposes.find((/** @type {any} */ p) => p.code === regrant.purpose);
        if (!documents.length) continue;
        if (!purpose || notAfter.getTime() <= Date.now()) {
          missed += 1;
          continue;
        }
        setStatus(S.sharing);
        try {
          await sendGrant(P, {
            documents,
            professional: h.successor.id,
            structure: pro.structure,
            boxPublic: pro.boxPublic,
            purpose: regrant.purpose,
            charterVersion: charter.version,
            notAfter,
            snapshot,
          });
        } catch {
          missed += 1;
        }
      }
      const done = missed ? S.handover_done_missed : S.handover_done;
      await showReferent(fill(done, { successor: pro.name, from: h.from.name, n: missed }));
    } catch (error) {
      setStatus("");
      showError("handover-error", messageFor(error, S.unexpected_error));
    } finally {
      handoverButtons(true);
    }
  }

  async function refuseHandover() {
    const h = view ? view.handover : null;
    if (!h) return showReferent();
    handoverButtons(false);
    setStatus(S.working);
    try {
      await api("POST", `/referent/handovers/${h.id}/refuse`);
      await showReferent(fill(S.handover_refused, { successor: h.successor.name }));
    } catch (error) {
      setStatus("");
      showError("handover-error", messageFor(error, S.unexpected_error));
    } finally {
      handoverButtons(true);
    }
  }

  async function answerHandover() {
    if (view && view.handover) await showHandover(view.handover);
  }

  /**
   * At the vault's opening: a hand-over waiting for the person is put to them first,
   * once per opened vault. True when it was shown.
   */
  async function interrupts() {
    if (askedFor !== P.state.keys) {
      asked.clear(); // a vault opened again: asked again
      askedFor = P.state.keys;
    }
    try {
      const v = await load();
      if (v.handover && !asked.has(v.handover.id)) {
        await showHandover(v.handover);
        return true;
      }
    } catch {
      // The référent's service is not reachable: the vault opens as usual.
    }
    return false;
  }

  byId("referent-pick-form").addEventListener("submit", onPick);
  byId("referent-expiry-form").addEventListener("submit", onExpiry);
  byId("referent-pick-form").addEventListener("change", () => showError("referent-pick-error", ""));

  return {
    show: showReferent,
    interrupts,
    screens: ["referent", "referent-pick", "referent-handover"],
    enter: { referent: showReferent },
    actions: {
      "referent-choose": startChoosing,
      "referent-end": endReferent,
      "handover-yes": acceptHandover,
      "handover-no": refuseHandover,
      "handover-answer": answerHandover,
    },
    wipe() {
      view = null;
      candidates = new Map();
      asked.clear();
      askedFor = null;
      for (const id of ["referent-current", "referent-proposals", "referent-history-list", "referent-known-list", "referent-all-list", "handover-regrants"]) {
        byId(id).replaceChildren();
      }
      for (const id of ["handover-text", "handover-ask", "referent-handover-text"]) byId(id).textContent = "";
    },
  };
}
