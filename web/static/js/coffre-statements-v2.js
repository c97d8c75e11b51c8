// @ts-check
// Coffre crypto format v2, signed statements and what rests on them (crypto/SPEC.md
// §23–§26): statements, document bindings and deposits (opening a document),
// consent receipts v2, key pins, and the trust chain v2 with revocation lists.
// Mirrors crypto/statements_v2.py, binding.py, consent_v2.py, pins.py (crypto-pins-v2.js) and
// certificates_v2.py. Only libsodium.js functions (SPEC §14.5).
//
//     const v2 = createCoffreCryptoV2(sodium);
//     const statements = createCoffreStatementsV2(sodium, v2);

import { canonicalJson, InvalidInputError, SignatureError } from "./coffre-crypto.js";
import { utf8 } from "./crypto-base.js";
import { BindingError, StaleError } from "./coffre-crypto-v2.js";
import { asBytes, concat, requireBytes } from "./coffre-bytes-v2.js";
import { createKeyPins } from "./crypto-pins-v2.js";
import { CLOCK_SKEW_MS, V2, checkNow, formatTime, isObject, hasExactly, readCode, readId, readInt, readObject, readSha256, readText, readTime } from "./coffre-json.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {ReturnType<typeof import("./coffre-crypto-v2.js").createCoffreCryptoV2>} CoffreCryptoV2 */
/** @typedef {Uint8Array | ArrayBufferView | ArrayBuffer} BytesLike */
/** A v2 statement (SPEC §23.1). @typedef {Record<string, any>} Statement */
/** @typedef {{statement: Statement, signer: string, signature: string}} Envelope */
/** SPEC §24.1. @typedef {{document: string, version: number, owner: string, keyCommitment: Uint8Array, headerSha256: string, ciphertextSha256: string, metadataSha256: string}} BoundParts */

export const TYPES = Object.freeze({
  TRUST_ROOT: "coffre/trust-root",
  KEY_CERTIFICATE: "coffre/key-certificate",
  REVOCATION_LIST: "coffre/revocation-list",
  DOCUMENT_BINDING: "coffre/document-binding",
  DEPOSIT: "coffre/deposit",
  CONSENT_RECEIPT: "coffre/consent-receipt",
  ROOT_ROTATION: "coffre/root-rotation",
});
/** @type {Set<string>} */
const ALL_TYPES = new Set(Object.values(TYPES));
const STATEMENT_PREFIX_V2 = "coffre/v2/statement\n";
const VERSION_MAX = 2 ** 31 - 1;
const DAY_MS = 86400 * 1000;
const ENVELOPE = ["statement", "signer", "signature"];
const PARTS = ["document", "version", "owner", "key_commitment", "header_sha256", "ciphertext_sha256", "metadata_sha256"];
const BINDING_MEMBERS = [...PARTS, "v", "type", "bound_at"];
const DEPOSIT_MEMBERS = [...PARTS, "v", "type", "depositor", "structure", "category", "deposited_at"];
const RECEIPT_MEMBERS = ["v", "type", "grant", "person", "professional", "structure", "purpose", "charter_version", "documents", "not_before", "not_after", "max_pulls", "request"];
const RECEIPT_DOCUMENT = ["id", "version", "key_commitment", "ciphertext_sha256"];
const ROOT_MEMBERS = ["v", "type", "territory", "box_public_key", "sign_public_key", "issued_at"];
const CERTIFICATE_MEMBERS = ["v", "type", "territory", "subject", "role", "structure", "display_name", "profession", "box_public_key", "sign_public_key", "issuer", "issued_at", "not_after"];
const REVOCATION_MEMBERS = ["v", "type", "territory", "sequence", "issued_at", "next_update", "revoked"];
const ROOT_CERTIFIES = ["structure_admin", "charter_officer"];

/**
 * Statement functions of format v2, over a createCoffreCryptoV2 object.
 * @param {Sodium} sodium
 * @param {CoffreCryptoV2} v2
 */
export function createCoffreStatementsV2(sodium, v2) {
  const { v1, readKey } = v2;
  // §25: the key pins (crypto-pins-v2.js); a trust root is checked by its pin (§26.4).
  const { pinDigest, pinQrPayload, pinSpoken, parsePinQr, parsePinSpoken, matchesPin } = createKeyPins(sodium);
  /** @param {BytesLike} data */
  const sha256Hex = (data) => sodium.to_hex(sodium.crypto_hash_sha256(asBytes(data, "data")));

  // §23 ---------------------------------------------------------------------------

  /**
   * Check "v" (first) then "type" (SPEC §23.1); the type.
   * @param {unknown} statement
   * @returns {string}
   */
  function statementType(statement) {
    if (!isObject(statement)) throw new InvalidInputError("statement must be a JSON object");
    readObject(statement, Object.keys(statement), "");
    if (typeof statement.type !== "string" || !ALL_TYPES.has(statement.type)) throw new InvalidInputError("statement type is not one of the v2 types");
    return statement.type;
  }

  /**
   * "coffre/v2/statement\n" || RFC8785(statement) (SPEC §23.2).
   * @param {Statement} statement
   */
  function signedMessageV2(statement) {
    statementType(statement);
    return concat(utf8(STATEMENT_PREFIX_V2), canonicalJson(statement));
  }

  /** hex(SHA-256(signed message)): how revocation lists name a certificate (SPEC §23.2). @param {Statement} statement */
  const statementId = (statement) => sha256Hex(signedMessageV2(statement));

  /**
   * The envelope of `statement` signed with the Ed25519 key of `signSeed` (SPEC §23.2).
   * @param {Statement} statement
   * @param {BytesLike} signSeed
   * @returns {Envelope}
   */
  function signStatementV2(statement, signSeed) {
    const message = signedMessageV2(statement);
    const pair = sodium.crypto_sign_seed_keypair(requireBytes(signSeed, "sign seed", 32));
    try {
      return { statement, signer: v1.b64encode(pair.publicKey), signature: v1.b64encode(sodium.crypto_sign_detached(message, pair.privateKey)) };
    } finally {
      sodium.memzero(pair.privateKey);
    }
  }

  /**
   * The statement, if it is of `expectedType` and signed by `expectedSigner` (SPEC §23.3):
   * envelope shape, "v", type (InvalidInputError / UnsupportedVersionError), then signer
   * and signature (SignatureError). Verification is libsodium's (strict, SPEC §18.8).
   * @param {unknown} envelope
   * @param {BytesLike} expectedSigner
   * @param {string} expectedType
   * @returns {Statement}
   */
  function verifyStatementV2(envelope, expectedSigner, expectedType) {
    if (!isObject(envelope) || !hasExactly(envelope, ENVELOPE)) throw new InvalidInputError("envelope must have exactly statement, signer, signature");
    const signer = readKey(envelope.signer, "signer");
    const signature = readKey(envelope.signature, "signature", 64);
    const statement = envelope.statement;
    if (statementType(statement) !== expectedType) throw new InvalidInputError(`expected a ${expectedType} statement`);
    if (!sodium.memcmp(requireBytes(expectedSigner, "expected signer", 32), signer)) throw new SignatureError("statement was signed by an unexpected key");
    let valid;
    try {
      valid = sodium.crypto_sign_verify_detached(signature, signedMessageV2(statement), signer);
    } catch {
      valid = false;
    }
    if (!valid) throw new SignatureError("statement signature does not verify");
    return statement;
  }

  // §24 ---------------------------------------------------------------------------

  /**
   * The header of a v1 (33 bytes) or v2 (65 bytes) stream, by its version byte (SPEC §24.1).
   * @param {BytesLike} stream
   */
  function streamHeader(stream) {
    const data = asBytes(stream, "stream");
    if (data.length < 5) throw new InvalidInputError("stream is too short to hold a header");
    const size = data[4] === 2 ? 65 : 33;
    if (data.length < size) throw new InvalidInputError("stream is too short to hold its header");
    return data.subarray(0, size);
  }

  /**
   * The bound members of a document whose parts the caller holds (SPEC §24.1).
   * @param {{document: string, version: number, owner: string, docKey: BytesLike, stream: BytesLike, metadataBlob: BytesLike}} parts
   * @returns {BoundParts}
   */
  function boundParts({ document, version, owner, docKey, stream, metadataBlob }) {
    return {
      document: readId(document, "document"),
      version: readInt(version, "version", 1, VERSION_MAX),
      owner: readId(owner, "owner"),
      keyCommitment: v2.keyCommitment(docKey),
      headerSha256: sha256Hex(streamHeader(stream)),
      ciphertextSha256: sha256Hex(stream),
      metadataSha256: sha256Hex(metadataBlob),
    };
  }

  /** @param {BoundParts} p */
  const partMembers = (p) => ({
    document: p.document,
    version: p.version,
    owner: p.owner,
    key_commitment: v1.b64encode(p.keyCommitment),
    header_sha256: p.headerSha256,
    ciphertext_sha256: p.ciphertextSha256,
    metadata_sha256: p.metadataSha256,
  });

  /**
   * {"v": 2, "type": "coffre/document-binding", …parts, "bound_at"} (SPEC §24.2).
   * @param {BoundParts} parts
   * @param {Date} boundAt
   */
  const bindingStatement = (parts, boundAt) => ({ v: V2, type: TYPES.DOCUMENT_BINDING, ...partMembers(parts), bound_at: formatTime(boundAt) });

  /**
   * {"v": 2, "type": "coffre/deposit", …parts, depositor, structure, category, deposited_at} (SPEC §24.3).
   * @param {BoundParts} parts
   * @param {{depositor: string, structure: string, category: string, depositedAt: Date}} who
   */
  const depositStatement = (parts, { depositor, structure, category, depositedAt }) => ({
    v: V2,
    type: TYPES.DEPOSIT,
    ...partMembers(parts),
    depositor: readId(depositor, "depositor"),
    structure: readId(structure, "structure"),
    category: readCode(category, "category"),
    deposited_at: formatTime(depositedAt),
  });

  /**
   * Exact members of a binding or a v2 deposit, then its bound parts.
   * @param {Statement} s
   * @returns {BoundParts}
   */
  function readBoundStatement(s) {
    const kind = statementType(s);
    if (kind === TYPES.DOCUMENT_BINDING) {
      readObject(s, BINDING_MEMBERS, kind);
      readTime(s.bound_at, "bound_at");
    } else if (kind === TYPES.DEPOSIT) {
      readObject(s, DEPOSIT_MEMBERS, kind);
      readId(s.depositor, "depositor");
      readId(s.structure, "structure");
      readCode(s.category, "category");
      readTime(s.deposited_at, "deposited_at");
    } else {
      throw new InvalidInputError("a document is bound by a binding or a deposit statement");
    }
    return {
      document: readId(s.document, "document"),
      version: readInt(s.version, "version", 1, VERSION_MAX),
      owner: readId(s.owner, "owner"),
      keyCommitment: readKey(s.key_commitment, "key_commitment"),
      headerSha256: readSha256(s.header_sha256, "header_sha256"),
      ciphertextSha256: readSha256(s.ciphertext_sha256, "ciphertext_sha256"),
      metadataSha256: readSha256(s.metadata_sha256, "metadata_sha256"),
    };
  }

  /**
   * SPEC §24.4 steps 1–3: verifies under `signer`, names this document and owner
   * (else BindingError), not older than `minVersion` (else StaleError).
   * @param {unknown} envelope
   * @param {{signer: BytesLike, document: string, owner: string, minVersion?: number}} expected
   */
  function verifyBinding(envelope, { signer, document, owner, minVersion = 1 }) {
    const kind = statementType(isObject(envelope) ? envelope.statement : null);
    const parts = readBoundStatement(verifyStatementV2(envelope, signer, kind));
    if (parts.document !== readId(document, "document") || parts.owner !== readId(owner, "owner")) throw new BindingError("the binding names another document or owner");
    if (parts.version < readInt(minVersion, "minVersion", 1, VERSION_MAX)) throw new StaleError("an older version of the document than one already seen");
    return parts;
  }

  /**
   * Open a bound document whose content arrives in pieces (SPEC §24.4): binding,
   * metadata hash, sealed key, key commitment and metadata are checked now; then
   * `push(bytes)` returns plaintext pieces (the header hash is checked as soon as the
   * header has arrived) and `finish()` the last one, after checking the stream hash
   * and the metadata's size and digest. What push returns is UNVERIFIED until finish
   * returns: on any error the caller discards every piece.
   * @param {{envelope: unknown, signer: BytesLike, document: string, owner: string, minVersion: number,
   *   sealedKey: BytesLike, boxPublic: BytesLike, boxSecret: BytesLike, metadataBlob: BytesLike}} inputs
   */
  function createDocumentReader({ envelope, signer, document, owner, minVersion, sealedKey, boxPublic, boxSecret, metadataBlob }) {
    const blob = asBytes(metadataBlob, "metadata blob");
    const parts = verifyBinding(envelope, { signer, document, owner, minVersion });
    if (sha256Hex(blob) !== parts.metadataSha256) throw new BindingError("the metadata blob is not the bound one");
    const docKey = v1.openSealedKey(sealedKey, boxPublic, boxSecret);
    let metadata;
    try {
      if (!v2.commitsTo(docKey, parts.keyCommitment)) throw new BindingError("the sealed key is not the committed document key");
      metadata = blob[0] === 2 ? v2.decryptMetadataV2(docKey, blob) : v1.decryptMetadata(docKey, blob);
    } catch (error) {
      sodium.memzero(docKey);
      throw error;
    }
    const streamHash = v1.createSha256();
    const plainHash = v1.createSha256();
    let size = 0;
    let head = new Uint8Array(0);
    /** @type {{push(data: BytesLike): Uint8Array[], finish(): Uint8Array} | null} */
    let decryptor = null;
    /** @param {Uint8Array[]} pieces */
    const count = (pieces) => {
      for (const p of pieces) {
        plainHash.update(p);
        size += p.length;
      }
      return pieces;
    };
    return {
      parts,
      metadata,
      /** @param {BytesLike} data @returns {Uint8Array[]} */
      push(data) {
        const bytes = asBytes(data, "stream piece");
        streamHash.update(bytes);
        if (decryptor) return count(decryptor.push(bytes));
        head = concat(head, bytes);
        if (head.length < 5 || head.length < (head[4] === 2 ? 65 : 33)) return [];
        if (sha256Hex(streamHeader(head)) !== parts.headerSha256) {
          sodium.memzero(docKey);
          throw new BindingError("the stream header is not the bound one");
        }
        decryptor = head[4] === 2 ? v2.createStreamDecryptorV2(docKey) : v1.createStreamDecryptor(docKey);
        sodium.memzero(docKey);
        return count(decryptor.push(head));
      },
      /** @returns {Uint8Array} */
      finish() {
        if (!decryptor) {
          sodium.memzero(docKey);
          streamHeader(head);
        }
        const last = /** @type {{finish(): Uint8Array}} */ (decryptor).finish();
        count([last]);
        if (streamHash.hexdigest() !== parts.ciphertextSha256) throw new BindingError("the content stream is not the bound one");
        if (metadata.size !== size || metadata.sha256 !== plainHash.hexdigest()) throw new BindingError("the metadata does not describe this content");
        return last;
      },
    };
  }

  /**
   * Open a bound document held in memory (SPEC §24.4): every hash is checked before
   * any key is used; then as createDocumentReader.
   * @param {{envelope: unknown, signer: BytesLike, document: string, owner: string, minVersion: number,
   *   sealedKey: BytesLike, boxPublic: BytesLike, boxSecret: BytesLike, metadataBlob: BytesLike, stream: BytesLike}} inputs
   */
  function openDocument({ stream, ...inputs }) {
    const data = asBytes(stream, "stream");
    const parts = verifyBinding(inputs.envelope, inputs);
    if (sha256Hex(asBytes(inputs.metadataBlob, "metadata blob")) !== parts.metadataSha256) throw new BindingError("the metadata blob is not the bound one");
    if (sha256Hex(streamHeader(data)) !== parts.headerSha256) throw new BindingError("the stream header is not the bound one");
    if (sha256Hex(data) !== parts.ciphertextSha256) throw new BindingError("the content stream is not the bound one");
    const reader = createDocumentReader(inputs);
    const pieces = reader.push(data);
    pieces.push(reader.finish());
    return { parts: reader.parts, metadata: reader.metadata, plaintext: concat(...pieces) };
  }

  /**
   * The consent receipt v2 in `statement` (SPEC §24.5), or InvalidInputError / UnsupportedVersionError.
   * @param {unknown} statement
   */
  function readReceiptV2(statement) {
    const s = readObject(statement, RECEIPT_MEMBERS, TYPES.CONSENT_RECEIPT);
    const list = s.documents;
    if (!Array.isArray(list) || list.length < 1 || list.length > 20) throw new InvalidInputError("documents must list 1 to 20 documents");
    const documents = list.map((item) => {
      if (!isObject(item) || !hasExactly(item, RECEIPT_DOCUMENT)) throw new InvalidInputError("a shared document is {id, version, key_commitment, ciphertext_sha256}");
      return {
        id: readId(item.id, "document id"),
        version: readInt(item.version, "document version", 1, VERSION_MAX),
        keyCommitment: readKey(item.key_commitment, "key_commitment"),
        ciphertextSha256: readSha256(item.ciphertext_sha256, "ciphertext_sha256"),
      };
    });
    const ids = documents.map((d) => d.id);
    if (ids.some((id, i) => i > 0 && ids[i - 1] >= id)) throw new InvalidInputError("documents must be sorted by id, without duplicates");
    const notBefore = readTime(s.not_before, "not_before");
    const notAfter = readTime(s.not_after, "not_after");
    if (notAfter <= notBefore) throw new InvalidInputError("not_after must come after not_before");
    return {
      grant: readId(s.grant, "grant"),
      person: readId(s.person, "person"),
      professional: readId(s.professional, "professional"),
      structure: readId(s.structure, "structure"),
      purpose: readCode(s.purpose, "purpose"),
      charterVersion: readInt(s.charter_version, "charter_version", 1),
      documents,
      notBefore,
      notAfter,
      maxPulls: s.max_pulls === null ? null : readInt(s.max_pulls, "max_pulls", 1, 100),
      request: s.request === null ? null : readId(s.request, "request"),
    };
  }

  // §26 ---------------------------------------------------------------------------

  /** @param {unknown} statement */
  function readCertificate(statement) {
    const s = readObject(statement, CERTIFICATE_MEMBERS, TYPES.KEY_CERTIFICATE);
    if (!["structure_admin", "charter_officer", "professional"].includes(s.role)) throw new InvalidInputError("unknown certificate role");
    if (s.role === "charter_officer") {
      if (s.structure !== null) throw new InvalidInputError("a charter officer's certificate names no structure");
    } else {
      readId(s.structure, "structure");
    }
    if (s.profession !== null) readText(s.profession, "profession", 200);
    const issuedAt = readTime(s.issued_at, "issued_at");
    const notAfter = readTime(s.not_after, "not_after");
    if (!(issuedAt < notAfter && notAfter <= issuedAt + 400 * DAY_MS)) throw new InvalidInputError("a certificate lasts more than 0 s and at most 400 days");
    return {
      territory: readCode(s.territory, "territory"),
      subject: readId(s.subject, "subject"),
      role: /** @type {string} */ (s.role),
      structure: /** @type {string | null} */ (s.structure),
      displayName: readText(s.display_name, "display_name", 200),
      profession: /** @type {string | null} */ (s.profession),
      boxPublic: readKey(s.box_public_key, "box_public_key"),
      signPublic: readKey(s.sign_public_key, "sign_public_key"),
      issuer: readId(s.issuer, "issuer"),
      issuedAt,
      notAfter,
    };
  }

  /** @param {unknown} statement */
  function readRevocations(statement) {
    const s = readObject(statement, REVOCATION_MEMBERS, TYPES.REVOCATION_LIST);
    const issuedAt = readTime(s.issued_at, "issued_at");
    const nextUpdate = readTime(s.next_update, "next_update");
    if (!(issuedAt < nextUpdate && nextUpdate <= issuedAt + 31 * DAY_MS)) throw new InvalidInputError("a revocation list lasts more than 0 s and at most 31 days");
    if (!Array.isArray(s.revoked) || s.revoked.length > 10000) throw new InvalidInputError("revoked lists at most 10000 certificate ids");
    const ids = s.revoked.map((id) => readSha256(id, "revoked certificate id"));
    if (ids.some((id, i) => i > 0 && ids[i - 1] >= id)) throw new InvalidInputError("revoked ids must be sorted, without duplicates");
    return { territory: readCode(s.territory, "territory"), sequence: readInt(s.sequence, "sequence", 1), issuedAt, nextUpdate, revoked: new Set(ids) };
  }

  /**
   * The trust root, if self-signed by the key `pin` names (SPEC §26.4 step 1).
   * @param {unknown} envelope
   * @param {string} pin
   */
  function verifyRootV2(envelope, pin) {
    const s = readObject(isObject(envelope) ? envelope.statement : null, ROOT_MEMBERS, TYPES.TRUST_ROOT);
    readCode(s.territory, "territory");
    readKey(s.box_public_key, "box_public_key");
    readTime(s.issued_at, "issued_at");
    const signPublic = readKey(s.sign_public_key, "sign_public_key");
    if (!matchesPin(signPublic, pin)) throw new SignatureError("the trust root is not the pinned one");
    return verifyStatementV2(envelope, signPublic, TYPES.TRUST_ROOT);
  }

  /**
   * SPEC §26.4 step 2: signed by the root, this territory's, sequence ≥ minSequence, in date.
   * @param {unknown} envelope
   * @param {{rootSignPublic: BytesLike, territory: string, now: Date, minSequence?: number}} expected
   */
  function verifyRevocationList(envelope, { rootSignPublic, territory, now, minSequence = 1 }) {
    const moment = checkNow(now);
    const list = readRevocations(verifyStatementV2(envelope, rootSignPublic, TYPES.REVOCATION_LIST));
    if (list.territory !== territory) throw new SignatureError("the revocation list is another territory's");
    if (list.sequence < readInt(minSequence, "minSequence", 1)) throw new StaleError("an older revocation list than one already seen");
    if (moment + CLOCK_SKEW_MS < list.issuedAt) throw new StaleError("the revocation list is not valid yet");
    if (moment >= list.nextUpdate + CLOCK_SKEW_MS) throw new StaleError("the revocation list is out of date");
    return list;
  }

  /**
   * An account's keys checked up to the pinned root at `now` (SPEC §26.4). The caller
   * keeps `revocationSequence` as its next `minSequence`.
   * @param {{accountId: string, boxPublic: BytesLike, signPublic: BytesLike, certificates: unknown[], root: unknown,
   *   pin: string, revocationList: unknown, now: Date, minSequence?: number}} inputs
   */
  function verifyChainV2({ accountId, boxPublic, signPublic, certificates, root, pin, revocationList, now, minSequence = 1 }) {
    const moment = checkNow(now);
    const rootStatement = verifyRootV2(root, pin);
    const territory = rootStatement.territory;
    const rootSign = readKey(rootStatement.sign_public_key, "sign_public_key");
    const list = verifyRevocationList(revocationList, { rootSignPublic: rootSign, territory, now, minSequence });
    if (!Array.isArray(certificates) || certificates.length < 1 || certificates.length > 2) throw new SignatureError("a chain holds one or two certificates");
    let chain;
    if (certificates.length === 1) {
      const leaf = readCertificate(verifyStatementV2(certificates[0], rootSign, TYPES.KEY_CERTIFICATE));
      if (!ROOT_CERTIFIES.includes(leaf.role)) throw new SignatureError("the root certifies structure admins and charter officers only");
      chain = [leaf];
    } else {
      const admin = readCertificate(verifyStatementV2(certificates[1], rootSign, TYPES.KEY_CERTIFICATE));
      if (admin.role !== "structure_admin") throw new SignatureError("the issuer is not a certified structure admin");
      const leaf = readCertificate(verifyStatementV2(certificates[0], admin.signPublic, TYPES.KEY_CERTIFICATE));
      if (leaf.role !== "professional") throw new SignatureError("a structure admin certifies professionals only");
      if (leaf.issuer !== admin.subject || leaf.structure !== admin.structure) throw new SignatureError("the certificate was not issued by its structure's admin");
      chain = [leaf, admin];
    }
    if (chain.some((c) => c.territory !== territory)) throw new SignatureError("a certificate is another territory's");
    const leaf = chain[0];
    if (leaf.subject !== readId(accountId, "account id")) throw new SignatureError("the certificate is not about this account");
    const box = requireBytes(boxPublic, "box public key", 32);
    const sign = requireBytes(signPublic, "sign public key", 32);
    if (!sodium.memcmp(leaf.boxPublic, box) || !sodium.memcmp(leaf.signPublic, sign)) throw new SignatureError("the keys offered are not the certified keys");
    chain.forEach((cert, i) => {
      if (moment + CLOCK_SKEW_MS < cert.issuedAt) throw new StaleError("a certificate is not valid yet");
      if (moment >= cert.notAfter + CLOCK_SKEW_MS) throw new StaleError("a certificate has expired");
      if (list.revoked.has(statementId(/** @type {Envelope} */ (certificates[i]).statement))) throw new StaleError("a certificate has been revoked");
    });
    return {
      accountId: leaf.subject,
      role: leaf.role,
      structureId: leaf.structure,
      displayName: leaf.displayName,
      profession: leaf.profession,
      boxPublic: leaf.boxPublic,
      signPublic: leaf.signPublic,
      notAfter: Math.min(...chain.map((c) => c.notAfter)),
      revocationSequence: list.sequence,
    };
  }

  return Object.freeze({
    TYPES,
    statementType,
    signedMessageV2,
    statementId,
    signStatementV2,
    verifyStatementV2,
    pinDigest,
    pinQrPayload,
    pinSpoken,
    parsePinQr,
    parsePinSpoken,
    matchesPin,
    streamHeader,
    boundParts,
    bindingStatement,
    depositStatement,
    readBoundStatement,
    verifyBinding,
    createDocumentReader,
    openDocument,
    readReceiptV2,
    readCertificate,
    readRevocations,
    verifyRootV2,
    verifyRevocationList,
    verifyChainV2,
  });
}
