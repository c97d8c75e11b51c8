// @ts-check
// "Mon carnet" (issue 19): the person's organiser — notes, contacts and appointments —
// reached from "Plus" (vault/_person_organiser.html). This module saves and deletes
// (nothing lost, below) and holds the screens every kind shares: the carnet's first
// screen, "Supprimer ?" and the conflict screen. The items, fetched, opened and written
// sealed, are organiser-store.js; the notes organiser-notes.js, the contacts
// organiser-contacts.js, the appointments and their reminders organiser-appointments.js.
//
// Each item is sealed in the page before it leaves (crypto-organiser.js, crypto/SPEC.md
// §30): the server keeps ciphertext, a version and its own dates, never the kind of an
// item nor a word of it (GET/POST /organiser/items, PUT/DELETE /organiser/items/{id}).
//
// Nothing is lost: a text not yet saved stays in the form, and in this module's memory
// (`drafts`) when the person goes to another screen and comes back; never in
// localStorage, sessionStorage or IndexedDB (a shared phone keeps nothing: wiped at
// log-out, like the keys). A save that fails says so and keeps the text; a save refused
// because the item changed elsewhere meanwhile (409) shows both texts and the person
// chooses: both kept, theirs replaced, or the other one kept.
import { byId, fill, setCount } from "./consent-common.js";
import { ApiError, messageFor } from "./http.js";
import { createOrganiserStore } from "./organiser-store.js";
import { createOrganiserNotes } from "./organiser-notes.js";
import { createOrganiserContacts } from "./organiser-contacts.js";
import { createOrganiserAppointments } from "./organiser-appointments.js";

/** @typedef {import("./crypto-organiser.js").NoteItem} NoteData */
/** @typedef {import("./crypto-organiser.js").ContactItem} ContactData */
/** @typedef {import("./crypto-organiser.js").AppointmentItem} AppointmentData */
/** What a sealed item holds (SPEC §30.2): the kind is inside. @typedef {import("./crypto-organiser.js").OrganiserItem} ItemData */
/**
 * An item of the carnet, opened.
 * @typedef {object} Item
 * @property {string} id
 * @property {number} version the server's, sent back with a change (optimistic concurrency)
 * @property {ItemData} data
 * @property {string | null} updatedAt
 */
/**
 * How a kind's screens write: `commit` saves `values` (the form's, as a draft holds
 * them) over `existing` (null: a new item) and returns the saved item; `describe` turns
 * values or an item's data into the text the conflict and delete screens show; `shown`
 * is the kind's list screen, opened again after a save; `edit` shows the kind's form
 * with `values` over `existing`.
 * @typedef {object} KindHandler
 * @property {(existing: Item | null, values: any) => Promise<Item>} commit
 * @property {(values: any) => string} describe
 * @property {(item: Item) => any} valuesOf the form's values of a saved item
 * @property {(status?: string) => void} shown
 * @property {(item: Item, status: string) => void} [saved] what shows after `item` is saved
 *   (or kept by "Non, garder"): the item itself for a note; the kind's list by default
 * @property {(existing: Item | null, values: any) => void} edit
 * @property {(item: Item) => Promise<void>} [removed] after the item is deleted (its reminder)
 */

/**
 * What the kinds' modules (organiser-contacts.js, organiser-appointments.js) are given.
 * @typedef {object} OrganiserShared
 * @property {import("./types/page").PersonHelpers} P
 * @property {(kind: string) => Item[]} ofKind
 * @property {(existing: Item | null, data: ItemData) => Promise<Item>} write
 * @property {(kind: string, form: HTMLFormElement, errorId: string, existing: Item | null, values: any, doneText: string) => Promise<void>} submit
 * @property {(kind: string, item: Item) => void} askDelete
 * @property {(kind: string, existing: Item | null) => any} draftOf
 * @property {(kind: string, existing: Item | null, values: any) => void} keepDraft
 * @property {(kind: string, existing: Item | null) => void} dropDraft
 * @property {(showIt: () => void) => Promise<void>} entering
 * @property {(text: string) => string} sealReminder a reminder's text sealed to the person
 *   (SPEC §31), base64url as the API takes it
 */

/** @param {import("./types/page").PersonHelpers} P */
export function createOrganiser(P) {
  const { S, show, setStatus, showError, busy } = P;

  /** Texts not yet saved, by `${kind}:${id | "new"}` (memory only, wiped at log-out). */
  const drafts = new Map();
  /**
   * The id a new item's form writes under, by draft key, kept until it is saved: a save
   * whose answer was lost, tried again, finds its item (organiser_item_exists) instead
   * of writing it twice.
   * @type {Map<string, string>}
   */
  const pendingIds = new Map();
  /** @type {string | null} the id the next new item is written under (submit sets it) */
  let nextId = null;
  /** @type {{kind: string, item: Item} | null} */
  let deleting = null;
  /** @type {{kind: string, existing: Item, values: any, theirs: Item | null} | null} */
  let conflict = null;

  const store = createOrganiserStore(P, counts);
  const { load, ofKind } = store;

  function counts() {
    setCount("organiser-notes-count", ofKind("note").length);
    setCount("organiser-contacts-count", ofKind("contact").length);
    setCount("organiser-appointments-count", appointments.upcoming().length);
  }

  /**
   * Write `data` (organiser-store.js); a new item under the id its form keeps (submit).
   * @param {Item | null} existing
   * @param {ItemData} data
   */
  function write(existing, data) {
    const id = existing ? null : nextId;
    if (!existing) nextId = null;
    return store.write(existing, data, id);
  }

  // ------------------------------------------------------------- saving, nothing lost

  /**
   * The draft's key of a kind's form over `existing`.
   * @param {string} kind
   * @param {Item | null} existing
   */
  function draftKey(kind, existing) {
    return `${kind}:${existing ? existing.id : "new"}`;
  }

  /**
   * The draft kept for this form, if any (and the status line says it came back).
   * @param {string} kind
   * @param {Item | null} existing
   */
  function draftOf(kind, existing) {
    return drafts.get(draftKey(kind, existing)) || null;
  }

  /**
   * Keep the form's values in memory while the person types.
   * @param {string} kind
   * @param {Item | null} existing
   * @param {any} values
   */
  function keepDraft(kind, existing, values) {
    drafts.set(draftKey(kind, existing), values);
  }

  /**
   * Forget a draft (saved, or "Annuler").
   * @param {string} kind
   * @param {Item | null} existing
   */
  function dropDraft(kind, existing) {
    drafts.delete(draftKey(kind, existing));
    pendingIds.delete(draftKey(kind, existing));
  }

  /**
   * A form sent: the kind's commit, then its list with `doneText`; a failure keeps the
   * text and says it is not saved; a 409 goes to the conflict screen.
   * @param {string} kind
   * @param {HTMLFormElement} form
   * @param {string} errorId
   * @param {Item | null} existing
   * @param {any} values
   * @param {string} doneText
   */
  async function submit(kind, form, errorId, existing, values, doneText) {
    const handler = handlers[kind];
    keepDraft(kind, existing, values);
    const key = draftKey(kind, existing);
    if (!existing && !pendingIds.has(key)) pendingIds.set(key, store.newItemId());
    nextId = existing ? null : pendingIds.get(key) || null;
    showError(errorId, "");
    busy(form, true);
    try {
      const saved = await handler.commit(existing, values);
      dropDraft(kind, existing);
      afterSave(kind, saved, doneText);
    } catch (error) {
      setStatus("");
      if (existing && changedElsewhere(error)) return await showConflict(kind, existing, values);
      if (existing && error instanceof ApiError && error.code === "organiser_item_not_found") {
        // Deleted elsewhere meanwhile: the text is kept as a new item (nothing lost).
        return await submit(kind, form, errorId, null, values, doneText);
      }
      if (!existing && error instanceof ApiError && error.code === "organiser_item_exists") {
        // An earlier try was written, its answer lost: this text goes over that item.
        const there = await loadedItem(pendingIds.get(key));
        if (there) {
          dropDraft(kind, null);
          return await submit(kind, form, errorId, there, values, doneText);
        }
      }
      showError(errorId, fill(S.organiser_not_saved, { why: messageFor(error, S.network_error) }));
    } finally {
      nextId = null;
      busy(form, false);
    }
  }

  /**
   * The item `id` as the server holds it now (null if it does not, or cannot be read).
   * @param {string | undefined} id
   */
  async function loadedItem(id) {
    if (!id) return null;
    try {
      await load();
    } catch {
      return null;
    }
    return store.get(id);
  }

  /**
   * @param {string} kind
   * @param {Item} saved
   * @param {string} doneText
   */
  function afterSave(kind, saved, doneText) {
    const handler = handlers[kind];
    if (handler.saved) return handler.saved(saved, doneText);
    handler.shown(doneText);
  }

  // -------------------------------------------------------------------- conflict (409)

  /**
   * The item changed since the page read it (its version): not any 409 (a full carnet,
   * too many reminders: their messages are said as they are).
   * @param {unknown} error
   */
  function changedElsewhere(error) {
    return error instanceof ApiError && error.code === "organiser_item_version_conflict";
  }

  /**
   * The item changed elsewhere since the page read it: both texts, the person chooses.
   * @param {string} kind
   * @param {Item} existing
   * @param {any} values
   */
  async function showConflict(kind, existing, values) {
    /** @type {Item | null} */
    let theirs = null;
    try {
      await load();
      theirs = store.get(existing.id);
    } catch {
      // Not reached now: mine is shown alone, and "Garder les deux" keeps it.
    }
    conflict = { kind, existing, values, theirs };
    const handler = handlers[kind];
    byId("organiser-conflict-mine").textContent = handler.describe(values);
    byId("organiser-conflict-theirs").textContent = theirs ? handler.describe(theirs.data) : S.organiser_conflict_gone;
    showError("organiser-conflict-error", "");
    show("organiser-conflict");
  }

  /** @param {"both" | "mine" | "theirs"} choice */
  async function resolve(choice) {
    if (!conflict) return home();
    const { kind, existing, values, theirs } = conflict;
    const handler = handlers[kind];
    if (choice === "theirs") {
      conflict = null;
      dropDraft(kind, existing);
      return handler.shown(S.organiser_kept_theirs);
    }
    setStatus(S.working);
    try {
      // "both": mine as a new item beside theirs; "mine": over theirs (its version now).
      const over = choice === "mine" ? theirs : null;
      const saved = await handler.commit(over, values);
      conflict = null;
      dropDraft(kind, existing);
      afterSave(kind, saved, choice === "both" ? S.organiser_kept_both : S.organiser_saved);
    } catch (error) {
      setStatus("");
      if (changedElsewhere(error)) return await showConflict(kind, existing, values);
      showError("organiser-conflict-error", fill(S.organiser_not_saved, { why: messageFor(error, S.network_error) }));
    }
  }

  // ----------------------------------------------------------------- the carnet

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options] show()'s (push: false from the back button)
   */
  async function home(status = "", options = {}) {
    showError("organiser-error", "");
    try {
      await load();
    } catch (error) {
      show("organiser", { status, ...options });
      return showError("organiser-error", messageFor(error, S.network_error));
    }
    show("organiser", { status: status || (store.unreadable() ? S.organiser_unreadable : ""), ...options });
  }

  /**
   * A kind's screen entered from elsewhere: the carnet is fetched first if the page
   * does not hold it yet.
   * @param {() => void} showIt
   */
  async function entering(showIt) {
    try {
      await store.ensureLoaded();
    } catch (error) {
      show("organiser");
      return showError("organiser-error", messageFor(error, S.network_error));
    }
    showIt();
  }

  // ---------------------------------------------------------------------- deleting

  /**
   * "Supprimer ?" for `item`, its text shown.
   * @param {string} kind
   * @param {Item} item
   */
  function askDelete(kind, item) {
    deleting = { kind, item };
    // Each text named outright (the translations' coverage reads the names the script uses).
    /** @type {Record<string, string>} */
    const titles = { note: S.organiser_delete_note, contact: S.organiser_delete_contact, appointment: S.organiser_delete_appointment };
    byId("organiser-delete-title").textContent = titles[kind] || S.organiser_delete_note;
    byId("organiser-delete-what").textContent = handlers[kind].describe(handlers[kind].valuesOf(item));
    showError("organiser-delete-error", "");
    show("organiser-delete");
  }

  async function confirmDelete() {
    if (!deleting) return home();
    const { kind, item } = deleting;
    setStatus(S.working);
    try {
      await store.erase(item);
      deleting = null;
      const after = handlers[kind].removed;
      if (after) await after(item);
      handlers[kind].shown(S.organiser_deleted);
    } catch (error) {
      setStatus("");
      if (error instanceof ApiError && error.code === "organiser_item_not_found") {
        // Already deleted elsewhere: what the person wanted is done.
        deleting = null;
        store.forget(item.id);
        const after = handlers[kind].removed;
        if (after) await after(item);
        return handlers[kind].shown(S.organiser_deleted);
      }
      showError("organiser-delete-error", messageFor(error, S.network_error));
    }
  }

  /** "Annuler" / "Non, garder": back to the list of what was being written or deleted. */
  function cancel() {
    if (deleting) {
      const { kind, item } = deleting;
      deleting = null;
      const handler = handlers[kind];
      return handler.saved ? handler.saved(item, "") : handler.shown();
    }
    const screen = document.querySelector("[data-screen]:not([hidden])");
    const name = screen ? /** @type {HTMLElement} */ (screen).dataset.screen : "";
    if (name === "organiser-note-edit") return notes.cancel();
    if (name === "organiser-contact-edit") return contacts.cancel();
    if (name === "organiser-appointment-edit") return appointments.cancel();
    return home();
  }

  // ------------------------------------------------------------------ put together

  /** @type {OrganiserShared} */
  const shared = {
    P,
    ofKind,
    write,
    submit,
    askDelete,
    draftOf,
    keepDraft,
    dropDraft,
    entering,
    sealReminder: store.sealReminder,
  };
  const notes = createOrganiserNotes(shared);
  const contacts = createOrganiserContacts(shared);
  const appointments = createOrganiserAppointments(shared);
  /** @type {Record<string, KindHandler>} */
  const handlers = { note: notes.handler, contact: contacts.handler, appointment: appointments.handler };

  return {
    screens: [
      "organiser", "organiser-delete", "organiser-conflict",
      ...notes.screens, ...contacts.screens, ...appointments.screens,
    ],
    enter: {
      organiser: home,
      // Back (or forward) to a screen of a past moment (a delete asked, two texts): the
      // carnet as it is now, not that moment again.
      "organiser-delete": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) => home(status, options),
      "organiser-conflict": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) => home(status, options),
      ...notes.enter,
      ...contacts.enter,
      ...appointments.enter,
    },
    actions: {
      "organiser-delete-yes": confirmDelete,
      "organiser-cancel": cancel,
      "organiser-keep-both": () => resolve("both"),
      "organiser-keep-mine": () => resolve("mine"),
      "organiser-keep-theirs": () => resolve("theirs"),
      ...notes.actions,
      ...contacts.actions,
      ...appointments.actions,
    },
    wipe() {
      store.wipe();
      drafts.clear();
      pendingIds.clear();
      nextId = null;
      deleting = null;
      conflict = null;
      for (const id of ["organiser-delete-what", "organiser-conflict-mine", "organiser-conflict-theirs"]) {
        byId(id).replaceChildren();
      }
      notes.wipe();
      contacts.wipe();
      appointments.wipe();
    },
  };
}
