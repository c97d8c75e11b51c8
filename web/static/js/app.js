// @ts-check
// The person's vault in the page: the screens, the session and the modules put
// together (one `vault` object holds what the page keeps); the way in (sign up, log in,
// unlock) lives in person-entry.js, the documents (list, open, rename, delete) in
// documents.js, adding one (pages, encryption, upload) in add-document.js, regaining
// access (recovery code, reset code) in regain-access.js.
//
// Keys live in the page's memory only (vault.state): never in localStorage,
// sessionStorage or a cookie. They are wiped on log-out, after inactivity, and when the page goes.
// Argon2id runs in a Web Worker (kdf-worker.js); everything else uses
// coffre-crypto.js (crypto/SPEC.md). Every text comes from the server (gettext).
// Consent (sharing, requests, notifications, deposits, history, the full export; a
// professional's shared documents, deposits and notifications) lives in
// consent-person.js and consent-pro.js and the modules they put together; this file
// gives them its helpers (the add screens also serve a professional's deposit).
// The welcome screen needs only the small modules imported here. libsodium (~190 KB
// compressed), the crypto and the screens after log-in come when the person goes on to
// sign up, log in or unlock (loadVault), the professionals' modules only for a
// professional (loadProModules): prepaid data, tests/web/test_data_budget.py.
import { ApiError, csrfToken, request } from "./http.js";
import { createResetNotice } from "./person-reset.js";
import { byId } from "./consent-common.js";
import { clearCiphertexts } from "./doc-cache.js";
import { watchNewPassphrases } from "./passphrase.js";
import { createPersonNav } from "./person-nav.js";
import { createUi } from "./ui.js";
import { wireListen } from "./listen.js";
// The page as an installed app (issue 19, H7): its service worker (the shell kept for
// offline, the pushes) and the uploads waiting for the network.
import { pushSupported, registerWorker } from "./push.js";
import { createOfflineQueue, dropWaiting } from "./offline-queue.js";

const CONFIG = JSON.parse(byId("coffre-config").textContent);
// The page's texts in its language: a file the browser keeps a year (web/page_strings.py),
// preloaded by the page; a second visit does not download them again.
const STRINGS = await (await fetch(CONFIG.strings)).json();

/**
 * What the page holds while it runs, in one object: the session (state, wiped at log-out)
 * and, once the vault's modules are loaded (loadVault), the crypto and the modules made
 * from them. Each module is given what it needs of it (its ctx), never the whole.
 * @typedef {object} Vault
 * @property {import("./types/page").PageState} state the session in memory
 * @property {any} C createCoffreCrypto(sodium)
 * @property {any} sodium libsodium.js, ready
 * @property {any} kdfClient kdf-client.js: Argon2id in the worker
 * @property {any} entry person-entry.js: sign up, log in, unlock, the vault opened
 * @property {any} access regain-access.js: the recovery and reset codes
 * @property {() => boolean} endProConnectSession proconnect.js (false without ProConnect)
 * @property {any[]} consent the screens' modules: {screens, enter, actions, wipe, home?}
 * @property {any} adding add-document.js: the add screens and the upload
 * @property {any} documents documents.js: the list, one document, rename, delete
 * @property {any} kit recovery-kit.js: the kit shown, saved, checked, made again
 * @property {any} helpers what the screens' modules are given
 * @property {Record<string, () => unknown>} actions data-action name -> what it does (wire)
 * @property {any} proconnect proconnect.js, when ProConnect is on (the page has its forms)
 * @property {Promise<void> | null} loading the vault's modules being fetched (loadVault)
 * @property {Promise<void> | null} proLoading the professional's modules being fetched
 * @property {ReturnType<typeof setTimeout> | undefined} idleTimer the idle log-out
 */
/** @type {Vault} */
const vault = {
  state: {
    keys: null, // {boxPublic, boxSecret, signPublic, signSeed}
    login: null,
    documents: [], // [{id, category, createdAt, expiresOn, docKey, meta}]
    current: null,
    pages: [], // [{kind: "image"|"pdf", bytes, thumbUrl}]
    pendingUpload: null, // {blob, headers, path, done}
    addTarget: null, // adding into someone else's vault (a deposit): see add-document.js
    objectUrls: [],
    invitation: null, // assisted sign-up code from the URL
    // The URL's #… as the page opened, before boot() replaces it: the guide's
    // /#orienter=<service> link, read by pro-orient.js once a professional's vault opens.
    startHash: location.hash,
    accountId: null,
    kind: null, // "person" | "professional" | … (GET /me: account.kind)
  },
  C: null,
  sodium: null,
  kdfClient: null,
  entry: null,
  access: null,
  endProConnectSession: () => false,
  consent: [],
  adding: null,
  documents: null,
  kit: null,
  helpers: null,
  actions: {},
  proconnect: null,
  loading: null,
  proLoading: null,
  idleTimer: undefined,
};
const { state } = vault; // the session (read everywhere below)

// Libraries the first screens do not need are fetched only when used (prepaid data).
const loaded = new Map();
/**
 * @param {string} url
 * @returns {Promise<unknown>}
 */
function loadScript(url) {
  if (!loaded.has(url)) {
    loaded.set(url, new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => {
        loaded.delete(url);
        reject(new ApiError(0, "network_error", STRINGS.network_error));
      });
      document.head.append(script);
    }));
  }
  return loaded.get(url);
}

// ---------------------------------------------------------------------------- screens

// The screens, the status line, errors and busy forms (ui.js); every screen shown is a
// history entry, so the phone's back button goes to the previous screen (popstate below).
const ui = createUi(document, {
  working: STRINGS.working,
  signedIn: () => Boolean(state.keys),
  // The professional's menu; a person has the bottom bar (person-nav.js).
  menuShown: (name) => Boolean(state.keys) && !KIT_SCREENS.has(name) && state.kind === "professional",
  onShow: (name) => {
    for (const node of document.querySelectorAll("[data-role]")) {
      const item = /** @type {HTMLElement} */ (node);
      item.hidden = item.dataset.role !== state.kind;
    }
    // A person logs out from "Plus"; nobody from the kit being kept (issue 18).
    const headerLogout = document.querySelector("header [data-action=logout]");
    if (headerLogout) /** @type {HTMLElement} */ (headerLogout).hidden = !state.keys || state.kind === "person" || KIT_SCREENS.has(name);
    nav.update(name, Boolean(state.keys) && state.kind === "person");
    showQueue(); // NOTE H7 (issue 19): an upload waiting for the network, on every screen
  },
  push: true,
});
const { show, setStatus, showError, busy } = ui;
// The screens of a recovery kit being kept: no menu, no bar, no log-out there.
const KIT_SCREENS = new Set(["recovery", "recovery-check"]);
const nav = createPersonNav();
// "Écouter" on every screen: the screen read aloud in the page's language (listen.js).
wireListen({ S: STRINGS, say: setStatus });

// ------------------------------------------------------- installed app (issue 19, H7)

// The account of the session this browser holds (GET /me, or the vault opened): kept
// past the idle lock, for an upload that waits for the network leaves with that
// session's cookie alone; forgotten when the server ended the session (logout below).
/** @type {string | null} */
let sessionAccount = null;
// Uploads that could not leave (no connection) wait as ciphertext and leave by
// themselves (offline-queue.js); what they do is said in #queue-note on every screen.
const queue = createOfflineQueue({ CONFIG, account: () => sessionAccount, onChange: queueChanged });

/** @type {import("./offline-queue.js").QueueEvent} what the queue said last */
let queueEvent = { kind: "idle" };

/** @param {import("./offline-queue.js").QueueEvent} event */
function queueChanged(event) {
  queueEvent = event;
  if (event.kind === "sent") {
    // The person waiting on the sending screen, or looking at the list, sees it there.
    const screen = shownScreen();
    if (state.keys && state.kind === "person" && (screen === "sending" || screen === "documents")) {
      queueEvent = { kind: "idle" };
      vault.documents.showDocuments(STRINGS.upload_done);
      return;
    }
  }
  showQueue();
}

/** @returns {string} the screen shown now */
function shownScreen() {
  const shown = document.querySelector("[data-screen]:not([hidden])");
  return shown instanceof HTMLElement ? String(shown.dataset.screen) : "";
}

/**
 * What the queue said, in plain words: on the sending screen in its own step line and
 * bar (the document the person just sent is the one waiting), elsewhere in #queue-note.
 */
function showQueue() {
  // "Arrivé" is said until the person sees the list, where the document now is.
  if (queueEvent.kind === "sent" && shownScreen() === "documents") queueEvent = { kind: "idle" };
  const event = queueEvent;
  let text = "";
  if (event.kind === "waiting") text = event.count > 1 ? STRINGS.queue_waiting_many : STRINGS.queue_waiting_one;
  // In steps of 10 %: the note is a live region, read aloud at each change.
  else if (event.kind === "sending") text = STRINGS.queue_sending.replace("{n}", String(Math.floor(event.percent / 10) * 10));
  else if (event.kind === "sent") text = STRINGS.queue_sent;
  else if (event.kind === "refused") text = STRINGS.queue_refused;
  const percent = event.kind === "sending" ? event.percent : 0;
  const onSending = shownScreen() === "sending" && Boolean(text);
  if (onSending) {
    if (byId("send-step").textContent !== text) byId("send-step").textContent = text;
    /** @type {HTMLProgressElement} */ (byId("send-progress")).value = percent;
    byId("send-percent").textContent = STRINGS.percent.replace("{n}", String(Math.floor(percent)));
  }
  byId("queue-note").hidden = !text || onSending;
  if (byId("queue-text").textContent !== text) byId("queue-text").textContent = text; // said once
  const bar = /** @type {HTMLProgressElement} */ (byId("queue-progress"));
  bar.hidden = event.kind !== "sending";
  bar.value = percent;
}

/** Says whether the phone has a connection (the page may have opened from the kept copy). */
function connectionChanged() {
  byId("connection-note").hidden = navigator.onLine !== false;
}

// ------------------------------------------------------------------------------- HTTP

/**
 * @param {string} method
 * @param {string} path
 * @param {{json?: unknown, body?: BodyInit, headers?: Record<string, string>, signal?: AbortSignal}} [options]
 */
function api(method, path, options) {
  return request(method, path, options, STRINGS.network_error);
}

// ------------------------------------------------------------------------ KDF worker

/**
 * @param {string} op
 * @param {...unknown} args
 */
function kdf(op, ...args) {
  return vault.kdfClient.call(op, ...args);
}

// --------------------------------------------------------------------------- session

function wipeKeys() {
  const { sodium } = vault;
  if (state.keys && sodium) {
    for (const value of Object.values(state.keys)) {
      if (value instanceof Uint8Array) sodium.memzero(value);
    }
  }
  for (const doc of state.documents) if (doc.docKey && sodium) sodium.memzero(doc.docKey);
  for (const url of state.objectUrls) URL.revokeObjectURL(url);
  for (const page of state.pages) if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
  clearCiphertexts(); // the documents' ciphertext kept while the vault was open (doc-cache.js)
  Object.assign(state, {
    keys: null, login: null, documents: [], current: null, pages: [], pendingUpload: null, objectUrls: [],
    accountId: null, kind: null, addTarget: null,
  });
  for (const module of vault.consent) module.wipe();
  byId("doc-preview").replaceChildren();
  byId("document-list").replaceChildren();
  for (const form of document.querySelectorAll("form")) form.reset();
  if (vault.kdfClient) vault.kdfClient.end();
}

/**
 * @param {string} [message]
 * @param {boolean} [everywhere] an explicit "Se déconnecter": a session opened through
 *   ProConnect ends ProConnect's session too (the idle lock does not leave the page)
 */
async function logout(message = STRINGS.keys_wiped, everywhere = false) {
  // NOTE H7 (issue 19): an upload waiting for the network is sent first; one that
  // cannot leave is dropped only if the person says so (the "logout-waiting" screen).
  // The idle lock asks no one: what waits leaves later with the session's cookie.
  if (everywhere && state.keys && !(await queue.flush())) {
    show("logout-waiting");
    return;
  }
  try {
    await api("POST", "/auth/logout");
    sessionAccount = null;
  } catch (error) {
    // The keys go anyway; an expired session is already over on the server.
    if (!(error instanceof ApiError && error.status === 0)) sessionAccount = null;
  }
  wipeKeys();
  if (everywhere && vault.endProConnectSession()) return;
  history.replaceState({ screen: "welcome" }, "", "#welcome");
  show("welcome", { push: false, status: message });
}

function touch() {
  if (!state.keys) return;
  clearTimeout(vault.idleTimer);
  vault.idleTimer = setTimeout(() => logout(STRINGS.idle_logout), CONFIG.idleSeconds * 1000);
}

/** @param {any} account GET /me's account */
function setAccount(account) {
  state.login = account.login;
  state.accountId = account.id;
  state.kind = account.kind;
  sessionAccount = account.id;
  queue.flush(); // what waited for this account leaves now
}

// A reset of the person's own account that waits (or a reset code issued for it) is
// shown first, once per opened vault, with a one-step cancel (person-reset.js).
const resetNotice = createResetNotice({ S: STRINGS, state, api, show, setStatus, showError, home });

// The first screen after the vault opens: a professional's shared documents, or the vault.
async function home(status = "") {
  if (state.kind === "professional") await loadProModules();
  if (await resetNotice.interrupts(status)) return;
  const module = vault.consent.find((m) => m.home && m.kind === state.kind);
  if (module) return module.home(status);
  return vault.documents.showDocuments(status);
}

// The way in (sign up, log in, unlock, the vault opened) is person-entry.js.

/**
 * @param {string} code
 * @param {string} login
 * @param {string} [status]
 */
async function showRecoveryKit(code, login, status = "") {
  // Kept as an image or on paper, then checked (recovery-kit.js).
  await vault.kit.showKit(code, login, status);
}

// ---------------------------------------------------------------------- my documents

/** @param {string} code */
function categoryLabel(code) {
  const label = document.querySelector(`label[for="category-${code}"]`);
  return label ? String(label.textContent).trim() : code;
}

function categoryOrder() {
  return [...document.querySelectorAll("input[name=category]")].map((input) => /** @type {HTMLInputElement} */ (input).value);
}

// ---------------------------------------------------------------------------- wiring

const NEEDS_KEYS = new Set(["documents", "add-kind", "add-pages", "sending", "document", "rename", "delete", "recovery", "more", "logout-waiting"]);

// A screen a consent module fills before showing it (its list is fetched again).
/** @param {string} name */
function enterHandler(name) {
  for (const module of vault.consent) if (module.enter[name]) return module.enter[name];
  return null;
}

// The forms and the actions, once the vault's modules are loaded.
function wire() {
  const { entry, access, adding } = vault;
  byId("signup-form").addEventListener("submit", entry.onSignup);
  byId("login-form").addEventListener("submit", entry.onLogin);
  byId("unlock-form").addEventListener("submit", entry.onUnlock);
  byId("forgot-form").addEventListener("submit", access.onForgot);
  byId("reset-form").addEventListener("submit", access.onReset);
  vault.actions = {
    logout: () => logout(STRINGS.keys_wiped, true),
    // The person agreed: what could not leave goes from this phone, then the log-out.
    "drop-waiting-logout": () => queue.drop().then(() => logout(STRINGS.keys_wiped, true)),
    print: () => window.print(),
    add: () => adding.start(),
    send: () => adding.send(),
    retry: () => adding.retry(),
    ...vault.documents.actions,
  };
  for (const module of vault.consent) Object.assign(vault.actions, module.actions);
}

// What works from the first screen on: going from screen to screen, the back button,
// the idle timer. A form sent or an action asked for before the vault's modules are
// there waits for them (they were most likely fetched while the person typed).
function wireEarly() {
  document.addEventListener("submit", (event) => {
    if (vault.entry) return;
    event.preventDefault();
    event.stopPropagation();
    const form = /** @type {HTMLFormElement} */ (event.target);
    setStatus(STRINGS.working);
    loadVault().then(() => form.requestSubmit(), () => setStatus(STRINGS.network_error));
  }, { capture: true });
  document.addEventListener("click", (event) => {
    const target = /** @type {Element} */ (event.target);
    const go = /** @type {HTMLElement | null} */ (target.closest("[data-go]"));
    if (go) {
      const to = String(go.dataset.go);
      const enter = enterHandler(to);
      if (enter && state.keys) enter();
      else if (to === "documents" && state.keys && state.kind === "professional") home();
      else if (to === "documents" && state.keys) vault.documents.showDocuments();
      else show(to);
      if (to !== "welcome") prefetchVault();
      return;
    }
    const action = /** @type {HTMLElement | null} */ (target.closest("[data-action]"));
    if (!action) return;
    const name = String(action.dataset.action);
    if (vault.actions[name]) vault.actions[name]();
    else if (!vault.entry) loadVault().then(() => vault.actions[name]?.(), () => setStatus(STRINGS.network_error));
  });
  for (const kind of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(kind, touch, { passive: true });
  window.addEventListener("popstate", (event) => {
    const target = event.state?.screen || "welcome";
    if (!vault.entry && target !== "welcome") {
      loadVault().then(() => backTo(target), () => show("welcome", { push: false }));
      return;
    }
    backTo(target);
  });
  // Leaving the page (closing the tab on a shared computer) wipes the keys.
  window.addEventListener("pagehide", wipeKeys);
}

/** @param {string} target a screen of the history (the back or forward button) */
function backTo(target) {
  const enter = enterHandler(target);
  const needsKeys = NEEDS_KEYS.has(target) || vault.consent.some((m) => m.screens.includes(target));
  if (needsKeys && !state.keys) show("welcome", { push: false });
  else if (enter) enter("", { push: false });
  else if (target === "documents") vault.documents.showDocuments();
  else show(target, { push: false });
}

/** The vault's modules and libsodium, fetched once (a failed fetch is tried again). */
function loadVault() {
  if (!vault.loading) {
    vault.loading = openModules().catch((error) => {
      vault.loading = null;
      throw error;
    });
  }
  return vault.loading;
}

/** Fetched ahead, while the person reads or types (sign-up, log-in screens). */
function prefetchVault() {
  loadVault().catch(() => {
    // Said when a form is sent or an action asked for (the submit and click handlers).
  });
}

async function openModules() {
  const hasProConnect = Boolean(document.getElementById("proconnect-form") || document.getElementById("proconnect-join-form"));
  const [sodiumModule, crypto, kdfClientModule, personEntry, personConsent, contactHelper, regainAccess, addDocument, docs, recoveryKit, proconnectModule] = await Promise.all([
    import(CONFIG.sodium),
    import("./coffre-crypto.js"),
    import("./kdf-client.js"),
    import("./person-entry.js"),
    import("./consent-person.js"),
    import("./contact-helper.js"),
    import("./regain-access.js"),
    import("./add-document.js"),
    import("./documents.js"),
    import("./recovery-kit.js"),
    hasProConnect ? import("./proconnect.js") : null,
  ]);
  const sodium = sodiumModule.default;
  await sodium.ready;
  const C = crypto.createCoffreCrypto(sodium);
  Object.assign(vault, { sodium, C, kdfClient: kdfClientModule.createKdfClient() });
  const base = { S: STRINGS, CONFIG, C, sodium, state, api, show, setStatus, showError, busy, loadScript, categoryLabel };
  const entry = personEntry.createEntry({ ...base, kdf, home, setAccount, touch, wipeKeys, showRecoveryKit });
  const { saltFor, openVault, signedUp } = entry;
  const access = regainAccess.createRegainAccess({
    STRINGS, CONFIG, C, sodium, state, api, kdf, saltFor, busy, showError, setStatus, setAccount, touch, home, showRecoveryKit,
  });
  const kit = recoveryKit.createRecoveryKit({ ...base, kdf, home });
  const documents = docs.createDocuments({
    ...base,
    categoryOrder,
    opened: (/** @type {any} */ doc) => {
      for (const module of vault.consent) if (module.documentOpened) module.documentOpened(doc);
    },
  });
  const helpers = {
    ...base,
    loadDocuments: documents.loadDocuments,
    showDocuments: documents.showDocuments,
    openDocument: documents.openDocument,
    home,
    startAdd: (/** @type {any} */ target) => vault.adding.start(target),
    // An upload that cannot leave (no connection) waits here (offline-queue.js).
    offlineQueue: queue,
    // A professional's "Changer mes clés" (pro-keys.js): the KDF worker, the new kit.
    kdf,
    showRecoveryKit,
  };
  const adding = addDocument.createAddDocument(helpers);
  // The trusted contact's side serves persons and professionals alike (SPEC §28).
  // Back from ProConnect: the passphrase still opens the vault; joining, it is chosen
  // here; the professional's "ProConnect" screen (proconnect.js).
  const proconnect = proconnectModule
    ? proconnectModule.createProConnect({ STRINGS, CONFIG, C, sodium, state, api, kdf, saltFor, busy, showError, setStatus, show, openVault, home, signedUp })
    : null;
  const consent = [personConsent.createPersonConsent(helpers), contactHelper.createContactHelper(helpers), ...(proconnect ? [proconnect] : []), kit];
  Object.assign(vault, { access, kit, documents, helpers, adding, proconnect, consent });
  if (proconnectModule) vault.endProConnectSession = proconnectModule.endProConnectSession;
  vault.entry = entry; // last: the page's forms wait for it (wireEarly)
  wire();
}

/**
 * The professionals' screens (vault/_pro_vault.html, a file the browser keeps) put at
 * the end of the page's main part: a person's page does not carry them.
 */
async function insertProScreens() {
  if (document.querySelector('[data-screen="shared"]')) return; // inserted by an earlier try
  const response = await fetch(CONFIG.proScreens);
  if (!response.ok) throw new ApiError(response.status, "network_error", STRINGS.network_error);
  const template = document.createElement("template");
  template.innerHTML = await response.text();
  byId("main").append(template.content);
}

/** A professional's screens (consent-pro.js and the modules it puts together), once. */
function loadProModules() {
  if (!vault.proLoading) {
    vault.proLoading = Promise.all([import("./consent-pro.js"), insertProScreens()]).then(([{ createProConsent }]) => {
      const pro = createProConsent(vault.helpers);
      vault.consent.push(pro);
      Object.assign(vault.actions, pro.actions);
    });
    vault.proLoading.catch(() => {
      vault.proLoading = null;
    });
  }
  return vault.proLoading;
}

/**
 * The service worker (the shell kept for offline, the pushes: sw.js), registered once the
 * page is up; the connection said; what waits for the network leaves.
 * @param {boolean} offline GET /me found no connection
 */
function startInstalledApp(offline) {
  connectionChanged();
  if (offline) byId("connection-note").hidden = false;
  window.addEventListener("online", connectionChanged);
  window.addEventListener("online", sessionCameBack);
  window.addEventListener("offline", connectionChanged);
  if (pushSupported() || ("serviceWorker" in navigator && isSecureContext)) {
    registerWorker().catch(() => {
      // No service worker (refused, private mode): the page works online as before.
    });
  }
  queue.flush();
}

/**
 * The page opened with no connection (GET /me unanswered): when the network returns, the
 * session's account is learnt, so that what waited for it leaves (and what cannot, goes).
 */
async function sessionCameBack() {
  if (sessionAccount) return;
  if (csrfToken()) {
    try {
      sessionAccount = (await (await api("GET", "/me")).json()).account?.id ?? null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 0) return; // still no network
    }
  }
  await dropWaiting(sessionAccount);
  queue.flush();
}

async function boot() {
  // A strength meter under each new passphrase, fetched when one is first focused.
  watchNewPassphrases({ S: STRINGS, CONFIG, loadScript });
  wireEarly();
  // The CSRF cookie comes and goes with the session cookie (api/cookies.py): without
  // it there is no session to ask about (one request and round trip fewer on a first visit).
  let session = false;
  let offline = false;
  if (csrfToken()) {
    try {
      const me = await (await api("GET", "/me")).json();
      sessionAccount = me.account?.id ?? null;
      session = true;
    } catch (error) {
      session = false;
      offline = error instanceof ApiError && error.status === 0;
    }
  }
  // No session: what a tab closed without log-out may have left (a shared computer).
  if (!session) await clearCiphertexts();
  // NOTE H7 (issue 19): uploads waiting for the network leave with this session; with no
  // session (and a server that answered) they never can: they go. Another account's go.
  if (!offline) await dropWaiting(sessionAccount);
  startInstalledApp(offline);
  // Back from ProConnect (proconnect.js says what the URL means).
  if (!session && /^#proconnect/.test(location.hash)) {
    await loadVault();
    if (vault.proconnect && (await vault.proconnect.resume())) return;
  }
  // Assisted sign-up: a professional's QR code opens /#invitation=CODE on the person's phone.
  const invitation = /^#invitation=([A-Za-z0-9-]{20,40})$/.exec(location.hash);
  if (invitation && !session) {
    state.invitation = invitation[1];
    byId("signup-invited").hidden = false;
    const join = document.getElementById("signup-proconnect"); // ProConnect on (app.html)
    if (join) join.hidden = false;
    history.replaceState({ screen: "signup" }, "", "#signup");
    show("signup", { push: false });
    prefetchVault();
    return;
  }
  history.replaceState({ screen: session ? "unlock" : "welcome" }, "", session ? "#unlock" : "#welcome");
  show(session ? "unlock" : "welcome", { push: false });
  if (session) prefetchVault(); // the unlock screen derives the key
}

boot();
