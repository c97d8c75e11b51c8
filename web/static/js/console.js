// The charter officer's console: log in (passphrase, then the 6-digit code), read the
// trail with filters, look at the flags, download the CSV and the signed log.
//
// The officer only reads metadata: no key is ever needed here. The passphrase gives
// the login value in the KDF worker (Argon2id, kdf-worker.js); it is sent, kept only
// until the 6-digit code is given, then wiped, and the worker is ended. Nothing is
// written to localStorage, sessionStorage or any cookie the page can read; log-out
// (or inactivity) empties every list and form. Every text comes from the server.

import { request } from "./http.js";
import { createKdfClient } from "./kdf-client.js";

const STRINGS = JSON.parse(document.getElementById("console-strings").textContent);
const LABELS = JSON.parse(document.getElementById("console-labels").textContent);
const CONFIG = JSON.parse(document.getElementById("console-config").textContent);
const OFFICER = "charter_officer";
const PAGE_SIZE = 50;
const CODE_WAIT_MS = 3 * 60 * 1000; // the login value waits this long for the code
const PERSON_REF = /^p-[0-9a-f]{10}$/;

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

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function el(tag, { className = "", text = "", lang = "" } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  if (lang) node.lang = lang;
  for (const child of children) if (child) node.append(child);
  return node;
}

function locale() {
  const lang = document.documentElement.lang || "fr";
  return lang === "en" ? "en-GB" : lang;
}

function formatDay(date) {
  return new Intl.DateTimeFormat(locale(), {
    day: "2-digit", month: "2-digit", year: "numeric", timeZone: CONFIG.timeZone,
  }).format(date);
}

function formatTime(date) {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", timeZone: CONFIG.timeZone }).format(date);
}

function when(value) {
  const date = new Date(value);
  return fill(STRINGS.when, { date: formatDay(date), time: formatTime(date) });
}

// Milliseconds the territory's clock is ahead of UTC at `utcMs`.
function zoneOffset(utcMs) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: CONFIG.timeZone, hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  for (const part of format.formatToParts(new Date(utcMs))) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(utcMs / 1000) * 1000;
}

// "2026-03-04" (a day on the territory's calendar) -> the ISO instant it starts at;
// `plusDays` 1 gives the start of the next day (an end date is included).
function dayStart(text, plusDays = 0) {
  const [y, m, d] = text.split("-").map(Number);
  const utc = Date.UTC(y, m - 1, d + plusDays);
  return new Date(utc - zoneOffset(utc)).toISOString();
}

// The territory's calendar day of an instant, as a date input holds it.
function dayOf(date) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", { timeZone: CONFIG.timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function label(kind, code) {
  return LABELS[kind][code] || code;
}

// ---------------------------------------------------------------------------- screens

function screen(name) {
  return document.querySelector(`[data-screen="${name}"]`);
}

function show(name, { status = "" } = {}) {
  for (const section of document.querySelectorAll("[data-screen]")) section.hidden = section.dataset.screen !== name;
  document.querySelector("[data-action=logout]").hidden = !state.signedIn;
  const menu = document.getElementById("menu");
  menu.hidden = !state.signedIn;
  for (const button of menu.querySelectorAll("[data-go]")) {
    if (button.dataset.go === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  setStatus(status);
  screen(name).querySelector("h1").focus();
  window.scrollTo(0, 0);
}

function setStatus(text) {
  document.getElementById("status").textContent = text || "";
}

function showError(id, text) {
  const node = document.getElementById(id);
  node.textContent = text;
  node.hidden = !text;
}

function busy(form, on) {
  for (const node of form.querySelectorAll("button, input, select")) node.disabled = on;
  if (on) setStatus(STRINGS.working);
}

// ------------------------------------------------------------------------------- HTTP

async function api(method, path, options) {
  try {
    return await request(method, path, options, STRINGS.network_error);
  } catch (error) {
    // A session that ended on the server (idle, revoked): back to the login.
    if (state.signedIn && error.status === 401) endSession(STRINGS.session_over);
    throw error;
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// ------------------------------------------------------------ base64url, KDF worker

function b64encode(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64decode(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const kdfClient = createKdfClient();
const kdf = kdfClient.call;
const endWorker = kdfClient.end;

// ----------------------------------------------------------------------- log in / out

function dropPending() {
  if (!state.pending) return;
  clearTimeout(state.pending.timer);
  state.pending.authKey.fill(0);
  state.pending = null;
}

async function onLogin(event) {
  event.preventDefault();
  const form = event.target;
  const login = form.login.value.trim();
  const passphrase = form.passphrase.value;
  showError("login-error", "");
  if (!login || !passphrase) return showError("login-error", STRINGS.login_missing);
  busy(form, true);
  let authKey = null;
  try {
    const pre = await (await api("POST", "/auth/prelogin", { json: { login } })).json();
    const params = { ...pre.kdf, salt: b64decode(pre.kdf.salt) };
    const keys = await kdf("derivePassphraseKeys", passphrase, params);
    keys.wrapKey.fill(0); // nothing to unwrap here: the console reads metadata only
    authKey = keys.authKey;
    form.passphrase.value = "";
    await finishLogin(login, authKey, null);
    authKey = null; // finishLogin owns it now
  } catch (error) {
    if (authKey) authKey.fill(0);
    showError("login-error", loginMessage(error));
    setStatus("");
  } finally {
    busy(form, false);
    form.passphrase.value = "";
  }
}

async function onCode(event) {
  event.preventDefault();
  const form = event.target;
  const code = form.code.value.replace(/\s+/g, "");
  showError("code-error", "");
  if (!/^[0-9]{6}$/.test(code)) return showError("code-error", STRINGS.code_format);
  if (!state.pending) return backToLogin(STRINGS.code_timeout);
  busy(form, true);
  try {
    const { login, authKey } = state.pending;
    await finishLogin(login, authKey, code);
  } catch (error) {
    showError("code-error", error.code === "invalid_totp" ? STRINGS.wrong_code : loginMessage(error));
    setStatus("");
  } finally {
    busy(form, false);
    form.code.value = "";
  }
}

function loginMessage(error) {
  if (error.code === "invalid_credentials") return STRINGS.wrong_credentials;
  return error.message || STRINGS.network_error;
}

// The login value is sent; then the code is asked for if the account has one (an
// officer always does). The login value is wiped once a session is open.
async function finishLogin(login, authKey, code) {
  const body = { login, auth_key: b64encode(authKey) };
  if (code) body.totp_code = code;
  let response;
  try {
    response = await api("POST", "/auth/web-login", { json: body });
  } catch (error) {
    if (error.code === "totp_required" && !code) {
      dropPending();
      state.pending = { login, authKey, timer: setTimeout(() => backToLogin(STRINGS.code_timeout), CODE_WAIT_MS) };
      endWorker();
      document.getElementById("code-form").reset();
      showError("code-error", "");
      show("code");
      return;
    }
    if (!state.pending || state.pending.authKey !== authKey) authKey.fill(0);
    throw error;
  }
  dropPending();
  authKey.fill(0);
  endWorker();
  const me = await response.json();
  if (me.account.kind !== OFFICER) {
    await quietLogout();
    return backToLogin("", STRINGS.not_officer);
  }
  // A charter officer without a second factor yet gets a session good for enrolment
  // only: the page does not enrol (the CLI does), so it says how and ends it.
  try {
    await api("GET", "/me");
  } catch (error) {
    if (error.code === "totp_enrolment_required") {
      await quietLogout();
      return show("enrol");
    }
    throw error;
  }
  await enterConsole();
}

function backToLogin(status = "", error = "") {
  dropPending();
  endWorker();
  document.getElementById("login-form").reset();
  show("login", { status });
  showError("login-error", error);
}

async function quietLogout() {
  try {
    await api("POST", "/auth/logout");
  } catch {
    // An expired session is already over on the server.
  }
}

function wipe() {
  dropPending();
  endWorker();
  clearTimeout(idleTimer);
  Object.assign(state, { signedIn: false, filters: {}, filtersNote: "", cursor: null, shown: 0 });
  state.professionals.clear();
  state.structures.clear();
  state.purposes.clear();
  for (const id of ["journal-list", "flags-list"]) document.getElementById(id).replaceChildren();
  for (const id of ["journal-summary", "flags-summary", "journal-filters", "export-filters", "audit-key", "verify-command"]) {
    document.getElementById(id).textContent = "";
  }
  document.getElementById("journal-filters").hidden = true;
  document.getElementById("journal-more").hidden = true;
  for (const select of document.querySelectorAll("#filters-form select")) select.replaceChildren();
  for (const form of document.querySelectorAll("form")) form.reset();
  for (const id of ["login-error", "code-error", "filters-error", "flags-error", "export-error"]) showError(id, "");
}

function endSession(message) {
  wipe();
  show("login", { status: message });
}

async function logout(message = STRINGS.logged_out) {
  await quietLogout();
  endSession(message);
}

let idleTimer = null;
function touch() {
  if (!state.signedIn) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => logout(STRINGS.idle_logout), CONFIG.idleSeconds * 1000);
}

// ------------------------------------------------------------------------- the lists

async function enterConsole() {
  state.signedIn = true;
  touch();
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

function fillSelect(id, allText, entries) {
  const select = document.getElementById(id);
  const current = select.value;
  const options = [new Option(allText, "")];
  for (const [value, text] of entries) options.push(new Option(text, value));
  select.replaceChildren(...options);
  select.value = options.some((o) => o.value === current) ? current : "";
}

function byText(map) {
  return [...map.entries()].sort((a, b) => a[1].localeCompare(b[1], locale()));
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
  const form = document.getElementById("filters-form");
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
    action: form.action.value,
    outcome: form.outcome.value,
    person,
    from: from ? dayStart(from) : "",
    to: to ? dayStart(to, 1) : "",
  };
}

function setForm(filters) {
  const form = document.getElementById("filters-form");
  for (const name of ["structure", "professional", "purpose", "action", "outcome"]) form[name].value = filters[name] || "";
  form.person.value = filters.person || "";
  form.from.value = filters.from ? dayOf(new Date(filters.from)) : "";
  // "to" is excluded: the last day shown is the day of the instant just before it.
  form.to.value = filters.to ? dayOf(new Date(new Date(filters.to).getTime() - 1)) : "";
}

async function onFilters(event) {
  event.preventDefault();
  const filters = formFilters();
  if (!filters) return;
  const form = event.target;
  busy(form, true);
  try {
    await search(filters);
    setStatus("");
  } catch (error) {
    if (state.signedIn) showError("filters-error", error.message);
  } finally {
    busy(form, false);
  }
}

async function clearFilters() {
  document.getElementById("filters-form").reset();
  showError("filters-error", "");
  await guarded(() => search({}));
}

async function search(filters, note = "") {
  const page = await (await api("GET", `/console/entries${query({ ...filters, limit: PAGE_SIZE })}`)).json();
  state.filters = { ...filters };
  state.filtersNote = note;
  state.shown = 0;
  document.getElementById("journal-list").replaceChildren();
  const banner = document.getElementById("journal-filters");
  banner.textContent = note;
  banner.hidden = !note;
  showPage(page);
  show("journal");
}

async function more() {
  if (state.cursor === null) return;
  const button = document.getElementById("journal-more");
  button.disabled = true;
  try {
    const params = { ...state.filters, cursor: state.cursor, limit: PAGE_SIZE };
    const page = await (await api("GET", `/console/entries${query(params)}`)).json();
    const first = showPage(page);
    if (first) first.focus();
  } catch (error) {
    if (state.signedIn) setStatus(`${STRINGS.error_prefix} : ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

// Appends a page of rows; returns the first new row (to move the focus there).
function showPage(page) {
  learn(page.entries);
  const list = document.getElementById("journal-list");
  let first = null;
  for (const entry of page.entries) {
    const row = entryRow(entry, { filterPerson: true });
    row.tabIndex = -1;
    if (!first) first = row;
    list.append(row);
  }
  state.shown += page.entries.length;
  state.cursor = page.next_cursor;
  const summary = document.getElementById("journal-summary");
  if (!state.shown) summary.textContent = STRINGS.empty;
  else summary.textContent = fill(state.cursor === null ? STRINGS.shown : STRINGS.shown_more, { n: state.shown });
  document.getElementById("journal-more").hidden = state.cursor === null;
  return first;
}

// One entry in plain words: metadata only, as the API gives it.
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
  return item;
}

// ---------------------------------------------------------------------------- flags

async function showFlags(event) {
  if (event) event.preventDefault();
  const form = document.getElementById("flags-form");
  showError("flags-error", "");
  const from = form.from.value;
  const to = form.to.value;
  if (from && to && to < from) return showError("flags-error", STRINGS.bad_period);
  busy(form, true);
  try {
    const params = { from: from ? dayStart(from) : "", to: to ? dayStart(to, 1) : "" };
    const report = await (await api("GET", `/console/flags${query(params)}`)).json();
    renderFlags(report);
    show("flags");
  } catch (error) {
    if (state.signedIn) {
      show("flags");
      showError("flags-error", error.message);
    }
  } finally {
    busy(form, false);
  }
}

function renderFlags(report) {
  const list = document.getElementById("flags-list");
  list.replaceChildren();
  const period = fill(STRINGS.flags_period, {
    from: formatDay(new Date(report.period_from)),
    to: formatDay(new Date(new Date(report.period_to).getTime() - 1)),
  });
  const count = report.flags.length ? fill(STRINGS.flags_count, { n: report.flags.length }) : STRINGS.flags_none;
  document.getElementById("flags-summary").textContent = `${period} ${count}`;
  report.flags.forEach((flag, index) => {
    for (const e of flag.entries) learn([e]);
    const headingId = `flag-${index}`;
    const card = el("section", { className: `flag ${flag.code}` });
    card.setAttribute("aria-labelledby", headingId);
    const heading = el("h2", { text: flag.title, lang: "fr" });
    heading.id = headingId;
    card.append(heading);
    // The explanation is written by the server, in French, with its numbers.
    card.append(el("p", { text: flag.explanation, lang: "fr" }));
    if (flag.professional_name) card.append(el("p", { text: fill(STRINGS.flag_who, { who: flag.professional_name }) }));
    if (flag.structure_name) card.append(el("p", { text: fill(STRINGS.flag_structure, { structure: flag.structure_name }) }));
    if (flag.purpose) card.append(el("p", { text: fill(STRINGS.flag_purpose, { purpose: flag.purpose_label || flag.purpose }) }));
    const filter = el("button", { text: STRINGS.flag_filter });
    filter.type = "button";
    filter.addEventListener("click", () => guarded(() => {
      const filters = flagFilters(flag);
      setForm(filters);
      return search(filters, fill(STRINGS.filters_from_flag, { title: flag.title }));
    }));
    card.append(el("div", { className: "actions" }, filter));
    card.append(el("h3", { text: fill(STRINGS.flag_entries, { n: flag.entries.length }) }));
    const entries = el("ol", { className: "trail" });
    for (const entry of flag.entries) entries.append(entryRow(entry));
    card.append(entries);
    list.append(card);
  });
}

// The narrowest filters that still hold every entry of the flag: what they all share,
// and the period from the first to just after the last.
function flagFilters(flag) {
  const entries = flag.entries;
  const same = (get) => {
    const values = new Set(entries.map(get));
    return values.size === 1 ? [...values][0] || "" : "";
  };
  const times = entries.map((e) => new Date(e.at).getTime());
  return {
    structure: same((e) => e.structure_id),
    professional: same((e) => (e.actor.role === "professional" ? e.actor.id : null)),
    purpose: same((e) => e.purpose),
    action: same((e) => e.action),
    outcome: same((e) => e.outcome),
    person: same((e) => e.person),
    from: times.length ? new Date(Math.min(...times)).toISOString() : "",
    to: times.length ? new Date(Math.max(...times) + 1).toISOString() : "",
  };
}

// --------------------------------------------------------------------------- exports

function describeFilters(filters) {
  const parts = [];
  const add = (labelText, value) => parts.push(`${labelText} : ${value}`);
  const form = document.getElementById("filters-form");
  const text = (name) => {
    const select = form[name];
    const option = [...select.options].find((o) => o.value === filters[name]);
    return option ? option.text : filters[name];
  };
  for (const name of ["structure", "professional", "purpose", "action", "outcome"]) {
    if (filters[name]) add(form.querySelector(`label[for=filter-${name}]`).textContent, text(name));
  }
  if (filters.person) add(form.querySelector("label[for=filter-person]").textContent, filters.person);
  if (filters.from) add(form.querySelector("label[for=filter-from]").textContent, when(filters.from));
  if (filters.to) add(form.querySelector("label[for=filter-to]").textContent, when(new Date(new Date(filters.to).getTime() - 1)));
  if (!parts.length) return STRINGS.filters_none;
  return (state.filtersNote ? `${state.filtersNote} ` : "") + parts.join(" · ");
}

async function showExport() {
  document.getElementById("export-filters").textContent = describeFilters(state.filters);
  showError("export-error", "");
  show("export");
  const key = document.getElementById("audit-key");
  try {
    key.textContent = (await (await api("GET", "/audit/key")).text()).trim();
    // A command, not a sentence: the same in every language.
    document.getElementById("verify-command").textContent = `coffre audit verify --file ${STRINGS.log_name} --key ${key.textContent}`;
  } catch {
    if (state.signedIn) key.textContent = STRINGS.key_missing;
  }
}

async function download(path, name) {
  showError("export-error", "");
  const buttons = document.querySelectorAll("[data-action^=download-]");
  for (const b of buttons) b.disabled = true;
  setStatus(STRINGS.downloading);
  try {
    const blob = await (await api("GET", path)).blob();
    const url = URL.createObjectURL(blob);
    const link = el("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setStatus(fill(STRINGS.downloaded, { name }));
  } catch (error) {
    setStatus("");
    if (state.signedIn) showError("export-error", error.message);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

// ---------------------------------------------------------------------------- wiring

// Runs a step, and shows its failure (if the session is still there to show it).
async function guarded(step) {
  try {
    await step();
  } catch (error) {
    if (state.signedIn) setStatus(`${STRINGS.error_prefix} : ${error.message}`);
  }
}

function wire() {
  document.getElementById("login-form").addEventListener("submit", onLogin);
  document.getElementById("code-form").addEventListener("submit", onCode);
  document.getElementById("filters-form").addEventListener("submit", onFilters);
  document.getElementById("flags-form").addEventListener("submit", showFlags);
  const actions = {
    logout: () => logout(),
    "cancel-code": () => backToLogin(),
    "clear-filters": clearFilters,
    more,
    "download-csv": () => download(`/console/entries.csv${query(state.filters)}`, STRINGS.csv_name),
    "download-log": () => download("/console/log", STRINGS.log_name),
  };
  const screens = {
    journal: () => show("journal"),
    flags: () => showFlags(),
    export: showExport,
  };
  document.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (go) {
      const target = go.dataset.go;
      if (state.signedIn && screens[target]) guarded(screens[target]);
      else if (!state.signedIn) backToLogin();
      return;
    }
    const action = event.target.closest("[data-action]");
    if (action && actions[action.dataset.action]) guarded(actions[action.dataset.action]);
  });
  for (const kind of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(kind, touch, { passive: true });
  // Leaving the page drops a login value still waiting for its code.
  window.addEventListener("pagehide", () => {
    dropPending();
    endWorker();
  });
}

async function boot() {
  wire();
  let me = null;
  try {
    me = await (await api("GET", "/me")).json();
  } catch (error) {
    if (error.code === "totp_enrolment_required") {
      await quietLogout();
      return show("enrol");
    }
  }
  if (me && me.account.kind === OFFICER) {
    try {
      await enterConsole();
      return;
    } catch {
      // Fall back to the login below.
    }
  }
  backToLogin();
}

boot();
