// The person's vault in the page: sign up, log in, add, list, open, rename, delete.
//
// Keys live in this module's memory only: never in localStorage, sessionStorage or
// a cookie. They are wiped on log-out, after inactivity, and when the page goes.
// Argon2id runs in a Web Worker (kdf-worker.js); everything else uses
// coffre-crypto.js (crypto/SPEC.md). Every text comes from the server (gettext).
// Consent (sharing, requests, notifications, deposits, history, the full export; a
// professional's shared documents, deposits and notifications) lives in
// consent-person.js and consent-pro.js and the modules they put together; this file
// gives them its helpers (the add screens also serve a professional's deposit).
import { createCoffreCrypto } from "./coffre-crypto.js";
import { ApiError, CSRF_HEADER, csrfToken, request } from "./http.js";
import { createKdfClient } from "./kdf-client.js";
import { createPersonConsent } from "./consent-person.js";
import { createProConsent } from "./consent-pro.js";
import { createResetNotice, opensOn } from "./person-reset.js";
import { fill } from "./consent-common.js";

const STRINGS = JSON.parse(document.getElementById("coffre-strings").textContent);
const CONFIG = JSON.parse(document.getElementById("coffre-config").textContent);
const MAX_SIDE = 1600; // px: a phone photo of a page stays readable and weighs ~300 KB
const JPEG_QUALITY = 0.82;
const SOON_DAYS = 60;

let C = null; // createCoffreCrypto(sodium)
let sodium = null;
const state = {
  keys: null, // {boxPublic, boxSecret, signPublic, signSeed}
  login: null,
  documents: [], // [{id, category, createdAt, expiresOn, docKey, meta}]
  current: null,
  pages: [], // [{kind: "image"|"pdf", bytes, thumbUrl}]
  pendingUpload: null, // {blob, headers, path, done}
  addTarget: null, // adding into someone else's vault (a deposit): see startAdd
  objectUrls: [],
  invitation: null, // assisted sign-up code from the URL
  accountId: null,
  kind: null, // "person" | "professional" | … (GET /me: account.kind)
};
let consent = []; // the consent modules: {screens, enter, actions, wipe, home?}

// Libraries the first screens do not need are fetched only when used (prepaid data).
const loaded = new Map();
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

function screen(name) {
  return document.querySelector(`[data-screen="${name}"]`);
}

function show(name, { push = true, status = "" } = {}) {
  for (const section of document.querySelectorAll("[data-screen]")) {
    section.hidden = section.dataset.screen !== name;
  }
  document.querySelector("[data-action=logout]").hidden = !state.keys;
  const menu = document.getElementById("menu");
  menu.hidden = !state.keys || name === "recovery" || !["person", "professional"].includes(state.kind);
  for (const item of document.querySelectorAll("[data-role]")) item.hidden = item.dataset.role !== state.kind;
  for (const button of menu.querySelectorAll("[data-go]")) {
    if (button.dataset.go === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  setStatus(status);
  if (push && history.state?.screen !== name) history.pushState({ screen: name }, "", `#${name}`);
  const heading = screen(name).querySelector("h1");
  heading.focus();
  window.scrollTo(0, 0);
}

function setStatus(text) {
  document.getElementById("status").textContent = text || "";
}

function showError(id, text) {
  const el = document.getElementById(id);
  el.textContent = text;
  el.hidden = !text;
}

function busy(form, on) {
  for (const el of form.querySelectorAll("button, input")) el.disabled = on;
  if (on) setStatus(STRINGS.working);
}

// ------------------------------------------------------------------------------- HTTP

function api(method, path, options) {
  return request(method, path, options, STRINGS.network_error);
}

// ------------------------------------------------------------------------ KDF worker

const kdfClient = createKdfClient();
const kdf = kdfClient.call;

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
  Object.assign(state, {
    keys: null, login: null, documents: [], current: null, pages: [], pendingUpload: null, objectUrls: [],
    accountId: null, kind: null, addTarget: null,
  });
  for (const module of consent) module.wipe();
  document.getElementById("doc-preview").replaceChildren();
  document.getElementById("document-list").replaceChildren();
  for (const form of document.querySelectorAll("form")) form.reset();
  kdfClient.end();
}

async function logout(message = STRINGS.keys_wiped) {
  try {
    await api("POST", "/auth/logout");
  } catch {
    // The keys go anyway; an expired session is already over on the server.
  }
  wipeKeys();
  history.replaceState({ screen: "welcome" }, "", "#welcome");
  show("welcome", { push: false, status: message });
}

let idleTimer = null;
function touch() {
  if (!state.keys) return;
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => logout(STRINGS.idle_logout), CONFIG.idleSeconds * 1000);
}

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
  if (await resetNotice.interrupts(status)) return;
  const module = consent.find((m) => m.home && m.kind === state.kind);
  if (module) return module.home(status);
  return showDocuments(status);
}

async function openVault(keyring, wrapKey, account) {
  const opened = C.openAccountWithWrapKey(
    wrapKey,
    C.b64decode(keyring.wrapped_master_passphrase),
    C.b64decode(keyring.wrapped_keyring),
    C.b64decode(keyring.box_public_key),
    C.b64decode(keyring.sign_public_key),
  );
  sodium.memzero(opened.masterKey);
  sodium.memzero(wrapKey);
  state.keys = opened.keys;
  setAccount(account);
  touch();
}

// ------------------------------------------------------------------- sign up, log in

function passphraseLongEnough(text) {
  return text.trim().split(/\s+/).length >= 4 || text.length >= 16;
}

async function onSignup(event) {
  event.preventDefault();
  const form = event.target;
  const login = form.login.value.trim();
  const passphrase = form.passphrase.value;
  showError("signup-error", "");
  if (!login) return showError("signup-error", STRINGS.login_missing);
  if (!passphraseLongEnough(passphrase)) return showError("signup-error", STRINGS.passphrase_short);
  if (passphrase !== form.confirm.value) return showError("signup-error", STRINGS.passphrase_mismatch);
  busy(form, true);
  try {
    const account = await kdf("createAccount", passphrase);
    const body = C.signupBody(login, account);
    if (state.invitation) body.invitation_code = state.invitation; // assisted sign-up
    await api("POST", "/accounts", { json: body });
    state.invitation = null;
    const response = await api("POST", "/auth/web-login", {
      json: { login, auth_key: C.b64encode(account.authKey) },
    });
    const me = await response.json();
    state.keys = account.keys;
    setAccount(me.account);
    touch();
    const code = C.formatRecoveryCode(account.recoverySecret);
    sodium.memzero(account.recoverySecret);
    await showRecoveryKit(code, me.account.login);
  } catch (error) {
    showError("signup-error", error.message);
    setStatus("");
  } finally {
    busy(form, false);
    form.passphrase.value = "";
    form.confirm.value = "";
  }
}

async function showRecoveryKit(code, login, status = "") {
  document.getElementById("recovery-code").textContent = code;
  document.getElementById("recovery-login").textContent = login;
  const holder = document.getElementById("recovery-qr");
  holder.replaceChildren();
  try {
    await loadScript(CONFIG.qrcode);
  } catch {
    // The code is written out in full above; the QR code is a convenience.
  }
  if (window.qrcode) {
    const qr = window.qrcode(0, "M");
    qr.addData(code);
    qr.make();
    const svg = new DOMParser().parseFromString(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }), "image/svg+xml");
    const node = document.importNode(svg.documentElement, true);
    node.setAttribute("aria-hidden", "true");
    node.setAttribute("focusable", "false");
    holder.append(node);
  }
  const kept = document.getElementById("recovery-kept");
  kept.checked = false;
  document.querySelector("[data-action=recovery-done]").disabled = true;
  show("recovery", { status });
}

async function onLogin(event) {
  event.preventDefault();
  const form = event.target;
  const login = form.login.value.trim();
  const passphrase = form.passphrase.value;
  showError("login-error", "");
  if (!login) return showError("login-error", STRINGS.login_missing);
  busy(form, true);
  try {
    const pre = await (await api("POST", "/auth/prelogin", { json: { login } })).json();
    const keys = await kdf("derivePassphraseKeys", passphrase, C.kdfParamsFromJson(pre.kdf));
    const response = await api("POST", "/auth/web-login", {
      json: { login, auth_key: C.b64encode(keys.authKey) },
    });
    sodium.memzero(keys.authKey);
    const me = await response.json();
    await openVault(me.keyring, keys.wrapKey, me.account);
    await home();
  } catch (error) {
    showError("login-error", error.code === "invalid_credentials" ? STRINGS.wrong_credentials : error.message);
    setStatus("");
  } finally {
    busy(form, false);
    form.passphrase.value = "";
  }
}

async function onUnlock(event) {
  event.preventDefault();
  const form = event.target;
  showError("unlock-error", "");
  busy(form, true);
  try {
    const me = await (await api("GET", "/me")).json();
    const params = C.kdfParamsFromJson(me.keyring.kdf);
    const keys = await kdf("derivePassphraseKeys", form.passphrase.value, params);
    sodium.memzero(keys.authKey);
    await openVault(me.keyring, keys.wrapKey, me.account);
    await home();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      wipeKeys();
      show("welcome");
    } else {
      showError("unlock-error", error instanceof C.DecryptionError ? STRINGS.wrong_credentials : error.message);
      setStatus("");
    }
  } finally {
    busy(form, false);
    form.passphrase.value = "";
  }
}

// --------------------------------------------------- regaining access (SPEC §4, §5.2)

// The login, or null after showing what is missing (same rules as at sign-up).
function checkNewPassphrase(form, errorId) {
  const login = form.login.value.trim();
  let problem = "";
  if (!login) problem = STRINGS.login_missing;
  else if (!passphraseLongEnough(form.passphrase.value)) problem = STRINGS.passphrase_short;
  else if (form.passphrase.value !== form.confirm.value) problem = STRINGS.passphrase_mismatch;
  if (!problem) return login;
  showError(errorId, problem);
  return null;
}

// Forgot the passphrase, have the recovery code: the code is parsed here and never
// sent; the master key is unwrapped here and wrapped under the new passphrase. The
// keys do not change, so every document opens as before.
async function onForgot(event) {
  event.preventDefault();
  const form = event.target;
  showError("forgot-error", "");
  const login = checkNewPassphrase(form, "forgot-error");
  if (!login) return;
  let secret;
  try {
    secret = C.parseRecoveryCode(form.code.value);
  } catch {
    return showError("forgot-error", STRINGS.recovery_code_invalid);
  }
  busy(form, true);
  try {
    const recoveryKeys = C.deriveRecoveryKeys(secret);
    sodium.memzero(recoveryKeys.wrapKey);
    const started = await (await api("POST", "/auth/recover", {
      json: { login, recovery_auth_key: C.b64encode(recoveryKeys.authKey) },
    })).json();
    sodium.memzero(recoveryKeys.authKey);
    const wrapped = started.recovery;
    const opened = C.openAccountWithRecovery(
      secret,
      C.b64decode(wrapped.wrapped_master_recovery),
      C.b64decode(wrapped.wrapped_keyring),
      C.b64decode(wrapped.box_public_key),
      C.b64decode(wrapped.sign_public_key),
    );
    const rewrap = await kdf("rewrapForNewPassphrase", opened.masterKey, form.passphrase.value);
    sodium.memzero(opened.masterKey);
    const response = await api("POST", "/auth/web-recover/passphrase", {
      json: {
        token: started.recovery_token,
        kdf: C.kdfParamsToJson(rewrap.kdfParams),
        auth_key: C.b64encode(rewrap.authKey),
        wrapped_master_passphrase: C.b64encode(rewrap.wrappedMasterPassphrase),
      },
    });
    sodium.memzero(rewrap.authKey);
    const me = await response.json();
    state.keys = opened.keys;
    setAccount(me.account);
    touch();
    await home(STRINGS.recovered);
  } catch (error) {
    const wrong = error.code === "invalid_credentials" || error instanceof C.DecryptionError;
    showError("forgot-error", wrong ? STRINGS.wrong_recovery : error.message);
    setStatus("");
  } finally {
    sodium.memzero(secret);
    busy(form, false);
    form.code.value = "";
    form.passphrase.value = "";
    form.confirm.value = "";
  }
}

// A reset code travels to the server; a recovery code must never. Only 32 hex digits
// (O, I, L read as 0, 1, 1) are sent; a recovery code typed here is named as such.
function resetCode(text) {
  const map = { O: "0", I: "1", L: "1" };
  const cleaned = Array.from(text.replace(/[\s-]/g, "").toUpperCase(), (c) => map[c] ?? c).join("");
  if (/^[0-9A-F]{32}$/.test(cleaned)) return { code: cleaned.match(/.{4}/g).join("-") };
  try {
    sodium.memzero(C.parseRecoveryCode(text));
    return { error: STRINGS.not_a_reset_code };
  } catch {
    return { error: STRINGS.reset_code_invalid };
  }
}

// Without the kit: a brand-new account under the same login and a new recovery kit to
// keep now. The new vault opens after a waiting period (the old passphrase or kit can
// cancel meanwhile); the server destroys the old documents then, not before.
async function onReset(event) {
  event.preventDefault();
  const form = event.target;
  showError("reset-error", "");
  const login = checkNewPassphrase(form, "reset-error");
  if (!login) return;
  const { code, error: codeError } = resetCode(form.code.value);
  if (codeError) return showError("reset-error", codeError);
  if (!form.understood.checked) return showError("reset-error", STRINGS.reset_not_understood);
  busy(form, true);
  try {
    const account = await kdf("createAccount", form.passphrase.value);
    const answer = await (
      await api("POST", "/auth/reset", { json: { ...C.signupBody(login, account), reset_code: code } })
    ).json();
    // Nothing to open yet: the new keys wait on the server; only the kit is kept now.
    sodium.memzero(account.authKey);
    for (const key of Object.values(account.keys)) if (key instanceof Uint8Array) sodium.memzero(key);
    const kit = C.formatRecoveryCode(account.recoverySecret);
    sodium.memzero(account.recoverySecret);
    const opens = fill(STRINGS.reset_requested, opensOn(answer.completes_at));
    await showRecoveryKit(kit, answer.account.login, opens);
  } catch (error) {
    showError("reset-error", error.message);
    setStatus("");
  } finally {
    busy(form, false);
    form.code.value = "";
    form.passphrase.value = "";
    form.confirm.value = "";
  }
}

// ---------------------------------------------------------------------- my documents

function categoryLabel(code) {
  const label = document.querySelector(`label[for="category-${code}"]`);
  return label ? label.textContent.trim() : code;
}

function categoryOrder() {
  return [...document.querySelectorAll("input[name=category]")].map((input) => input.value);
}

function formatDate(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}/${m}/${y}`;
}

function expiryBadge(expiresOn) {
  if (!expiresOn) return null;
  const today = new Date().toISOString().slice(0, 10);
  const soon = new Date(Date.now() + SOON_DAYS * 86400000).toISOString().slice(0, 10);
  const badge = document.createElement("span");
  badge.className = "badge";
  if (expiresOn < today) {
    badge.classList.add("expired");
    badge.textContent = `${STRINGS.expired} ${formatDate(expiresOn)}`;
  } else if (expiresOn <= soon) {
    badge.classList.add("warn");
    badge.textContent = `${STRINGS.expires_soon} ${formatDate(expiresOn)}`;
  } else {
    badge.textContent = `${STRINGS.valid_until} ${formatDate(expiresOn)}`;
  }
  return badge;
}

async function loadDocuments() {
  const { documents } = await (await api("GET", "/documents")).json();
  for (const doc of state.documents) if (doc.docKey) sodium.memzero(doc.docKey);
  state.documents = documents.map((doc) => {
    const docKey = C.openSealedKey(C.b64decode(doc.sealed_key), state.keys.boxPublic, state.keys.boxSecret);
    return {
      id: doc.id,
      category: doc.category,
      createdAt: doc.created_at,
      expiresOn: doc.expires_on,
      size: doc.ciphertext_size,
      ciphertextSha256: doc.ciphertext_sha256, // what a consent receipt names (SPEC §16)
      deposit: doc.deposit || null, // {envelope, depositor}: checked when opened
      docKey,
      meta: C.decryptMetadata(docKey, C.b64decode(doc.encrypted_metadata)),
    };
  });
}

async function showDocuments(status = "") {
  await loadDocuments();
  const list = document.getElementById("document-list");
  list.replaceChildren();
  if (!state.documents.length) {
    const empty = document.createElement("p");
    empty.textContent = STRINGS.empty_vault;
    list.append(empty);
  }
  for (const code of categoryOrder()) {
    const docs = state.documents.filter((doc) => doc.category === code);
    if (!docs.length) continue;
    const group = document.createElement("section");
    group.className = "category";
    const heading = document.createElement("h2");
    heading.textContent = categoryLabel(code);
    const items = document.createElement("ul");
    items.className = "docs";
    for (const doc of docs) {
      const item = document.createElement("li");
      item.className = "doc";
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.documentId = doc.id;
      const name = document.createElement("span");
      name.className = "doc-name";
      name.textContent = doc.meta.name;
      const facts = document.createElement("span");
      facts.className = "doc-meta";
      facts.textContent = `${STRINGS.added_on} ${formatDate(doc.createdAt)}`;
      button.append(name, facts);
      if (doc.deposit) button.append(depositLine(doc.deposit));
      const badge = expiryBadge(doc.expiresOn);
      if (badge) button.append(badge);
      button.addEventListener("click", () => openDocument(doc.id));
      item.append(button);
      items.append(item);
    }
    group.append(heading, items);
    list.append(group);
  }
  show("documents", { status });
}

// ------------------------------------------------------------------ add a document

/** "Déposé par Mme Dupont (CCAS de Clermont-Ferrand)": who says they put it there. */
function depositLine(deposit) {
  const line = document.createElement("span");
  line.className = "doc-meta";
  line.textContent = fill(STRINGS.deposited_by, {
    professional: deposit.depositor.display_name,
    structure: deposit.depositor.structure_name,
  });
  return line;
}

// Adding a document: into one's own vault, or (a professional's deposit) into the
// vault of `target` = {intro, sendLabel, path, headers(…), done()} (consent-pro's deposit).
function startAdd(target = null) {
  for (const page of state.pages) if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
  state.pages = [];
  state.pendingUpload = null;
  state.addTarget = target && typeof target.headers === "function" ? target : null;
  document.getElementById("kind-form").reset();
  for (const id of ["add-kind-for", "add-pages-for"]) {
    const intro = document.getElementById(id);
    intro.textContent = state.addTarget ? state.addTarget.intro : "";
    intro.hidden = !state.addTarget;
  }
  document.querySelector("[data-action=send]").textContent = state.addTarget ? state.addTarget.sendLabel : STRINGS.put_in_vault;
  renderPages();
  show("add-kind");
}

function onKind(event) {
  event.preventDefault();
  showError("pages-error", "");
  show("add-pages");
}

async function downscale(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // transparent PNGs become white pages, not black ones
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  canvas.width = canvas.height = 0;
  return { bytes: new Uint8Array(await blob.arrayBuffer()), width, height, blob };
}

async function onFiles(event) {
  const input = event.target;
  showError("pages-error", "");
  setStatus(STRINGS.preparing);
  try {
    for (const file of input.files) {
      if (file.type === "application/pdf") {
        state.pages.push({ kind: "pdf", bytes: new Uint8Array(await file.arrayBuffer()), name: file.name });
      } else if (file.type.startsWith("image/")) {
        const image = await downscale(file);
        state.pages.push({ kind: "image", bytes: image.bytes, width: image.width, height: image.height,
          thumbUrl: URL.createObjectURL(image.blob) });
      } else {
        showError("pages-error", STRINGS.bad_file);
      }
    }
  } catch {
    showError("pages-error", STRINGS.bad_file);
  } finally {
    input.value = "";
    setStatus("");
    renderPages();
  }
}

function renderPages() {
  const list = document.getElementById("page-list");
  list.replaceChildren();
  state.pages.forEach((page, index) => {
    const item = document.createElement("li");
    const label = `${STRINGS.page} ${index + 1}`;
    if (page.thumbUrl) {
      const img = document.createElement("img");
      img.src = page.thumbUrl;
      img.alt = label;
      item.append(img);
    } else {
      const text = document.createElement("span");
      text.textContent = `${label} — PDF`;
      item.append(text);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = `${STRINGS.remove} (${label})`;
    remove.addEventListener("click", () => {
      if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
      state.pages.splice(index, 1);
      renderPages();
    });
    item.append(remove);
    list.append(item);
  });
}

// Several pages become one PDF (pdf-lib), so the document opens anywhere.
async function assemble(pages) {
  if (pages.length === 1 && pages[0].kind === "image") return { bytes: pages[0].bytes, mime: "image/jpeg", ext: "jpg" };
  if (pages.length === 1 && pages[0].kind === "pdf") return { bytes: pages[0].bytes, mime: "application/pdf", ext: "pdf" };
  await loadScript(CONFIG.pdflib);
  const { PDFDocument } = window.PDFLib;
  const pdf = await PDFDocument.create();
  for (const page of pages) {
    if (page.kind === "image") {
      const image = await pdf.embedJpg(page.bytes);
      const width = 595; // A4 width in points; the height follows the photo
      const height = (width * page.height) / page.width;
      pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
    } else {
      const source = await PDFDocument.load(page.bytes);
      for (const copied of await pdf.copyPages(source, source.getPageIndices())) pdf.addPage(copied);
    }
  }
  return { bytes: await pdf.save(), mime: "application/pdf", ext: "pdf" };
}

function documentName(title, category, ext) {
  const base = (title || categoryLabel(category)).trim().slice(0, 120);
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base}.${ext}`;
}

async function onSend() {
  if (!state.pages.length) return showError("pages-error", STRINGS.no_pages);
  const form = document.getElementById("kind-form");
  const category = form.category.value;
  show("sending");
  progress(STRINGS.preparing, 0);
  try {
    const doc = await assemble(state.pages);
    progress(STRINGS.encrypting, 0);
    const docKey = C.newDocumentKey();
    const meta = {
      name: documentName(form.title.value, category, doc.ext),
      mime: doc.mime,
      size: doc.bytes.length,
      sha256: C.sha256Hex(doc.bytes),
    };
    const { blob } = await C.encryptToBlob(docKey, doc.bytes);
    if (blob.size > CONFIG.maxDocumentBytes) {
      sodium.memzero(docKey);
      return sendFailed(STRINGS.too_large, false);
    }
    const target = state.addTarget;
    if (target) {
      try {
        // A deposit statement names the exact encrypted bytes (SPEC §16).
        const ciphertextSha256 = C.sha256Hex(new Uint8Array(await blob.arrayBuffer()));
        const headers = await target.headers({ docKey, meta, category, ciphertextSha256, expiresOn: form.expiry.value || null });
        state.pendingUpload = { blob, headers, path: target.path, done: target.done };
      } finally {
        sodium.memzero(docKey);
      }
      return await sendPending();
    }
    state.pendingUpload = {
      blob,
      path: "/api/v1/documents",
      done: () => showDocuments(STRINGS.upload_done),
      headers: {
        "Content-Type": "application/octet-stream",
        "Coffre-Category": category,
        "Coffre-Metadata": C.b64encode(C.encryptMetadata(docKey, meta)),
        "Coffre-Sealed-Key": C.b64encode(C.sealDocumentKey(docKey, state.keys.boxPublic)),
        ...(form.expiry.value ? { "Coffre-Expires-On": form.expiry.value } : {}),
      },
    };
    sodium.memzero(docKey);
    await sendPending();
  } catch (error) {
    sendFailed(error.message || STRINGS.upload_failed, false);
  }
}

function progress(step, percent) {
  document.getElementById("send-step").textContent = step;
  document.getElementById("send-progress").value = percent;
  document.getElementById("send-percent").textContent = STRINGS.percent.replace("{n}", String(Math.round(percent)));
  document.getElementById("send-retry").hidden = true;
  showError("send-error", "");
}

function sendFailed(message, canRetry) {
  showError("send-error", message);
  document.getElementById("send-retry").hidden = false;
  document.querySelector("[data-action=retry]").hidden = !canRetry;
}

// XMLHttpRequest, not fetch: it reports upload progress. A dropped connection
// leaves nothing on the server (the partial object is removed there); the same
// encrypted blob can be sent again.
function sendPending() {
  const { blob, headers, path, done } = state.pendingUpload;
  progress(STRINGS.sending, 0);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress(STRINGS.sending, (100 * event.loaded) / event.total);
    });
    xhr.addEventListener("load", async () => {
      if (xhr.status === 201) {
        state.pendingUpload = null;
        state.addTarget = null;
        for (const page of state.pages) if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
        state.pages = [];
        await done();
      } else {
        let message = STRINGS.upload_failed;
        try {
          message = JSON.parse(xhr.responseText).error.message;
        } catch {
          // keep the generic message
        }
        sendFailed(message, xhr.status >= 500 || xhr.status === 0);
      }
      resolve();
    });
    for (const kind of ["error", "abort", "timeout"]) {
      xhr.addEventListener(kind, () => {
        sendFailed(STRINGS.upload_failed, true);
        resolve();
      });
    }
    xhr.send(blob);
  });
}

// ------------------------------------------------------------- one document

async function openDocument(id) {
  const doc = state.documents.find((d) => d.id === id);
  if (!doc) return;
  state.current = doc;
  document.getElementById("doc-title").textContent = doc.meta.name;
  const facts = [categoryLabel(doc.category), `${STRINGS.added_on} ${formatDate(doc.createdAt)}`];
  document.getElementById("doc-facts").textContent = facts.join(" · ");
  const preview = document.getElementById("doc-preview");
  preview.replaceChildren();
  const badge = expiryBadge(doc.expiresOn);
  if (badge) preview.append(badge);
  const download = document.getElementById("doc-download");
  download.removeAttribute("href");
  show("document", { status: STRINGS.opening });
  for (const module of consent) if (module.documentOpened) module.documentOpened(doc);
  try {
    const response = await api("GET", `/documents/${doc.id}/content`);
    const { blob, sha256 } = await C.decryptToBlob(doc.docKey, response.body, doc.meta.mime);
    if (sha256 !== doc.meta.sha256) throw new C.DecryptionError("sha256 mismatch");
    const url = URL.createObjectURL(blob);
    state.objectUrls.push(url);
    download.href = url;
    download.download = doc.meta.name;
    if (doc.meta.mime.startsWith("image/")) {
      const img = document.createElement("img");
      img.src = url;
      img.alt = doc.meta.name;
      preview.append(img);
    } else if (doc.meta.mime === "application/pdf") {
      const frame = document.createElement("iframe");
      frame.src = url;
      frame.title = doc.meta.name;
      preview.append(frame);
    }
    setStatus("");
  } catch {
    setStatus("");
    const error = document.createElement("p");
    error.className = "error";
    error.setAttribute("role", "alert");
    error.textContent = STRINGS.decrypt_failed;
    preview.append(error);
  }
}

function startRename() {
  const form = document.getElementById("rename-form");
  form.title.value = state.current.meta.name;
  form.expiry.value = state.current.expiresOn || "";
  showError("rename-error", "");
  show("rename");
}

async function onRename(event) {
  event.preventDefault();
  const form = event.target;
  const doc = state.current;
  const name = form.title.value.trim();
  if (!name) return;
  busy(form, true);
  try {
    const meta = { ...doc.meta, name };
    await api("PATCH", `/documents/${doc.id}`, {
      json: { encrypted_metadata: C.b64encode(C.encryptMetadata(doc.docKey, meta)), expires_on: form.expiry.value || null },
    });
    await showDocuments(STRINGS.renamed);
  } catch (error) {
    showError("rename-error", error.message);
    setStatus("");
  } finally {
    busy(form, false);
  }
}

function askDelete() {
  document.getElementById("delete-name").textContent = state.current.meta.name;
  show("delete");
}

async function onDelete() {
  try {
    await api("DELETE", `/documents/${state.current.id}`);
    state.current = null;
    await showDocuments(STRINGS.deleted);
  } catch (error) {
    setStatus(`${STRINGS.error_prefix} : ${error.message}`);
  }
}

// ---------------------------------------------------------------------------- wiring

const NEEDS_KEYS = new Set(["documents", "add-kind", "add-pages", "sending", "document", "rename", "delete", "recovery"]);

// A screen a consent module fills before showing it (its list is fetched again).
function enterHandler(name) {
  for (const module of consent) if (module.enter[name]) return module.enter[name];
  return null;
}

function wire() {
  document.getElementById("signup-form").addEventListener("submit", onSignup);
  document.getElementById("login-form").addEventListener("submit", onLogin);
  document.getElementById("unlock-form").addEventListener("submit", onUnlock);
  document.getElementById("forgot-form").addEventListener("submit", onForgot);
  document.getElementById("reset-form").addEventListener("submit", onReset);
  document.getElementById("kind-form").addEventListener("submit", onKind);
  document.getElementById("rename-form").addEventListener("submit", onRename);
  document.getElementById("pick-camera").addEventListener("change", onFiles);
  document.getElementById("pick-files").addEventListener("change", onFiles);
  document.getElementById("recovery-kept").addEventListener("change", (event) => {
    document.querySelector("[data-action=recovery-done]").disabled = !event.target.checked;
  });
  const actions = {
    logout: () => logout(),
    print: () => window.print(),
    // After a reset the new vault is not open yet: back to the welcome screen.
    "recovery-done": () => (state.keys ? home() : show("welcome")),
    add: () => startAdd(),
    send: onSend,
    retry: sendPending,
    rename: startRename,
    "ask-delete": askDelete,
    delete: onDelete,
  };
  for (const module of consent) Object.assign(actions, module.actions);
  document.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (go) {
      const target = go.dataset.go;
      const enter = enterHandler(target);
      if (enter && state.keys) enter();
      else if (target === "documents" && state.keys && state.kind === "professional") home();
      else if (target === "documents" && state.keys) showDocuments();
      else show(target);
      return;
    }
    const action = event.target.closest("[data-action]");
    if (action && actions[action.dataset.action]) actions[action.dataset.action]();
  });
  for (const kind of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(kind, touch, { passive: true });
  window.addEventListener("popstate", (event) => {
    const target = event.state?.screen || "welcome";
    const enter = enterHandler(target);
    const needsKeys = NEEDS_KEYS.has(target) || consent.some((m) => m.screens.includes(target));
    if (needsKeys && !state.keys) show("welcome", { push: false });
    else if (enter) enter("", { push: false });
    else if (target === "documents") showDocuments();
    else show(target, { push: false });
  });
  // Leaving the page (closing the tab on a shared computer) wipes the keys.
  window.addEventListener("pagehide", wipeKeys);
}

async function boot() {
  const module = await import(CONFIG.sodium);
  sodium = module.default;
  await sodium.ready;
  C = createCoffreCrypto(sodium);
  const helpers = {
    S: STRINGS, CONFIG, C, sodium, state, api, show, setStatus, showError, busy, loadScript,
    categoryLabel, loadDocuments, showDocuments, startAdd, home, openDocument,
  };
  consent = [createPersonConsent(helpers), createProConsent(helpers)];
  wire();
  let session;
  try {
    await api("GET", "/me");
    session = true;
  } catch {
    session = false;
  }
  // Assisted sign-up: a professional's QR code opens /#invitation=CODE on the person's phone.
  const invitation = /^#invitation=([A-Za-z0-9-]{20,40})$/.exec(location.hash);
  if (invitation && !session) {
    state.invitation = invitation[1];
    document.getElementById("signup-invited").hidden = false;
    history.replaceState({ screen: "signup" }, "", "#signup");
    show("signup", { push: false });
    return;
  }
  history.replaceState({ screen: session ? "unlock" : "welcome" }, "", session ? "#unlock" : "#welcome");
  show(session ? "unlock" : "welcome", { push: false });
}

boot();
