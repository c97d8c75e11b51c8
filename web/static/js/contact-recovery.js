// @ts-check
// Recovery through a trusted contact for the page (crypto/SPEC.md §28), as
// crypto/contact_recovery.py: the person's client names a contact (a fresh key K, the
// master key wrapped under a subkey of K, K split into a share sealed to the contact's
// pinned sign key and a share for the server); the contact's client rebuilds K from
// its share and the one the server released after the wait, and opens the master key.
// Every step is one libsodium.js function (SPEC §14.5); nothing is hand-written.
//
//     const contact = createContactRecovery(sodium);   // after `await sodium.ready`

import { DecryptionError, InvalidInputError, UnsupportedVersionError } from "./coffre-crypto.js";

/** @typedef {import("./types/vendor").Sodium} Sodium */
/**
 * What naming a contact produces (SPEC §28.2): `key` never leaves this client.
 * @typedef {{key: Uint8Array, wrappedMasterKey: Uint8Array, authKey: Uint8Array, serverShare: Uint8Array, sealedShare: Uint8Array}} ContactArrangement
 */

export const CONTACT_PURPOSES = Object.freeze({
  WRAP: "coffre/v2/contact-wrap",
  AUTH: "coffre/v2/contact-auth",
});
export const AD_MASTER_KEY_CONTACT = "coffre/v2/master-key/contact";
const KEY_BYTES = 32;
const SEALED_SHARE_BYTES = 80;
const BLOB_OVERHEAD = 41; // version + nonce 24 + tag 16
const WRAPPED_BYTES = BLOB_OVERHEAD + KEY_BYTES; // 73

/**
 * @param {unknown} value
 * @param {string} name
 * @param {number} length
 * @returns {Uint8Array}
 */
function requireBytes(value, name, length) {
  if (!(value instanceof Uint8Array)) throw new InvalidInputError(`${name} must be bytes`);
  if (value.length !== length) throw new InvalidInputError(`${name} must be ${length} bytes, got ${value.length}`);
  return value;
}

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 */
function xor(a, b) {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** @param {Sodium} sodium */
export function createContactRecovery(sodium) {
  /**
   * subkey(parent, purpose) = BLAKE2b-256 keyed by parent (SPEC §2).
   * @param {Uint8Array} key
   * @param {string} purpose
   */
  function subkey(key, purpose) {
    return sodium.crypto_generichash(32, sodium.from_string(purpose), requireBytes(key, "contact-recovery key", KEY_BYTES));
  }

  /** @param {Uint8Array} key */
  const contactWrapKey = (key) => subkey(key, CONTACT_PURPOSES.WRAP);
  /** @param {Uint8Array} key */
  const contactAuthKey = (key) => subkey(key, CONTACT_PURPOSES.AUTH);

  /**
   * The X25519 key the contact's share is sealed to: the Montgomery form of their
   * pinned Ed25519 sign key (SPEC §28.1).
   * @param {Uint8Array} signPublic
   */
  function contactSealPublic(signPublic) {
    requireBytes(signPublic, "contact sign public key", KEY_BYTES);
    try {
      return sodium.crypto_sign_ed25519_pk_to_curve25519(signPublic);
    } catch {
      throw new InvalidInputError("contact sign key is not a usable Ed25519 key");
    }
  }

  /**
   * The §5.1 blob of the master key under the contact wrap key (SPEC §28.2).
   * @param {Uint8Array} masterKey
   * @param {Uint8Array} key
   * @param {{nonce?: Uint8Array | null}} [options] a fixed nonce is for test vectors only
   */
  function wrapMasterKeyForContact(masterKey, key, { nonce = null } = {}) {
    requireBytes(masterKey, "master key", KEY_BYTES);
    const n = nonce ? requireBytes(nonce, "nonce", 24) : sodium.randombytes_buf(24);
    const body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(masterKey, sodium.from_string(AD_MASTER_KEY_CONTACT), null, n, contactWrapKey(key));
    const out = new Uint8Array(1 + 24 + body.length);
    out[0] = 0x01;
    out.set(n, 1);
    out.set(body, 25);
    return out;
  }

  /**
   * Everything naming a contact needs (SPEC §28.2), for the contact's pinned sign key.
   * @param {Uint8Array} masterKey
   * @param {Uint8Array} contactSignPublic
   * @returns {ContactArrangement}
   */
  function nameContact(masterKey, contactSignPublic) {
    const sealTo = contactSealPublic(contactSignPublic);
    const key = sodium.randombytes_buf(KEY_BYTES);
    const serverShare = sodium.randombytes_buf(KEY_BYTES);
    const contactShare = xor(key, serverShare);
    let sealedShare;
    try {
      sealedShare = sodium.crypto_box_seal(contactShare, sealTo);
    } catch {
      throw new InvalidInputError("contact sign key is not a usable X25519 key");
    } finally {
      sodium.memzero(contactShare);
    }
    return { key, wrappedMasterKey: wrapMasterKeyForContact(masterKey, key), authKey: contactAuthKey(key), serverShare, sealedShare };
  }

  /**
   * K from the contact's sealed share, opened with the X25519 form of their own sign
   * key, and the share the server released (SPEC §28.3).
   * @param {Uint8Array} sealedShare
   * @param {Uint8Array} serverShare
   * @param {Uint8Array} contactSignSeed
   */
  function rebuildContactKey(sealedShare, serverShare, contactSignSeed) {
    requireBytes(sealedShare, "sealed share", SEALED_SHARE_BYTES);
    requireBytes(serverShare, "server share", KEY_BYTES);
    requireBytes(contactSignSeed, "contact sign seed", KEY_BYTES);
    const pair = sodium.crypto_sign_seed_keypair(contactSignSeed);
    const boxPublic = sodium.crypto_sign_ed25519_pk_to_curve25519(pair.publicKey);
    const boxSecret = sodium.crypto_sign_ed25519_sk_to_curve25519(pair.privateKey);
    let share;
    try {
      share = sodium.crypto_box_seal_open(sealedShare, boxPublic, boxSecret);
    } catch {
      throw new DecryptionError("sealed share does not open: wrong key or tampered");
    } finally {
      sodium.memzero(boxSecret);
      sodium.memzero(pair.privateKey);
    }
    if (share.length !== KEY_BYTES) throw new DecryptionError("sealed share has the wrong length");
    const key = xor(share, serverShare);
    sodium.memzero(share);
    return key;
  }

  /**
   * The master key from its contact wrapping (SPEC §28.3).
   * @param {Uint8Array} key
   * @param {Uint8Array} wrapped
   */
  function openMasterKeyForContact(key, wrapped) {
    if (!(wrapped instanceof Uint8Array)) throw new InvalidInputError("wrapped master key must be bytes");
    if (wrapped.length < BLOB_OVERHEAD) throw new InvalidInputError("blob is too short");
    if (wrapped[0] !== 0x01) throw new UnsupportedVersionError(`unsupported blob version ${wrapped[0]}`);
    if (wrapped.length !== WRAPPED_BYTES) throw new InvalidInputError(`blob must be ${WRAPPED_BYTES} bytes`);
    const wrapKey = contactWrapKey(key);
    try {
      return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, wrapped.subarray(25), sodium.from_string(AD_MASTER_KEY_CONTACT), wrapped.subarray(1, 25), wrapKey);
    } catch {
      throw new DecryptionError("blob does not authenticate: wrong key or tampered");
    } finally {
      sodium.memzero(wrapKey);
    }
  }

  /** SHA-256 of the authenticator: what the server keeps (SPEC §28.2). @param {Uint8Array} authKey */
  function authHash(authKey) {
    return sodium.crypto_hash_sha256(requireBytes(authKey, "contact authenticator", KEY_BYTES));
  }

  return { contactWrapKey, contactAuthKey, contactSealPublic, wrapMasterKeyForContact, nameContact, rebuildContactKey, openMasterKeyForContact, authHash };
}
