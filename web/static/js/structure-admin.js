// @ts-check
// The structure admin's page (/structure): the structure's professionals with their
// certificate's state (valid until, to renew within 30 days, expired, revoked),
// inviting one professional (single-use link + QR code, 7 days), inviting from a CSV
// file (every row or none: the rejected rows are listed with their line and reason;
// Coffre sends no e-mail, so the links are listed to hand out), certifying a member
// after comparing their key's pin face to face (SPEC §25: computed HERE from the key
// the server serves, so a swapped key shows another pin than the member's own
// screen), and ending a membership.
//
// The log-in is the console's (console-login.js: passphrase, then the 6-digit code).
// The keyring is opened only to sign a certificate, with the passphrase asked at that
// moment, and wiped at once (like admin-revocations.js). Nothing is stored.

import { createLogin } from "./console-login.js";
import { day, time } from "./dates.js";
import { fill } from "./consent-common.js";
import { byId, createDesk, createIdleLogout, el, formOf, putQr } from "./desk.js";
import { createDeskSigning } from "./desk-signing.js";
import { createFaceToFace, makeCertificate } from "./desk-certify.js";
import { createWebhooks } from "./structure-webhooks.js";

const PROFESSIONAL = "professional";
const MAX_CSV_BYTES = 48 * 1024;

/** @type {Record<string, string>} */
const STRINGS = JSON.parse(byId("admin-strings").textContent || "{}");
/** @type {Record<string, Record<string, string>>} */
const LABELS = JSON.parse(byId("admin-labels").textContent || "{}");
const CONFIG = JSON.parse(byId("admin-config").textContent || "{}");

/**
 * @type {{signedIn: boolean, pending: import("./console-login.js").Pending | null,
 *   me: string, structure: string, members: Record<string, any>[], target: Record<string, any> | null}}
 */
const state = { signedIn: false, pending: null, me: "", structure: "", members: [], target: null };
// Certifying signs with this admin's own key, opened for that signature only.
const signing = createDeskSigning(CONFIG);

const { setStatus, show, showError, busy, api, problem } = createDesk({ STRINGS, state, endSession });
const idle = createIdleLogout(state, CONFIG.idleSeconds, () => logout(STRINGS.idle_logout));

const login = createLogin({
  STRINGS, state, api, show, showError, setStatus, busy, formOf, enterConsole, kind: PROFESSIONAL, configId: "admin-config",
});
const { backToLogin, dropPending, endWorker, quietLogout } = login;
// The automatic sendings (webhooks) section: its screens, its buttons.
const webhooks = createWebhooks({ STRINGS, state, api, show, showError, busy, problem });

function wipe() {
  dropPending();
  idle.stop();
  Object.assign(state, { signedIn: false, me: "", structure: "", members: [], target: null });
  faceToFace.forget();
  webhooks.wipe();
  for (const id of ["members-list", "bulk-rejected", "bulk-links", "invitation-qr"]) byId(id).replaceChildren();
  for (const id of ["members-structure", "invitation-who", "invitation-code", "invitation-expires", "bulk-summary", "certify-who", "certify-pin", "end-who", "revoke-who"]) {
    byId(id).textContent = "";
  }
  /** @type {HTMLInputElement} */ (byId("invitation-link")).value = "";
  for (const form of document.querySelectorAll("form")) form.reset();
  for (const id of ["login-error", "code-error", "members-error", "invite-error", "bulk-error", "certify-error", "end-error", "revoke-error"]) showError(id, "");
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

/** After the log-in: this account must be a certified structure admin. */
async function enterConsole() {
  const me = await (await api("GET", "/me")).json();
  const chain = await api("GET", `/professionals/${me.account.id}/keys`)
    .then((response) => response.json())
    .catch(() => null);
  const role = chain && chain.certificates.length ? chain.certificates[0].statement.role : "";
  if (!chain || role !== "structure_admin" || !chain.structure_id) {
    await quietLogout();
    wipe();
    return show("login", { status: STRINGS.not_structure_admin });
  }
  state.signedIn = true;
  state.me = me.account.id;
  state.structure = chain.structure_id;
  await showMembers();
}

// ---------------------------------------------------------------------------- members

/** @param {Record<string, any>} m */
function stateLine(m) {
  const until = m.not_after ? { date: day(m.not_after) } : { date: "" };
  switch (m.certificate_state) {
    case "valid": return m.not_after ? fill(STRINGS.cert_valid_until, until) : STRINGS.cert_valid;
    case "ending": return fill(STRINGS.cert_ending, until);
    case "expired": return fill(STRINGS.cert_expired, until);
    // A key rotation (POST /me/keys/rotate): the new key waits, compared face to face.
    case "revoked": return m.new_key ? STRINGS.cert_new_key : STRINGS.cert_revoked;
    default: return STRINGS.cert_none;
  }
}

async function showMembers(status = "") {
  showError("members-error", "");
  const listed = await (await api("GET", `/structures/${state.structure}/members`)).json();
  state.members = listed.members.filter((/** @type {any} */ m) => !m.left_at);
  const list = byId("members-list");
  list.replaceChildren();
  for (const m of state.members) {
    const item = el("li", { className: "adhesion" });
    item.dataset.member = m.account_id;
    const profession = (LABELS.professions || {})[m.profession] || m.profession;
    item.append(el("h2", { text: m.display_name }), el("p", { text: profession }));
    const line = el("p", { className: `cert cert-${m.certificate_state}`, text: stateLine(m) });
    item.append(line);
    if (m.role === PROFESSIONAL) {
      const actions = el("div", { className: "actions" });
      if (m.certificate_state !== "valid") {
        const certify = el("button", { text: m.certificate_state === "none" || m.new_key ? STRINGS.certify : STRINGS.renew });
        certify.type = "button";
        certify.dataset.certifyFor = m.account_id;
        certify.setAttribute("aria-label", `${certify.textContent} — ${m.display_name}`);
        actions.append(certify);
      }
      if (m.certificate_state === "valid" || m.certificate_state === "ending" || m.certificate_state === "expired") {
        const revoke = el("button", { text: STRINGS.revoke });
        revoke.type = "button";
        revoke.dataset.revokeFor = m.account_id;
        revoke.setAttribute("aria-label", `${STRINGS.revoke} — ${m.display_name}`);
        actions.append(revoke);
      }
      const end = el("button", { text: STRINGS.end_membership });
      end.type = "button";
      end.dataset.endFor = m.account_id;
      end.setAttribute("aria-label", `${STRINGS.end_membership} — ${m.display_name}`);
      actions.append(end);
      item.append(actions);
    }
    list.append(item);
  }
  if (!state.members.length) list.append(el("li", { text: STRINGS.members_none }));
  show("members", { status });
}

// ---------------------------------------------------------------------------- invite

/** @param {SubmitEvent} event */
async function onInvite(event) {
  event.preventDefault();
  const form = formOf("invite-form");
  const displayName = /** @type {HTMLInputElement} */ (byId("invite-name")).value.trim();
  const profession = form.profession.value;
  showError("invite-error", "");
  if (!displayName) return showError("invite-error", STRINGS.display_name_missing);
  // Nothing chosen in advance: the category goes into the certificate (the charter
  // allows each purpose to some professions).
  if (!profession) return showError("invite-error", STRINGS.profession_missing);
  busy(form, true);
  try {
    const invitation = await (await api("POST", `/structures/${state.structure}/invitations`, { json: { kind: PROFESSIONAL, display_name: displayName, profession } })).json();
    byId("invitation-who").textContent = fill(STRINGS.invitation_for, { name: displayName });
    /** @type {HTMLInputElement} */ (byId("invitation-link")).value = invitation.url || `${location.origin}/#invitation=${invitation.code}`;
    byId("invitation-code").textContent = invitation.code;
    putQr(invitation.qr_svg || "", byId("invitation-qr"));
    byId("invitation-expires").textContent = fill(STRINGS.invitation_expires, { date: day(invitation.expires_at), time: time(invitation.expires_at) });
    form.reset();
    busy(form, false);
    show("invitation");
  } catch (error) {
    busy(form, false);
    showError("invite-error", problem(error));
  }
}

// ---------------------------------------------------------------------------- bulk

/** @param {SubmitEvent} event */
async function onBulk(event) {
  event.preventDefault();
  const form = formOf("bulk-form");
  const file = /** @type {HTMLInputElement} */ (byId("bulk-file")).files?.[0];
  showError("bulk-error", "");
  byId("bulk-rejected").replaceChildren();
  byId("bulk-rejected-block").hidden = true;
  if (!file) return showError("bulk-error", STRINGS.bulk_no_file);
  if (file.size > MAX_CSV_BYTES) return showError("bulk-error", STRINGS.bulk_too_big);
  busy(form, true);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const answer = await (await api("POST", `/structures/${state.structure}/invitations/bulk`, { body: bytes, headers: { "Content-Type": "text/csv" } })).json();
    busy(form, false);
    form.reset();
    const links = byId("bulk-links");
    links.replaceChildren();
    for (const item of answer.invitations) {
      const li = el("li", { className: "adhesion" });
      li.append(el("h2", { text: item.display_name }), el("p", { text: item.email }));
      const label = el("label", { text: fill(STRINGS.bulk_link_of, { name: item.display_name }) });
      const id = `bulk-link-${item.row}`;
      label.htmlFor = id;
      const link = el("input");
      link.id = id;
      link.readOnly = true;
      link.value = item.url;
      li.append(label, link, el("p", { className: "hint", text: fill(STRINGS.invitation_expires, { date: day(item.expires_at), time: time(item.expires_at) }) }));
      links.append(li);
    }
    byId("bulk-summary").textContent = fill(STRINGS.bulk_done, { n: answer.invitations.length });
    show("bulk-done");
  } catch (error) {
    busy(form, false);
    showError("bulk-error", problem(error));
    const rows = /** @type {any} */ (error).rows || [];
    if (rows.length) {
      const list = byId("bulk-rejected");
      for (const row of rows) {
        const field = row.field ? ` (${row.field})` : "";
        list.append(el("li", { text: `${fill(STRINGS.bulk_line, { row: row.row })}${field} : ${row.message}` }));
      }
      byId("bulk-rejected-block").hidden = false;
    }
  }
}

// ---------------------------------------------------------------------------- certify

// Face to face (desk-certify.js): the pin computed here, compared as a QR code or read
// aloud, then signed with this admin's own key.
const faceToFace = createFaceToFace({
  strings: STRINGS, config: CONFIG, signing, api, show, showError, busy, problem, certificate, done: certified,
});

/** @param {string} accountId */
async function showCertify(accountId) {
  const member = state.members.find((m) => m.account_id === accountId);
  if (member) await faceToFace.open(member);
}

/**
 * A v2 certificate (SPEC §26.2) when the territory published its v2 root and this
 * admin's own certificate is v2 (a chain never mixes formats); otherwise v1 (SPEC §15).
 * @param {Record<string, any>} member @param {Uint8Array} signSeed @param {any} na
 */
async function certificate(member, signSeed, na) {
  const mine = await (await api("GET", `/professionals/${state.me}/keys`)).json();
  const v2Admin = mine.certificates.length && mine.certificates[0].statement.v === 2;
  let v2 = null;
  if (v2Admin) {
    const chain = await (await api("GET", "/trust/root/v2")).json();
    v2 = { territory: chain.root.statement.territory, days: chain.certificate_days || 365 };
  }
  return makeCertificate(na, member, { structure: state.structure, issuer: state.me, v2 }, signSeed);
}

/** @param {Record<string, any>} member */
async function certified(member) {
  await showMembers(fill(STRINGS.certified, { name: member.display_name })).catch((error) => showError("members-error", problem(error)));
}

// ---------------------------------------------------------------------------- revoke

/** @param {string} accountId */
function showRevoke(accountId) {
  const member = state.members.find((m) => m.account_id === accountId);
  if (!member) return;
  state.target = member;
  byId("revoke-who").textContent = fill(STRINGS.revoke_who, { name: member.display_name });
  formOf("revoke-form").reset();
  showError("revoke-error", "");
  show("revoke");
}

/** @param {SubmitEvent} event */
async function onRevoke(event) {
  event.preventDefault();
  const form = formOf("revoke-form");
  const member = state.target;
  if (!member) return;
  const reason = /** @type {HTMLSelectElement} */ (byId("revoke-reason")).value;
  showError("revoke-error", "");
  if (!reason) return showError("revoke-error", STRINGS.reason_missing);
  busy(form, true);
  try {
    await api("POST", `/memberships/${member.membership_id}/certificate/revoke`, { json: { reason } });
    busy(form, false);
    await showMembers(fill(STRINGS.revoked, { name: member.display_name }));
  } catch (error) {
    busy(form, false);
    showError("revoke-error", problem(error));
  }
}

// ---------------------------------------------------------------------------- end

/** @param {string} accountId */
function showEnd(accountId) {
  const member = state.members.find((m) => m.account_id === accountId);
  if (!member) return;
  state.target = member;
  byId("end-who").textContent = fill(STRINGS.end_who, { name: member.display_name });
  showError("end-error", "");
  show("end");
}

async function endConfirm() {
  const member = state.target;
  if (!member) return;
  try {
    await api("POST", `/memberships/${member.membership_id}/end`);
    await showMembers(fill(STRINGS.ended, { name: member.display_name }));
  } catch (error) {
    showError("end-error", problem(error));
  }
}

// ---------------------------------------------------------------------------- wiring

/** @param {() => unknown} run */
function guarded(run) {
  Promise.resolve()
    .then(run)
    .catch((error) => setStatus(problem(error)));
}

function wire() {
  formOf("login-form").addEventListener("submit", login.onLogin);
  formOf("code-form").addEventListener("submit", login.onCode);
  idle.listen();
  formOf("invite-form").addEventListener("submit", onInvite);
  formOf("bulk-form").addEventListener("submit", onBulk);
  formOf("certify-form").addEventListener("submit", faceToFace.onCertify);
  formOf("revoke-form").addEventListener("submit", onRevoke);
  formOf("webhook-form").addEventListener("submit", webhooks.onAdd);
  byId("certify-photo").addEventListener("change", () => guarded(faceToFace.onPhoto));
  /** @type {Record<string, () => unknown>} */
  const actions = {
    logout: () => logout(),
    "cancel-code": () => backToLogin(),
    "end-confirm": endConfirm,
    "webhook-delete-confirm": webhooks.confirmDelete,
    "webhook-log-refresh": webhooks.refreshLog,
  };
  /** @type {Record<string, () => unknown>} */
  const screens = {
    members: () => showMembers(),
    invite: () => { showError("invite-error", ""); show("invite"); },
    bulk: () => { showError("bulk-error", ""); byId("bulk-rejected-block").hidden = true; show("bulk"); },
    login: () => backToLogin(),
    webhooks: () => { webhooks.forgetSecret(); return webhooks.open(); },
    "webhook-add": () => webhooks.openAdd(),
  };
  document.addEventListener("click", (event) => {
    const clicked = /** @type {Element} */ (event.target);
    const certifyFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-certify-for]"));
    if (certifyFor) return void guarded(() => showCertify(certifyFor.dataset.certifyFor || ""));
    const revokeFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-revoke-for]"));
    if (revokeFor) return void guarded(() => showRevoke(revokeFor.dataset.revokeFor || ""));
    const endFor = /** @type {HTMLElement | null} */ (clicked.closest("[data-end-for]"));
    if (endFor) return void guarded(() => showEnd(endFor.dataset.endFor || ""));
    if (state.signedIn && webhooks.onClick(clicked, guarded)) return;
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
  window.addEventListener("pagehide", () => {
    dropPending();
    endWorker();
    signing.end();
  });
}

async function boot() {
  wire();
  await login.resume();
}

boot();
