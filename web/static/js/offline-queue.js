// @ts-check
// An upload that cannot leave because the phone has no connection waits on the phone and
// leaves by itself when the network returns (issue 19, "The page as an installed app").
//
// What waits (IndexedDB, database "coffre-waiting", one record per document): the
// document exactly as it would have been sent, i.e. its ciphertext (SPEC §21), and the
// upload's headers, which are ciphertext too (the metadata blob, the document key sealed
// to the person's public key) or what the server is told in clear anyway (the category,
// the expiry date, the id, the signed binding's hashes). Never the plaintext, never a
// key, never the passphrase: without the person's keys a record reads as noise, and
// sending it needs the session's cookie, which the page cannot read (HttpOnly).
//
// When it leaves: at once if it can, on the browser's `online` event, every RETRY_MS
// while records wait and the browser says it is online, and at log-out. It is sent with
// the session's cookie alone (no key is needed to send ciphertext), so it also leaves
// after the vault locked itself (idle) or the page was reloaded, while that session lasts.
//
// When it goes (nothing stays on a shared phone, DESIGN.md): once the server has it (201,
// or 409 document_id_taken: an earlier try whose answer was lost stored it); when the
// server refuses it for good (4xx: the person is told and adds it again); when no session
// is open in this browser (the page then cannot send it: app.js boot), or another
// account's session is (its records are not this account's); and at log-out, when it
// cannot leave, only if the person says so (the "logout-waiting" screen, app.js).
import { csrfToken } from "./http.js";
import { stallMs, upload } from "./transfer.js";

const DATABASE = "coffre-waiting";
const STORE = "uploads";
/** While records wait and the browser says it is online: try again this often. */
export const RETRY_MS = 20_000;

/**
 * One upload waiting on this phone.
 * @typedef {object} Waiting
 * @property {string} id the record's key (the document's id when it has one)
 * @property {string} account the account it goes to (its session sends it)
 * @property {string} path under the origin, e.g. "/api/v1/documents"
 * @property {Record<string, string>} headers the upload's headers (see above)
 * @property {Blob} blob the ciphertext
 * @property {number} at when it started waiting (ms)
 */

/** @returns {Promise<IDBDatabase | null>} the database, or null where the browser refuses it */
function openDatabase() {
  return new Promise((resolve) => {
    let opening;
    try {
      opening = indexedDB.open(DATABASE, 1);
    } catch {
      resolve(null);
      return;
    }
    opening.addEventListener("upgradeneeded", () => opening.result.createObjectStore(STORE, { keyPath: "id" }));
    opening.addEventListener("success", () => resolve(opening.result));
    opening.addEventListener("error", () => resolve(null));
    opening.addEventListener("blocked", () => resolve(null));
  });
}

/**
 * Run `work` on the store in one transaction; resolves with its request's result when
 * the transaction is done (null when the database is refused).
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} work
 * @returns {Promise<T | null>}
 */
async function inStore(mode, work) {
  const db = await openDatabase();
  if (!db) return null;
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.addEventListener("complete", () => resolve(request.result));
      transaction.addEventListener("error", () => reject(transaction.error));
      transaction.addEventListener("abort", () => reject(transaction.error));
    });
  } finally {
    db.close();
  }
}

/** @returns {Promise<Waiting[]>} every record waiting on this phone */
export async function waitingUploads() {
  try {
    return /** @type {Waiting[]} */ ((await inStore("readonly", (store) => store.getAll())) || []);
  } catch {
    return [];
  }
}

/**
 * Keep `record` until it leaves. False when the browser refused to keep it.
 * @param {Waiting} record
 */
export async function keepWaiting(record) {
  try {
    return (await inStore("readwrite", (store) => store.put(record))) !== null;
  } catch {
    return false;
  }
}

/** @param {string} id */
async function forget(id) {
  try {
    await inStore("readwrite", (store) => store.delete(id));
  } catch {
    // Refused: the next look at the store tries again.
  }
}

/**
 * Every record goes (all accounts), or only those not of `keepAccount`.
 * @param {string | null} [keepAccount]
 */
export async function dropWaiting(keepAccount = null) {
  for (const record of await waitingUploads()) if (record.account !== keepAccount) await forget(record.id);
}

/**
 * What the queue tells the page: `waiting` (n records, no connection), `sending` (a
 * record leaving, percent), `sent` (one arrived), `refused` (one the server will never
 * take, dropped), `idle` (nothing waits).
 * @typedef {{kind: "waiting", count: number} | {kind: "sending", percent: number} |
 *   {kind: "sent", id: string} | {kind: "refused", id: string} | {kind: "idle"}} QueueEvent
 */

/**
 * The queue of the page (one per page: app.js).
 * @param {{CONFIG: {stallSeconds?: number}, account: () => string | null,
 *   onChange: (event: QueueEvent) => void}} options `account`: the session's account
 *   (null when none is open: nothing is sent)
 */
export function createOfflineQueue({ CONFIG, account, onChange }) {
  /** @type {Promise<boolean> | null} the flush under way */
  let flushing = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;

  /** @param {number} count */
  function schedule(count) {
    if (count && timer === undefined) timer = setInterval(() => void flush(), RETRY_MS);
    if (!count && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  /**
   * The person's waiting records, for the current account only; every record while the
   * account is not known yet (a page opened with no connection: it says what waits, and
   * sends nothing until the server names the session's account).
   */
  async function mine() {
    const who = account();
    const all = await waitingUploads();
    return who ? all.filter((record) => record.account === who) : all;
  }

  /**
   * Send one record. true: it arrived (or was already there); false: still waiting.
   * @param {Waiting} record
   */
  async function sendOne(record) {
    onChange({ kind: "sending", percent: 0 });
    let answer;
    try {
      answer = await upload({
        path: record.path,
        headers: record.headers,
        blob: record.blob,
        stallMs: stallMs(CONFIG),
        onProgress: (percent) => onChange({ kind: "sending", percent }),
      });
    } catch {
      return false; // cut, silent or no network: it waits for the next try
    }
    let code = "";
    try {
      code = JSON.parse(answer.text).error.code;
    } catch {
      // not an error answer
    }
    if (answer.status === 201 || (answer.status === 409 && code === "document_id_taken")) {
      await forget(record.id);
      onChange({ kind: "sent", id: record.id });
      return true;
    }
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
      // Never taken (refused, the session over): it cannot stay on the phone for nothing.
      await forget(record.id);
      onChange({ kind: "refused", id: record.id });
      return true;
    }
    return false; // the server is busy or down: later
  }

  /**
   * Send what waits, one record after the other. Resolves true when nothing of the
   * account waits any more.
   * @returns {Promise<boolean>}
   */
  function flush() {
    if (!flushing) {
      flushing = (async () => {
        try {
          let records = await mine();
          const tried = records.length > 0 && navigator.onLine !== false && Boolean(csrfToken()) && Boolean(account());
          if (tried) {
            for (const record of records) if (!(await sendOne(record))) break;
            records = await mine();
          }
          schedule(records.length);
          // After a send, its "sent" or "refused" stays said until something else happens.
          if (records.length) onChange({ kind: "waiting", count: records.length });
          else if (!tried) onChange({ kind: "idle" });
          return records.length === 0;
        } finally {
          flushing = null;
        }
      })();
    }
    return flushing;
  }

  /**
   * An upload that could not leave waits here (the person's own document, made by
   * add-document.js). False when the browser refused to keep it (the page then offers
   * "Réessayer" as before).
   * @param {{id: string, path: string, headers: Record<string, string>, blob: Blob}} upload
   */
  async function keep({ id, path, headers, blob }) {
    const who = account();
    if (!who) return false;
    const kept = await keepWaiting({ id, account: who, path, headers, blob, at: Date.now() });
    if (kept) {
      const count = (await mine()).length;
      schedule(count);
      onChange({ kind: "waiting", count });
    }
    return kept;
  }

  /** How many of the account's records wait. */
  async function count() {
    return (await mine()).length;
  }

  /** The account's records go (the person agreed, at log-out). */
  async function drop() {
    const who = account();
    for (const record of await waitingUploads()) if (record.account === who) await forget(record.id);
    schedule(0);
    onChange({ kind: "idle" });
  }

  window.addEventListener("online", () => void flush());
  window.addEventListener("offline", () => void flush()); // says "waiting" at once

  return { keep, flush, count, drop };
}
