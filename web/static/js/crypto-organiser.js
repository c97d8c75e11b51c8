// @ts-check
// The person's organiser (crypto/SPEC.md §30: notes, contacts, appointments) and the
// texts of the person's own reminders (§31), for the page. Mirrors crypto/organiser.py
// byte for byte; web/tests-js/organiser.test.mjs runs every vector of
// crypto/vectors/organiser.json through this module.
//
//     const org = createOrganiser(sodium);          // after `await sodium.ready` (sumo)
//     const itemId = org.newItemId();               // chosen by the page, sent with the POST
//     const data = org.sealItem({ item, ownerId, itemId, boxPublic, signSeed });
//     const item = org.openItem({ data, ownerId, itemId, signPublic, boxPublic, boxSecret });
//     const sealed = org.sealReminderText({ text, boxPublic, signSeed });
//     const text = org.openReminderText({ sealed, boxPublic, boxSecret, signPublic });
//
// `item` is one of (every member present; "" for an empty field, null where allowed):
//   {v: 1, kind: "note", text}
//   {v: 1, kind: "contact", name, relation, phone, email, structure, note}
//        relation: "professional" | "family" | "friend" | "volunteer" | "other"
//   {v: 1, kind: "appointment", starts_at, ends_at, place, with_whom, note, reminder_id}
//        starts_at, ends_at: UTC "YYYY-MM-DDTHH:MM:SSZ" (ends_at null or later); reminder_id: null or 32 hex
//
// Nothing here is a new primitive: sodium_pad, the §21 content stream, the §10 sealed
// box, SHA-256 and Ed25519 detached signatures (libsodium's strict verification). The
// owner's signature is checked before any key is used. Errors are coffre-crypto.js's:
// SignatureError, DecryptionError, UnsupportedVersionError, InvalidInputError; their
// messages never hold a key or a text.
import { DecryptionError, InvalidInputError, SignatureError, UnsupportedVersionError, canonicalJson, createCoffreCrypto } from "./coffre-crypto.js";
import { createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { formatTime, isWellFormed, parseStrictJson, readId, readObject, readTime } from "./coffre-json.js";
import { asBytes, ciphertextSizeV2, concat, requireBytes } from "./coffre-bytes-v2.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {Uint8Array | ArrayBufferView | ArrayBuffer} BytesLike */
/** @typedef {"note" | "contact" | "appointment"} Kind */
/** @typedef {"professional" | "family" | "friend" | "volunteer" | "other"} Relation */
/** @typedef {{v: 1, kind: "note", text: string}} NoteItem */
/**
 * @typedef {{v: 1, kind: "contact", name: string, relation: Relation, phone: string, email: string,
 *   structure: string, note: string}} ContactItem
 */
/**
 * @typedef {{v: 1, kind: "appointment", starts_at: string, ends_at: string | null, place: string,
 *   with_whom: string, note: string, reminder_id: string | null}} AppointmentItem
 */
/** @typedef {NoteItem | ContactItem | AppointmentItem} OrganiserItem */
/**
 * Where an item belongs: the owner's account id and the item's id (32 lowercase hex each).
 * @typedef {object} ItemPlace
 * @property {string} ownerId
 * @property {string} itemId
 */
/**
 * The writer's inputs; docKey, secretstreamHeader and sealedKey are for test vectors only.
 * @typedef {ItemPlace & {item: OrganiserItem, boxPublic: BytesLike, signSeed: BytesLike,
 *   docKey?: BytesLike | null, secretstreamHeader?: BytesLike | null, sealedKey?: BytesLike | null}} ItemToSeal
 */
/** @typedef {ItemPlace & {data: BytesLike, signPublic: BytesLike}} ItemToVerify */
/** @typedef {ItemToVerify & {boxPublic: BytesLike, boxSecret: BytesLike}} ItemToOpen */
/**
 * The module's functions (see createOrganiser).
 * @typedef {object} Organiser
 * @property {() => string} newItemId
 * @property {(value: unknown) => OrganiserItem} readItem
 * @property {(item: OrganiserItem) => Uint8Array} itemPlaintext
 * @property {(ownerId: string, itemId: string) => Uint8Array} itemContext
 * @property {(item: ItemToSeal) => Uint8Array} sealItem
 * @property {(data: BytesLike) => Uint8Array} checkItemShape
 * @property {(item: ItemToVerify) => void} verifyItem
 * @property {(item: ItemToOpen) => OrganiserItem} openItem
 * @property {(text: unknown) => string} readReminderText
 * @property {(text: string, signSeed: BytesLike) => Uint8Array} reminderPlaintext
 * @property {(r: {text: string, boxPublic: BytesLike, signSeed: BytesLike}) => Uint8Array} sealReminderText
 * @property {(r: {sealed: BytesLike, boxPublic: BytesLike, boxSecret: BytesLike, signPublic: BytesLike}) => string} openReminderText
 */

export const ITEM_VERSION = 1;
export const KINDS = Object.freeze(/** @type {Kind[]} */ (["note", "contact", "appointment"]));
export const RELATIONS = Object.freeze(/** @type {Relation[]} */ (["professional", "family", "friend", "volunteer", "other"]));
export const ITEM_BUCKETS = Object.freeze([512, 1024, 2048, 4096, 8192, 16384, 32768]);
const SEALED_KEY_BYTES = 80;
const SIGNATURE_BYTES = 64;
export const ITEM_HEAD_BYTES = 1 + SEALED_KEY_BYTES + SIGNATURE_BYTES; // 145
export const ITEM_CHUNK_SIZE = 65536;
export const ITEM_SIZES = Object.freeze(ITEM_BUCKETS.map((b) => ITEM_HEAD_BYTES + ciphertextSizeV2(b, ITEM_CHUNK_SIZE)));
export const ITEM_MAX_BYTES = Math.max(...ITEM_SIZES); // 35043
// Limits in Unicode scalar values (Array.from(text).length), as the spec counts.
export const LIMITS = Object.freeze({ noteText: 8000, longText: 2000, name: 200, phone: 40, email: 254, reminderText: 200 });
const CONTEXT_PREFIX = "coffre/organiser/v1\n";
const MEMBERS = Object.freeze({
  note: ["v", "kind", "text"],
  contact: ["v", "kind", "name", "relation", "phone", "email", "structure", "note"],
  appointment: ["v", "kind", "starts_at", "ends_at", "place", "with_whom", "note", "reminder_id"],
});

export const REMINDER_VERSION = 1;
export const REMINDER_BUCKETS = Object.freeze([256, 1024]);
const SEALBYTES = 48;
export const REMINDER_SIZES = Object.freeze(REMINDER_BUCKETS.map((b) => SEALBYTES + 1 + b + SIGNATURE_BYTES)); // 369, 1137
const REMINDER_DOMAIN = "coffre/reminder-text/v1\n";
const REMINDER_MEMBERS = ["v", "text"];

const utf8 = (/** @type {string} */ text) => new TextEncoder().encode(text);

/**
 * True when `text` holds a C0 control (but a line feed, when `multiline`) or DEL.
 * @param {string} text
 * @param {boolean} multiline
 */
function hasControl(text, multiline) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(multiline && c === 0x0a)) || c === 0x7f) return true;
  }
  return false;
}

/**
 * LINE / MULTILINE of SPEC §30.2.
 * @param {unknown} value
 * @param {string} name
 * @param {number} maxChars
 * @param {{multiline?: boolean, empty?: boolean}} [options]
 * @returns {string}
 */
function readString(value, name, maxChars, { multiline = false, empty = true } = {}) {
  if (typeof value !== "string") throw new InvalidInputError(`${name} must be a string`);
  if (!isWellFormed(value)) throw new InvalidInputError(`${name} holds a lone surrogate`);
  if (!empty && value === "") throw new InvalidInputError(`${name} must not be empty`);
  if (Array.from(value).length > maxChars) throw new InvalidInputError(`${name} must be at most ${maxChars} characters`);
  if (hasControl(value, multiline)) throw new InvalidInputError(`${name} must not contain control characters`);
  return value;
}

/**
 * An item's plaintext object, checked as SPEC §30.2 says; returns a new object.
 * @param {unknown} value
 * @returns {OrganiserItem}
 */
export function readItem(value) {
  /** @type {readonly string[]} */
  let members = MEMBERS.note;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && /** @type {any} */ (value).v === ITEM_VERSION) {
    const kind = /** @type {any} */ (value).kind;
    if (!KINDS.includes(kind)) throw new InvalidInputError('an organiser item\'s "kind" must be note, contact or appointment');
    members = MEMBERS[/** @type {Kind} */ (kind)];
  }
  const obj = readObject(value, members, "", ITEM_VERSION);
  if (obj.kind === "note") return { v: 1, kind: "note", text: readString(obj.text, "note text", LIMITS.noteText, { multiline: true }) };
  if (obj.kind === "contact") {
    if (!RELATIONS.includes(obj.relation)) throw new InvalidInputError(`contact relation must be one of ${RELATIONS.join(", ")}`);
    return {
      v: 1,
      kind: "contact",
      name: readString(obj.name, "contact name", LIMITS.name, { empty: false }),
      relation: obj.relation,
      phone: readString(obj.phone, "contact phone", LIMITS.phone),
      email: readString(obj.email, "contact email", LIMITS.email),
      structure: readString(obj.structure, "contact structure", LIMITS.name),
      note: readString(obj.note, "contact note", LIMITS.longText, { multiline: true }),
    };
  }
  const starts = readTime(obj.starts_at, "starts_at");
  if (obj.ends_at !== null && readTime(obj.ends_at, "ends_at") <= starts) throw new InvalidInputError("ends_at must be after starts_at");
  return {
    v: 1,
    kind: "appointment",
    starts_at: formatTime(new Date(starts)),
    ends_at: obj.ends_at,
    place: readString(obj.place, "place", LIMITS.name),
    with_whom: readString(obj.with_whom, "with whom", LIMITS.name),
    note: readString(obj.note, "appointment note", LIMITS.longText, { multiline: true }),
    reminder_id: obj.reminder_id === null ? null : readId(obj.reminder_id, "reminder id"),
  };
}

/**
 * RFC 8785 of the checked item (SPEC §30.2).
 * @param {OrganiserItem} item
 */
export function itemPlaintext(item) {
  return canonicalJson(readItem(item));
}

/**
 * The smallest bucket holding `size` bytes and the 0x80 marker (SPEC §30.2).
 * @param {number} size
 */
export function itemBucket(size) {
  for (const bucket of ITEM_BUCKETS) if (size + 1 <= bucket) return bucket;
  throw new InvalidInputError("organiser item is too long for the largest bucket");
}

/**
 * Where the item belongs (SPEC §30.3): "coffre/organiser/v1\n" || owner_id || "\n" || item_id.
 * @param {string} ownerId
 * @param {string} itemId
 */
export function itemContext(ownerId, itemId) {
  readId(ownerId, "owner id");
  readId(itemId, "item id");
  return utf8(`${CONTEXT_PREFIX}${ownerId}\n${itemId}`);
}

/**
 * Step 1 of SPEC §30.4 (what the server checks too): version byte, one of the sizes.
 * @param {BytesLike} data
 */
export function checkItemShape(data) {
  const raw = asBytes(data, "organiser item");
  if (raw.length < ITEM_HEAD_BYTES) throw new InvalidInputError("organiser item is too short");
  if (raw[0] !== ITEM_VERSION) throw new UnsupportedVersionError(`unsupported organiser item version ${raw[0]}`);
  if (!ITEM_SIZES.includes(raw.length)) throw new InvalidInputError("organiser item is not of a bucket size");
  return raw;
}

/**
 * A reminder's text (SPEC §31.1): 1 to 200 Unicode scalar values, one line.
 * @param {unknown} text
 */
export function readReminderText(text) {
  return readString(text, "reminder text", LIMITS.reminderText, { empty: false });
}

/** @param {number} size */
function reminderBucket(size) {
  for (const bucket of REMINDER_BUCKETS) if (size + 1 <= bucket) return bucket;
  throw new InvalidInputError("reminder text is too long for the largest bucket");
}

/**
 * The organiser's crypto, bound to a ready libsodium.js object (sumo build).
 * @param {Sodium} sodium
 * @returns {Organiser}
 */
export function createOrganiser(sodium) {
  const C = createCoffreCrypto(sodium);
  const V2 = createCoffreCryptoV2(sodium);

  /** @param {Uint8Array} raw */
  const parts = (raw) => ({
    sealed: raw.subarray(1, 1 + SEALED_KEY_BYTES),
    signature: raw.subarray(1 + SEALED_KEY_BYTES, ITEM_HEAD_BYTES),
    stream: raw.subarray(ITEM_HEAD_BYTES),
  });

  /**
   * context || "\n" || SHA-256(sealed_key || stream) (SPEC §30.3).
   * @param {Uint8Array} context
   * @param {Uint8Array} sealed
   * @param {Uint8Array} stream
   */
  const signedMessage = (context, sealed, stream) => concat(context, utf8("\n"), sodium.crypto_hash_sha256(concat(sealed, stream)));

  /**
   * @param {Uint8Array} message
   * @param {BytesLike} signSeed
   */
  function sign(message, signSeed) {
    const pair = sodium.crypto_sign_seed_keypair(requireBytes(signSeed, "sign seed", 32));
    try {
      return sodium.crypto_sign_detached(message, pair.privateKey);
    } finally {
      sodium.memzero(pair.privateKey);
    }
  }

  /**
   * @param {Uint8Array} signature
   * @param {Uint8Array} message
   * @param {Uint8Array} publicKey
   */
  function verifies(signature, message, publicKey) {
    try {
      return sodium.crypto_sign_verify_detached(signature, message, publicKey);
    } catch {
      return false;
    }
  }

  /** @type {Organiser["newItemId"]} */
  const newItemId = () => sodium.to_hex(sodium.randombytes_buf(16));

  /** @type {Organiser["sealItem"]} */
  function sealItem({ item, ownerId, itemId, boxPublic, signSeed, docKey = null, secretstreamHeader = null, sealedKey = null }) {
    const context = itemContext(ownerId, itemId);
    const plaintext = itemPlaintext(item);
    const padded = sodium.pad(plaintext, itemBucket(plaintext.length));
    const key = docKey == null ? sodium.randombytes_buf(32) : requireBytes(docKey, "document key", 32);
    try {
      const stream = V2.encryptBytesV2(key, padded, ITEM_CHUNK_SIZE, { secretstreamHeader });
      const sealed = sealedKey == null ? V2.sealDocumentKeyV2(key, boxPublic) : requireBytes(sealedKey, "sealed key", SEALED_KEY_BYTES);
      return concat(Uint8Array.of(ITEM_VERSION), sealed, sign(signedMessage(context, sealed, stream), signSeed), stream);
    } finally {
      if (docKey == null) sodium.memzero(key);
    }
  }

  /** @type {Organiser["verifyItem"]} */
  function verifyItem({ data, ownerId, itemId, signPublic }) {
    const raw = checkItemShape(data);
    const context = itemContext(ownerId, itemId);
    const publicKey = requireBytes(signPublic, "sign public key", 32);
    const { sealed, signature, stream } = parts(raw);
    if (!verifies(signature, signedMessage(context, sealed, stream), publicKey)) {
      throw new SignatureError("organiser item signature does not verify under the owner's key");
    }
  }

  /** @type {Organiser["openItem"]} */
  function openItem({ data, ownerId, itemId, signPublic, boxPublic, boxSecret }) {
    verifyItem({ data, ownerId, itemId, signPublic });
    const { sealed, stream } = parts(asBytes(data, "organiser item"));
    const key = C.openSealedKey(sealed, boxPublic, boxSecret);
    let padded;
    try {
      padded = V2.decryptBytesV2(key, stream);
    } finally {
      sodium.memzero(key);
    }
    let json;
    try {
      json = sodium.unpad(padded, padded.length);
    } catch {
      throw new InvalidInputError("organiser item padding is not 0x80 followed by zeros");
    }
    if (!ITEM_BUCKETS.includes(padded.length) || itemBucket(json.length) !== padded.length) {
      throw new InvalidInputError("organiser item is padded beyond its smallest bucket");
    }
    const item = readItem(parseStrictJson(json));
    const canonical = canonicalJson(item);
    if (canonical.length !== json.length || !sodium.memcmp(canonical, json)) {
      throw new InvalidInputError("organiser item plaintext is not canonical JSON");
    }
    return item;
  }

  /** @type {Organiser["reminderPlaintext"]} */
  function reminderPlaintext(text, signSeed) {
    const json = canonicalJson({ v: REMINDER_VERSION, text: readReminderText(text) });
    const padded = sodium.pad(json, reminderBucket(json.length));
    return concat(Uint8Array.of(REMINDER_VERSION), padded, sign(concat(utf8(REMINDER_DOMAIN), padded), signSeed));
  }

  /** @type {Organiser["sealReminderText"]} */
  function sealReminderText({ text, boxPublic, signSeed }) {
    const publicKey = requireBytes(boxPublic, "box public key", 32);
    const inner = reminderPlaintext(text, signSeed);
    try {
      return sodium.crypto_box_seal(inner, publicKey);
    } catch {
      throw new InvalidInputError("box public key is not a usable X25519 key");
    }
  }

  /** @type {Organiser["openReminderText"]} */
  function openReminderText({ sealed, boxPublic, boxSecret, signPublic }) {
    const raw = asBytes(sealed, "sealed reminder text");
    if (!REMINDER_SIZES.includes(raw.length)) throw new InvalidInputError("sealed reminder text is not of a bucket size");
    const pub = requireBytes(boxPublic, "box public key", 32);
    const secret = requireBytes(boxSecret, "box secret key", 32);
    const verifyKey = requireBytes(signPublic, "sign public key", 32);
    let inner;
    try {
      inner = sodium.crypto_box_seal_open(raw, pub, secret);
    } catch {
      throw new DecryptionError("sealed reminder text does not open: wrong key or tampered");
    }
    if (inner[0] !== REMINDER_VERSION) throw new UnsupportedVersionError(`unsupported reminder text version ${inner[0]}`);
    const padded = inner.subarray(1, inner.length - SIGNATURE_BYTES);
    const signature = inner.subarray(inner.length - SIGNATURE_BYTES);
    if (!verifies(signature, concat(utf8(REMINDER_DOMAIN), padded), verifyKey)) {
      throw new SignatureError("reminder text signature does not verify under the person's key");
    }
    let json;
    try {
      json = sodium.unpad(padded, padded.length);
    } catch {
      throw new InvalidInputError("reminder text padding is not 0x80 followed by zeros");
    }
    if (reminderBucket(json.length) !== padded.length) throw new InvalidInputError("reminder text is padded beyond its smallest bucket");
    const obj = readObject(parseStrictJson(json), REMINDER_MEMBERS, "", REMINDER_VERSION);
    const text = readReminderText(obj.text);
    const canonical = canonicalJson({ v: REMINDER_VERSION, text });
    if (canonical.length !== json.length || !sodium.memcmp(canonical, json)) {
      throw new InvalidInputError("reminder text plaintext is not canonical JSON");
    }
    return text;
  }

  return Object.freeze({
    newItemId,
    readItem,
    itemPlaintext,
    itemContext,
    sealItem,
    checkItemShape,
    verifyItem,
    openItem,
    readReminderText,
    reminderPlaintext,
    sealReminderText,
    openReminderText,
  });
}
