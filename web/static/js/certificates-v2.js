// @ts-check
// Certificates with a life, the page's side (crypto/SPEC.md §26.2–§26.5): key
// certificates that end (issue, renew, verify), the revocation list signed by the
// root key (make, sign, verify), and root rotation (follow the chain of rotations
// from the pinned root). Mirrors crypto/certificates_v2.py and crypto/root_rotation.py;
// checked against crypto/vectors/v2.json and root_rotation.json (web/tests-js) and
// both ways with Python (tests/web/test_js_certificates_v2.py).
//
// API (stable: the structure admin's certification screen and the territory admin's
// revocation screen call it):
//
//     import { createCertificatesV2 } from "./certificates-v2.js";
//     const certs = createCertificatesV2(sodium);
//
//     // Certify (structure admin: a professional of their structure; the root: a
//     // structure admin or the charter officer). `signSeed` is the issuer's own sign
//     // seed (32 bytes, held by the page only). Returns the envelope (SPEC §23.2).
//     certs.issueCertificate({territory, subject, role, structure, displayName,
//       profession, boxPublic, signPublic, issuer, issuedAt?: Date, notAfter?: Date,
//       days?: number /* 365 by default, at most 400 */}, signSeed) -> Envelope
//     // Renew: the same subject, role, structure, keys; new dates; signed again.
//     certs.renewCertificate(previousEnvelope, {issuer, issuedAt?, days?}, signSeed) -> Envelope
//     certs.certificateId(envelope) -> hex64  // what a revocation list names
//     certs.readCertificateEnvelope(envelope) -> {subject, role, structure, notAfter (ms), …}
//
//     // Revocation list (territory admin, with the root's sign seed = their own).
//     certs.signRevocationList({territory, sequence, revoked: hex64[], issuedAt?: Date,
//       nextUpdate?: Date /* issuedAt + 31 days by default */}, rootSignSeed) -> Envelope
//     certs.verifyRevocationList(envelope, {rootSignPublic, territory, now, minSequence})
//
//     // Root rotation (SPEC §26.5).
//     certs.signRootRotation({previousRoot, nextRoot, sequence, issuedAt}, oldRootSignSeed)
//     certs.followRootRotations({pin, root, links, now, minRotation}) ->
//       {root, territory, signPublic, boxPublic, pin, sequence, changed}
//
//     // An account's keys up to the root (SPEC §26.4): as statements.verifyChainV2.
//     certs.verifyChain({accountId, boxPublic, signPublic, certificates, root, pin,
//       revocationList, now, minSequence})
//
// Errors are the crypto errors of coffre-crypto.js: InvalidInputError,
// SignatureError, StaleError (expired, revoked, rolled back, out of date),
// UnsupportedVersionError.

import { InvalidInputError, SignatureError } from "./coffre-crypto.js";
import { StaleError, createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { createCoffreStatementsV2, TYPES } from "./coffre-statements-v2.js";
import { requireBytes } from "./coffre-bytes-v2.js";
import { CLOCK_SKEW_MS, V2, checkNow, formatTime, isObject, hasExactly, readCode, readInt, readObject, readSha256, readTime } from "./coffre-json.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/** @typedef {Record<string, any>} Statement */
/** @typedef {{statement: Statement, signer: string, signature: string}} Envelope */
/** @typedef {Uint8Array | ArrayBufferView | ArrayBuffer} BytesLike */
/**
 * @typedef {object} CertificateFields
 * @property {string} territory
 * @property {string} subject the certified account's id
 * @property {"structure_admin" | "charter_officer" | "professional"} role
 * @property {string | null} structure null exactly for a charter officer
 * @property {string} displayName
 * @property {string | null} profession
 * @property {BytesLike} boxPublic
 * @property {BytesLike} signPublic
 * @property {string} issuer the issuer's account id
 * @property {Date} [issuedAt] now by default (to the second)
 * @property {Date} [notAfter] issuedAt + `days` by default
 * @property {number} [days] 365 by default, 1..400
 */
/**
 * @typedef {object} RotatedRoot
 * @property {Envelope} root the root in force
 * @property {string} territory
 * @property {Uint8Array} signPublic
 * @property {Uint8Array} boxPublic
 * @property {string} pin its QR payload (SPEC §25.2): the page's new pin
 * @property {number} sequence the last rotation followed (the new minRotation)
 * @property {boolean} changed
 */

export const DAY_MS = 86400 * 1000;
export const CERTIFICATE_DAYS = 365;
export const CERTIFICATE_DAYS_MAX = 400;
export const LIST_DAYS = 31;
export const ROTATIONS_MAX = 100;
const ROOT_MEMBERS = ["v", "type", "territory", "box_public_key", "sign_public_key", "issued_at"];
const ROTATION_MEMBERS = ["v", "type", "territory", "sequence", "previous_root", "next_root", "next_sign_public_key", "issued_at"];
const LINK = ["rotation", "root"];

/** Now, to the second (TIME has no fraction). */
const wholeSecond = () => new Date(Math.floor(Date.now() / 1000) * 1000);

/** @param {Sodium} sodium */
export function createCertificatesV2(sodium) {
  const v2 = createCoffreCryptoV2(sodium);
  const st = createCoffreStatementsV2(sodium, v2);
  const { v1, readKey } = v2;
  /** @param {BytesLike} key @param {string} name */
  const b64key = (key, name) => v1.b64encode(requireBytes(key, name, 32));

  // §26.2 -------------------------------------------------------------------------

  /**
   * A key certificate statement (SPEC §26.2), checked as a reader checks it.
   * @param {CertificateFields} f
   * @returns {Statement}
   */
  function certificateStatement(f) {
    const issuedAt = f.issuedAt ?? wholeSecond();
    const days = readInt(f.days ?? CERTIFICATE_DAYS, "days", 1, CERTIFICATE_DAYS_MAX);
    const notAfter = f.notAfter ?? new Date(issuedAt.getTime() + days * DAY_MS);
    const statement = {
      v: V2,
      type: TYPES.KEY_CERTIFICATE,
      territory: f.territory,
      subject: f.subject,
      role: f.role,
      structure: f.structure,
      display_name: f.displayName,
      profession: f.profession,
      box_public_key: b64key(f.boxPublic, "box public key"),
      sign_public_key: b64key(f.signPublic, "sign public key"),
      issuer: f.issuer,
      issued_at: formatTime(issuedAt),
      not_after: formatTime(notAfter),
    };
    st.readCertificate(statement);
    return statement;
  }

  /**
   * Certify keys: the certificate signed with the issuer's sign seed.
   * @param {CertificateFields} fields
   * @param {BytesLike} signSeed
   * @returns {Envelope}
   */
  const issueCertificate = (fields, signSeed) => st.signStatementV2(certificateStatement(fields), signSeed);

  /**
   * The members of a certificate envelope, read (not verified: see verifyChain).
   * @param {unknown} envelope
   */
  function readCertificateEnvelope(envelope) {
    if (!isObject(envelope) || !hasExactly(envelope, ["statement", "signer", "signature"])) throw new InvalidInputError("envelope must have exactly statement, signer, signature");
    return st.readCertificate(envelope.statement);
  }

  /**
   * The same subject, role, structure and keys, with new dates, signed again.
   * @param {unknown} previous the certificate in force (its envelope)
   * @param {{issuer: string, issuedAt?: Date, days?: number, notAfter?: Date}} dates
   * @param {BytesLike} signSeed
   */
  function renewCertificate(previous, { issuer, issuedAt, days, notAfter }, signSeed) {
    const c = readCertificateEnvelope(previous);
    return issueCertificate(
      {
        territory: c.territory,
        subject: c.subject,
        role: /** @type {CertificateFields["role"]} */ (c.role),
        structure: c.structure,
        displayName: c.displayName,
        profession: c.profession,
        boxPublic: c.boxPublic,
        signPublic: c.signPublic,
        issuer,
        issuedAt,
        days,
        notAfter,
      },
      signSeed,
    );
  }

  /** statement_id of a certificate envelope (SPEC §23.2). @param {unknown} envelope */
  const certificateId = (envelope) => st.statementId(/** @type {Envelope} */ (envelope).statement);

  // §26.3 -------------------------------------------------------------------------

  /**
   * A revocation list signed with the root's sign seed (SPEC §26.3). `revoked` is
   * sorted and de-duplicated here.
   * @param {{territory: string, sequence: number, revoked: string[], issuedAt?: Date, nextUpdate?: Date}} f
   * @param {BytesLike} rootSignSeed
   * @returns {Envelope}
   */
  function signRevocationList({ territory, sequence, revoked, issuedAt, nextUpdate }, rootSignSeed) {
    const start = issuedAt ?? wholeSecond();
    const end = nextUpdate ?? new Date(start.getTime() + LIST_DAYS * DAY_MS);
    const statement = {
      v: V2,
      type: TYPES.REVOCATION_LIST,
      territory,
      sequence,
      issued_at: formatTime(start),
      next_update: formatTime(end),
      revoked: [...new Set(revoked)].sort(),
    };
    st.readRevocations(statement);
    return st.signStatementV2(statement, rootSignSeed);
  }

  // §26.5 -------------------------------------------------------------------------

  /** @param {unknown} statement */
  function readRotation(statement) {
    const s = readObject(statement, ROTATION_MEMBERS, TYPES.ROOT_ROTATION);
    const previousRoot = readSha256(s.previous_root, "previous_root");
    const nextRoot = readSha256(s.next_root, "next_root");
    if (previousRoot === nextRoot) throw new InvalidInputError("a rotation names two different roots");
    return {
      territory: readCode(s.territory, "territory"),
      sequence: readInt(s.sequence, "sequence", 1),
      previousRoot,
      nextRoot,
      nextSignPublic: readKey(s.next_sign_public_key, "next_sign_public_key"),
      issuedAt: readTime(s.issued_at, "issued_at"),
    };
  }

  /**
   * The rotation from `previousRoot` to `nextRoot` (root STATEMENTS), signed by the
   * previous root's sign seed (SPEC §26.5).
   * @param {{previousRoot: Statement, nextRoot: Statement, sequence: number, issuedAt?: Date}} f
   * @param {BytesLike} previousSignSeed
   * @returns {Envelope}
   */
  function signRootRotation({ previousRoot, nextRoot, sequence, issuedAt }, previousSignSeed) {
    const previous = readObject(previousRoot, ROOT_MEMBERS, TYPES.TRUST_ROOT);
    const following = readObject(nextRoot, ROOT_MEMBERS, TYPES.TRUST_ROOT);
    if (previous.territory !== following.territory) throw new InvalidInputError("a rotation keeps the territory");
    if (previous.sign_public_key === following.sign_public_key) throw new InvalidInputError("a rotation changes the root's sign key");
    const statement = {
      v: V2,
      type: TYPES.ROOT_ROTATION,
      territory: readCode(previous.territory, "territory"),
      sequence: readInt(sequence, "sequence", 1),
      previous_root: st.statementId(previous),
      next_root: st.statementId(following),
      next_sign_public_key: b64key(readKey(following.sign_public_key, "sign_public_key"), "sign_public_key"),
      issued_at: formatTime(issuedAt ?? wholeSecond()),
    };
    readRotation(statement);
    return st.signStatementV2(statement, previousSignSeed);
  }

  /** @param {unknown} links @returns {Record<string, any>[]} */
  function readLinks(links) {
    if (!Array.isArray(links) || links.length > ROTATIONS_MAX) throw new InvalidInputError(`a rotation chain is a list of at most ${ROTATIONS_MAX} links`);
    for (const link of links) if (!isObject(link) || !hasExactly(link, LINK)) throw new InvalidInputError("a rotation link has exactly rotation and root");
    return links;
  }

  /** @param {unknown} envelope @returns {string | null} */
  function envelopeStatementId(envelope) {
    const statement = isObject(envelope) ? envelope.statement : null;
    if (!isObject(statement)) return null;
    try {
      return st.statementId(statement);
    } catch {
      return null; // a malformed statement names no root
    }
  }

  /**
   * Follow the rotations from the pinned root (SPEC §26.5). SignatureError: an
   * unchained root, a rotation or root not signed by the key in force, another
   * territory; StaleError: rolled back or not valid yet; InvalidInputError.
   * @param {{pin: string, root: unknown, links: unknown, now: Date, minRotation?: number}} inputs
   * @returns {RotatedRoot}
   */
  function followRootRotations({ pin, root, links, now, minRotation = 0 }) {
    const moment = checkNow(now);
    const floor = readInt(minRotation, "minRotation", 0);
    let currentEnvelope = /** @type {Envelope} */ (root);
    let current = st.verifyRootV2(root, pin);
    const chain = readLinks(links);
    let currentId = st.statementId(current);
    let start = 0;
    if (chain.length) {
      if (currentId === envelopeStatementId(chain[chain.length - 1].root)) {
        start = chain.length; // the pinned root is already the newest one
      } else {
        start = chain.findIndex((link) => isObject(link.rotation) && isObject(link.rotation.statement) && link.rotation.statement.previous_root === currentId);
        if (start < 0) throw new SignatureError("the new trust root is not chained from the pinned one");
      }
    }
    let sequence = floor;
    chain.slice(start).forEach((link, position) => {
      const currentSign = readKey(current.sign_public_key, "sign_public_key");
      const rotation = readRotation(st.verifyStatementV2(link.rotation, currentSign, TYPES.ROOT_ROTATION));
      if (rotation.territory !== current.territory) throw new SignatureError("the rotation is another territory's");
      if (rotation.previousRoot !== currentId) throw new SignatureError("the rotation does not leave the root in force");
      if (position === 0) {
        if (rotation.sequence <= floor) throw new StaleError("a rotation not newer than one already followed");
      } else if (rotation.sequence !== sequence + 1) {
        throw new SignatureError("the rotations are not consecutive");
      }
      if (moment + CLOCK_SKEW_MS < rotation.issuedAt) throw new StaleError("the rotation is not valid yet");
      const nested = link.root;
      const following = readObject(isObject(nested) ? nested.statement : null, ROOT_MEMBERS, TYPES.TRUST_ROOT);
      const followingSign = readKey(following.sign_public_key, "sign_public_key");
      if (!sodium.memcmp(followingSign, rotation.nextSignPublic)) throw new SignatureError("the new root's key is not the one the rotation names");
      if (sodium.memcmp(followingSign, currentSign)) throw new InvalidInputError("a rotation changes the root's sign key");
      st.verifyRootV2(nested, st.pinQrPayload(followingSign));
      if (st.statementId(following) !== rotation.nextRoot) throw new SignatureError("the new root is not the one the rotation names");
      if (following.territory !== current.territory) throw new SignatureError("the new root is another territory's");
      sequence = rotation.sequence;
      currentEnvelope = /** @type {Envelope} */ (nested);
      current = following;
      currentId = rotation.nextRoot;
    });
    const signPublic = readKey(current.sign_public_key, "sign_public_key");
    return {
      root: currentEnvelope,
      territory: String(current.territory),
      signPublic,
      boxPublic: readKey(current.box_public_key, "box_public_key"),
      pin: st.pinQrPayload(signPublic),
      sequence,
      changed: currentEnvelope !== root,
    };
  }

  return Object.freeze({
    statements: st,
    certificateStatement,
    issueCertificate,
    renewCertificate,
    readCertificateEnvelope,
    certificateId,
    signRevocationList,
    verifyRevocationList: st.verifyRevocationList,
    signRootRotation,
    followRootRotations,
    verifyChain: st.verifyChainV2,
    pinQrPayload: st.pinQrPayload,
    pinSpoken: st.pinSpoken,
    matchesPin: st.matchesPin,
  });
}
