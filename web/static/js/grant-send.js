// @ts-check
// Sending one grant (docs/CONSENT.md): the document keys sealed to a professional's
// verified box key, the consent receipt signed by the person's sign key, POST /grants.
// The one place the person's page makes a grant: the share dialog (person-share.js),
// the hand-over's one-tap re-share (person-referent.js) and a relay's documents
// (person-relays.js, with the relay's id) all come here.
//
// The caller verifies the professional's keys up to the pinned root first (trust.js)
// and passes the box key and the structure the certificate names: this module never
// trusts the directory's word for a key. Right before sealing, the professional's
// chain is checked once more (trust.checkedKeys: root in force, revocation list,
// expiry, SPEC §26.4): a certificate that ended or was revoked since the person chose
// is refused with a plain message, and nothing is sent. The checks of one tap (a
// hand-over's re-shares, a relay's share) share one trust.snapshot(): the root chain
// and the revocation list are fetched once for them, not once per grant.
import { consentReceipt, newId } from "./network.js";
import { ShownError } from "./http.js";
import { documentsV2 } from "./documents-v2.js";
import { fill } from "./consent-common.js";
import { rekeyDocument } from "./rekey-v2.js";
import { TrustRefused } from "./trust-v2.js";

/** @typedef {import("./trust-v2.js").TrustSnapshot} TrustSnapshot */

/**
 * The person's words for why nothing was shared (trust-v2.js's problems).
 * @param {Record<string, string>} S
 * @param {unknown} error
 */
export function refusalMessage(S, error) {
  if (!(error instanceof TrustRefused)) return S.keys_not_certified;
  if (error.problem === "revoked") return S.pro_revoked;
  if (error.problem === "expired") return S.pro_expired;
  if (error.problem === "list") return S.revocations_stale;
  if (error.problem === "unchained") return S.root_unchained;
  return S.keys_not_certified;
}

/**
 * The professional's keys checked now (trust.checkedKeys), or ShownError with the
 * person's words; the box key must be the one the caller verified.
 * @param {import("./types/page").PersonHelpers} P
 * @param {string} accountId
 * @param {Uint8Array} [boxPublic]
 * @param {TrustSnapshot} [snapshot]
 */
async function checkedNow(P, accountId, boxPublic, snapshot) {
  let verified;
  try {
    verified = await P.trust.checkedKeys(accountId, undefined, snapshot);
  } catch (error) {
    if (error instanceof TrustRefused) throw new ShownError(refusalMessage(P.S, error));
    throw error;
  }
  if (boxPublic && !P.sodium.memcmp(verified.boxPublic, boxPublic)) throw new ShownError(P.S.keys_not_certified);
  return verified;
}

/**
 * What one grant names.
 * @typedef {object} GrantToSend
 * @property {string[]} documents the vault's document ids (1 to 20)
 * @property {string} professional the grantee's account id
 * @property {string} structure the structure their verified certificate names
 * @property {Uint8Array} boxPublic their verified box public key
 * @property {string} purpose the charter purpose code
 * @property {number} charterVersion the charter version in force
 * @property {Date} [notBefore] the start (now, to the second, when not given)
 * @property {Date} notAfter the end of the share
 * @property {number | null} [maxPulls]
 * @property {string | null} [request] the request it answers
 * @property {string | null} [relay] the relay it is scoped to (contract: `relay_id`)
 * @property {TrustSnapshot} [snapshot] the tap's trust.snapshot(), when it makes several checks
 */

/**
 * Seal, sign and send one grant; returns the grant as the server answers it.
 * A deposit made in v1 has no binding, so a v2 receipt cannot name it: in a migrated
 * vault it gets a new key first, bound by the person (rekey-v2.js). Throws ShownError
 * (`S.share_failed`) when a document is no longer in the vault.
 * @param {import("./types/page").PersonHelpers} P
 * @param {GrantToSend} share
 * @returns {Promise<Record<string, any>>}
 */
export async function sendGrant(P, share) {
  const { S, C, sodium, state, api, setStatus } = P;
  await checkedNow(P, share.professional, share.boxPublic, share.snapshot);
  const find = () => {
    const docs = share.documents.map(P.documentById);
    if (!docs.length || docs.some((doc) => !doc)) throw new ShownError(S.share_failed);
    return /** @type {import("./types/page").VaultDocument[]} */ (docs);
  };
  let docs = find();
  const V2 = documentsV2(P);
  const unbound = V2.isMigrated() ? docs.filter((doc) => !doc.binding) : [];
  if (unbound.length) {
    for (const doc of unbound) {
      setStatus(fill(S.reencrypting, { document: P.docTitle(doc) }));
      await rekeyDocument(P, doc);
    }
    await P.refreshDocuments();
    docs = find();
    setStatus(S.sharing);
  }
  /** @type {Record<string, string>} */
  const sealed = {};
  for (const doc of docs) sealed[doc.id] = C.b64encode(C.sealDocumentKey(doc.docKey, share.boxPublic));
  const fields = {
    grant: newId(sodium),
    person: /** @type {string} */ (state.accountId),
    professional: share.professional,
    structure: share.structure,
    purpose: share.purpose,
    charterVersion: share.charterVersion,
    notBefore: share.notBefore || new Date(Math.floor(Date.now() / 1000) * 1000),
    notAfter: share.notAfter,
    maxPulls: share.maxPulls || null,
    request: share.request || null,
  };
  const relay = share.relay ? { relay_id: share.relay } : {};
  // Format v2 (SPEC §24.5) when every document is bound: each entry names the version,
  // key commitment and content the binding fixes, checked here first; the receipt
  // travels as the text signed (contract "Share"). Else a v1 receipt.
  const bound = V2.receiptDocuments(docs);
  let response;
  if (bound) {
    const receiptJson = V2.signReceipt({ ...fields, documents: bound });
    response = await api("POST", "/grants", { json: { receipt_json: receiptJson, sealed_keys: sealed, ...relay } });
  } else {
    const receipt = consentReceipt(/** @type {any} */ ({
      ...fields,
      documents: docs.map((doc) => ({ id: doc.id, ciphertextSha256: doc.ciphertextSha256 })),
    }));
    const envelope = C.signStatement(receipt, /** @type {any} */ (state.keys).signSeed);
    response = await api("POST", "/grants", { json: { receipt: envelope, sealed_keys: sealed, ...relay } });
  }
  return response.json();
}

/**
 * The territory's root pinned on this device before anything is sealed (trust.js):
 * true when it is; when nothing was confirmed yet, the trust screen is shown and
 * `then` runs once the person confirms (false is returned). A changed or contradicted
 * root throws ShownError with the share dialog's words.
 * @param {import("./types/page").PersonHelpers} P
 * @param {() => unknown} then
 * @param {() => unknown} back
 */
export async function rootPinned(P, then, back) {
  const root = await P.trust.check();
  if (root.state === "changed") throw new ShownError(P.S.root_changed);
  if (root.state === "unchained") throw new ShownError(P.S.root_unchained);
  if (root.state === "mismatch") throw new ShownError(P.S.root_mismatch);
  if (root.state === "rotated") {
    P.trust.tellRotated({ onConfirm: then });
    return false;
  }
  if (root.state === "first") {
    P.trust.ask(root.fingerprint, { onConfirm: then, onBack: back });
    return false;
  }
  return true;
}

/**
 * A professional's keys verified up to the pinned root, in the structure `structure`:
 * {boxPublic, signPublic, structure, name} (the name their certificate gives), or
 * ShownError with the person's words (not certified, ended, revoked, list out of date).
 * @param {import("./types/page").PersonHelpers} P
 * @param {string} accountId
 * @param {string} structure
 * @param {TrustSnapshot} [snapshot]
 */
export async function verifiedProfessional(P, accountId, structure, snapshot) {
  const verified = await checkedNow(P, accountId, undefined, snapshot);
  if (verified.leaf.structure !== structure) throw new ShownError(P.S.keys_not_certified);
  return {
    boxPublic: verified.boxPublic,
    signPublic: verified.signPublic,
    structure: String(verified.leaf.structure),
    name: String(verified.leaf.display_name),
  };
}
