// @ts-check
// "Tout récupérer" (décret 2018-853: every document and data in one request, in an
// open format): POST /me/exports records the export in the audit trail and answers
// the documents' keys and metadata, the grants and the history; the page then
// downloads and decrypts every document, checks it, and writes ONE ZIP file with the
// layout of the CLI's export (client/export.py):
//
//     LISEZMOI.txt                    what is in the archive
//     manifest.json                   format, account, documents (path in the ZIP,
//                                     size, SHA-256, category, dates, deposit and
//                                     whether its signature verified), grants, audit key
//     receipts/<grant_id>.json        each grant's consent receipt (docs/CONSENT.md)
//     history.json, history.csv       the history
//     organiser.json                  the organiser's items, opened here (SPEC §30)
//     rendez-vous.ics                 the appointments, for a calendar (organiser-ics.js)
//     documents/<category>/<name>     each document, decrypted, under a safe file name
//
// The ZIP is built in memory (zip.js) and offered as a link: nothing is written
// anywhere until the person saves it, and the link goes at log-out. Each document
// comes under transfer.js's watchdog: a connection that goes silent stops the export
// with a plain message (no link to a half-written ZIP) and "Tout récupérer" again.
import { ShownError, messageFor } from "./http.js";
import { StallError, download, downloadJson, stallMs } from "./transfer.js";
import { verifyDeposit } from "./network.js";
import { fill } from "./consent-common.js";
import { historyCsv } from "./person-history.js";
import { createZip } from "./zip.js";
import { documentsV2, refusedError } from "./documents-v2.js";
import { createOrganiser } from "./crypto-organiser.js";
import { icsCalendar } from "./organiser-ics.js";

const FORMAT = "coffre-export";
const VERSION = 1;
const HISTORY_FORMAT = "coffre-history";
const ORGANISER_FORMAT = "coffre-organiser";
/** @type {Record<string, string>} */
const EXTENSIONS = { "image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf", "text/plain": ".txt" };
// Names Windows refuses for a file, with or without an extension (client/export.py).
const RESERVED = new Set(["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]);
for (const port of ["COM", "LPT"]) for (const n of "123456789¹²³") RESERVED.add(`${port}${n}`);
const FORBIDDEN = new Set('<>:"/\\|?*');
const MAX_NAME_BYTES = 180;
const MAX_EXTENSION = 16;

/**
 * @param {string} text
 */
function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

/**
 * A file name that is the same on every system and cannot leave its folder (client/export.py `safe_name`).
 * @param {unknown} name
 * @param {string} [fallback]
 * @returns {string}
 */
export function safeName(name, fallback = "document") {
  let text = String(name).normalize("NFC");
  const parts = text.split(/[/\\]/);
  text = parts[parts.length - 1];
  let kept = "";
  for (const char of text) {
    if (FORBIDDEN.has(char) || /[\p{Cc}\u2028\u2029]/u.test(char)) kept += "_";
    else if (/\p{Cf}/u.test(char)) continue; // bidi overrides, zero widths
    else kept += char;
  }
  text = kept.trim().replace(/^\.+|\.+$/g, "").trim();
  if (!text) return fallback;
  const dot = text.lastIndexOf(".");
  let stem = dot > 0 ? text.slice(0, dot) : text;
  let extension = dot > 0 ? text.slice(dot + 1) : "";
  if (extension.length > MAX_EXTENSION) {
    stem = text;
    extension = "";
  }
  if (RESERVED.has(stem.split(".")[0].trimEnd().toUpperCase())) stem = `_${stem}`;
  const suffix = extension ? `.${extension}` : "";
  const budget = MAX_NAME_BYTES - utf8Length(suffix);
  while (utf8Length(stem) > budget) stem = Array.from(stem).slice(0, -1).join("");
  return (stem.replace(/[ .]+$/, "") || fallback) + suffix;
}

/**
 * `name`, or `name (2)`…, not yet in `taken` (compared without case); added to `taken`.
 * @param {string} name
 * @param {Set<string>} taken
 * @returns {string}
 */
export function uniqueName(name, taken) {
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const suffix = dot > 0 ? name.slice(dot) : "";
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${suffix}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * @param {string} name
 * @param {string | undefined} mime
 */
function withExtension(name, mime) {
  if (name.replace(/^\.+|\.+$/g, "").includes(".")) return name;
  return name + (EXTENSIONS[(mime || "").split(";")[0].trim()] || "");
}

/**
 * JSON as Python's json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n".
 * @param {unknown} value
 */
function jsonText(value) {
  /** @type {(v: unknown) => unknown} */
  const sorted = (v) => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === "object") {
      const object = /** @type {Record<string, unknown>} */ (v);
      return Object.fromEntries(Object.keys(object).sort().map((k) => [k, sorted(object[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

/** The territory root deposits are checked against, and whether the person confirmed it. @typedef {{fingerprint: string, pinned: boolean}} TrustRoot */
/**
 * One export in progress.
 * @typedef {object} ExportRun
 * @property {ReturnType<typeof createZip>} zip
 * @property {Map<string, Set<string>>} taken the names used, per folder
 * @property {TrustRoot | undefined} root
 * @property {string} accountId
 */
/**
 * A deposit's proof of origin as the manifest says it (client/export.py).
 * @typedef {{envelope: unknown, depositor: Record<string, any>, verified: boolean, problem: string | null}} DepositCheck
 */
/**
 * A document as the manifest lists it.
 * @typedef {object} ListedDocument
 * @property {string} id
 * @property {string} path
 * @property {string} name
 * @property {string} mime
 * @property {number} size
 * @property {string} sha256
 * @property {string} category
 * @property {string} created_at
 * @property {string | null} updated_at
 * @property {string | null} expires_on
 * @property {number} ciphertext_size
 * @property {string} ciphertext_sha256
 * @property {DepositCheck | null} deposit
 */

/** An export stopped for a reason said to the person (its message is theirs, in their language). */
class ExportError extends ShownError {}

/**
 * @param {import("./types/page").PersonHelpers} P
 */
export function createExport(P) {
  const { S, C, sodium, state, api, show, setStatus, showError, CONFIG } = P;
  /** @type {string | null} */
  let url = null;
  let running = false;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const progressBar = () => /** @type {HTMLProgressElement} */ (document.getElementById("export-progress"));
  const saveLink = () => /** @type {HTMLAnchorElement} */ (document.getElementById("export-save"));
  const startButton = () => /** @type {HTMLButtonElement} */ (document.querySelector("[data-action=export-start]"));

  /**
   * @param {string} text
   * @param {number} done
   * @param {number} total
   */
  function progress(text, done, total) {
    byId("export-step").textContent = text;
    const bar = progressBar();
    bar.hidden = false;
    bar.value = total ? Math.round((100 * done) / total) : 0;
    byId("export-percent").textContent = S.percent.replace("{n}", String(bar.value));
  }

  function reset() {
    if (url) URL.revokeObjectURL(url);
    url = null;
    const save = saveLink();
    save.removeAttribute("href");
    save.hidden = true;
    startButton().classList.add("primary");
    progressBar().hidden = true;
    progressBar().value = 0;
    for (const id of ["export-step", "export-percent"]) byId(id).textContent = "";
    showError("export-error", "");
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  function showExport(status = "", options = {}) {
    if (!running) reset();
    show("export", { status, ...options });
  }

  /**
   * The ciphertext, read whole, with its SHA-256 and the progress told as it comes.
   * @param {string} id
   * @param {(bytes: number) => void} advance
   * @returns {Promise<{pieces: Uint8Array[], sha256: string}>}
   */
  async function ciphertext(id, advance) {
    const { body } = await download((signal) => api("GET", `/documents/${id}/content`, { signal }), stallMs(CONFIG));
    const reader = body.getReader();
    const hash = C.createSha256();
    /** @type {Uint8Array[]} */
    const pieces = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      pieces.push(value);
      advance(value.length);
    }
    return { pieces, sha256: hash.hexdigest() };
  }

  /**
   * @param {Uint8Array[]} chunks
   */
  function concatenate(chunks) {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
      sodium.memzero(chunk);
    }
    return out;
  }

  // The root deposits are checked against: the one the person confirmed, else the
  // one the server shows (the manifest then says it was not pinned), as the CLI does.
  /**
   * @param {ExportRun} run
   * @returns {Promise<TrustRoot>}
   */
  async function rootFor(run) {
    if (run.root === undefined) {
      const pinned = P.trust.readPin();
      if (pinned) run.root = { fingerprint: pinned, pinned: true };
      else {
        const { root } = await downloadJson((signal) => api("GET", "/trust/root", { signal }), stallMs(CONFIG));
        run.root = { fingerprint: P.trust.pinOf(C.b64decode(root.signer)), pinned: false };
      }
    }
    return run.root;
  }

  /**
   * @param {ExportRun} run
   * @param {Record<string, any>} doc the document as POST /me/exports lists it
   * @param {string} ciphertextSha256
   * @returns {Promise<DepositCheck | null>}
   */
  async function depositOf(run, doc, ciphertextSha256) {
    if (!doc.deposit) return null;
    const depositor = { ...doc.deposit.depositor };
    let problem = null;
    const root = await rootFor(run);
    const keys = await P.trust.verifiedKeys(depositor.account_id, root.fingerprint).catch(() => null);
    const V2 = documentsV2(P);
    if (!keys) problem = S.export_deposit_keys;
    else if (V2.isDepositV2(doc.deposit.envelope)) {
      // A v2 deposit (SPEC §24.3), under the depositor's certified key.
      try {
        const checked = V2.verifyDepositV2(doc.deposit.envelope, { document: doc.id, depositorId: depositor.account_id, signPublic: keys.signPublic });
        if (checked.structure !== keys.leaf.structure) problem = S.export_deposit_signature;
        else if (checked.parts.ciphertextSha256 !== ciphertextSha256) problem = S.export_deposit_changed;
      } catch {
        problem = S.export_deposit_signature;
      }
    } else {
      const statement = doc.deposit.envelope && doc.deposit.envelope.statement;
      try {
        verifyDeposit(C, doc.deposit.envelope, {
          depositorSignKey: keys.signPublic,
          personId: run.accountId,
          ciphertextSha256: statement ? statement.ciphertext_sha256 : "",
          depositorId: depositor.account_id,
        });
        if (statement.document !== doc.id) problem = S.export_deposit_other;
        else if (statement.ciphertext_sha256 !== ciphertextSha256) problem = S.export_deposit_changed;
      } catch {
        problem = S.export_deposit_signature;
      }
    }
    return { envelope: doc.deposit.envelope, depositor, verified: problem === null, problem };
  }

  /**
   * @param {ExportRun} run
   * @param {Record<string, any>} doc the document as POST /me/exports lists it
   * @param {(bytes: number) => void} advance
   * @returns {Promise<ListedDocument>}
   */
  async function oneDocument(run, doc, advance) {
    const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys); // logged in
    const docKey = C.openSealedKey(C.b64decode(doc.sealed_key), keys.boxPublic, keys.boxSecret);
    const V2 = documentsV2(P);
    try {
      const meta = V2.decryptMetadata(docKey, C.b64decode(doc.encrypted_metadata));
      const folder = safeName(doc.category, "autre");
      if (!run.taken.has(folder)) run.taken.set(folder, new Set());
      const name = uniqueName(withExtension(safeName(meta.name), meta.mime), /** @type {Set<string>} */ (run.taken.get(folder)));
      const path = `documents/${folder}/${name}`;
      const { pieces, sha256: ciphertextSha256 } = await ciphertext(doc.id, advance);
      // The vault's copy (listed just before) carries the binding: a bound document is
      // opened through it (SPEC §24.4, documents-v2.js), with the same key and metadata.
      const listedDoc = P.documentById(doc.id);
      const same = listedDoc && listedDoc.ciphertextSha256 === doc.ciphertext_sha256 && sodium.memcmp(listedDoc.docKey, docKey);
      if (!same && (V2.isMigrated() || (listedDoc && listedDoc.binding))) throw new ExportError(S.export_integrity);
      const { chunks, size, sha256 } = same ? await V2.openContent(listedDoc, pieces) : await C.decryptToChunks(docKey, pieces);
      const plain = concatenate(chunks);
      if (size !== meta.size || sha256 !== meta.sha256 || ciphertextSha256 !== doc.ciphertext_sha256) {
        plain.fill(0);
        throw new ExportError(S.export_integrity);
      }
      run.zip.add(path, plain, new Date(doc.created_at));
      return {
        id: doc.id,
        path,
        name: meta.name,
        mime: meta.mime,
        size: meta.size,
        sha256: meta.sha256,
        category: doc.category,
        created_at: doc.created_at,
        updated_at: doc.updated_at ?? null,
        expires_on: doc.expires_on ?? null,
        ciphertext_size: doc.ciphertext_size,
        ciphertext_sha256: ciphertextSha256,
        deposit: await depositOf(run, doc, ciphertextSha256),
      };
    } finally {
      sodium.memzero(docKey);
    }
  }

  /**
   * The organiser's items (GET /organiser/items), each opened with the person's keys
   * (SPEC §30.4); one that does not open is listed under `unreadable` with its error's
   * kind, not dropped: organiser.json as the CLI writes it (client/organiser.py).
   * @param {string} accountId
   */
  async function organiserOf(accountId) {
    const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys); // logged in
    const organiser = createOrganiser(sodium);
    const { items: rows } = await downloadJson((signal) => api("GET", "/organiser/items", { signal }), stallMs(CONFIG));
    /** @type {{id: string, version: number, created_at: string, updated_at: string, item: import("./crypto-organiser.js").OrganiserItem}[]} */
    const items = [];
    /** @type {{id: string, version: number, created_at: string, updated_at: string, error: string}[]} */
    const unreadable = [];
    for (const row of rows) {
      const about = { id: row.id, version: row.version, created_at: row.created_at, updated_at: row.updated_at };
      try {
        const data = C.b64decode(row.ciphertext);
        const item = organiser.openItem({ data, ownerId: accountId, itemId: row.id, signPublic: keys.signPublic, boxPublic: keys.boxPublic, boxSecret: keys.boxSecret });
        items.push({ ...about, item });
      } catch (error) {
        unreadable.push({ ...about, error: error instanceof Error ? error.constructor.name : "Error" });
      }
    }
    return { format: ORGANISER_FORMAT, version: 1, items, unreadable };
  }

  // What the person reads when the export stops: the server's words, ours, or the
  // plain "did not work"; never a script error's own (English, meaningless) message.
  /**
   * @param {unknown} error
   * @returns {string}
   */
  function failure(error) {
    if (refusedError(error)) return S.my_document_refused;
    if (error instanceof C.CryptoError) return S.decrypt_failed;
    if (error instanceof StallError) return S.export_stalled;
    return messageFor(error, S.export_failed);
  }

  async function start() {
    if (running) return;
    running = true;
    reset();
    const button = startButton();
    button.disabled = true;
    let failed = false;
    progress(S.export_asking, 0, 0);
    try {
      await P.refreshDocuments();
      const data = await downloadJson((signal) => api("POST", "/me/exports", { signal }), stallMs(CONFIG));
      const exportedAt = new Date(data.exported_at);
      const fflate = await import(CONFIG.fflate);
      /** @type {ExportRun} */
      const run = { zip: createZip(fflate), taken: new Map(), root: undefined, accountId: data.account.id };
      /** @type {number} */
      const total = data.documents.reduce((/** @type {number} */ n, /** @type {{ciphertext_size: number}} */ d) => n + d.ciphertext_size, 0);
      let done = 0;
      /** @type {ListedDocument[]} */
      const listed = [];
      // Oldest first, as the server lists them for an export.
      for (const [index, doc] of data.documents.entries()) {
        const step = fill(S.export_document, { n: index + 1, total: data.documents.length });
        progress(step, done, total);
        listed.push(
          await oneDocument(run, doc, (/** @type {number} */ n) => {
            done += n;
            progress(step, done, total);
          }),
        );
      }
      progress(S.export_writing, total, total);
      const organiser = await organiserOf(data.account.id);
      const account = { id: data.account.id, login: data.account.login };
      const manifest = {
        format: FORMAT,
        version: VERSION,
        exported_at: data.exported_at,
        account,
        documents: listed,
        grants: data.grants,
        // Each grant's consent receipt, a file of its own (docs/CONSENT.md).
        receipts: (data.receipts || []).map((/** @type {{grant_id: string}} */ r) => `receipts/${r.grant_id}.json`),
        history: { json: "history.json", csv: "history.csv" },
        organiser: { json: "organiser.json", ics: "rendez-vous.ics" },
        trust_root: run.root ? { fingerprint: run.root.fingerprint, pinned: run.root.pinned } : null,
        audit: data.audit,
      };
      const encoder = new TextEncoder();
      run.zip.add("manifest.json", encoder.encode(jsonText(manifest)), exportedAt, { deflate: true });
      for (const receipt of data.receipts || []) {
        run.zip.add(`receipts/${receipt.grant_id}.json`, encoder.encode(jsonText(receipt)), exportedAt, { deflate: true });
      }
      const history = { format: HISTORY_FORMAT, version: VERSION, account, items: data.history };
      run.zip.add("history.json", encoder.encode(jsonText(history)), exportedAt, { deflate: true });
      run.zip.add("history.csv", encoder.encode(historyCsv(data.history, P.history.sentence)), exportedAt, { deflate: true });
      run.zip.add("organiser.json", encoder.encode(jsonText(organiser)), exportedAt, { deflate: true });
      const words = { summary: S.export_ics_summary, summaryWith: S.export_ics_summary_with };
      run.zip.add("rendez-vous.ics", encoder.encode(icsCalendar(organiser.items, exportedAt, words)), exportedAt, { deflate: true });
      const readme = fill(S.export_readme, { exported_at: data.exported_at, login: data.account.login });
      run.zip.add("LISEZMOI.txt", encoder.encode(readme), exportedAt, { deflate: true });
      url = URL.createObjectURL(run.zip.finish());
      state.objectUrls.push(url); // revoked at log-out with the rest
      const save = saveLink();
      save.href = url;
      save.download = fill(S.export_file_name, { date: data.exported_at.slice(0, 10) });
      save.hidden = false;
      startButton().classList.remove("primary"); // one main action
      const deposits = listed.flatMap((d) => (d.deposit ? [d.deposit] : []));
      progress(fill(S.export_done, { n: listed.length }), total, total);
      setStatus(deposits.some((deposit) => !deposit.verified) ? S.export_deposit_warning : "");
      save.focus();
    } catch (error) {
      progressBar().hidden = true;
      for (const id of ["export-step", "export-percent"]) byId(id).textContent = "";
      showError("export-error", failure(error));
      setStatus("");
      failed = true;
    } finally {
      running = false;
      button.disabled = false;
    }
    if (failed) button.focus(); // "Tout récupérer" starts again from the first document
  }

  return {
    screens: ["export"],
    enter: { export: showExport },
    actions: { "export-start": start },
    wipe() {
      url = null; // app.js revokes it with the other object URLs
      reset();
    },
  };
}
