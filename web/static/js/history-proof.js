// @ts-check
// "Qui a vu mes documents", checked in the page: each line shown is recomputed from the
// entry the log committed to (its event and salt, GET /me/history `leaf`) and proven to
// be in the largest checkpoint the charter officer cosigned (GET /audit/cosigners, GET
// /audit/proof/inclusion), with tlog.js (auditlog/SPEC.md; docs/AUDIT.md "The person's
// page"). The person reads one plain sentence; never a technical word.
//
// What the page trusts: the log's keys and the cosigners' keys the server lists (it has
// nothing pinned of its own; coffre-verify, run by anyone, pins them and would see a
// server that lists other keys to some persons).
import { fill } from "./consent-common.js";
import { createTlog, TlogError } from "./tlog.js";

/** A line of GET /me/history. @typedef {Record<string, any>} HistoryItem */
/** @typedef {"included" | "waiting" | "not_recent" | "never" | "problem" | "unavailable"} ProofState */

const RECENT_MS = 7 * 24 * 3600 * 1000; // as coffre/audit/cosigning.py RECENT
const PARALLEL = 4;

/**
 * @param {{S: Record<string, string>, sodium: any, C: any, api: (method: string, path: string) => Promise<Response>}} P
 */
export function createHistoryProof(P) {
  const { S, api } = P;
  const tlog = createTlog(P.sodium);

  /** The log's keys as the server lists them (its history too, after a rotation). */
  async function logKeys() {
    try {
      const data = await (await api("GET", "/audit/log/keys")).json();
      const vkeys = [data.current, ...(data.history || []).map((/** @type {any} */ h) => h.verifier_key)];
      return { origin: String(data.origin), keys: [...new Set(vkeys)].filter(Boolean).map((k) => tlog.parseKey(k)) };
    } catch {
      const vkey = (await (await api("GET", "/audit/key")).text()).trim();
      const key = tlog.parseKey(vkey);
      return { origin: key.name, keys: [key] };
    }
  }

  /**
   * The event a line stands for, checked against the line and hashed as the log does.
   * @param {HistoryItem} item
   */
  function leafOf(item) {
    const event = JSON.parse(item.leaf.body);
    if (event.seq !== item.seq || event.action !== item.action || event.outcome !== item.outcome) {
      throw new TlogError("the entry does not say what the line says", "proof_invalid");
    }
    return tlog.eventLeafHash(event, P.C.b64decode(item.leaf.salt));
  }

  /**
   * @param {HistoryItem} item
   * @param {number} size
   * @param {Uint8Array} root
   */
  async function proveOne(item, size, root) {
    const leaf = leafOf(item);
    const proof = await (await api("GET", `/audit/proof/inclusion?index=${item.seq}&size=${size}`)).json();
    tlog.verifyInclusion(leaf, item.seq, size, proof.proof.map((/** @type {string} */ p) => tlog.b64decode(p)), root);
  }

  /**
   * Check the lines; answer what to tell the person.
   * @param {HistoryItem[]} items
   * @returns {Promise<{state: ProofState, text: string}>}
   */
  async function check(items) {
    try {
      const status = await (await api("GET", "/audit/cosigners")).json();
      if (!status.cosigned_checkpoint) return { state: "never", text: S.proof_never };
      const { origin, keys } = await logKeys();
      const checkpoint = tlog.openCheckpoint(status.cosigned_checkpoint, keys, origin);
      const cosigners = status.cosigners.map((/** @type {any} */ c) => tlog.parseCosignerKey(c.key));
      const times = [...tlog.verifyCosignatures(status.cosigned_checkpoint, cosigners).values()];
      if (!times.length) return { state: "problem", text: S.proof_problem };
      const last = new Date(Math.max(...times) * 1000);
      const covered = items.filter((item) => item.leaf && item.seq < checkpoint.size);
      // A line whose entry retention already removed (no leaf) is not waiting for anything.
      const waiting = items.filter((item) => item.leaf && item.seq >= checkpoint.size).length;
      for (let i = 0; i < covered.length; i += PARALLEL) {
        await Promise.all(covered.slice(i, i + PARALLEL).map((item) => proveOne(item, checkpoint.size, checkpoint.root)));
      }
      const date = last.toLocaleDateString(document.documentElement.lang || "fr");
      if (Date.now() - last.getTime() > RECENT_MS) return { state: "not_recent", text: fill(S.proof_not_recent, { date }) };
      if (waiting) return { state: "waiting", text: waitingWords(covered.length, waiting, date) };
      const included = covered.length === 1 ? S.proof_included_one : S.proof_included;
      return { state: "included", text: fill(included, { n: covered.length, date }) };
    } catch (error) {
      // Something that does not verify is a problem to tell; a failed request is not.
      if (error instanceof TlogError) return { state: "problem", text: S.proof_problem };
      return { state: "unavailable", text: S.proof_unavailable };
    }
  }

  /**
   * Some lines are newer than the checked record: said without "1 lignes" or "Les 1".
   * @param {number} n lines in the checked record
   * @param {number} waiting lines newer than it
   * @param {string} date
   */
  function waitingWords(n, waiting, date) {
    if (n === 0) return S.proof_waiting_all;
    if (waiting === 1) return fill(S.proof_waiting_one, { date });
    if (n === 1) return fill(S.proof_waiting_older, { waiting, date });
    return fill(S.proof_waiting, { n, waiting, date });
  }

  return { check };
}
