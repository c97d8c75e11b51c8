// @ts-check
// The charter officer's console: log in (passphrase, then the 6-digit code), read the
// trail with filters, look at the flags, download the CSV and the signed log.
//
// The officer only reads metadata: no key is ever needed here. The passphrase gives
// the login value in the KDF worker (Argon2id, kdf-worker.js); it is sent, kept only
// until the 6-digit code is given, then wiped, and the worker is ended. Nothing is
// written to localStorage, sessionStorage or any cookie the page can read; log-out
// (or inactivity) empties every list and form. Every text comes from the server.

import { createCosign } from "./console-cosign.js";
import { createDeliveries } from "./console-deliveries.js";
import { createLogin } from "./console-login.js";
import { createConsoleReceipts } from "./console-receipt.js";
import { createReports } from "./console-reports.js";
import { day, dayKey, dayStart, pageLocale, time } from "./dates.js";
import { fill } from "./consent-common.js";
import { byId, createDesk, createIdleLogout, el, formOf } from "./desk.js";
import { messageFor } from "./http.js";
import { stallMs } from "./transfer.js";

/** @type {Record<string, string>} */
const STRINGS = JSON.parse(byId("console-strings").textContent || "{}");
/** @type {Record<string, Record<string, string>>} */
const LABELS = JSON.parse(byId("console-labels").textContent || "{}");
const CONFIG = JSON.parse(byId("console-config").textContent || "{}");
const PAGE_SIZE = 50;
const PERSON_REF = /^p-[0-9a-f]{10}$/;

/** An entry of the trail as GET /console/entries gives it. @typedef {Record<string, any>} Entry */
/** Filters in the API's names. @typedef {import("./console-reports.js").Filters} Filters */

/**
 * @type {{signedIn: boolean, pending: import("./console-login.js").Pending | null,
 *   filters: Filters, filtersNote: string, cursor: number | null, shown: number,
 *   professionals: Map<string, string>, structures: Map<string, string>, purposes: Map<string, string>}}
 */
const state = {
  signedIn: false,
  pending: null, // {login, authKey, timer}: between the passphrase and the code
  filters: {}, // the filters of the list shown (API names), also those of the CSV
  filtersNote: "", // why the list shows these filters (a flag), if not the form
  cursor: null,
  shown: 0,
  professionals: new Map(), // account id -> label
  structures: new Map(), // structure id -> name
  purposes: new Map(), // code -> label
};

// ---------------------------------------------------------------------------- helpers

/** @param {string | number | Date} value */
function when(value) {
  return fill(STRINGS.when, { date: day(value), time: time(value) });
}

/**
 * @param {string} kind
 * @param {string} code
 */
function label(kind, code) {
  return LABELS[kind][code] || code;
}

// ------------------------------------------------------------------ screens and HTTP

const { setStatus, show, showError, busy, api } = createDesk({ STRINGS, state, endSession, clearStatusAfterBusy: false });
const idle = createIdleLogout(state, CONFIG.idleSeconds, () => logout(STRINGS.idle_logout));

/** @param {Record<string, unknown>} params */
function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const login = createLogin({ STRINGS, state, api, show, showError, setStatus, busy, formOf, enterConsole });
const { backToLogin, dropPending, endWorker, quietLogout } = login;

function wipe() {
  dropPending();
  endWorker();
  idle.stop();
  Object.assign(state, { signedIn: false, filters: {}, filtersNote: "", cursor: null, shown: 0 });
  state.professionals.clear();
  state.structures.clear();
  state.purposes.clear();
  for (const id of ["journal-list", "flags-list"]) byId(id).replaceChildren();
  deliveries.clear();
  cosign.wipe();
  receipts.wipe();
  for (const id of ["journal-summary", "flags-summary", "journal-filters", "export-filters", "audit-key", "verify-command"]) {
    byId(id).textContent = "";
  }
  byId("journal-filters").hidden = true;
  byId("journal-more").hidden = true;
  for (const select of document.querySelectorAll("#filters-form select")) select.replaceChildren();
  for (const form of document.querySelectorAll("form")) form.reset();
  for (const id of ["login-error", "code-error", "filters-error", "flags-error", "export-error"]) showError(id, "");
}

/** @param {string} message */
function endSession(message) {
  wipe();
  show("login", { status: message });
}

async function logout(message = STRINGS.logged_out) {
  await quietLogout();
  endSession(message);
}

// ------------------------------------------------------------------------- the lists

async function enterConsole() {
  state.signedIn = true;
  idle.touch();
  await loadChoices();
  await search({});
}

async function loadChoices() {
  const [structures, charter, directory] = await Promise.all([
    api("GET", "/structures").then((r) => r.json()).catch(() => ({ structures: [] })),
    api("GET", "/charters/current").then((r) => r.json()).catch(() => ({ purposes: [] })),
    api("GET", "/directory/professionals").then((r) => r.json()).catch(() => ({ professionals: [] })),
  ]);
  for (const s of structures.structures) state.structures.set(s.id, s.name);
  for (const p of charter.purposes) state.purposes.set(p.code, p.label);
  for (const p of directory.professionals) {
    state.professionals.set(p.account_id, `${p.display_name} — ${p.structure.name}`);
  }
  renderChoices();
}

// Names met in rows and flags join the choices (a professional who left, a purpose a
// later charter dropped): the officer can filter on anything the trail shows.
/** @param {Entry[]} entries */
function learn(entries) {
  let changed = false;
  for (const e of entries) {
    // A professional's label names their structure once a row shows it.
    const known = state.professionals.get(e.actor.id);
    if (e.actor.role === "professional" && e.actor.id && (!known || (!known.includes(" — ") && e.structure_name))) {
      state.professionals.set(e.actor.id, e.structure_name ? `${e.actor.name} — ${e.structure_name}` : e.actor.name);
      changed = true;
    }
    if (e.structure_id && e.structure_name && !state.structures.has(e.structure_id)) {
      state.structures.set(e.structure_id, e.structure_name);
      changed = true;
    }
    if (e.purpose && !state.purposes.has(e.purpose)) {
      state.purposes.set(e.purpose, e.purpose_label || e.purpose);
      changed = true;
    }
  }
  if (changed) renderChoices();
}

/**
 * @param {string} id
 * @param {string} allText
 * @param {[string, string][]} entries
 */
function fillSelect(id, allText, entries) {
  const select = /** @type {HTMLSelectElement} */ (byId(id));
  const current = select.value;
  const options = [new Option(allText, "")];
  for (const [value, text] of entries) options.push(new Option(text, value));
  select.replaceChildren(...options);
  select.value = options.some((o) => o.value === current) ? current : "";
}

/** @param {Map<string, string>} map */
function byText(map) {
  return [...map.entries()].sort((a, b) => a[1].localeCompare(b[1], pageLocale()));
}

function renderChoices() {
  fillSelect("filter-structure", STRINGS.all_structures, byText(state.structures));
  fillSelect("filter-professional", STRINGS.all_professionals, byText(state.professionals));
  fillSelect("filter-purpose", STRINGS.all_purposes, byText(state.purposes));
  fillSelect("filter-action", STRINGS.all_actions, byText(new Map(Object.entries(LABELS.actions))));
  fillSelect("filter-outcome", STRINGS.all_outcomes, Object.entries(LABELS.outcomes));
}

// The form's filters in the API's names, or null after saying what is wrong.
function formFilters() {
  const form = formOf("filters-form");
  showError("filters-error", "");
  const person = form.person.value.trim().toLowerCase();
  if (person && !PERSON_REF.test(person)) {
    showError("filters-error", STRINGS.bad_person);
    return null;
  }
  const from = form.from.value;
  const to = form.to.value;
  if (from && to && to < from) {
    showError("filters-error", STRINGS.bad_period);
    return null;
  }
  return {
    structure: form.structure.value,
    professional: form.professional.value,
    purpose: form.purpose.value,
    action: /** @type {HTMLSelectElement} */ (form.elements.namedItem("action")).value,
    outcome: form.outcome.value,
    person,
    from: from ? dayStart(from) : "",
    to: to ? dayStart(to, 1) : "",
  };
}

/** @param {Filters} filters */
function setForm(filters) {
  const form = formOf("filters-form");
  for (const name of ["structure", "professional", "purpose", "action", "outcome"]) form[name].value = filters[name] || "";
  form.person.value = filters.person || "";
  form.from.value = filters.from ? dayKey(filters.from) : "";
  // "to" is excluded: the last day shown is the day of the instant just before it.
  form.to.value = filters.to ? dayKey(new Date(filters.to).getTime() - 1) : "";
}

/** @param {SubmitEvent} event */
async function onFilters(event) {
  event.preventDefault();
  const filters = formFilters();
  if (!filters) return;
  const form = /** @type {HTMLFormElement} */ (event.target);
  busy(form, true);
  try {
    await search(filters);
    setStatus("");
  } catch (error) {
    if (state.signedIn) showError("filters-error", messageFor(error, STRINGS.unexpected_error));
  } finally {
    busy(form, false);
  }
}

async function clearFilters() {
  formOf("filters-form").reset();
  showError("filters-error", "");
  await guarded(() => search({}));
}

/**
 * @param {Filters} filters
 * @param {string} [note]
 */
async function search(filters, note = "") {
  const page = await (await api("GET", `/console/entries${query({ ...filters, limit: PAGE_SIZE })}`)).json();
  state.filters = { ...filters };
  state.filtersNote = note;
  state.shown = 0;
  byId("journal-list").replaceChildren();
  const banner = byId("journal-filters");
  banner.textContent = note;
  banner.hidden = !note;
  showPage(page);
  show("journal");
}

async function more() {
  if (state.cursor === null) return;
  const button = /** @type {HTMLButtonElement} */ (byId("journal-more"));
  button.disabled = true;
  try {
    const params = { ...state.filters, cursor: state.cursor, limit: PAGE_SIZE };
    const page = await (await api("GET", `/console/entries${query(params)}`)).json();
    const first = showPage(page);
    if (first) first.focus();
  } catch (error) {
    if (state.signedIn) setStatus(`${STRINGS.error_prefix} : ${messageFor(error, STRINGS.unexpected_error)}`);
  } finally {
    button.disabled = false;
  }
}

// Appends a page of rows; returns the first new row (to move the focus there).
/** @param {{entries: Entry[], next_cursor: number | null}} page */
function showPage(page) {
  learn(page.entries);
  const list = byId("journal-list");
  let first = null;
  for (const entry of page.entries) {
    const row = entryRow(entry, { filterPerson: true });
    row.tabIndex = -1;
    if (!first) first = row;
    list.append(row);
  }
  state.shown += page.entries.length;
  state.cursor = page.next_cursor;
  const summary = byId("journal-summary");
  if (!state.shown) summary.textContent = STRINGS.empty;
  else summary.textContent = fill(state.cursor === null ? STRINGS.shown : STRINGS.shown_more, { n: state.shown });
  byId("journal-more").hidden = state.cursor === null;
  return first;
}

// One entry in plain words: metadata only, as the API gives it.
/**
 * @param {Entry} entry
 * @param {{filterPerson?: boolean}} [options]
 */
function entryRow(entry, { filterPerson = false } = {}) {
  const item = el("li", { className: `entry ${entry.outcome}` });
  const at = el("time", { text: when(entry.at) });
  at.dateTime = entry.at;
  item.append(el("p", { className: "entry-when" }, at, document.createTextNode(` · ${fill(STRINGS.seq, { n: entry.seq })}`)));
  item.append(el("p", { className: "entry-head" },
    el("span", { className: "entry-action", text: label("actions", entry.action) }),
    el("span", { className: `outcome ${entry.outcome}`, text: label("outcomes", entry.outcome) })));
  const who = entry.actor;
  const values = { who: who.name, role: who.role ? label("roles", who.role) : "", structure: entry.structure_name || "" };
  let by = STRINGS.by;
  if (who.role && entry.structure_name && who.role !== "person") by = STRINGS.by_role_structure;
  else if (who.role) by = STRINGS.by_role;
  item.append(el("p", { text: fill(by, values) }));
  if (entry.structure_name && by !== STRINGS.by_role_structure) {
    item.append(el("p", { text: fill(STRINGS.structure_only, { structure: entry.structure_name }) }));
  }
  const details = entry.details || {};
  if (details.professional_name) item.append(el("p", { text: fill(STRINGS.professional_named, { who: details.professional_name }) }));
  if (entry.person) {
    const line = el("p", { text: fill(STRINGS.person, { person: "" }) });
    if (filterPerson) {
      const button = el("button", { className: "link", text: entry.person });
      button.type = "button";
      button.title = fill(STRINGS.see_person, { person: entry.person });
      button.addEventListener("click", () => guarded(() => {
        setForm({ person: entry.person });
        return search({ person: entry.person });
      }));
      line.append(button);
    } else {
      line.append(document.createTextNode(entry.person));
    }
    item.append(line);
  }
  if (entry.purpose) item.append(el("p", { text: fill(STRINGS.purpose, { purpose: entry.purpose_label || entry.purpose }) }));
  if (typeof details.category === "string") {
    item.append(el("p", { text: fill(STRINGS.category, { category: LABELS.categories[details.category] || details.category }) }));
  }
  if (entry.reason) item.append(el("p", { text: fill(STRINGS.reason, { reason: entry.reason }) }));
  const receipt = receipts.buttonFor(entry, guarded); // a grant's receipt (console-receipt.js)
  if (receipt) item.append(receipt);
  return item;
}

// ---------------------------------------------------------------------------- wiring

const reports = createReports({
  STRINGS, stallMs: stallMs(CONFIG), state, api, show, showError, setStatus, busy, query, when, day, learn, entryRow, setForm, search, guarded, el,
});

const deliveries = createDeliveries({ STRINGS, state, api, show, showError, busy, query, when, el });

// Cosigning the log (console-cosign.js): the officer's own key, opened for one signature.
const cosign = createCosign({ STRINGS, config: CONFIG, state, api, show, showError, busy, when, el });

const receipts = createConsoleReceipts({ STRINGS, config: CONFIG, state, api, show, when, el });

// Runs a step, and shows its failure (if the session is still there to show it).
/** @param {() => unknown} step */
async function guarded(step) {
  try {
    await step();
  } catch (error) {
    if (state.signedIn) setStatus(`${STRINGS.error_prefix} : ${messageFor(error, STRINGS.unexpected_error)}`);
  }
}

function wire() {
  formOf("login-form").addEventListener("submit", login.onLogin);
  formOf("code-form").addEventListener("submit", login.onCode);
  formOf("filters-form").addEventListener("submit", onFilters);
  formOf("flags-form").addEventListener("submit", reports.showFlags);
  /** @type {Record<string, () => unknown>} */
  const actions = {
    logout: () => logout(),
    "cancel-code": () => backToLogin(),
    "clear-filters": clearFilters,
    more,
    "download-csv": () => reports.download(`/console/entries.csv${query(state.filters)}`, STRINGS.csv_name),
    "download-log": () => reports.download("/console/log", STRINGS.log_name),
  };
  /** @type {Record<string, () => unknown>} */
  const screens = {
    journal: () => show("journal"),
    flags: () => reports.showFlags(),
    export: reports.showExport,
    deliveries: () => deliveries.showDeliveries(),
    cosign: () => cosign.showCosign(),
  };
  document.addEventListener("click", (event) => {
    const clicked = /** @type {Element} */ (event.target);
    const go = /** @type {HTMLElement | null} */ (clicked.closest("[data-go]"));
    if (go) {
      const target = go.dataset.go || "";
      if (state.signedIn && screens[target]) guarded(screens[target]);
      else if (!state.signedIn) backToLogin();
      return;
    }
    const action = /** @type {HTMLElement | null} */ (clicked.closest("[data-action]"));
    const run = action ? actions[action.dataset.action || ""] : undefined;
    if (run) guarded(run);
  });
  idle.listen();
  // Leaving the page drops a login value still waiting for its code.
  window.addEventListener("pagehide", () => {
    dropPending();
    endWorker();
  });
}

async function boot() {
  wire();
  await login.resume();
}

boot();
