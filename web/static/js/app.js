// @ts-check
// The person's vault in the page: sign up, log in, the screens and the session; the
// documents (list, open, rename, delete) live in documents.js, adding one (pages,
// encryption, upload) in add-document.js, regaining access (recovery code, reset
// code) in regain-access.js.
//
// Keys live in this module's memory only: never in localStorage, sessionStorage or
// a cookie. They are wiped on log-out, after inactivity, and when the page goes.
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
import { ApiError, messageFor, request } from "./http.js";
import { createResetNotice } from "./person-reset.js";
import { byId } from "./consent-common.js";
import { clearCiphertexts } from "./doc-cache.js";
import { passphraseProblem, watchNewPassphrases } from "./passphrase.js";
import { createPersonNav } from "./person-nav.js";
import { createUi } from "./ui.js";
import { wireListen } from "./listen.js";

const CONFIG = JSON.parse(byId("coffre-config").textContent);
// The page's texts in its language: a file the browser keeps a year (web/page_strings.py),
// preloaded by the page; a second visit does not download them again.
const STRINGS = await (await fetch(CONFIG.strings)).json();

/** @type {any} */
let C = null; // createCoffreCrypto(sodium)
/** @type {any} */
let sodium = null;
/** @type {any} */
const state = {
  keys: null, // {boxPublic, boxSecret, signPublic, signSeed}
  login: null,
  documents: [], // [{id, category, createdAt, expiresOn, docKey, meta}]
  current: null,
  pages: [], // [{kind: "image"|"pdf", bytes, thumbUrl}]
  pendingUpload: null, // {blob, headers, path, done}
  addTarget: null, // adding into someone else's vault (a deposit): see add-document.js
  objectUrls: [],
  invitation: null, // assisted sign-up code from the URL
  accountId: null,
  kind: null, // "person" | "professional" | … (GET /me: account.kind)
};
/** @type {any[]} */
let consent = []; // the consent modules: {screens, enter, actions, wipe, home?}
/** @type {any} */
let adding = null; // add-document.js: the add screens and the upload
/** @type {any} */
let documents = null; // documents.js: the list, one document, rename, delete
/** @type {any} */
let kit = null; // recovery-kit.js: the kit shown, saved, checked, made again
/** @type {any} */
let M = null; // the vault's modules once loaded (loadVault): {canonicalLogin, signupBodyV2, …}
/** @type {any} */
let helpers = null; // what the screens' modules are given (loadVault)
/** @type {Record<string, () => unknown>} */
let actions = {}; // data-action name -> what it does (wire)
/** @type {any} */
let proconnect = null; // proconnect.js, when ProConnect is on (the page has its forms)

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
  },
  push: true,
});
const { show, setStatus, showError, busy } = ui;
// The screens of a recovery kit being kept: no menu, no bar, no log-out there.
const KIT_SCREENS = new Set(["recovery", "recovery-check"]);
const nav = createPersonNav();
// "Écouter" on every screen: the screen read aloud in the page's language (listen.js).
wireListen({ S: STRINGS, say: setStatus });

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

/** @type {any} */
let kdfClient = null; // kdf-client.js, made with the vault's modules
/**
 * @param {string} op
 * @param {...unknown} args
 */
function kdf(op, ...args) {
  return kdfClient.call(op, ...args);
}

// Who a v2 passphrase salt is for (SPEC §19.2): the territory of the page's
// configuration and the login as the server keeps it, from what the person typed
// (never the server's word for it). A login the server would refuse goes to
// prelogin, whose answer says why in the person's words.
/** @param {string} login */
async function saltFor(login) {
  const canonical = M.canonicalLogin(login);
  if (!canonical) {
    await api("POST", "/auth/prelogin", { json: { login } });
    throw new ApiError(422, "invalid_login", STRINGS.unexpected_error);
  }
  return { territory: CONFIG.territory, login: canonical };
}

// A v1 account opened with its passphrase moves to KDF v2 now (SPEC §19): the master
// key is wrapped again under v2 keys of the same passphrase and sent with the v1
// login value; the sessions stay. A failure changes nothing: it is tried again at
// the next log-in, and the vault opens anyway.
/**
 * @param {Uint8Array} masterKey
 * @param {Uint8Array} v1AuthKey
 * @param {string} passphrase
 * @param {{territory: string, login: string}} who
 */
async function moveToKdfV2(masterKey, v1AuthKey, passphrase, who) {
  try {
    const rewrap = await kdf("rewrapV2", masterKey, passphrase, who);
    await api("POST", "/me/kdf-upgrade", {
      json: {
        current_auth_key: C.b64encode(v1AuthKey),
        kdf: rewrap.kdf,
        auth_key: C.b64encode(rewrap.authKey),
        wrapped_master_passphrase: C.b64encode(rewrap.wrappedMasterPassphrase),
      },
    });
    sodium.memzero(rewrap.authKey);
  } catch {
    // Kept as v1 until the next log-in.
  }
}

// --------------------------------------------------------------------------- session

function wipeKeys() {
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
  for (const module of consent) module.wipe();
  byId("doc-preview").replaceChildren();
  byId("document-list").replaceChildren();
  for (const form of document.querySelectorAll("form")) form.reset();
  if (kdfClient) kdfClient.end();
}

/**
 * @param {string} [message]
 * @param {boolean} [everywhere] an explicit "Se déconnecter": a session opened through
 *   ProConnect ends ProConnect's session too (the idle lock does not leave the page)
 */
async function logout(message = STRINGS.keys_wiped, everywhere = false) {
  try {
    await api("POST", "/auth/logout");
  } catch {
    // The keys go anyway; an expired session is already over on the server.
  }
  wipeKeys();
  if (everywhere && M && M.endProConnectSession()) return;
  history.replaceState({ screen: "welcome" }, "", "#welcome");
  show("welcome", { push: false, status: message });
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let idleTimer;
function touch() {
  if (!state.keys) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => logout(STRINGS.idle_logout), CONFIG.idleSeconds * 1000);
}

/** @param {any} account GET /me's account */
function setAccount(account) {
  state.login = account.login;
  state.accountId = account.id;
  state.kind = account.kind;
}

// A reset of the person's own account that waits (or a reset code issued for it) is
// shown first, once per opened vault, with a one-step cancel (person-reset.js).
const resetNotice = createResetNotice({ S: STRINGS, state, api, show, setStatus, showError, home });

// The first screen after the vault opens: a professional's shared documents, or the vault.
async function home(status = "") {
  if (state.kind === "professional") await loadProModules();
  if (await resetNotice.interrupts(status)) return;
  const module = consent.find((m) => m.home && m.kind === state.kind);
  if (module) return module.home(status);
  return documents.showDocuments(status);
}

/**
 * @param {any} keyring
 * @param {Uint8Array} wrapKey
 * @param {any} account
 * @param {((masterKey: Uint8Array) => Promise<void>) | null} [then] with the master key, before it is wiped
 */
async function openVault(keyring, wrapKey, account, then = null) {
  const opened = C.openAccountWithWrapKey(
    wrapKey,
    C.b64decode(keyring.wrapped_master_passphrase),
    C.b64decode(keyring.wrapped_keyring),
    C.b64decode(keyring.box_public_key),
    C.b64decode(keyring.sign_public_key),
  );
  sodium.memzero(wrapKey);
  try {
    if (then) await then(opened.masterKey);
  } finally {
    sodium.memzero(opened.masterKey);
  }
  state.keys = opened.keys;
  setAccount(account);
  touch();
}

// ------------------------------------------------------------------- sign up, log in

/** @param {SubmitEvent} event */
async function onSignup(event) {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  const login = form.login.value.trim();
  const passphrase = form.passphrase.value;
  showError("signup-error", "");
  if (!login) return showError("signup-error", STRINGS.login_missing);
  const problem = passphraseProblem(passphrase, form.confirm.value, STRINGS, CONFIG.passphraseExamples || []);
  if (problem) return showError("signup-error", problem);
  busy(form, true);
  try {
    const account = await kdf("createAccountV2", passphrase, await saltFor(login));
    const body = M.signupBodyV2(C, login, account);
    if (state.invitation) body.invitation_code = state.invitation; // assisted sign-up
    try {
      await api("POST", "/accounts", { json: body });
    } catch (error) {
      // Not a person's code: a professional's invitation to join a structure (a link
      // or a CSV file's link from the structure admin's page) makes a professional's
      // account in that structure (POST /invitations/accept), same keys, same kit.
      if (!state.invitation || error.code !== "invalid_invitation") throw error;
      const { invitation_code: code, ...account } = body;
      await api("POST", "/invitations/accept", { json: { code, account } });
    }
    state.invitation = null;
    const response = await api("POST", "/auth/web-login", {
      json: { login, auth_key: C.b64encode(account.authKey) },
    });
    await signedUp(account, await response.json());
  } catch (error) {
    showError("signup-error", messageFor(error, STRINGS.unexpected_error));
    setStatus("");
  } finally {
    busy(form, false);
    form.passphrase.value = "";
    form.confirm.value = "";
  }
}

/**
 * A new account's session is open: its keys (made here) in memory, then its recovery
 * kit. Also after a professional joins with ProConnect (proconnect.js).
 * @param {any} account createAccountV2's result
 * @param {any} me the session's answer ({account})
 */
async function signedUp(account, me) {
  state.keys = account.keys;
  setAccount(me.account);
  touch();
  const code = C.formatRecoveryCode(account.recoverySecret);
  sodium.memzero(account.recoverySecret);
  await showRecoveryKit(code, me.account.login);
}

/**
 * @param {string} code
 * @param {string} login
 * @param {string} [status]
 */
async function showRecoveryKit(code, login, status = "") {
  // Kept as an image or on paper, then checked (recovery-kit.js).
  await kit.showKit(code, login, status);
}

/** @param {SubmitEvent} event */
async function onLogin(event) {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  const login = form.login.value.trim();
  const passphrase = form.passphrase.value;
  showError("login-error", "");
  if (!login) return showError("login-error", STRINGS.login_missing);
  busy(form, true);
  try {
    const who = await saltFor(login);
    const pre = await (await api("POST", "/auth/prelogin", { json: { login } })).json();
    // Checked in the worker before Argon2id (SPEC §3.1, §19.1); v2: the salt is derived there.
    const keys = await kdf("derivePassphraseKeysAny", passphrase, pre.kdf, who);
    const response = await api("POST", "/auth/web-login", {
      json: { login, auth_key: C.b64encode(keys.authKey) },
    });
    const me = await response.json();
    const move = keys.version === 1 && !me.totp_enrolment_required
      ? (/** @type {Uint8Array} */ masterKey) => moveToKdfV2(masterKey, keys.authKey, passphrase, who)
      : null;
    try {
      await openVault(me.keyring, keys.wrapKey, me.account, move);
    } finally {
      sodium.memzero(keys.authKey);
    }
    await home();
  } catch (error) {
    showError("login-error", error.code === "invalid_credentials" ? STRINGS.wrong_credentials : messageFor(error, STRINGS.unexpected_error));
    setStatus("");
  } finally {
    busy(form, false);
    form.passphrase.value = "";
  }
}

/** @param {SubmitEvent} event */
async function onUnlock(event) {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  showError("unlock-error", "");
  busy(form, true);
  try {
    const me = await (await api("GET", "/me")).json();
    // Only the wrap key is derived here (nothing is sent), so the server's word for the
    // login is enough; a v1 account moves to v2 at its next log-in, where it is typed.
    const who = { territory: CONFIG.territory, login: M.canonicalLogin(me.account.login) || me.account.login };
    const keys = await kdf("derivePassphraseKeysAny", form.passphrase.value, me.keyring.kdf, who);
    sodium.memzero(keys.authKey);
    await openVault(me.keyring, keys.wrapKey, me.account);
    await home();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      wipeKeys();
      show("welcome");
    } else {
      showError("unlock-error", error instanceof C.DecryptionError ? STRINGS.wrong_credentials : messageFor(error, STRINGS.unexpected_error));
      setStatus("");
    }
  } finally {
    busy(form, false);
    form.passphrase.value = "";
  }
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

const NEEDS_KEYS = new Set(["documents", "add-kind", "add-pages", "sending", "document", "rename", "delete", "recovery", "more"]);

// A screen a consent module fills before showing it (its list is fetched again).
/** @param {string} name */
function enterHandler(name) {
  for (const module of consent) if (module.enter[name]) return module.enter[name];
  return null;
}

// The forms and the actions, once the vault's modules are loaded.
function wire() {
  byId("signup-form").addEventListener("submit", onSignup);
  byId("login-form").addEventListener("submit", onLogin);
  byId("unlock-form").addEventListener("submit", onUnlock);
  const access = M.createRegainAccess({
    STRINGS, CONFIG, C, sodium, state, api, kdf, saltFor, busy, showError, setStatus, setAccount, touch, home, showRecoveryKit,
  });
  byId("forgot-form").addEventListener("submit", access.onForgot);
  byId("reset-form").addEventListener("submit", access.onReset);
  actions = {
    logout: () => logout(STRINGS.keys_wiped, true),
    print: () => window.print(),
    add: () => adding.start(),
    send: () => adding.send(),
    retry: () => adding.retry(),
    ...documents.actions,
  };
  for (const module of consent) Object.assign(actions, module.actions);
}

// What works from the first screen on: going from screen to screen, the back button,
// the idle timer. A form sent or an action asked for before the vault's modules are
// there waits for them (they were most likely fetched while the person typed).
function wireEarly() {
  document.addEventListener("submit", (event) => {
    if (M) return;
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
      else if (to === "documents" && state.keys) documents.showDocuments();
      else show(to);
      if (to !== "welcome") prefetchVault();
      return;
    }
    const action = /** @type {HTMLElement | null} */ (target.closest("[data-action]"));
    if (!action) return;
    const name = String(action.dataset.action);
    if (actions[name]) actions[name]();
    else if (!M) loadVault().then(() => actions[name]?.(), () => setStatus(STRINGS.network_error));
  });
  for (const kind of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(kind, touch, { passive: true });
  window.addEventListener("popstate", (event) => {
    const target = event.state?.screen || "welcome";
    if (!M && target !== "welcome") {
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
  const needsKeys = NEEDS_KEYS.has(target) || consent.some((m) => m.screens.includes(target));
  if (needsKeys && !state.keys) show("welcome", { push: false });
  else if (enter) enter("", { push: false });
  else if (target === "documents") documents.showDocuments();
  else show(target, { push: false });
}

/** @type {Promise<void> | null} */
let vaultLoading = null;

/** The vault's modules and libsodium, fetched once (a failed fetch is tried again). */
function loadVault() {
  if (!vaultLoading) {
    vaultLoading = openModules().catch((error) => {
      vaultLoading = null;
      throw error;
    });
  }
  return vaultLoading;
}

/** Fetched ahead, while the person reads or types (sign-up, log-in screens). */
function prefetchVault() {
  loadVault().catch(() => {
    // Said when a form is sent or an action asked for (the submit and click handlers).
  });
}

async function openModules() {
  const hasProConnect = Boolean(document.getElementById("proconnect-form") || document.getElementById("proconnect-join-form"));
  const [sodiumModule, crypto, kdfClientModule, kdfV2, personConsent, contactHelper, regainAccess, addDocument, docs, recoveryKit, proconnectModule] = await Promise.all([
    import(CONFIG.sodium),
    import("./coffre-crypto.js"),
    import("./kdf-client.js"),
    import("./kdf-v2.js"),
    import("./consent-person.js"),
    import("./contact-helper.js"),
    import("./regain-access.js"),
    import("./add-document.js"),
    import("./documents.js"),
    import("./recovery-kit.js"),
    hasProConnect ? import("./proconnect.js") : null,
  ]);
  sodium = sodiumModule.default;
  await sodium.ready;
  C = crypto.createCoffreCrypto(sodium);
  kdfClient = kdfClientModule.createKdfClient();
  const modules = {
    canonicalLogin: kdfV2.canonicalLogin,
    signupBodyV2: kdfV2.signupBodyV2,
    createRegainAccess: regainAccess.createRegainAccess,
    endProConnectSession: proconnectModule ? proconnectModule.endProConnectSession : () => false,
  };
  const createRecoveryKit = recoveryKit.createRecoveryKit;
  const createDocuments = docs.createDocuments;
  const createAddDocument = addDocument.createAddDocument;
  const createPersonConsent = personConsent.createPersonConsent;
  const createContactHelper = contactHelper.createContactHelper;
  const base = { S: STRINGS, CONFIG, C, sodium, state, api, show, setStatus, showError, busy, loadScript, categoryLabel };
  kit = createRecoveryKit({ ...base, kdf, home });
  documents = createDocuments({
    ...base,
    categoryOrder,
    opened: (/** @type {any} */ doc) => {
      for (const module of consent) if (module.documentOpened) module.documentOpened(doc);
    },
  });
  helpers = {
    ...base,
    loadDocuments: documents.loadDocuments,
    showDocuments: documents.showDocuments,
    openDocument: documents.openDocument,
    home,
    startAdd: (/** @type {any} */ target) => adding.start(target),
    // A professional's "Changer mes clés" (pro-keys.js): the KDF worker, the new kit.
    kdf,
    showRecoveryKit,
  };
  adding = createAddDocument(helpers);
  // The trusted contact's side serves persons and professionals alike (SPEC §28).
  // Back from ProConnect: the passphrase still opens the vault; joining, it is chosen
  // here; the professional's "ProConnect" screen (proconnect.js).
  proconnect = proconnectModule
    ? proconnectModule.createProConnect({ STRINGS, CONFIG, C, sodium, state, api, kdf, saltFor, busy, showError, setStatus, show, openVault, home, signedUp })
    : null;
  consent = [createPersonConsent(helpers), createContactHelper(helpers), ...(proconnect ? [proconnect] : []), kit];
  M = modules;
  wire();
}

/** @type {Promise<void> | null} */
let proLoading = null;

/** A professional's screens (consent-pro.js and the modules it puts together), once. */
function loadProModules() {
  if (!proLoading) {
    proLoading = import("./consent-pro.js").then(({ createProConsent }) => {
      const pro = createProConsent(helpers);
      consent.push(pro);
      Object.assign(actions, pro.actions);
    });
    proLoading.catch(() => {
      proLoading = null;
    });
  }
  return proLoading;
}

async function boot() {
  // A strength meter under each new passphrase, fetched when one is first focused.
  watchNewPassphrases({ S: STRINGS, CONFIG, loadScript });
  wireEarly();
  let session;
  try {
    await api("GET", "/me");
    session = true;
  } catch {
    session = false;
  }
  // No session: what a tab closed without log-out may have left (a shared computer).
  if (!session) await clearCiphertexts();
  // Back from ProConnect (proconnect.js says what the URL means).
  if (!session && /^#proconnect/.test(location.hash)) {
    await loadVault();
    if (proconnect && (await proconnect.resume())) return;
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
