// @ts-check
// The territory admin's page (/administration): structures and their adhesion to the
// charter, admitting a structure (typed, or picked from the directory of services),
// inviting its admin or the charter officer (link + QR code, single use, expiring),
// publishing the charter from its TOML file after a preview (differences with the
// latest version, errors located in the file), ending an adhesion as a new charter
// version through the same preview, certifying a structure's admins face to face
// (admin-certify.js) and signing the revocation list (admin-revocations.js).
//
// The log-in is the officer console's (console-login.js, passphrase then the 6-digit
// code), the login value is wiped once the session is open. Only the two signatures
// open the admin's key (the root key), with the passphrase asked at that moment.
// What the admin previewed is what is published: the exact bytes are kept in memory and
// sent with their SHA-256 and the version they were compared with (charter_changed
// otherwise). Nothing is written to storage; log-out or inactivity empties every screen.

import { createLogin } from "./console-login.js";
import { calendarDay, dayKey, day, time } from "./dates.js";
import { fill } from "./consent-common.js";
import { byId, createDesk, createIdleLogout, el, formOf, putQr } from "./desk.js";
import { siretProblem, normaliseSiret } from "./admin-siret.js";
import { createRevocations } from "./admin-revocations.js";
import { createCharterScreens } from "./admin-charter.js";
import { createAdminCertify } from "./admin-certify.js";

export const TERRITORY_ADMIN = "territory_admin";

/** A field's value holder (input or select) of id `id`. @param {string} id */
function input(id) {
  return /** @type {HTMLInputElement} */ (document.getElementById(id));
}

/** @type {Record<string, string>} */
const STRINGS = JSON.parse(byId("admin-strings").textContent || "{}");
/** @type {Record<string, Record<string, string>>} */
const LABELS = JSON.parse(byId("admin-labels").textContent || "{}");
const CONFIG = JSON.parse(byId("admin-config").textContent || "{}");

/** @typedef {import("./admin-charter.js").Previewed} Previewed */

/**
 * @type {{signedIn: boolean, pending: import("./console-login.js").Pending | null,
 *   structures: {id: string, name: string}[], admitted: {id: string, name: string} | null,
 *   previewed: Previewed | null, ending: {id: string, name: string} | null, downloadUrl: string}}
 */
const state = {
  signedIn: false,
  pending: null,
  structures: [],
  admitted: null,
  previewed: null,
  ending: null,
  downloadUrl: "",
};

// ---------------------------------------------------------------------------- helpers

/**
 * @param {string} kind
 * @param {string} code
 */
function label(kind, code) {
  return (LABELS[kind] && LABELS[kind][code]) || code;
}

/**
 * @param {string} kind
 * @param {string[]} codes
 */
function labels(kind, codes) {
  return codes.map((c) => label(kind, c)).join(", ");
}

const { setStatus, show, showError, busy, api, problem } = createDesk({ STRINGS, state, endSession });
const idle = createIdleLogout(state, CONFIG.idleSeconds, () => logout(STRINGS.idle_logout));

const login = createLogin({
  STRINGS, state, api, show, showError, setStatus, busy, formOf, enterConsole, kind: TERRITORY_ADMIN, configId: "admin-config",
});
const { backToLogin, dropPending, endWorker, quietLogout } = login;

function dropDownload() {
  if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
  state.downloadUrl = "";
  const link = /** @type {HTMLAnchorElement} */ (byId("preview-download"));
  link.hidden = true;
  link.removeAttribute("href");
}

function wipe() {
  dropPending();
  endWorker();
  idle.stop();
  dropDownload();
  Object.assign(state, { signedIn: false, structures: [], admitted: null, previewed: null, ending: null });
  for (const id of ["adhesions-list", "directory-results", "preview-problems", "preview-differences", "preview-text", "invitation-qr"]) {
    byId(id).replaceChildren();
  }
  for (const id of ["adhesions-charter", "directory-summary", "admitted-text", "invitation-who", "invitation-code", "invitation-expires", "preview-summary", "preview-compared", "published-text", "end-structure"]) {
    byId(id).textContent = "";
  }
  /** @type {HTMLInputElement} */ (byId("invitation-link")).value = "";
  for (const form of document.querySelectorAll("form")) form.reset();
  for (const id of ["login-error", "code-error", "adhesions-error", "directory-error", "admit-error", "invite-error", "charter-error", "preview-error", "end-error", "admins-error", "certify-error"]) {
    showError(id, "");
  }
  certify.forget();
  for (const id of ["certify-who", "certify-pin"]) byId(id).textContent = "";
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

async function enterConsole() {
  state.signedIn = true;
  idle.touch();
  await showStructures();
}

// ----------------------------------------------------------- structures and adhesions

/** @param {Record<string, any>} line */
function adhesionText(line) {
  const today = dayKey(Date.now());
  if (!line.structure) return STRINGS.not_admitted;
  if (!line.since) return STRINGS.not_adhering;
  if (line.until && line.until <= today) return fill(STRINGS.ended_on, { date: calendarDay(line.until) });
  if (line.since > today) return fill(STRINGS.not_yet, { date: calendarDay(line.since) });
  if (line.until) return fill(STRINGS.adheres_until, { since: calendarDay(line.since), until: calendarDay(line.until) });
  return fill(STRINGS.adheres_since, { date: calendarDay(line.since) });
}

async function showStructures() {
  showError("adhesions-error", "");
  const view = await (await api("GET", "/territory/adhesions")).json();
  state.structures = view.adhesions
    .filter((/** @type {any} */ line) => line.structure)
    .map((/** @type {any} */ line) => ({ id: line.structure.id, name: line.name }));
  byId("adhesions-charter").textContent = view.in_force_version
    ? fill(STRINGS.in_force, { version: view.in_force_version, date: calendarDay(view.in_force_since) })
    : STRINGS.no_charter;
  const list = byId("adhesions-list");
  list.replaceChildren();
  if (!view.adhesions.length) list.append(el("li", { text: STRINGS.adhesions_none }));
  for (const line of view.adhesions) {
    const item = el("li", { className: "adhesion" });
    item.dataset.structure = line.structure ? line.structure.id : "";
    item.append(el("h2", { className: "adhesion-name", text: line.name }));
    const facts = [];
    if (line.structure) facts.push(label("kinds", line.structure.kind));
    if (line.siret) facts.push(fill(STRINGS.siret, { siret: line.siret }));
    if (facts.length) item.append(el("p", { className: "hint", text: facts.join(" · ") }));
    item.append(el("p", { className: "adhesion-state", text: adhesionText(line) }));
    if (line.structure) {
      const actions = el("div", { className: "actions" });
      const admins = el("button", { text: STRINGS.admins_of_button });
      admins.type = "button";
      admins.dataset.adminsFor = line.structure.id;
      admins.setAttribute("aria-label", `${STRINGS.admins_of_button} — ${line.name}`);
      actions.append(admins);
      const invite = el("button", { text: STRINGS.invite_admin_of });
      invite.type = "button";
      invite.dataset.inviteFor = line.structure.id;
      invite.setAttribute("aria-label", `${STRINGS.invite_admin_of} — ${line.name}`);
      actions.append(invite);
      if (line.since && !(line.until && line.until <= dayKey(Date.now()))) {
        const end = el("button", { text: STRINGS.end_adhesion_of });
        end.type = "button";
        end.dataset.endFor = line.structure.id;
        end.setAttribute("aria-label", `${STRINGS.end_adhesion_of} — ${line.name}`);
        actions.append(end);
      }
      item.append(actions);
    }
    list.append(item);
  }
  show("structures");
}

// ------------------------------------------------------------------------------ admit

function showAdmit() {
  formOf("admit-form").reset();
  formOf("directory-form").reset();
  byId("directory-results").replaceChildren();
  byId("directory-summary").textContent = "";
  for (const id of ["admit-error", "directory-error"]) showError(id, "");
  show("admit");
}

/** @param {SubmitEvent} event */
async function onDirectory(event) {
  event.preventDefault();
  const form = formOf("directory-form");
  const text = input("directory-name").value.trim();
  showError("directory-error", "");
  if (text.length < 2) return showError("directory-error", STRINGS.directory_short);
  busy(form, true);
  try {
    const found = await (await api("GET", `/directory/services?need=${encodeURIComponent(text)}&limit=20`)).json();
    /** @type {Map<string, Record<string, any>>} */
    const structures = new Map();
    for (const service of found.services) if (!structures.has(service.structure.id)) structures.set(service.structure.id, service.structure);
    const list = byId("directory-results");
    list.replaceChildren();
    byId("directory-summary").textContent = structures.size
      ? fill(STRINGS.directory_count, { n: structures.size })
      : fill(STRINGS.directory_none, { text });
    for (const entry of structures.values()) {
      const item = el("li");
      const where = [entry.adresse, [entry.code_postal, entry.commune].filter(Boolean).join(" ")].filter(Boolean).join(", ");
      item.append(el("p", { className: "directory-name", text: entry.nom }));
      if (where || entry.siret) item.append(el("p", { className: "hint", text: [where, entry.siret ? fill(STRINGS.siret, { siret: entry.siret }) : ""].filter(Boolean).join(" · ") }));
      const pick = el("button", { text: fill(STRINGS.directory_pick, { name: entry.nom }) });
      pick.type = "button";
      pick.addEventListener("click", () => pickFromDirectory(entry, where));
      item.append(pick);
      list.append(item);
    }
  } catch (error) {
    showError("directory-error", problem(error));
  } finally {
    busy(form, false);
  }
}

/**
 * @param {Record<string, any>} entry
 * @param {string} where
 */
function pickFromDirectory(entry, where) {
  input("admit-name").value = entry.nom || "";
  input("admit-siret").value = entry.siret || "";
  input("admit-address").value = where;
  setStatus(fill(STRINGS.directory_picked, { name: entry.nom }));
  byId("admit-kind").focus();
}

/** @param {SubmitEvent} event */
async function onAdmit(event) {
  event.preventDefault();
  const form = formOf("admit-form");
  const name = input("admit-name").value.trim();
  const siret = normaliseSiret(input("admit-siret").value);
  const kind = input("admit-kind").value;
  const address = input("admit-address").value.trim();
  showError("admit-error", "");
  /** @type {[string, string] | null} */
  let wrong = null;
  if (!name) wrong = ["admit-name", STRINGS.name_missing];
  else if (siret && siretProblem(siret)) wrong = ["admit-siret", siretProblem(siret) === "key" ? STRINGS.siret_key : STRINGS.siret_format];
  else if (!kind) wrong = ["admit-kind", STRINGS.kind_missing];
  else if (!address) wrong = ["admit-address", STRINGS.address_missing];
  for (const id of ["admit-name", "admit-siret", "admit-kind", "admit-address"]) byId(id).removeAttribute("aria-invalid");
  if (wrong) {
    byId(wrong[0]).setAttribute("aria-invalid", "true");
    showError("admit-error", wrong[1]);
    byId(wrong[0]).focus();
    return;
  }
  busy(form, true);
  try {
    const body = { name, kind, address, territory: CONFIG.department, siret: siret || null };
    const structure = await (await api("POST", "/structures", { json: body })).json();
    state.admitted = { id: structure.id, name: structure.name };
    byId("admitted-text").textContent = fill(STRINGS.admitted, { name: structure.name });
    busy(form, false);
    show("admitted");
  } catch (error) {
    busy(form, false);
    showError("admit-error", problem(error));
  }
}

// ----------------------------------------------------------------------------- invite

/** @param {string} [structureId] */
async function showInvite(structureId = "") {
  if (!state.structures.length) {
    const view = await (await api("GET", "/structures")).json();
    state.structures = view.structures.map((/** @type {any} */ s) => ({ id: s.id, name: s.name }));
  }
  const form = formOf("invite-form");
  form.reset();
  const select = /** @type {HTMLSelectElement} */ (byId("invite-structure"));
  select.replaceChildren(new Option(STRINGS.choose, ""), ...state.structures.map((s) => new Option(s.name, s.id)));
  select.value = structureId;
  showError("invite-error", "");
  syncInviteRole();
  show("invite");
}

function syncInviteRole() {
  const officer = /** @type {HTMLInputElement} */ (byId("invite-role-officer")).checked;
  byId("invite-structure-field").hidden = officer;
}

/** @param {SubmitEvent} event */
async function onInvite(event) {
  event.preventDefault();
  const form = formOf("invite-form");
  const officer = /** @type {HTMLInputElement} */ (byId("invite-role-officer")).checked;
  const structureId = /** @type {HTMLSelectElement} */ (byId("invite-structure")).value;
  const displayName = input("invite-name").value.trim();
  const profession = input("invite-profession").value;
  showError("invite-error", "");
  if (!officer && !structureId) return showError("invite-error", STRINGS.structure_missing);
  if (!displayName) return showError("invite-error", STRINGS.display_name_missing);
  busy(form, true);
  try {
    const invitation = officer
      ? await (await api("POST", "/invitations/charter-officer", { json: { display_name: displayName, profession } })).json()
      : await (await api("POST", `/structures/${structureId}/invitations`, { json: { kind: "structure_admin", display_name: displayName, profession } })).json();
    const structure = state.structures.find((s) => s.id === structureId);
    byId("invitation-who").textContent = officer
      ? fill(STRINGS.invitation_for_officer, { name: displayName })
      : fill(STRINGS.invitation_for_admin, { name: displayName, structure: structure ? structure.name : "" });
    const link = invitation.url || `${location.origin}/#invitation=${invitation.code}`;
    /** @type {HTMLInputElement} */ (byId("invitation-link")).value = link;
    byId("invitation-code").textContent = invitation.code;
    putQr(invitation.qr_svg || "", byId("invitation-qr"));
    byId("invitation-expires").textContent = fill(STRINGS.invitation_expires, { date: day(invitation.expires_at), time: time(invitation.expires_at) });
    busy(form, false);
    show("invitation");
  } catch (error) {
    busy(form, false);
    showError("invite-error", problem(error));
  }
}

async function copyLink() {
  const input = /** @type {HTMLInputElement} */ (byId("invitation-link"));
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
  }
}

// ---------------------------------------------------------------------------- charter

// The charter's preview, publication and the end of an adhesion (admin-charter.js).
const { showCharter, onCharterFile, publish, showEnd, onEnd } = createCharterScreens({
  strings: STRINGS, state, byId, formOf, el, labels, show, setStatus, showError, busy, api, problem, dropDownload, showStructures,
});

// ---------------------------------------------------------------------------- wiring

/** @param {() => unknown} step */
async function guarded(step) {
  try {
    await step();
  } catch (error) {
    if (state.signedIn) setStatus(problem(error));
  }
}

// The revocation list, signed here with the root key (admin-revocations.js).
const revocations = createRevocations({ strings: STRINGS, config: CONFIG, api, show, showError, busy, problem });
// The structure admins, certified face to face with the root key (admin-certify.js).
const certify = createAdminCertify({ strings: STRINGS, config: CONFIG, api, show, showError, busy, problem });

/** @param {string} structureId */
function showAdminsOf(structureId) {
  const structure = state.structures.find((s) => s.id === structureId);
  return certify.showAdmins(structure || null);
}

function wire() {
  formOf("revocations-form").addEventListener("submit", revocations.onSign);
  formOf("certify-form").addEventListener("submit", certify.onCertify);
  byId("certify-photo").addEventListener("change", () => guarded(certify.onPhoto));
  formOf("login-form").addEventListener("submit", login.onLogin);
  formOf("code-form").addEventListener("submit", login.onCode);
  formOf("directory-form").addEventListener("submit", onDirectory);
  formOf("admit-form").addEventListener("submit", onAdmit);
  formOf("invite-form").addEventListener("submit", onInvite);
  formOf("invite-form").addEventListener("change", syncInviteRole);
  formOf("charter-form").addEventListener("submit", onCharterFile);
  formOf("end-form").addEventListener("submit", onEnd);
  /** @type {Record<string, () => unknown>} */
  const actions = {
    logout: () => logout(),
    "cancel-code": () => backToLogin(),
    publish,
    "copy-link": copyLink,
    "invite-admitted": () => showInvite(state.admitted ? state.admitted.id : ""),
  };
  /** @type {Record<string, () => unknown>} */
  const screens = {
    structures: showStructures,
    admit: showAdmit,
    invite: () => showInvite(),
    charter: showCharter,
    revocations: () => revocations.showRevocations(),
    admins: () => certify.showAdmins(),
  };
  document.addEventListener("click", (event) => {
    const clicked = /** @type {Element} */ (event.target);
    const inviteFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-invite-for]"));
    if (inviteFor) return void guarded(() => showInvite(inviteFor.dataset.inviteFor));
    const endFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-end-for]"));
    if (endFor) return void guarded(() => showEnd(endFor.dataset.endFor || ""));
    const adminsFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-admins-for]"));
    if (adminsFor) return void guarded(() => showAdminsOf(adminsFor.dataset.adminsFor || ""));
    const certifyFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-certify-for]"));
    if (certifyFor) return void guarded(() => certify.showCertify(certifyFor.dataset.certifyFor || ""));
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
  window.addEventListener("pagehide", () => {
    dropPending();
    endWorker();
    revocations.end();
    certify.end();
  });
}

async function boot() {
  wire();
  await login.resume();
}

boot();
