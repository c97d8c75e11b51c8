// @ts-check
// Moving a person's vault to crypto format v2 at unlock (issue 15 "Migration",
// crypto/SPEC.md §24.1, /work/coord/v2-contract.md "Migration binding"), once, without
// sending any content again (a prepaid data plan is not spent on it):
//
// for every document of the vault that has no binding yet (deposits made in v1 stay
// v1, SPEC §24.3): its 33-byte v1 header is read with `Range: bytes=0-32`, its key
// opened here, and the person's sign key signs the binding of version 1 naming the
// key commitment, the header hash, the ciphertext hash the server lists and the hash of
// the metadata blob (PUT /documents/{id}/binding); then POST /me/crypto-format. This
// device then remembers the vault is migrated (documents-v2.js): an unbound document
// is refused from then on.
//
// Silent for the person: nothing to do, nothing shown. If anything fails (no network,
// a server without v2), nothing is lost: the documents stay as they were, a plain
// sentence says it will be done next time, and the next unlock tries again.
import { ApiError } from "./http.js";
import { documentsV2 } from "./documents-v2.js";

const V1_HEADER_BYTES = 33;

/** @param {import("./types/page").PageHelpers} ctx */
export function createMigration(ctx) {
  const { C, sodium, state, api } = ctx;
  /** @type {string | null} */
  let tried = null; // the account this page already migrated, or tried to, since it opened

  /**
   * The first 33 bytes of a document's stream: a 206 of exactly those, or the start
   * of a whole stream from a server that ignored the range (the rest is not read).
   * @param {string} id
   */
  async function v1Header(id) {
    const response = await api("GET", `/documents/${id}/content`, { headers: { Range: `bytes=0-${V1_HEADER_BYTES - 1}` } });
    const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
    const header = new Uint8Array(V1_HEADER_BYTES);
    let held = 0;
    while (held < V1_HEADER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, V1_HEADER_BYTES - held);
      header.set(value.subarray(0, take), held);
      held += take;
    }
    await reader.cancel().catch(() => {});
    if (held < V1_HEADER_BYTES) throw new C.DecryptionError("a v1 stream header is 33 bytes");
    return header;
  }

  /**
   * Bind one v1 document where it lies.
   * @param {ReturnType<typeof documentsV2>} V2
   * @param {Record<string, any>} doc as GET /documents lists it
   */
  async function bind(V2, doc) {
    const keys = /** @type {import("./coffre-crypto.js").AccountKeys} */ (state.keys);
    const header = await v1Header(doc.id);
    const metadataBlob = C.b64decode(doc.encrypted_metadata);
    const docKey = C.openSealedKey(C.b64decode(doc.sealed_key), keys.boxPublic, keys.boxSecret);
    let binding;
    try {
      C.decryptMetadata(docKey, metadataBlob); // the metadata opens under this key: it is this document's
      binding = V2.migrationBinding({ id: doc.id, docKey, header, ciphertextSha256: doc.ciphertext_sha256, metadataBlob });
    } finally {
      sodium.memzero(docKey);
    }
    try {
      await api("PUT", `/documents/${doc.id}/binding`, { json: { binding } });
    } catch (error) {
      // Another device of the person bound it meanwhile: it is done.
      if (!(error instanceof ApiError && error.code === "document_already_bound")) throw error;
    }
  }

  /** @param {ReturnType<typeof documentsV2>} V2 */
  async function migrate(V2) {
    const { account } = await (await api("GET", "/me")).json();
    if (account.crypto_format === undefined) return true; // a server without format v2: nothing to do yet
    if (account.crypto_format !== 2) {
      const { documents } = await (await api("GET", "/documents")).json();
      for (const doc of documents) {
        if (doc.binding || doc.deposit || doc.format === 2) continue;
        await bind(V2, doc);
      }
      await api("POST", "/me/crypto-format", { json: { format: 2 } });
    }
    V2.markMigrated();
    return true;
  }

  /**
   * Once per opened vault, for a person: the migration if this device does not know
   * the vault migrated. Resolves with "" (done, or nothing to do) or the sentence to
   * show when it could not be done this time.
   * @returns {Promise<string>}
   */
  async function atUnlock() {
    if (state.kind !== "person" || !state.keys || !state.accountId || tried === state.accountId) return "";
    tried = state.accountId;
    const V2 = documentsV2(ctx);
    if (V2.isMigrated()) return "";
    try {
      await migrate(V2);
      return "";
    } catch {
      return ctx.S.migration_later;
    }
  }

  return {
    atUnlock,
    screens: [],
    enter: {},
    actions: {},
    wipe() {
      tried = null;
    },
  };
}
