// @ts-check
// Giving a document of the vault a new key (docs/CONSENT.md "re-encryption"), in format
// v2: its content read and checked against its binding (documents-v2.js), encrypted
// again under a new document key, sealed to the owner only and bound with the next
// version (1 for a document that had no binding: a deposit made in v1). The server
// then drops every key a grantee held for it. Both ways go through transfer.js's
// watchdog: a connection that goes silent ends with StallError.
//
// Used by "Mes partages" (person-grants.js: stop a share and re-encrypt) and by a
// share (person-share.js): a v1 deposit has no binding and cannot be named in a v2
// receipt, so it is re-keyed first, as the Python client does.
import { ApiError } from "./http.js";
import { download, stallMs, upload } from "./transfer.js";
import { documentsV2 } from "./documents-v2.js";
import { forgetCiphertext } from "./doc-cache.js";

/**
 * The ApiError of a refused upload (the one error shape of api/errors.py).
 * @param {import("./transfer.js").UploadResult} answer
 * @param {string} fallback
 */
function refused(answer, fallback) {
  try {
    const { error } = JSON.parse(answer.text);
    return new ApiError(answer.status, String(error.code), String(error.message));
  } catch {
    return new ApiError(answer.status, "http_error", fallback);
  }
}

/**
 * Re-key `doc` (the vault's copy, listed with its binding); resolves once the server took it.
 * @param {import("./types/page").PageHelpers} P
 * @param {import("./types/page").VaultDocument} doc
 */
export async function rekeyDocument(P, doc) {
  const { S, C, CONFIG, sodium, api } = P;
  const stall = stallMs(CONFIG);
  const { body } = await download((signal) => api("GET", `/documents/${doc.id}/content`, { signal }), stall);
  const V2 = documentsV2(P);
  const { chunks, sha256 } = await V2.openContent(doc, body);
  const newKey = C.newDocumentKey();
  try {
    if (sha256 !== doc.meta.sha256) throw new C.DecryptionError("sha256 mismatch");
    const { blob, headers, version } = V2.rekeyed(doc, newKey, chunks);
    const answer = await upload({
      method: "PUT",
      path: `/api/v1/documents/${doc.id}/content`,
      blob,
      stallMs: stall,
      networkMessage: S.network_error,
      onProgress: () => {},
      headers,
    });
    if (answer.status < 200 || answer.status >= 300) throw refused(answer, S.network_error);
    V2.see(doc.id, version);
    await forgetCiphertext(P.state.accountId, doc.id); // the old stream is no longer the document's
  } finally {
    sodium.memzero(newKey);
    for (const chunk of chunks) sodium.memzero(chunk);
  }
}
