// @ts-check
// The person's documents in crypto format v2 (crypto/SPEC.md §20–§24): what the page
// writes (a v2 stream, v2 metadata and the binding the person's sign key signs) and
// how it reads what the server lists (every bound document through SPEC §24.4, with
// the highest version this device has seen as `min_version`).
//
// What this device remembers, per account, in localStorage
// `coffre.v2.versions.<account_id>` (docs: /work/coord/v2-contract.md "Readers"): the
// highest version seen of each document above 1, and whether the account has been
// migrated (from then on an unbound document that is not a v1 deposit is refused).
// Nothing secret: ids and small integers, so that a server serving an older version,
// or stripping a binding, is refused even after a log-out.
//
// Used by documents.js (list, open, rename), add-document.js (upload), person-grants.js
// (re-encryption), person-share.js (receipt v2), person-deposits.js and
// person-export.js (deposits v2), migrate-v2.js (binding v1 documents at unlock).
import { InvalidInputError, SignatureError } from "./coffre-crypto.js";
import { BindingError, StaleError, createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { TYPES, createCoffreStatementsV2 } from "./coffre-statements-v2.js";
import { V2, formatTime, isObject, parseStrictJson } from "./coffre-json.js";

/** @typedef {import("./coffre-statements-v2.js").BoundParts} BoundParts */
/** @typedef {import("./coffre-statements-v2.js").Envelope} Envelope */
/** @typedef {import("./types/page").VaultDocument} VaultDocument */
/** @typedef {{envelope: Envelope, parts: BoundParts, signer: Uint8Array, kind: string}} Checked */
/** @typedef {{migrated: boolean, seen: Record<string, number>}} Memory */

const STORE_PREFIX = "coffre.v2.versions.";
const utf8 = (/** @type {string} */ text) => new TextEncoder().encode(text);

/**
 * True for an error that says a document's parts do not belong together, or are older
 * than what this device has seen: the page refuses it ("modifié par quelqu'un d'autre").
 * @param {unknown} error
 */
export function refusedError(error) {
  return error instanceof BindingError || error instanceof StaleError || error instanceof SignatureError;
}

/** @type {WeakMap<object, ReturnType<typeof build>>} */
const built = new WeakMap();

/**
 * The v2 helpers of this page (one per page: keyed by app.js's `state`).
 * @param {{C: import("./coffre-crypto.js").CoffreCrypto, sodium: import("./types/vendor").Sodium, state: import("./types/page").PageState}} ctx
 */
export function documentsV2(ctx) {
  let made = built.get(ctx.state);
  if (!made) {
    made = build(ctx);
    built.set(ctx.state, made);
  }
  return made;
}

/**
 * @param {{C: import("./coffre-crypto.js").CoffreCrypto, sodium: import("./types/vendor").Sodium, state: import("./types/page").PageState}} ctx
 */
function build({ C, sodium, state }) {
  const v2 = createCoffreCryptoV2(sodium);
  const st = createCoffreStatementsV2(sodium, v2);
  /** @type {Map<string, Memory>} */
  const inMemory = new Map(); // when the browser refuses storage: this visit only

  const keys = () => /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys);
  const account = () => /** @type {string} */ (state.accountId);

  // ---------------------------------------------------------------- what the device remembers

  /** @returns {Memory} */
  function memory() {
    const id = account();
    try {
      const text = localStorage.getItem(STORE_PREFIX + id);
      if (text) {
        const stored = JSON.parse(text);
        if (isObject(stored) && isObject(stored.seen)) return { migrated: stored.migrated === true, seen: /** @type {Record<string, number>} */ (stored.seen) };
      }
    } catch {
      // Storage refused or damaged: what this visit saw.
    }
    return inMemory.get(id) || { migrated: false, seen: {} };
  }

  /** @param {Memory} value */
  function remember(value) {
    inMemory.set(account(), value);
    try {
      localStorage.setItem(STORE_PREFIX + account(), JSON.stringify(value));
    } catch {
      // Storage refused: remembered for this visit only.
    }
  }

  /** The lowest version this device accepts for document `id` (SPEC §24.4 min_version). @param {string} id */
  const minVersion = (id) => {
    const n = memory().seen[id];
    return Number.isSafeInteger(n) && n > 1 ? n : 1;
  };

  /** @param {string} id @param {number} version */
  function see(id, version) {
    const m = memory();
    if (version > 1 && version > (m.seen[id] || 1)) {
      m.seen[id] = version;
      remember(m);
    }
  }

  const isMigrated = () => memory().migrated;

  function markMigrated() {
    const m = memory();
    if (!m.migrated) remember({ ...m, migrated: true });
  }

  // -------------------------------------------------------------------------- envelopes

  /** The envelope text sent to the server, and its header form (base64url of UTF-8). @param {Envelope} envelope */
  const envelopeText = (envelope) => JSON.stringify(envelope);
  /** @param {string} text */
  const headerValue = (text) => C.b64encode(utf8(text));
  /** @param {unknown} text @returns {Envelope} */
  function readEnvelope(text) {
    if (typeof text !== "string") throw new InvalidInputError("an envelope travels as JSON text");
    return /** @type {Envelope} */ (/** @type {unknown} */ (parseStrictJson(text)));
  }

  /**
   * The metadata of a v1 (§9) or v2 (§22) blob, by its version byte.
   * @param {Uint8Array} docKey
   * @param {Uint8Array} blob
   */
  const decryptMetadata = (docKey, blob) => (blob[0] === 2 ? v2.decryptMetadataV2(docKey, blob) : C.decryptMetadata(docKey, blob));

  /** A v1 deposit (SPEC §16): kept as v1, never bound (SPEC §24.3). @param {VaultDocument} doc */
  const isV1Deposit = (doc) => !doc.binding && doc.format !== 2 && !!doc.deposit;

  /**
   * SPEC §24.4 steps 1–3 for a document of the vault: its binding (or v2 deposit)
   * verified under the person's own sign key (the depositor's for a deposit, whose key
   * person-deposits.js checks against the certified one), naming this document and
   * this owner, not older than the version this device has seen. Null for a v1
   * document that may still be read as v1 (unbound, account not migrated on this
   * device, or a v1 deposit). Throws BindingError, StaleError, SignatureError or
   * InvalidInputError otherwise. The version seen is remembered.
   * @param {VaultDocument} doc
   * @returns {Checked | null}
   */
  function check(doc) {
    if (!doc.binding) {
      if (doc.format === 2) throw new BindingError("a v2 document without its binding");
      if (isMigrated() && !isV1Deposit(doc)) throw new BindingError("an unbound document in a migrated vault");
      return null;
    }
    const envelope = readEnvelope(doc.binding);
    const kind = st.statementType(isObject(envelope) ? envelope.statement : null);
    const signer = kind === TYPES.DEPOSIT ? C.b64decode(String(doc.bindingSigner || "")) : keys().signPublic;
    const parts = st.verifyBinding(envelope, { signer, document: doc.id, owner: account(), minVersion: minVersion(doc.id) });
    see(doc.id, parts.version);
    return { envelope, parts, signer, kind };
  }

  /**
   * The plaintext of a document, checked (SPEC §24.4 for a bound one, §8 for a v1 one):
   * {chunks, size, sha256}. Nothing is returned unless every check passed; on any error
   * the pieces decrypted so far are wiped.
   * @param {VaultDocument} doc
   * @param {ReadableStream<Uint8Array> | Uint8Array[]} body
   * @returns {Promise<{chunks: Uint8Array[], size: number, sha256: string}>}
   */
  async function openContent(doc, body) {
    const checked = check(doc);
    if (!checked) return C.decryptToChunks(doc.docKey, body);
    const reader = st.createDocumentReader({
      envelope: checked.envelope,
      signer: checked.signer,
      document: doc.id,
      owner: account(),
      minVersion: minVersion(doc.id),
      sealedKey: /** @type {Uint8Array} */ (doc.sealedKey),
      boxPublic: keys().boxPublic,
      boxSecret: keys().boxSecret,
      metadataBlob: /** @type {Uint8Array} */ (doc.metadataBlob),
    });
    /** @type {Uint8Array[]} */
    const chunks = [];
    try {
      for await (const piece of pieces(body)) chunks.push(...reader.push(piece));
      chunks.push(reader.finish());
    } catch (error) {
      for (const chunk of chunks) sodium.memzero(chunk);
      throw error;
    }
    see(doc.id, reader.parts.version);
    return { chunks, size: reader.metadata.size, sha256: reader.metadata.sha256 };
  }

  /**
   * @param {ReadableStream<Uint8Array> | Uint8Array[]} body
   * @returns {AsyncGenerator<Uint8Array>}
   */
  async function* pieces(body) {
    if (Array.isArray(body)) {
      yield* body;
      return;
    }
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }

  // ------------------------------------------------------------------------- writing

  /** A new document id chosen here (SPEC §18.4 ID): 16 random bytes in hex. */
  const newDocumentId = () => sodium.to_hex(sodium.randombytes_buf(16));

  /**
   * The binding envelope text of `parts`, signed with the person's sign key (SPEC §24.2).
   * @param {BoundParts} parts
   */
  function signBinding(parts) {
    const statement = st.bindingStatement(parts, new Date(Math.floor(Date.now() / 1000) * 1000));
    return envelopeText(st.signStatementV2(statement, keys().signSeed));
  }

  /**
   * A whole document in format v2 (SPEC §21, §22, §24.2): the stream as a Blob, the
   * metadata blob and the signed binding text of `version`.
   * @param {{docKey: Uint8Array, plaintext: Uint8Array[], meta: import("./coffre-crypto.js").DocumentMeta, document: string, version: number}} inputs
   */
  function seal({ docKey, plaintext, meta, document, version }) {
    const size = plaintext.reduce((n, p) => n + p.length, 0);
    const encryptor = v2.createStreamEncryptorV2(docKey, size);
    const hash = C.createSha256().update(encryptor.header);
    /** @type {Uint8Array[]} */
    const out = [encryptor.header];
    const add = (/** @type {Uint8Array[]} */ chunks) => {
      for (const chunk of chunks) {
        hash.update(chunk);
        out.push(chunk);
      }
    };
    for (const piece of plaintext) add(encryptor.push(piece));
    add(encryptor.finish());
    const metadataBlob = v2.encryptMetadataV2(docKey, meta);
    const parts = {
      document,
      version,
      owner: account(),
      keyCommitment: v2.keyCommitment(docKey),
      headerSha256: C.sha256Hex(encryptor.header),
      ciphertextSha256: hash.hexdigest(),
      metadataSha256: C.sha256Hex(metadataBlob),
    };
    const binding = signBinding(parts);
    return { blob: new Blob(/** @type {BlobPart[]} */ (out), { type: "application/octet-stream" }), metadataBlob, binding, parts };
  }

  /**
   * The upload headers of a new document (contract "Upload v2").
   * @param {{docKey: Uint8Array, plaintext: Uint8Array[], meta: import("./coffre-crypto.js").DocumentMeta, category: string, expiresOn: string | null}} inputs
   */
  function newDocument({ docKey, plaintext, meta, category, expiresOn }) {
    const document = newDocumentId();
    const sealed = seal({ docKey, plaintext, meta, document, version: 1 });
    /** @type {Record<string, string>} */
    const headers = {
      "Content-Type": "application/octet-stream",
      "Coffre-Document-Id": document,
      "Coffre-Category": category,
      "Coffre-Metadata": C.b64encode(sealed.metadataBlob),
      "Coffre-Sealed-Key": C.b64encode(v2.sealDocumentKeyV2(docKey, keys().boxPublic)),
      "Coffre-Binding": headerValue(sealed.binding),
      ...(expiresOn ? { "Coffre-Expires-On": expiresOn } : {}),
    };
    return { id: document, blob: sealed.blob, headers };
  }

  /**
   * A re-keyed document (contract "Re-key"): the stream and metadata under `newKey`,
   * bound with the next version (1 for a document that had no binding).
   * @param {VaultDocument} doc
   * @param {Uint8Array} newKey
   * @param {Uint8Array[]} plaintext
   */
  function rekeyed(doc, newKey, plaintext) {
    const checked = check(doc);
    const version = checked ? checked.parts.version + 1 : 1;
    const sealed = seal({ docKey: newKey, plaintext, meta: doc.meta, document: doc.id, version });
    return {
      blob: sealed.blob,
      version,
      headers: {
        "Content-Type": "application/octet-stream",
        "Coffre-Metadata": C.b64encode(sealed.metadataBlob),
        "Coffre-Sealed-Key": C.b64encode(v2.sealDocumentKeyV2(newKey, keys().boxPublic)),
        "Coffre-Binding": headerValue(sealed.binding),
      },
    };
  }

  /**
   * A rename's body members (contract "Rename"): v1 metadata without binding for a v1
   * document not bound yet, else v2 metadata and the binding of the next version with
   * the same key, header and content.
   * @param {VaultDocument} doc
   * @param {import("./coffre-crypto.js").DocumentMeta} meta
   */
  function renamed(doc, meta) {
    const checked = check(doc);
    if (!checked) return { encrypted_metadata: C.b64encode(C.encryptMetadata(doc.docKey, meta)), binding: null, version: null };
    const blob = v2.encryptMetadataV2(doc.docKey, meta);
    const version = checked.parts.version + 1;
    const binding = signBinding({ ...checked.parts, version, metadataSha256: C.sha256Hex(blob) });
    return { encrypted_metadata: C.b64encode(blob), binding, version };
  }

  /**
   * The receipt v2's documents (SPEC §24.5), sorted by id; null when one of them has
   * no binding (then the share stays a v1 receipt, for a v1 account).
   * @param {VaultDocument[]} docs
   */
  function receiptDocuments(docs) {
    const entries = [];
    for (const doc of docs) {
      const checked = check(doc);
      if (!checked) return null;
      entries.push({
        id: doc.id,
        version: checked.parts.version,
        key_commitment: C.b64encode(checked.parts.keyCommitment),
        ciphertext_sha256: checked.parts.ciphertextSha256,
      });
    }
    return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The consent receipt v2 (SPEC §24.5) signed with the person's sign key, as text.
   * @param {{grant: string, person: string, professional: string, structure: string, purpose: string,
   *   charterVersion: number, documents: {id: string, version: number, key_commitment: string, ciphertext_sha256: string}[],
   *   notBefore: Date, notAfter: Date, maxPulls: number | null, request: string | null}} r
   */
  function signReceipt(r) {
    const statement = {
      v: V2,
      type: TYPES.CONSENT_RECEIPT,
      grant: r.grant,
      person: r.person,
      professional: r.professional,
      structure: r.structure,
      purpose: r.purpose,
      charter_version: r.charterVersion,
      documents: r.documents,
      not_before: formatTime(r.notBefore),
      not_after: formatTime(r.notAfter),
      max_pulls: r.maxPulls,
      request: r.request,
    };
    st.readReceiptV2(statement); // what the professional's reader will check, checked first
    return envelopeText(st.signStatementV2(statement, keys().signSeed));
  }

  /**
   * A v2 deposit's statement verified under the depositor's certified sign key (SPEC
   * §24.3): made for this person, by this depositor, about this document. Its bound
   * members, or an error.
   * @param {unknown} envelopeOrText the deposit envelope (text, or as the server parsed it)
   * @param {{document: string, depositorId: string, signPublic: Uint8Array}} expected
   */
  function verifyDepositV2(envelopeOrText, { document, depositorId, signPublic }) {
    const envelope = typeof envelopeOrText === "string" ? readEnvelope(envelopeOrText) : envelopeOrText;
    const statement = st.verifyStatementV2(envelope, signPublic, TYPES.DEPOSIT);
    const parts = st.readBoundStatement(statement);
    if (parts.document !== document || parts.owner !== account() || statement.depositor !== depositorId) {
      throw new BindingError("the deposit names another document, person or depositor");
    }
    return { parts, structure: /** @type {string} */ (statement.structure) };
  }

  /**
   * Is this a deposit envelope of format v2 (SPEC §24.3)? (A v1 deposit is §16's.)
   * @param {unknown} envelopeOrText
   */
  function isDepositV2(envelopeOrText) {
    try {
      const envelope = typeof envelopeOrText === "string" ? readEnvelope(envelopeOrText) : envelopeOrText;
      return isObject(envelope) && isObject(envelope.statement) && envelope.statement.v === V2 && envelope.statement.type === TYPES.DEPOSIT;
    } catch {
      return false;
    }
  }

  /**
   * The binding text of a v1 document bound where it lies (contract "Migration
   * binding", SPEC §24.1): version 1, the hash of its 33-byte v1 header, the
   * ciphertext hash the server lists and the hash of its v1 metadata blob.
   * @param {{id: string, docKey: Uint8Array, header: Uint8Array, ciphertextSha256: string, metadataBlob: Uint8Array}} doc
   */
  function migrationBinding({ id, docKey, header, ciphertextSha256, metadataBlob }) {
    const head = st.streamHeader(header);
    if (head.length !== 33) throw new InvalidInputError("not a v1 stream header");
    return signBinding({
      document: id,
      version: 1,
      owner: account(),
      keyCommitment: v2.keyCommitment(docKey),
      headerSha256: C.sha256Hex(head),
      ciphertextSha256,
      metadataSha256: C.sha256Hex(metadataBlob),
    });
  }

  return Object.freeze({
    v2,
    st,
    minVersion,
    see,
    isMigrated,
    markMigrated,
    decryptMetadata,
    check,
    openContent,
    newDocument,
    rekeyed,
    renamed,
    receiptDocuments,
    signReceipt,
    verifyDepositV2,
    isDepositV2,
    migrationBinding,
  });
}
