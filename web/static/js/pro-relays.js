// @ts-check
// Relays on the professional's page (issue 16 "Relays", docs/NETWORK.md "Relais"):
// the list (received by my structure, sent by me), one relay, taking it or declining
// it with a reason, and once taken: the liaison note read (SPEC §29, relay-note.js
// through pro-relay-notes.js), the documents the person shared for this relay opened
// with the ordinary pull (consent-pro.js: recorded, told to the person, stamped copy),
// and a short return to the responsible professional.
//
// As the orienting professional, the page adds the taker's sealed note key once the
// relay is taken (PUT /relays/{id}/note-keys): the server holds no note key and
// cannot add a reader; the taker's box key is sealed to only after its certificate
// chain verified up to the territory's root and names the receiving structure.
//
// Orienting a person from a directory service is pro-orient.js.
import { button, byId, day, el, fill, setCount } from "./consent-common.js";
import { ShownError, allPages, messageFor } from "./http.js";

/** A relay as GET /relays/{id} gives it (docs/NETWORK.md). @typedef {Record<string, any>} Relay */

/**
 * An id from a reference that is either an id or {id, name}.
 * @param {any} ref
 * @returns {string}
 */
export const idOf = (ref) => (ref && typeof ref === "object" ? String(ref.id || "") : String(ref || ""));

/**
 * A name from {name} (or {display_name}), else `fallback`.
 * @param {any} ref
 * @param {string} fallback
 */
export const nameOf = (ref, fallback = "—") => (ref && typeof ref === "object" && (ref.name || ref.display_name)) || fallback;

/**
 * A purpose's words: {code, label}, or a code looked up in `labels`.
 * @param {any} purpose
 * @param {Map<string, string>} [labels]
 */
export function purposeLabel(purpose, labels = new Map()) {
  if (purpose && typeof purpose === "object") return String(purpose.label || labels.get(purpose.code) || purpose.code || "");
  return labels.get(String(purpose)) || String(purpose || "");
}

/**
 * Where a relay stands, in one plain sentence.
 * @param {Record<string, string>} S
 * @param {Relay} relay
 */
export function relayStateText(S, relay) {
  switch (relay.state) {
    case "proposed":
      return relay.agreed_at ? S.pro_relay_waiting_take : S.pro_relay_waiting_person;
    case "taken":
      return relay.taker && relay.taken_at
        ? fill(S.pro_relay_taken, { professional: nameOf(relay.taker, S.someone), date: day(relay.taken_at) })
        : S.pro_relay_taken_plain;
    case "declined":
      return relay.decline_reason ? fill(S.pro_relay_declined, { reason: relay.decline_reason }) : S.pro_relay_declined_plain;
    case "expired":
      return S.pro_relay_expired;
    case "closed": {
      /** @type {Record<string, string>} */
      const why = {
        person_refused: S.pro_relay_closed_refused,
        ended_by_orienting: S.pro_relay_closed_orienting,
        ended_by_person: S.pro_relay_closed_person,
        done: S.pro_relay_closed_done,
      };
      return why[relay.close_reason] || S.pro_relay_closed;
    }
    default:
      return String(relay.state || "");
  }
}

/**
 * A relay's purpose in words (the relay's own label, else the charter's).
 * @param {Relay} relay
 * @param {Map<string, string>} labels
 */
const relayPurpose = (relay, labels) => relay.purpose_label || purposeLabel(relay.purpose, labels);

/** The class of the state badge (consent.css). @param {Relay} relay */
const stateClass = (relay) => ({ proposed: "pending", taken: "active" })[String(relay.state)] || "";

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{notes: ReturnType<typeof import("./pro-relay-notes.js").createRelayNotes>,
 *   profile: () => Promise<any>, purposes: () => Promise<Map<string, string>>,
 *   pull: (grant: any, doc: any) => unknown, name: (grant: any, doc: any) => string,
 *   sharedWithMe: () => Promise<any[]>}} hooks
 */
export function createProRelays(ctx, hooks) {
  const { S, api, state, show, setStatus, showError, busy, categoryLabel } = ctx;
  const { notes } = hooks;
  /** @type {Relay | null} */
  let relay = null; // the relay open on "pro-relay"
  let back = "pro-relays"; // where "Retour" leads from a relay opened elsewhere
  /** @type {Set<string>} */
  const keyed = new Set(); // relays whose taker this page gave the note key, this session

  /**
   * The person's box key as the relay names it (SPEC §29.5: not certified), if given.
   * @param {Relay} item
   */
  function personBox(item) {
    const found = (item.keys || []).find((/** @type {any} */ k) => k.account_id === idOf(item.person));
    return found ? String(found.box_public_key) : undefined;
  }

  // ------------------------------------------------------------------ the list

  /** A relay my structure may take now. @param {Relay} item */
  const waiting = (item) => item.state === "proposed" && Boolean(item.agreed_at);

  /** The menu's "(n)": relays received by my structure waiting to be taken. */
  async function refreshCount() {
    try {
      const relays = await allPages(api, "/relays?box=incoming&state=proposed", "relays");
      setCount("pro-relays-count", relays.filter(waiting).length);
    } catch {
      // A convenience: the screen fetches its own list.
    }
  }

  /**
   * @param {Relay} item
   * @param {number} index
   * @param {string} box
   */
  function card(item, index, box, labels = new Map()) {
    const headingId = `pro-relay-${box}-${index}`;
    const heading = box === "incoming" ? nameOf(item.person, S.someone) : nameOf(item.service, nameOf(item.target_structure));
    const detail =
      box === "incoming"
        ? fill(S.pro_relay_from, { professional: nameOf(item.orienting, S.someone), structure: nameOf(item.orienting_structure) })
        : fill(S.pro_relay_for, { person: nameOf(item.person, S.someone), structure: nameOf(item.target_structure) });
    const open = button(fill(S.pro_relay_open, { structure: heading }), () => openRelay(item.id), "primary");
    open.setAttribute("aria-describedby", headingId);
    return el(
      "li",
      { className: "card" },
      el("h3", { id: headingId, text: heading }),
      el("p", { text: detail }),
      el("p", { text: fill(S.pro_relay_purpose, { purpose: relayPurpose(item, labels), date: day(item.created_at) }) }),
      el("p", {}, el("span", { className: `state ${stateClass(item)}`, text: relayStateText(S, item) })),
      el("div", { className: "actions" }, open),
    );
  }

  /**
   * @param {string} id
   * @param {Relay[]} items
   * @param {string} box
   * @param {string} empty
   * @param {Map<string, string>} labels
   */
  function drawBox(id, items, box, empty, labels) {
    const target = byId(id);
    if (!items.length) return target.replaceChildren(el("p", { className: "hint", text: empty }));
    target.replaceChildren(el("ul", { className: "cards" }, ...items.map((item, i) => card(item, i, box, labels))));
  }

  async function showRelays(status = "", options = {}) {
    showError("pro-relays-error", "");
    try {
      const labels = await hooks.purposes();
      const [incoming, outgoing] = await Promise.all(
        ["incoming", "outgoing"].map((box) => allPages(api, `/relays?box=${box}`, "relays")),
      );
      setCount("pro-relays-count", incoming.filter(waiting).length);
      drawBox("pro-relays-incoming", incoming, "incoming", S.pro_relays_no_incoming, labels);
      drawBox("pro-relays-outgoing", outgoing, "outgoing", S.pro_relays_no_outgoing, labels);
      show("pro-relays", { status, ...options });
      // The taker of a relay I wrote the note of can read it once I add their key.
      for (const item of outgoing) {
        const problem = item.state === "taken" ? await giveTakerKey(item) : "";
        if (problem) showError("pro-relays-error", problem);
      }
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /**
   * Seal the note key to the taker's certified key (once per relay and session; the
   * server keeps the first key given to a reader, mine or the person's page's).
   * Returns what to tell the professional when the taker's key is not certified.
   * @param {Relay} item
   * @returns {Promise<string>}
   */
  async function giveTakerKey(item) {
    const taker = idOf(item.taken_by);
    if (keyed.has(item.id) || !taker || idOf(item.orienting) !== state.accountId) return "";
    try {
      const full = item.note_key ? item : await (await api("GET", `/relays/${item.id}`)).json();
      if (!full.note || !full.note_key) return "";
      const sealed = await notes.resealTo(full.note_key, taker, idOf(full.target_structure));
      await api("PUT", `/relays/${item.id}/note-keys`, { json: { which: "note", recipient_id: taker, sealed_key: sealed } });
      keyed.add(item.id);
      return "";
    } catch (error) {
      // A key that is not certified is said; anything else is tried again next time.
      return error instanceof ShownError ? error.message : "";
    }
  }

  // ------------------------------------------------------------------ one relay

  /**
   * @param {[string, string][]} rows
   */
  function facts(rows) {
    byId("pro-relay-facts").replaceChildren(...rows.flatMap(([label, value]) => [el("dt", { text: label }), el("dd", { text: value })]));
  }

  /**
   * The note (or the return), opened in the page; a plain sentence when it cannot be.
   * @param {Relay} item
   * @param {"note" | "return"} which
   */
  async function noteText(item, which) {
    const envelope = which === "note" ? item.note : item.return_note;
    const sealed = which === "note" ? item.note_key : item.return_key;
    // The server sends a note only to its readers: the taker gets it once a reader
    // (the author or the person) sealed its key to them.
    const takerWaits = which === "note" && item.state === "taken" && idOf(item.taken_by) === state.accountId;
    if (!envelope || !sealed) return takerWaits ? { text: S.pro_relay_note_not_yet, plain: true } : null;
    const author = which === "note" ? idOf(item.orienting) : idOf(item.taken_by);
    try {
      return { text: await notes.read({ relayId: item.id, which, authorId: author, envelope, sealedKey: sealed }), plain: false };
    } catch {
      return { text: S.pro_relay_note_refused, plain: true };
    }
  }

  /**
   * @param {string} id
   * @param {string} heading
   * @param {{text: string, plain: boolean} | null} note
   */
  function drawNote(id, heading, note) {
    const target = byId(id);
    if (!note) return target.replaceChildren();
    const body = el("p", { className: note.plain ? "hint" : "pro-relay-text", text: note.text });
    if (!note.plain) body.style.whiteSpace = "pre-wrap";
    target.replaceChildren(el("h2", { text: heading }), body);
  }

  /** The documents the person shared with me for this relay (grants scoped to it). */
  /** @param {Relay} item */
  async function drawDocuments(item) {
    const target = byId("pro-relay-documents");
    if (item.state !== "taken" || idOf(item.taken_by) !== state.accountId) return target.replaceChildren();
    const grants = (await hooks.sharedWithMe()).filter((g) => g.relay_id === item.id);
    const heading = el("h2", { text: S.pro_relay_documents });
    if (!grants.length) return target.replaceChildren(heading, el("p", { className: "hint", text: S.pro_relay_documents_not_yet }));
    const list = el("div", { className: "actions" });
    for (const grant of grants) {
      for (const doc of grant.documents) {
        const open = button(fill(S.open_document, { document: hooks.name(grant, doc) }), () => hooks.pull(grant, doc), "primary");
        open.disabled = Boolean(grant.blocked) || !doc.open;
        list.append(open);
      }
    }
    target.replaceChildren(heading, list);
  }

  /** @param {Relay} item */
  async function drawActions(item) {
    const actions = byId("pro-relay-actions");
    const profile = await hooks.profile();
    /** @type {HTMLElement[]} */
    const buttons = [];
    const mineToTake = item.state === "proposed" && item.agreed_at && idOf(item.target_structure) === profile.structure_id;
    if (mineToTake) {
      buttons.push(button(S.pro_relay_take, () => take(item), "primary"), button(S.pro_relay_decline, () => showDecline()));
    }
    if (item.state === "taken" && idOf(item.taken_by) === state.accountId && !item.return_note) {
      buttons.push(button(S.pro_relay_send_return, () => showReturn(), "primary"));
    }
    // The orienting (or responsible) professional may stop an open relay, or say the
    // need is met once it is taken.
    const mine = [idOf(item.orienting), idOf(item.responsible)].includes(state.accountId || "");
    if (mine && item.state === "taken") buttons.push(button(S.pro_relay_done, () => showClose("done")));
    if (mine && ["proposed", "taken"].includes(item.state)) buttons.push(button(S.pro_relay_stop, () => showClose("ended_by_orienting")));
    actions.replaceChildren(...buttons);
  }

  /**
   * @param {string} id
   * @param {string} [from] the screen "Retour aux relais" leads back to
   */
  async function openRelay(id, from = "pro-relays", status = "", options = {}) {
    back = from;
    showError("pro-relay-error", "");
    try {
      const labels = await hooks.purposes();
      relay = /** @type {Relay} */ (await (await api("GET", `/relays/${id}`)).json());
      const item = relay;
      byId("pro-relay-title").textContent = fill(S.pro_relay_title, { person: nameOf(item.person, S.someone), structure: nameOf(item.target_structure) });
      const badge = byId("pro-relay-state");
      badge.className = `state ${stateClass(item)}`;
      badge.textContent = relayStateText(S, item);
      /** @type {[string, string][]} */
      const rows = [
        [S.pro_relay_fact_person, nameOf(item.person, S.someone)],
        [S.pro_relay_fact_service, `${nameOf(item.service)} · ${nameOf(item.target_structure)}`],
        [S.pro_relay_fact_purpose, relayPurpose(item, labels)],
        [S.pro_relay_fact_papers, (item.categories || []).map(categoryLabel).join(" · ")],
        [S.pro_relay_fact_orienting, `${nameOf(item.orienting, S.someone)} · ${nameOf(item.orienting_structure)}`],
        [S.pro_relay_fact_created, day(item.created_at)],
      ];
      if (item.state === "proposed" && item.expires_at) rows.push([S.pro_relay_fact_expires, day(item.expires_at)]);
      facts(rows);
      drawNote("pro-relay-note", S.pro_relay_note, await noteText(item, "note"));
      drawNote("pro-relay-return", fill(S.pro_relay_return_of, { professional: nameOf(item.taker, S.someone) }), await noteText(item, "return"));
      await drawDocuments(item);
      await drawActions(item);
      byId("pro-relay-back").dataset.go = back;
      show("pro-relay", { status, ...options });
      const problem = item.state === "taken" ? await giveTakerKey(item) : "";
      if (problem) showError("pro-relay-error", problem);
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {Relay} item */
  async function take(item) {
    try {
      await api("POST", `/relays/${item.id}/take`);
      await openRelay(item.id, back, fill(S.pro_relay_taken_done, { person: nameOf(item.person, S.someone) }));
    } catch (error) {
      showError("pro-relay-error", messageFor(error, S.unexpected_error));
    }
  }

  // ------------------------------------------------------------------ decline

  function showDecline(status = "", options = {}) {
    if (!relay) return showRelays(status, options);
    /** @type {HTMLFormElement} */ (byId("pro-relay-decline-form")).reset();
    byId("pro-relay-decline-what").textContent = fill(S.pro_relay_title, { person: nameOf(relay.person, S.someone), structure: nameOf(relay.target_structure) });
    showError("pro-relay-decline-error", "");
    show("pro-relay-decline", { status, ...options });
  }

  /** @param {SubmitEvent} event */
  async function onDecline(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!relay) return showRelays();
    const reason = form.reason.value.trim();
    if (reason.length < 3 || reason.length > 300) return showError("pro-relay-decline-error", S.reason_length);
    busy(form, true);
    try {
      await api("POST", `/relays/${relay.id}/decline`, { json: { reason } });
      await showRelays(S.pro_relay_declined_done);
    } catch (error) {
      showError("pro-relay-decline-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // ------------------------------------------------------------------ return

  function showReturn(status = "", options = {}) {
    if (!relay) return showRelays(status, options);
    /** @type {HTMLFormElement} */ (byId("pro-relay-return-form")).reset();
    byId("pro-relay-return-what").textContent = fill(S.pro_relay_return_to, { professional: nameOf(relay.responsible || relay.orienting, S.someone) });
    showError("pro-relay-return-error", "");
    show("pro-relay-return", { status, ...options });
  }

  /** @param {SubmitEvent} event */
  async function onReturn(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!relay) return showRelays();
    const text = form.note.value.trim();
    if (!text) return showError("pro-relay-return-error", S.pro_relay_return_missing);
    if (Array.from(text).length > notes.maxChars) return showError("pro-relay-return-error", S.pro_relay_note_too_long);
    busy(form, true);
    try {
      const responsible = idOf(relay.responsible) || idOf(relay.orienting);
      // The return is read by its author, the responsible professional and the person (SPEC §29.1).
      const sealed = await notes.write({
        relayId: relay.id,
        which: "return",
        text,
        readers: [
          { id: state.accountId || "", kind: "self" },
          { id: responsible, kind: "professional" },
          { id: idOf(relay.person), kind: "person", box: personBox(relay) },
        ],
      });
      await api("POST", `/relays/${relay.id}/return`, { json: sealed });
      await openRelay(relay.id, back, S.pro_relay_return_sent);
    } catch (error) {
      showError("pro-relay-return-error", error instanceof ShownError ? error.message : messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // ------------------------------------------------------------------ close

  let closing = "ended_by_orienting";

  /**
   * @param {string} [reason] "ended_by_orienting" or "done"
   */
  function showClose(reason = closing, status = "", options = {}) {
    if (!relay) return showRelays(status, options);
    closing = reason;
    const done = reason === "done";
    byId("pro-relay-close-title").textContent = done ? S.pro_relay_done_title : S.pro_relay_stop_title;
    byId("pro-relay-close-what").textContent = fill(S.pro_relay_title, { person: nameOf(relay.person, S.someone), structure: nameOf(relay.target_structure) });
    byId("pro-relay-close-yes").textContent = done ? S.pro_relay_done_yes : S.pro_relay_stop_yes;
    showError("pro-relay-close-error", "");
    show("pro-relay-close", { status, ...options });
  }

  async function onClose() {
    if (!relay) return showRelays();
    const yes = /** @type {HTMLButtonElement} */ (byId("pro-relay-close-yes"));
    yes.disabled = true;
    try {
      await api("POST", `/relays/${relay.id}/close`, { json: { reason: closing } });
      await openRelay(relay.id, back, closing === "done" ? S.pro_relay_done_done : S.pro_relay_stop_done);
    } catch (error) {
      showError("pro-relay-close-error", messageFor(error, S.unexpected_error));
    } finally {
      yes.disabled = false;
    }
  }

  byId("pro-relay-close-yes").addEventListener("click", onClose);
  byId("pro-relay-decline-form").addEventListener("submit", onDecline);
  byId("pro-relay-return-form").addEventListener("submit", onReturn);

  return {
    openRelay,
    refreshCount,
    screens: ["pro-relays", "pro-relay", "pro-relay-decline", "pro-relay-return", "pro-relay-close"],
    enter: {
      "pro-relays": showRelays,
      "pro-relay": (/** @type {string} */ status = "", /** @type {any} */ options = {}) =>
        relay ? openRelay(relay.id, back, status, options) : showRelays(status, options),
      "pro-relay-decline": showDecline,
      "pro-relay-return": showReturn,
      "pro-relay-close": (/** @type {string} */ status = "", /** @type {any} */ options = {}) => showClose(closing, status, options),
    },
    actions: {},
    wipe() {
      relay = null;
      back = "pro-relays";
      keyed.clear();
      setCount("pro-relays-count", 0);
      for (const id of ["pro-relays-incoming", "pro-relays-outgoing", "pro-relay-facts", "pro-relay-note", "pro-relay-documents", "pro-relay-return", "pro-relay-actions"]) {
        byId(id).replaceChildren();
      }
      byId("pro-relay-title").textContent = "";
      byId("pro-relay-state").textContent = "";
    },
  };
}
