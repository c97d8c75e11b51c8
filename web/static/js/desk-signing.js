// @ts-check
// One signature from a desk page with the admin's own key: the territory admin signing
// the revocation list (admin-revocations.js, SPEC §26.3) and the structure admin
// certifying a member (structure-admin.js, SPEC §15/§26.2). The passphrase is asked at
// that moment; it gives the wrap key in the KDF worker (Argon2id), the keyring is opened
// in memory, every secret but the signing seed is wiped at once, and the caller wipes the
// seed once it has signed. Nothing is stored.
import { createKdfClient } from "./kdf-client.js";
import { canonicalLogin } from "./kdf-v2.js";
import { createCoffreCrypto } from "./coffre-crypto.js";

/** @param {Record<string, any>} config the page's config: `sodium` (libsodium's URL), `territory` (in a v2 salt) */
export function createDeskSigning(config) {
  const kdfClient = createKdfClient();
  /** @type {any} */
  let sodium = null;

  async function loadSodium() {
    if (!sodium) {
      const module = await import(config.sodium);
      sodium = module.default;
      await sodium.ready;
    }
    return sodium;
  }

  /**
   * This account's signing seed, or null when the passphrase does not open its keyring.
   * @param {string} passphrase
   * @param {Record<string, any>} me the account as GET /me gives it (login, keyring)
   * @returns {Promise<Uint8Array | null>}
   */
  async function openSignSeed(passphrase, me) {
    const na = await loadSodium();
    const C = createCoffreCrypto(na);
    const who = { territory: config.territory, login: canonicalLogin(me.account.login) || me.account.login };
    const keys = await kdfClient.call("derivePassphraseKeysAny", passphrase, me.keyring.kdf, who);
    na.memzero(keys.authKey);
    let opened;
    try {
      opened = C.openAccountWithWrapKey(
        keys.wrapKey,
        C.b64decode(me.keyring.wrapped_master_passphrase),
        C.b64decode(me.keyring.wrapped_keyring),
        C.b64decode(me.keyring.box_public_key),
        C.b64decode(me.keyring.sign_public_key),
      );
    } catch {
      return null;
    } finally {
      na.memzero(keys.wrapKey);
    }
    na.memzero(opened.masterKey);
    na.memzero(opened.keys.boxSecret);
    return opened.keys.signSeed;
  }

  /** @param {Uint8Array | null} seed */
  function wipe(seed) {
    if (seed && sodium) sodium.memzero(seed);
  }

  return { loadSodium, openSignSeed, wipe, end: kdfClient.end };
}
