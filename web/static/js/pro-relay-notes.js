// @ts-check
// The liaison notes of a relay on the professional's page (crypto/SPEC.md §29): which
// keys a note is sealed to and how each is authenticated; the bytes are relay-note.js
// (the one implementation of §29 in the page, shared with the person's page).
//
// - A professional's box key (the taker, the responsible professional) and an author's
//   sign key are used only once their certificate chain verified up to the territory's
//   root this device confirmed (trust.js, SPEC §15/§26.4); for the taker, the
//   certificate must also name the receiving structure.
// - The person's box key is the one the server gives (GET /persons/{id}/box-key, or the
//   relay's `person.box_public_key`): not certified, the limit SPEC §29.5 states.
// - My own copy is sealed to my own box key, so I can read my note again.
import { ShownError } from "./http.js";
import { verifyChainToPin } from "./trust.js";
import { TEXT_MAX_CHARS, createRelayNote } from "./relay-note.js";

/** A reader of a note: me, a certified professional, or the person. @typedef {{id: string, kind: "self" | "professional" | "person", box?: string}} Reader */

/**
 * The text as SPEC §29.2 takes it: line feeds kept (a pasted CR LF becomes one), a tab
 * becomes a space, other control characters are dropped.
 * @param {string} text
 */
export function noteText(text) {
  return Array.from(text.replace(/\r\n?/g, "\n"))
    .map((ch) => (ch === "\t" ? " " : ch))
    .filter((ch) => {
      const code = /** @type {number} */ (ch.codePointAt(0));
      return code === 10 || (code >= 32 && code !== 127);
    })
    .join("");
}

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{rootPin: () => string}} hooks
 */
export function createRelayNotes(ctx, hooks) {
  const { S, C, sodium, api, state } = ctx;
  /** @type {import("./relay-note.js").RelayNote | null} */
  let made = null;
  const relayNote = () => (made ||= createRelayNote(sodium));
  /** @type {Map<string, any>} */
  const chains = new Map(); // professional id → verified leaf statement and keys, this session

  /**
   * A professional's keys, verified up to the pinned root.
   * @param {string} id
   * @returns {Promise<{box: Uint8Array, sign: Uint8Array, structure: string | null}>}
   */
  async function professional(id) {
    if (!chains.has(id)) {
      const keys = await (await api("GET", `/professionals/${id}/keys`)).json();
      let leaf;
      try {
        leaf = verifyChainToPin(C, sodium, keys, hooks.rootPin());
      } catch (error) {
        throw new ShownError(S.pro_relay_key_not_certified, { cause: error });
      }
      chains.set(id, { box: C.b64decode(keys.box_public_key), sign: C.b64decode(keys.sign_public_key), structure: leaf.structure ?? null });
    }
    return chains.get(id);
  }

  /** @param {Reader} reader */
  async function boxOf(reader) {
    const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys);
    if (reader.kind === "self") return keys.boxPublic;
    if (reader.kind === "professional") return (await professional(reader.id)).box;
    if (reader.box) return C.b64decode(reader.box);
    const { box_public_key: box } = await (await api("GET", `/persons/${reader.id}/box-key`)).json();
    return C.b64decode(box);
  }

  return {
    /**
     * A note or a return written and sealed: the body members of POST /relays or
     * POST /relays/{id}/return (`note` and `note_keys`, base64url).
     * @param {{relayId: string, which: "note" | "return", text: string, readers: Reader[]}} input
     */
    async write({ relayId, which, text, readers }) {
      const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys);
      const boxes = [];
      for (const reader of readers) boxes.push({ id: reader.id, box: await boxOf(reader) });
      const notes = relayNote();
      const noteKey = notes.newNoteKey();
      try {
        const envelope = notes.sealNote({ text: noteText(text), relayId, which, authorId: state.accountId || "", authorSignSeed: keys.signSeed, noteKey });
        return {
          note: C.b64encode(envelope),
          note_keys: boxes.map((r) => ({ recipient_id: r.id, sealed_key: C.b64encode(notes.sealNoteKey(noteKey, r.box)) })),
        };
      } finally {
        sodium.memzero(noteKey);
      }
    },

    /**
     * The text of a note or return sealed to me, after the author's certified signature.
     * @param {{relayId: string, which: "note" | "return", authorId: string, envelope: string, sealedKey: string}} input
     */
    async read({ relayId, which, authorId, envelope, sealedKey }) {
      const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys);
      const author = await professional(authorId);
      return relayNote().readNote({
        relayId,
        which,
        authorId,
        envelope: C.b64decode(envelope),
        authorSignPublic: author.sign,
        sealedKey: C.b64decode(sealedKey),
        boxPublic: keys.boxPublic,
        boxSecret: keys.boxSecret,
      });
    },

    /**
     * The note key sealed to me, sealed again to the taker's certified box key (the
     * certificate must name the structure that received the relay).
     * @param {string} sealedKey base64url
     * @param {string} takerId
     * @param {string} structureId
     */
    async resealTo(sealedKey, takerId, structureId) {
      const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys);
      const taker = await professional(takerId);
      if (taker.structure !== structureId) throw new ShownError(S.pro_relay_key_not_certified);
      const notes = relayNote();
      const noteKey = notes.openNoteKey(C.b64decode(sealedKey), keys.boxPublic, keys.boxSecret);
      try {
        return C.b64encode(notes.sealNoteKey(noteKey, taker.box));
      } finally {
        sodium.memzero(noteKey);
      }
    },

    /** The longest text a note may hold, in Unicode scalar values (SPEC §29.2). */
    maxChars: TEXT_MAX_CHARS,

    wipe() {
      chains.clear();
    },
  };
}
