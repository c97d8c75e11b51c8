// @ts-check
// "Mes notes" of the carnet (person-organiser.js): the list (the last written first), one
// note read, a note written or changed. The text is kept as typed, its lines too; while
// it is not saved it stays in the form and in the carnet's memory (a draft), never on
// the phone.
import { byId, day, el, fill } from "./consent-common.js";

/** @typedef {import("./person-organiser.js").Item} Item */
/** @typedef {import("./person-organiser.js").NoteData} NoteData */

/** @param {import("./person-organiser.js").OrganiserShared} O */
export function createOrganiserNotes(O) {
  const { P, ofKind, write, submit, askDelete, draftOf, keepDraft, dropDraft, entering } = O;
  const { S, show, showError } = P;
  /** @type {Item | null} the note on screen */
  let currentNote = null;
  /** @type {Item | null} the note being changed (null: a new one) */
  let editingNote = null;

  /** @param {NoteData} data */
  function firstLine(data) {
    const line = data.text.trim().split("\n")[0] || "";
    return line.length > 80 ? `${line.slice(0, 79)}…` : line;
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options] show()'s (push: false from the back button)
   */
  function showNotes(status = "", options = {}) {
    const notes = ofKind("note").sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)));
    const list = byId("organiser-note-list");
    if (!notes.length) list.replaceChildren(el("p", { text: S.organiser_no_notes }));
    else {
      list.replaceChildren(
        el(
          "ul",
          { className: "docs" },
          ...notes.map((note) => {
            const open = el(
              "button",
              {},
              el("span", { className: "doc-name", text: firstLine(/** @type {NoteData} */ (note.data)) || S.organiser_note_empty }),
              note.updatedAt ? el("span", { className: "doc-meta", text: fill(S.organiser_written_on, { date: day(note.updatedAt) }) }) : null,
            );
            open.type = "button";
            open.addEventListener("click", () => showNote(note));
            return el("li", { className: "doc organiser-row" }, open);
          }),
        ),
      );
    }
    show("organiser-notes", { status, ...options });
  }

  /**
   * @param {Item} note
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  function showNote(note, status = "", options = {}) {
    currentNote = note;
    byId("organiser-note-when").textContent = note.updatedAt ? fill(S.organiser_written_on, { date: day(note.updatedAt) }) : "";
    byId("organiser-note-text").textContent = /** @type {NoteData} */ (note.data).text;
    show("organiser-note", { status, ...options });
  }

  /**
   * The note's form: a new note, or `existing` changed; the draft comes back if any.
   * @param {Item | null} existing
   * @param {{text: string} | null} [values]
   */
  function editNote(existing, values = null) {
    editingNote = existing;
    const draft = values || draftOf("note", existing);
    const form = /** @type {HTMLFormElement} */ (byId("organiser-note-form"));
    form.reset();
    const input = /** @type {HTMLTextAreaElement} */ (byId("organiser-note-input"));
    input.value = draft ? draft.text : existing ? /** @type {NoteData} */ (existing.data).text : "";
    byId("organiser-note-edit-title").textContent = existing ? S.organiser_note_change_title : S.organiser_note_new_title;
    showError("organiser-note-error", "");
    show("organiser-note-edit", { status: draft && !values ? S.organiser_draft_back : "" });
  }

  /** @param {SubmitEvent} event */
  async function onNote(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const text = /** @type {HTMLTextAreaElement} */ (byId("organiser-note-input")).value;
    if (!text.trim()) return showError("organiser-note-error", S.organiser_note_missing);
    await submit("note", form, "organiser-note-error", editingNote, { text }, S.organiser_saved);
  }

  /** @type {import("./person-organiser.js").KindHandler} */
  const noteHandler = {
    async commit(existing, values) {
      return write(existing, { v: 1, kind: "note", text: values.text });
    },
    describe: (values) => values.text,
    valuesOf: (item) => ({ text: /** @type {NoteData} */ (item.data).text }),
    shown: showNotes,
    saved: (item, status) => showNote(item, status),
    edit: editNote,
  };

  byId("organiser-note-form").addEventListener("submit", onNote);
  byId("organiser-note-input").addEventListener("input", (event) => {
    keepDraft("note", editingNote, { text: /** @type {HTMLTextAreaElement} */ (event.target).value });
  });

  return {
    handler: noteHandler,
    screens: ["organiser-notes", "organiser-note", "organiser-note-edit"],
    enter: {
      "organiser-notes": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        entering(() => showNotes(status, options)),
      // Back to a note: as it is now (or the list, if it is gone); back to its form once
      // left: the list (a form shown again after its save would write the note twice).
      "organiser-note": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        entering(() => {
          const fresh = currentNote && ofKind("note").find((item) => item.id === currentNote?.id);
          return fresh ? showNote(fresh, status, options) : showNotes(status, options);
        }),
      "organiser-note-edit": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        entering(() => showNotes(status, options)),
    },
    actions: {
      "organiser-note-new": () => editNote(null),
      "organiser-note-change": () => currentNote && editNote(currentNote),
      "organiser-note-delete": () => currentNote && askDelete("note", currentNote),
    },
    /** "Annuler" on the note's form: the draft goes, back to the note or the list. */
    cancel() {
      dropDraft("note", editingNote);
      return editingNote ? showNote(editingNote) : showNotes();
    },
    wipe() {
      currentNote = null;
      editingNote = null;
      for (const id of ["organiser-note-list", "organiser-note-text"]) byId(id).replaceChildren();
    },
  };
}
