// @ts-check
// The carnet's items (person-organiser.js), as the page holds them: fetched, each opened
// here with the person's keys — its signature checked under their key and its place
// (owner, id) before its content (crypto-organiser.js, SPEC §30.4) — and written sealed
// (POST a new item under an id drawn here, PUT a change with the version read: 409 if
// it changed meanwhile). The server keeps ciphertext, a version and its dates. Opened
// items live in this module's memory only (wipe() at log-out).
import { createOrganiser as createOrganiserCrypto } from "./crypto-organiser.js";

/** @typedef {import("./person-organiser.js").Item} Item */
/** @typedef {import("./person-organiser.js").ItemData} ItemData */

/**
 * @param {import("./types/page").PersonHelpers} P
 * @param {() => void} changed called after the items changed (the counts)
 */
export function createOrganiserStore(P, changed) {
  const { api } = P;
  const org = createOrganiserCrypto(P.sodium);
  /** @type {Map<string, Item>} */
  let items = new Map();
  let loaded = false;
  /** Items the page could not open (a damaged one): said, never hidden. */
  let unreadable = 0;

  // The person's keys and account, as the vault opened them (app.js state).
  function owner() {
    const { keys, accountId } = P.state;
    if (!keys || !accountId) throw new Error("the vault is not open");
    return { keys, ownerId: accountId };
  }

  /**
   * GET /organiser/items's item, opened: its signature checked under the person's key
   * and its place (owner, id), then its content (SPEC §30.4).
   * @param {{id: string, ciphertext: string, version: number, created_at?: string, updated_at?: string}} raw
   * @returns {Item}
   */
  function open(raw) {
    const { keys, ownerId } = owner();
    const data = org.openItem({
      data: P.C.b64decode(raw.ciphertext),
      ownerId,
      itemId: raw.id,
      signPublic: keys.signPublic,
      boxPublic: keys.boxPublic,
      boxSecret: keys.boxSecret,
    });
    return { id: raw.id, version: raw.version, data, updatedAt: raw.updated_at || raw.created_at || null };
  }

  /**
   * @param {string} itemId
   * @param {ItemData} item
   */
  function sealItem(itemId, item) {
    const { keys, ownerId } = owner();
    return P.C.b64encode(org.sealItem({ item, ownerId, itemId, boxPublic: keys.boxPublic, signSeed: keys.signSeed }));
  }

  /** @param {string} text */
  function sealReminder(text) {
    const { keys } = owner();
    return P.C.b64encode(org.sealReminderText({ text, boxPublic: keys.boxPublic, signSeed: keys.signSeed }));
  }

  /**
   * The carnet from the server, every item opened here (an item that does not open is
   * counted and said, the others shown).
   */
  async function load() {
    const answer = await (await api("GET", "/organiser/items")).json();
    /** @type {Map<string, Item>} */
    const next = new Map();
    unreadable = 0;
    for (const raw of answer.items || []) {
      // An item the page already opened, at the same version, is not opened again (200
      // items take ~0.4 s to open on a laptop, more on a cheap phone): only what changed.
      const known = items.get(raw.id);
      if (known && known.version === raw.version) {
        next.set(raw.id, known);
        continue;
      }
      try {
        next.set(raw.id, open(raw));
      } catch {
        unreadable += 1;
      }
    }
    items = next;
    loaded = true;
    changed();
  }

  async function ensureLoaded() {
    if (!loaded) await load();
  }

  /**
   * The items of one kind.
   * @param {string} kind
   * @returns {Item[]}
   */
  function ofKind(kind) {
    return [...items.values()].filter((item) => item.data.kind === kind);
  }


  /**
   * Seal `data` and write it: a new item (POST), or a change of `existing` (PUT, with
   * the version the page read: 409 if it changed meanwhile). Returns the saved item.
   * @param {Item | null} existing
   * @param {ItemData} data
   * @param {string | null} [newId] a new item's id (drawn here if not given)
   * @returns {Promise<Item>}
   */
  async function write(existing, data, newId = null) {
    // A new item's id is drawn in the page: it is bound in the person's signature (SPEC §30.3).
    const id = existing ? existing.id : newId || org.newItemId();
    const ciphertext = sealItem(id, data);
    const response = existing
      ? await api("PUT", `/organiser/items/${id}`, { json: { ciphertext, version: existing.version } })
      : await api("POST", "/organiser/items", { json: { id, ciphertext } });
    const saved = await response.json();
    /** @type {Item} */
    const item = { id: saved.id, version: saved.version, data, updatedAt: saved.updated_at || saved.created_at || null };
    items.set(item.id, item);
    changed();
    return item;
  }

  /**
   * Delete `item`.
   * @param {Item} item
   */
  async function erase(item) {
    await api("DELETE", `/organiser/items/${item.id}`);
    items.delete(item.id);
    changed();
  }

  /** The item `id` as last fetched or written, or null. @param {string} id */
  function get(id) {
    return items.get(id) || null;
  }

  /** An item gone from the server (deleted elsewhere). @param {string} id */
  function forget(id) {
    items.delete(id);
    changed();
  }

  return {
    load,
    ensureLoaded,
    ofKind,
    get,
    write,
    erase,
    forget,
    sealReminder,
    newItemId: () => org.newItemId(),
    unreadable: () => unreadable,
    wipe() {
      items = new Map();
      loaded = false;
      unreadable = 0;
    },
  };
}
