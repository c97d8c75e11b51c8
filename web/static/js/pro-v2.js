// @ts-check
// Format v2 on the professional's side (crypto/SPEC.md §24.3–§24.5, §25): what the
// page checks before it shows a shared document, the person's key remembered on
// first use, the person's pin, and a v2 deposit. No DOM here (consent-pro.js and
// pro-pin.js show what it decides), so Node runs it too (web/tests-js).
//
// - A grant's receipt arrives as the envelope TEXT the person signed; it is parsed
//   strictly (SPEC §18.1) and verified under `person_sign_public_key`, and must name
//   this grant, this person and this professional. v1 receipts are verified as v1.
// - That key is remembered per person (localStorage, per professional account): the
//   first time it is trusted as it comes (SPEC §14.6 (b)); a key that differs from the
//   remembered one opens nothing until the professional has compared the new pin with
//   the one the person's phone shows ("changed").
// - A document of a v2 receipt opens only through SPEC §24.4 with: expected signer =
//   the receipt's signer (or, for a v2 deposit, the depositor's key certified up to
//   the territory's root); owner = the receipt's person; min_version = the receipt
//   entry's version; and the binding's key commitment and ciphertext hash equal to the
//   receipt's. Anything else is a BindingError (or StaleError) and no content.
import { InvalidInputError, SignatureError } from "./coffre-crypto.js";
import { BindingError, createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { TYPES, createCoffreStatementsV2 } from "./coffre-statements-v2.js";
import { isObject, parseStrictJson } from "./coffre-json.js";
import { verifyChainToPin } from "./trust.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {{id: string, version: number, keyCommitment: Uint8Array, ciphertextSha256: string}} ReceiptEntry */
/**
 * What the page knows of a grant once its receipt is checked: `format` 0 for a server
 * that sends no receipt text (as before v2), 1 or 2 for a verified receipt.
 * @typedef {{format: 0 | 1 | 2, personId: string, personKey: Uint8Array | null, keyText: string | null,
 *   entries: Map<string, ReceiptEntry>}} GrantCheck
 */
/** "first" (remembered now), "known", "verified" (pin compared) or "changed" (opens nothing). @typedef {"first" | "known" | "verified" | "changed"} KeyStatus */

/** localStorage name of the persons' keys one professional remembers (+ account id). */
export const PERSON_KEYS = "coffre.v2.personKeys.";
const ID = /^[0-9a-f]{32}$/;
const utf8 = (/** @type {string} */ text) => new TextEncoder().encode(text);

/**
 * The text a header carries as base64url of UTF-8 (Coffre-Binding, Coffre-Deposit).
 * @param {any} C createCoffreCrypto(sodium)
 * @param {string | null} value
 */
export function headerText(C, value) {
  if (value === null || value === "") return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(C.b64decode(value));
  } catch {
    throw new InvalidInputError("the header is not base64url of UTF-8 text");
  }
}

/**
 * The persons' sign keys one professional has seen, per person id, kept in
 * localStorage (public keys, not secrets; they must outlive the session to mean
 * anything). Each entry: {key: base64url, verified: true when the pin was compared}.
 * @param {string} accountId the professional's account id
 * @param {Storage | null} [storage]
 */
export function createPersonKeys(accountId, storage = globalThis.localStorage ?? null) {
  const name = PERSON_KEYS + accountId;
  /** @type {Record<string, {key: string, verified: boolean}>} */
  let memory = {}; // when the browser refuses storage: this visit only

  function read() {
    try {
      const text = storage ? storage.getItem(name) : null;
      const value = text ? JSON.parse(text) : memory;
      return isObject(value) ? /** @type {Record<string, {key: string, verified: boolean}>} */ (value) : {};
    } catch {
      return memory;
    }
  }

  /** @param {Record<string, {key: string, verified: boolean}>} all */
  function write(all) {
    memory = all;
    try {
      if (storage) storage.setItem(name, JSON.stringify(all));
    } catch {
      // Storage refused: remembered for this visit only.
    }
  }

  return {
    /**
     * Where `key` stands for `personId`; a person seen for the first time is remembered now.
     * @param {string} personId
     * @param {string} key base64url
     * @returns {KeyStatus}
     */
    status(personId, key) {
      const all = read();
      const known = all[personId];
      if (!known || typeof known.key !== "string") {
        write({ ...all, [personId]: { key, verified: false } });
        return "first";
      }
      if (known.key !== key) return "changed";
      return known.verified === true ? "verified" : "known";
    },
    /**
     * The professional compared the pin of `key` with the person's phone: it is now the key.
     * @param {string} personId
     * @param {string} key
     */
    confirm(personId, key) {
      write({ ...read(), [personId]: { key, verified: true } });
    },
  };
}

/**
 * The professional's v2 checks bound to a ready libsodium and the v1 crypto object.
 * @param {Sodium} sodium
 * @param {any} C createCoffreCrypto(sodium)
 */
export function createProV2(sodium, C) {
  const v2 = createCoffreCryptoV2(sodium);
  const st = createCoffreStatementsV2(sodium, v2);

  /**
   * The grant's receipt (SPEC §24.5, or §16 for v1) verified under the person's key,
   * about this grant, person and professional; SignatureError / InvalidInputError else.
   * @param {any} grant a grant of GET /shared-with-me
   * @param {string} professionalId
   * @returns {GrantCheck}
   */
  function checkGrant(grant, professionalId) {
    const personId = String(grant.person_id);
    if (typeof grant.receipt !== "string" || typeof grant.person_sign_public_key !== "string") {
      return { format: 0, personId, personKey: null, keyText: null, entries: new Map() };
    }
    const personKey = v2.readKey(grant.person_sign_public_key, "person_sign_public_key");
    const envelope = /** @type {any} */ (parseStrictJson(grant.receipt));
    const statement = isObject(envelope) ? envelope.statement : null;
    /** @type {{grant: string, person: string, professional: string, type?: string}} */
    let said;
    /** @type {Map<string, ReceiptEntry>} */
    let entries = new Map();
    let format = /** @type {1 | 2} */ (2);
    if (isObject(statement) && statement.v === 1) {
      said = C.verifyStatement(envelope, personKey);
      if (said.type !== TYPES.CONSENT_RECEIPT) throw new InvalidInputError("not a consent receipt");
      format = 1;
    } else {
      const receipt = st.readReceiptV2(st.verifyStatementV2(envelope, personKey, TYPES.CONSENT_RECEIPT));
      said = receipt;
      entries = new Map(receipt.documents.map((d) => [d.id, d]));
    }
    if (said.grant !== grant.id || said.person !== personId || said.professional !== professionalId) {
      throw new SignatureError("the receipt is about another share");
    }
    return { format, personId, personKey, keyText: grant.person_sign_public_key, entries };
  }

  /**
   * The document key of a listed document, if it is the one the receipt names (v2) —
   * enough to show its own name; null otherwise. The caller wipes it.
   * @param {GrantCheck} check
   * @param {any} doc a document of the grant (sealed_key)
   * @param {{boxPublic: Uint8Array, boxSecret: Uint8Array}} keys
   */
  function listedKey(check, doc, keys) {
    const key = C.openSealedKey(C.b64decode(doc.sealed_key), keys.boxPublic, keys.boxSecret);
    const entry = check.entries.get(doc.id);
    if (check.format === 2 && (!entry || !v2.commitsTo(key, entry.keyCommitment))) {
      sodium.memzero(key);
      return null;
    }
    return key;
  }

  /**
   * The metadata of a v1 or v2 blob (by its version byte).
   * @param {Uint8Array} docKey
   * @param {Uint8Array} blob
   */
  function decryptAnyMetadata(docKey, blob) {
    return blob[0] === 2 ? v2.decryptMetadataV2(docKey, blob) : C.decryptMetadata(docKey, blob);
  }

  /**
   * The binding envelope of a pulled document, parsed strictly, and who must have
   * signed it: "person" (a binding) or the depositor's id (a v2 deposit).
   * @param {string | null} text
   */
  function readBinding(text) {
    if (text === null) throw new BindingError("a document of a v2 share must come with its binding");
    const envelope = /** @type {any} */ (parseStrictJson(text));
    const statement = isObject(envelope) ? envelope.statement : null;
    const kind = st.statementType(statement);
    if (kind === TYPES.DOCUMENT_BINDING) return { envelope, signedBy: "person" };
    if (kind === TYPES.DEPOSIT && isObject(statement) && typeof statement.depositor === "string" && ID.test(statement.depositor)) {
      return { envelope, signedBy: statement.depositor };
    }
    throw new BindingError("a document is bound by a binding or a deposit statement");
  }

  /**
   * The depositor's sign key, certified up to the territory's root (SPEC §24.4: "the
   * certified depositor's key for a deposit"; the chain as today, §15).
   * @param {(method: string, path: string) => Promise<Response>} api
   * @param {string} depositorId
   * @param {string | null} fingerprint the territory root pin this device holds
   */
  async function depositorKey(api, depositorId, fingerprint) {
    const keys = await (await api("GET", `/professionals/${depositorId}/keys`)).json();
    try {
      verifyChainToPin(C, sodium, keys, fingerprint); // the root's v2 pin (SPEC §25), trust.js
    } catch (error) {
      throw new BindingError("the depositor's keys are not certified by the territory", { cause: error });
    }
    return C.b64decode(keys.sign_public_key);
  }

  /**
   * A pulled document of a v2 receipt opened by SPEC §24.4 under the receipt's terms:
   * {metadata, plaintext}, or BindingError / StaleError / a decryption error.
   * @param {{check: GrantCheck, documentId: string, envelope: unknown, signer: Uint8Array,
   *   sealedKey: Uint8Array, metadataBlob: Uint8Array, stream: Uint8Array, boxPublic: Uint8Array, boxSecret: Uint8Array}} inputs
   */
  function openShared({ check, documentId, envelope, signer, sealedKey, metadataBlob, stream, boxPublic, boxSecret }) {
    const entry = check.entries.get(documentId);
    if (!entry) throw new BindingError("this document is not in the receipt");
    const expected = { signer, document: documentId, owner: check.personId, minVersion: entry.version };
    // The receipt's terms before any key is used (SPEC §24.5).
    const parts = st.verifyBinding(envelope, expected);
    if (!sodium.memcmp(parts.keyCommitment, entry.keyCommitment) || parts.ciphertextSha256 !== entry.ciphertextSha256) {
      throw new BindingError("the document is not the one the person shared");
    }
    const opened = st.openDocument({ envelope, ...expected, sealedKey, boxPublic, boxSecret, metadataBlob, stream });
    return { metadata: opened.metadata, plaintext: opened.plaintext };
  }

  /**
   * The person's spoken pin (SPEC §25.3) of a base64url sign key.
   * @param {Uint8Array} key
   */
  const pinOf = (key) => st.pinSpoken(key);

  /**
   * What the professional typed against the key: "match", "mismatch", or "invalid"
   * (not 27 characters, or a typing error the check character catches).
   * @param {Uint8Array} key
   * @param {string} typed
   * @returns {"match" | "mismatch" | "invalid"}
   */
  function comparePin(key, typed) {
    try {
      st.parsePinSpoken(typed);
      return st.matchesPin(key, typed) ? "match" : "mismatch";
    } catch {
      return "invalid";
    }
  }

  /**
   * A v2 deposit (SPEC §24.3) of `bytes` into the person's vault: a fresh document key
   * and id, the v2 stream and metadata, the key sealed to the person, the deposit
   * signed by the professional. `{blob, headers}` for POST /api/v1/deposits.
   * @param {{bytes: Uint8Array, meta: {name: string, mime: string, size: number, sha256: string},
   *   category: string, expiresOn: string | null, personId: string, personBox: Uint8Array,
   *   depositorId: string, structureId: string, signSeed: Uint8Array, newId: () => string}} inputs
   */
  function depositV2({ bytes, meta, category, expiresOn, personId, personBox, depositorId, structureId, signSeed, newId }) {
    const docKey = C.newDocumentKey();
    try {
      const documentId = newId();
      const stream = v2.encryptBytesV2(docKey, bytes);
      const metadataBlob = v2.encryptMetadataV2(docKey, meta);
      const parts = st.boundParts({ document: documentId, version: 1, owner: personId, docKey, stream, metadataBlob });
      const statement = st.depositStatement(parts, { depositor: depositorId, structure: structureId, category, depositedAt: new Date() });
      const text = JSON.stringify(st.signStatementV2(statement, signSeed));
      /** @type {Record<string, string>} */
      const headers = {
        "Content-Type": "application/octet-stream",
        "Coffre-Person": personId,
        "Coffre-Category": category,
        "Coffre-Document-Id": documentId,
        "Coffre-Metadata": C.b64encode(metadataBlob),
        "Coffre-Sealed-Key": C.b64encode(v2.sealDocumentKeyV2(docKey, personBox)),
        "Coffre-Deposit": C.b64encode(utf8(text)),
      };
      if (expiresOn) headers["Coffre-Expires-On"] = expiresOn;
      return { blob: new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (stream)], { type: "application/octet-stream" }), headers, documentId };
    } finally {
      sodium.memzero(docKey);
    }
  }

  return Object.freeze({ v2, st, checkGrant, listedKey, decryptAnyMetadata, readBinding, depositorKey, openShared, pinOf, comparePin, depositV2 });
}
