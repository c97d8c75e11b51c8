// @ts-check
// The référent de parcours's view (issue 16, docs/NETWORK.md "Référent"): "Personnes
// suivies", a list paged by the server's cursor with what needs attention for each
// person (shares in force and ending, requests waiting, papers about to expire, relays
// open), then one person's view: the shares in force, the requests waiting, the papers
// about to expire, the relays and their states, and the person's network.
//
// Everything shown comes from GET /followed and GET /followed/{id}: the server shows
// only what the person consented to (the network is the professionals who hold a grant
// from the person now; papers only those shared with me, or a count if the person
// agreed to show it). This module decrypts nothing and opens no document.
//
// Also "Proposer d'être référent·e" (POST /referent/proposals) for a person linked to
// me: none is ticked in advance.
import { askToChoose, byId, button, checked, choice, choiceMade, day, el, fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { nameOf as named, purposeLabel, relayStateText } from "./pro-relays.js";

/**
 * A person followed as GET /followed lists it; `documents_expiring` are the papers
 * shared with me, `documents_expiring_count` all of them when the person agreed to
 * show that count (else null).
 * @typedef {{person: {id: string, name: string}, since: string, grants_active: number, grants_ending: number,
 *   requests_waiting: number, documents_expiring: any[], documents_expiring_count: number | null, relays_open: number}} Followed
 */

const PAGE = 20;

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{openRelay: (id: string, back?: string) => unknown, profile: () => Promise<any>,
 *   purposes: () => Promise<Map<string, string>>}} hooks
 */
export function createProFollowed(ctx, hooks) {
  const { S, api, show, setStatus, showError, busy, categoryLabel } = ctx;
  /** @type {Followed[]} */
  let items = [];
  /** @type {string | null} */
  let next = null;
  /** @type {string | null} */
  let current = null; // the person whose view is open
  /** @type {{id: string, login: string}[]} */
  let linked = [];

  // ---------------------------------------------------------------- words

  /** @type {Map<string, string>} */
  let purposes = new Map(); // charter purpose code → label (named by code without a charter)
  /** @param {unknown} purpose a code, or {code, label} */
  const purposeWords = (purpose) => purposeLabel(purpose, purposes);
  /** @param {any} who {name} or null */
  const nameOf = (who) => named(who, S.someone);

  /**
   * The papers about to expire: those shared with me, or all of them when the person
   * agreed to show the count.
   * @param {{documents_expiring?: any[], documents_expiring_count?: number | null}} item
   */
  const expiringCount = (item) => Math.max((item.documents_expiring || []).length, item.documents_expiring_count ?? 0);

  /**
   * A small list of "label : value" lines.
   * @param {[string, string | number][]} rows
   */
  function terms(rows) {
    const list = el("dl", { className: "terms" });
    for (const [label, value] of rows) list.append(el("dt", { text: label }), el("dd", { text: String(value) }));
    return list;
  }

  // ---------------------------------------------------------------- the list

  /**
   * @param {Followed} item
   * @param {number} index
   */
  function card(item, index) {
    const headingId = `followed-${index}`;
    const open = button(fill(S.followed_open, { person: item.person.name }), () => showPerson(item.person.id), "primary");
    open.setAttribute("aria-describedby", headingId);
    return el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: item.person.name }),
      el("p", { text: fill(S.followed_since, { date: day(item.since) }) }),
      terms([
        [S.followed_grants, item.grants_active],
        [S.followed_grants_ending, item.grants_ending],
        [S.followed_requests, item.requests_waiting],
        [S.followed_expiring, expiringCount(item)],
        [S.followed_relays, item.relays_open],
      ]),
      el("div", { className: "actions" }, open),
    );
  }

  function drawList() {
    const list = byId("followed-list");
    if (!items.length) list.replaceChildren(el("p", { text: S.followed_none }));
    else list.replaceChildren(el("ul", { className: "cards", id: "followed-cards" }, ...items.map(card)));
    byId("followed-more").hidden = !next;
  }

  async function showFollowed(status = "", options = {}) {
    showError("followed-error", "");
    try {
      const body = await (await api("GET", `/followed?limit=${PAGE}`)).json();
      items = body.items;
      next = body.next;
      drawList();
      show("followed", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  async function more() {
    if (!next) return;
    try {
      const body = await (await api("GET", `/followed?limit=${PAGE}&cursor=${encodeURIComponent(next)}`)).json();
      const first = items.length;
      items = [...items, ...body.items];
      next = body.next;
      drawList();
      // The focus goes to the first new person, so a screen reader goes on from there.
      const heading = document.getElementById(`followed-${first}`);
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    } catch (error) {
      showError("followed-error", messageFor(error, S.unexpected_error));
    }
  }

  // ---------------------------------------------------------------- one person

  /**
   * A list of sentences, or `empty` when there is none.
   * @param {string} id
   * @param {(string | Node)[]} rows
   * @param {string} empty
   */
  function lines(id, rows, empty) {
    const target = byId(id);
    if (!rows.length) return target.replaceChildren(el("p", { className: "hint", text: empty }));
    target.replaceChildren(el("ul", { className: "notices" }, ...rows.map((line) => el("li", { className: "notice" }, line))));
  }

  /** @param {any} grant */
  function grantLine(grant) {
    const words = fill(S.followed_grant_line, {
      professional: nameOf(grant.professional),
      structure: named(grant.structure),
      purpose: purposeWords(grant.purpose),
      date: day(grant.not_after),
    });
    return grant.ending ? `${words} ${S.followed_ending_soon}` : words;
  }

  /** @param {any} request */
  function requestLine(request) {
    const words = fill(S.followed_request_line, {
      professional: nameOf(request.professional),
      structure: named(request.structure),
      purpose: purposeWords(request.purpose),
    });
    return request.due_on ? `${words} ${fill(S.followed_request_due, { date: day(request.due_on) })}` : words;
  }

  /** @param {{documents_expiring?: any[], documents_expiring_count?: number | null}} view */
  function expiringLines(view) {
    /** @type {string[]} */
    const rows = (view.documents_expiring || []).map((paper) =>
      fill(S.followed_expiring_line, { category: categoryLabel(paper.category), date: day(paper.expires_on) }),
    );
    const count = view.documents_expiring_count;
    if (count !== null && count !== undefined && count > rows.length) rows.push(fill(S.followed_expiring_count, { n: count }));
    return rows;
  }

  /** @param {any} relay */
  function relayLine(relay) {
    const structure = named(relay.target_structure);
    const text = fill(S.followed_relay_line, {
      structure,
      purpose: purposeWords(relay.purpose),
      date: day(relay.created_at),
      state: relayStateText(S, relay),
    });
    const open = button(fill(S.pro_relay_open, { structure }), () => hooks.openRelay(relay.id, "followed-person"));
    return el("span", {}, el("span", { text }), " ", open);
  }

  /** @param {any} who */
  function networkLine(who) {
    const professional = who.professional || who;
    const structure = who.structure || professional.structure;
    const code = String(professional.profession || "");
    const profession = professional.profession_label || S[`profession_${code}`] || "";
    return fill(S.followed_network_line, {
      professional: nameOf(professional),
      profession: profession ? ` (${profession})` : "",
      structure: named(structure),
    });
  }

  /** @param {string} personId */
  async function showPerson(personId, status = "", options = {}) {
    current = personId;
    showError("followed-person-error", "");
    try {
      purposes = await hooks.purposes();
      const view = await (await api("GET", `/followed/${personId}`)).json();
      byId("followed-person-title").textContent = view.person.name;
      byId("followed-person-since").textContent = fill(S.followed_since, { date: day(view.since) });
      lines("followed-person-grants", (view.grants || []).map(grantLine), S.followed_no_grants);
      lines("followed-person-requests", (view.requests || []).map(requestLine), S.followed_no_requests);
      lines("followed-person-expiring", expiringLines(view), S.followed_no_expiring);
      lines("followed-person-relays", (view.relays || []).map(relayLine), S.followed_no_relays);
      lines("followed-person-network", (view.network || []).map(networkLine), S.followed_no_network);
      show("followed-person", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  // ---------------------------------------------------------- propose to be référent

  async function showPropose(status = "", options = {}) {
    try {
      const { persons } = await (await api("GET", "/persons/linked")).json();
      linked = persons.map((/** @type {any} */ p) => ({ id: p.person_id, login: p.login }));
      const form = /** @type {HTMLFormElement} */ (byId("referent-propose-form"));
      // No person is ticked in advance: a proposal to the wrong person is a leak.
      byId("referent-propose-list").replaceChildren(...linked.map((p) => choice("propose-person", p.id, p.login, "", false)));
      choiceMade(form, "propose-person");
      byId("referent-propose-fields").hidden = !linked.length;
      byId("referent-propose-send").hidden = !linked.length;
      byId("referent-propose-none").hidden = Boolean(linked.length);
      showError("referent-propose-error", "");
      show("referent-propose", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {SubmitEvent} event */
  async function onPropose(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const person = linked.find((p) => p.id === checked(form, "propose-person"));
    if (!person) return askToChoose(form, "propose-person", "referent-propose-error", S.pro_person_missing);
    busy(form, true);
    try {
      const profile = await hooks.profile();
      await api("POST", "/referent/proposals", { json: { person_id: person.id, structure_id: profile.structure_id } });
      await showFollowed(fill(S.pro_referent_proposed, { person: person.login }));
    } catch (error) {
      showError("referent-propose-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  // ---------------------------------------------------------------- wiring

  byId("followed-more").addEventListener("click", more);
  const proposeForm = byId("referent-propose-form");
  proposeForm.addEventListener("submit", onPropose);
  proposeForm.addEventListener("change", () => {
    choiceMade(/** @type {HTMLFormElement} */ (proposeForm), "propose-person");
    showError("referent-propose-error", "");
  });

  return {
    screens: ["followed", "followed-person", "referent-propose"],
    enter: {
      followed: showFollowed,
      "followed-person": (/** @type {string} */ status = "", /** @type {any} */ options = {}) =>
        current ? showPerson(current, status, options) : showFollowed(status, options),
      "referent-propose": showPropose,
    },
    actions: {},
    /** The persons followed as last listed (the hand-over's "chosen ones"). */
    async persons() {
      /** @type {{id: string, name: string}[]} */
      const all = [];
      /** @type {string | null} */
      let cursor = null;
      do {
        /** @type {string} */
        const path = cursor ? `/followed?limit=100&cursor=${encodeURIComponent(cursor)}` : "/followed?limit=100";
        /** @type {{items: Followed[], next: string | null}} */
        const body = await (await api("GET", path)).json();
        all.push(...body.items.map((/** @type {Followed} */ item) => item.person));
        cursor = body.next;
      } while (cursor && all.length < 1000);
      return all;
    },
    wipe() {
      items = [];
      next = null;
      current = null;
      linked = [];
      purposes = new Map();
      for (const id of [
        "followed-list",
        "followed-person-grants",
        "followed-person-requests",
        "followed-person-expiring",
        "followed-person-relays",
        "followed-person-network",
        "referent-propose-list",
      ]) {
        byId(id).replaceChildren();
      }
      byId("followed-person-title").textContent = "";
      byId("followed-person-since").textContent = "";
    },
  };
}
