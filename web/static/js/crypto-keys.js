// @ts-check
// Coffre crypto format v1, the keys (crypto/SPEC.md): base64url (§1), subkeys (§2), the
// passphrase KDF (§3), the recovery code (§4), the versioned AEAD blob and the master
// key's wraps (§5), the keyring (§6). One part of createCoffreCrypto (coffre-crypto.js).
import { asBytes, base32, BASE32_ALPHABET, unbase32, concat, KEY_BYTES, DecryptionError, hasExactly, InvalidInputError, isPlainObject, isWellFormed, requireBytes, requireInt, UnsupportedVersionError, utf8, WeakParametersError, sodiumTools } from "./crypto-base.js";

/** @typedef {import("./crypto-base.js").AccountKeys} AccountKeys */
/** @typedef {import("./crypto-base.js").BytesLike} BytesLike */
/** @typedef {import("./crypto-base.js").DerivedKeys} DerivedKeys */
/** @typedef {import("./crypto-base.js").KdfParams} KdfParams */
/** @typedef {import("./crypto-base.js").KdfParamsJson} KdfParamsJson */
/** @typedef {import("./crypto-base.js").NonceOption} NonceOption */
/** @typedef {import("./crypto-base.js").Sodium} Sodium */

export const PURPOSES = Object.freeze({
  LOGIN: "coffre/v1/login",
  PASSPHRASE_WRAP: "coffre/v1/passphrase-wrap",
  RECOVERY_LOGIN: "coffre/v1/recovery-login",
  RECOVERY_WRAP: "coffre/v1/recovery-wrap",
  KEYRING: "coffre/v1/keyring",
  CONTENT: "coffre/v1/content",
  METADATA: "coffre/v1/metadata",
});
/** @type {Set<string>} */
const ALL_PURPOSES = new Set(Object.values(PURPOSES));

const AD_MASTER_KEY = Object.freeze({
  passphrase: "coffre/v1/master-key/passphrase",
  recovery: "coffre/v1/master-key/recovery",
});
const AD_KEYRING_PREFIX = "coffre/v1/keyring";
const B64URL = /^[A-Za-z0-9_-]*$/;

export const ALG_ARGON2ID13 = "argon2id13";
export const SALT_BYTES = 16;
export const OPSLIMIT = 3;
export const MEMLIMIT = 64 * 1024 * 1024;
export const OPSLIMIT_MAX = 10;
export const MEMLIMIT_MAX = 256 * 1024 * 1024;

export const RECOVERY_SECRET_BYTES = 16;
export const RECOVERY_ALPHABET = BASE32_ALPHABET;
const RECOVERY_CODE_CHARS = 27;
const RECOVERY_IGNORED = new Set([" ", "\t", "\r", "\n", "-"]);
/** @type {Record<string, string>} */
const RECOVERY_FORGIVEN = { 0: "O", 1: "I", 8: "B" };

const BLOB_VERSION = 0x01;
const NONCE_BYTES = 24;
const BLOB_OVERHEAD = 41; // version 1 + nonce 24 + tag 16
export const WRAPPED_MASTER_KEY_BYTES = 73;
export const WRAPPED_KEYRING_BYTES = 105;

// §5.1 ---------------------------------------------------------------------------

/**
 * The versioned AEAD blob (SPEC §5.1) that wraps the master key (§5), the keyring (§6)
 * and a document's metadata (§9), bound to a ready libsodium.js.
 * @param {Sodium} sodium
 */
export function createBlobs(sodium) {
  const { random } = sodiumTools(sodium);

  /**
   * @param {BytesLike} key
   * @param {BytesLike} plaintext
   * @param {Uint8Array} ad
   * @param {NonceOption} [options]
   */
  function sealBlob(key, plaintext, ad, { nonce = null } = {}) {
    const k = requireBytes(key, "key", KEY_BYTES);
    const n = nonce == null ? random(NONCE_BYTES) : requireBytes(nonce, "nonce", NONCE_BYTES);
    const body = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(asBytes(plaintext, "plaintext"), ad, null, n, k);
    return concat(Uint8Array.of(BLOB_VERSION), n, body);
  }

  /**
   * @param {BytesLike} key
   * @param {BytesLike} blob
   * @param {Uint8Array} ad
   * @param {number | null} [plaintextBytes]
   * @returns {Uint8Array}
   */
  function openBlob(key, blob, ad, plaintextBytes = null) {
    const k = requireBytes(key, "key", KEY_BYTES);
    const data = asBytes(blob, "blob");
    if (data.length < BLOB_OVERHEAD) throw new InvalidInputError("blob is too short");
    if (data[0] !== BLOB_VERSION) throw new UnsupportedVersionError(`unsupported blob version ${data[0]}`);
    if (plaintextBytes !== null && data.length !== BLOB_OVERHEAD + plaintextBytes) {
      throw new InvalidInputError(`blob must be ${BLOB_OVERHEAD + plaintextBytes} bytes`);
    }
    try {
      return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        data.subarray(1 + NONCE_BYTES),
        ad,
        data.subarray(1, 1 + NONCE_BYTES),
        k,
      );
    } catch {
      throw new DecryptionError("blob does not authenticate: wrong key or tampered");
    }
  }

  return { sealBlob, openBlob };
}

/**
 * The key functions (SPEC §1–§6) bound to a ready libsodium.js.
 * @param {Sodium} sodium
 */
export function createKeyCrypto(sodium) {
  const B64 = sodium.base64_variants.URLSAFE_NO_PADDING;
  const { wipe, random } = sodiumTools(sodium);
  const { sealBlob, openBlob } = createBlobs(sodium);

  // §1 -------------------------------------------------------------------------

  /**
   * base64url without padding (SPEC §1).
   * @param {BytesLike} data
   */
  function b64encode(data) {
    return sodium.to_base64(asBytes(data, "b64encode input"), B64);
  }

  /**
   * Strict base64url without padding: refuses padding, other characters, impossible lengths, non-canonical text (SPEC §1).
   * @param {string} text
   * @returns {Uint8Array}
   */
  function b64decode(text) {
    if (typeof text !== "string") throw new InvalidInputError("b64decode takes a string");
    if (!B64URL.test(text)) throw new InvalidInputError("invalid base64url: unexpected character or padding");
    if (text.length % 4 === 1) throw new InvalidInputError("invalid base64url: impossible length");
    let data;
    try {
      data = sodium.from_base64(text, B64);
    } catch {
      throw new InvalidInputError("invalid base64url");
    }
    if (sodium.to_base64(data, B64) !== text) throw new InvalidInputError("invalid base64url: non-canonical encoding");
    return data;
  }

  // §2 -------------------------------------------------------------------------

  /**
   * BLAKE2b-256(key = parent, message = purpose), only for the purposes of SPEC §2.
   * @param {BytesLike} parent
   * @param {string} purpose
   * @returns {Uint8Array}
   */
  function subkey(parent, purpose) {
    const key = asBytes(parent, "parent key");
    if (key.length < 16 || key.length > 64) {
      throw new InvalidInputError(`parent key must be 16..64 bytes, got ${key.length}`);
    }
    if (!ALL_PURPOSES.has(purpose)) throw new InvalidInputError("unknown subkey purpose");
    return sodium.crypto_generichash(32, utf8(purpose), key);
  }

  // §3 -------------------------------------------------------------------------

  /**
   * Fresh parameters for a new passphrase: random 16-byte salt, floor costs.
   * @returns {KdfParams}
   */
  function newKdfParams() {
    return { alg: ALG_ARGON2ID13, salt: random(SALT_BYTES), opslimit: OPSLIMIT, memlimit: MEMLIMIT };
  }

  /**
   * JSON form {alg, salt (base64url), opslimit, memlimit} (SPEC §3.1).
   * @param {KdfParams} params
   * @returns {KdfParamsJson}
   */
  function kdfParamsToJson(params) {
    return {
      alg: params.alg,
      salt: b64encode(params.salt),
      opslimit: params.opslimit,
      memlimit: params.memlimit,
    };
  }

  /**
   * Parse the JSON form; does not check the floor (checkKdfParams does, before deriving).
   * @param {unknown} obj
   * @returns {KdfParams}
   */
  function kdfParamsFromJson(obj) {
    if (!isPlainObject(obj) || !hasExactly(obj, ["alg", "memlimit", "opslimit", "salt"])) {
      throw new InvalidInputError("KDF params must have exactly alg, salt, opslimit, memlimit");
    }
    if (typeof obj.alg !== "string" || typeof obj.salt !== "string") {
      throw new InvalidInputError("KDF params alg and salt must be strings");
    }
    return {
      alg: obj.alg,
      salt: b64decode(obj.salt),
      opslimit: requireInt(obj.opslimit, "opslimit"),
      memlimit: requireInt(obj.memlimit, "memlimit"),
    };
  }

  /**
   * SPEC §3.1: InvalidInputError (salt, types, above the ceiling), WeakParametersError (alg, below the floor).
   * @param {KdfParams} params
   */
  function checkKdfParams(params) {
    if (params === null || typeof params !== "object") throw new InvalidInputError("params must be KDF parameters");
    requireBytes(params.salt, "salt", SALT_BYTES);
    const opslimit = requireInt(params.opslimit, "opslimit");
    const memlimit = requireInt(params.memlimit, "memlimit");
    if (params.alg !== ALG_ARGON2ID13) throw new WeakParametersError("KDF algorithm must be argon2id13");
    if (opslimit < OPSLIMIT || memlimit < MEMLIMIT) {
      throw new WeakParametersError("KDF parameters are below the floor (opslimit 3, 64 MiB)");
    }
    if (opslimit > OPSLIMIT_MAX || memlimit > MEMLIMIT_MAX) {
      throw new InvalidInputError("KDF parameters are above the ceiling (opslimit 10, 256 MiB)");
    }
  }

  /**
   * UTF-8 of NFC(passphrase); the empty passphrase and lone surrogates are invalid input (SPEC §3.2).
   * @param {string} passphrase
   */
  function encodePassphrase(passphrase) {
    if (typeof passphrase !== "string") throw new InvalidInputError("passphrase must be a string");
    if (passphrase === "") throw new InvalidInputError("passphrase must not be empty");
    if (!isWellFormed(passphrase)) throw new InvalidInputError("passphrase is not valid Unicode text");
    return utf8(passphrase.normalize("NFC"));
  }

  /**
   * Argon2id13 root of a passphrase, after checking the parameters (SPEC §3.2).
   * @param {string} passphrase
   * @param {KdfParams} params
   */
  function passphraseRoot(passphrase, params) {
    checkKdfParams(params);
    const p = encodePassphrase(passphrase);
    try {
      return sodium.crypto_pwhash(
        32,
        p,
        asBytes(params.salt, "salt"),
        params.opslimit,
        params.memlimit,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
      );
    } finally {
      wipe(p);
    }
  }

  /**
   * {authKey, wrapKey} of a passphrase (SPEC §3.2). Runs Argon2id: call it in a Web Worker.
   * @param {string} passphrase
   * @param {KdfParams} params
   * @returns {DerivedKeys}
   */
  function derivePassphraseKeys(passphrase, params) {
    const root = passphraseRoot(passphrase, params);
    try {
      return { authKey: subkey(root, PURPOSES.LOGIN), wrapKey: subkey(root, PURPOSES.PASSPHRASE_WRAP) };
    } finally {
      wipe(root);
    }
  }

  // §4 -------------------------------------------------------------------------

  /**
   * @param {Uint8Array} secret
   */
  function checkChar(secret) {
    return RECOVERY_ALPHABET[sodium.crypto_generichash(32, secret, null)[0] % 32];
  }

  /** 16 random bytes (SPEC §4.1). */
  function newRecoverySecret() {
    return random(RECOVERY_SECRET_BYTES);
  }

  /**
   * {authKey, wrapKey} of the recovery secret (SPEC §4.1).
   * @param {BytesLike} secret
   * @returns {DerivedKeys}
   */
  function deriveRecoveryKeys(secret) {
    const key = requireBytes(secret, "recovery secret", RECOVERY_SECRET_BYTES);
    return { authKey: subkey(key, PURPOSES.RECOVERY_LOGIN), wrapKey: subkey(key, PURPOSES.RECOVERY_WRAP) };
  }

  /**
   * Printed code: 26 Base32 characters + check character, groups of 4 joined by "-" (SPEC §4.2).
   * @param {BytesLike} secret
   * @returns {string}
   */
  function formatRecoveryCode(secret) {
    const key = requireBytes(secret, "recovery secret", RECOVERY_SECRET_BYTES);
    const code = base32(key) + checkChar(key);
    return /** @type {RegExpMatchArray} */ (code.match(/.{1,4}/g)).join("-");
  }

  /**
   * The secret of a typed code; forgives case, spaces, dashes, 0/1/8 for O/I/B (SPEC §4.3).
   * @param {string} text
   * @returns {Uint8Array}
   */
  function parseRecoveryCode(text) {
    if (typeof text !== "string") throw new InvalidInputError("recovery code must be a string");
    let cleaned = "";
    for (const c of text) if (!RECOVERY_IGNORED.has(c)) cleaned += c;
    // ASCII-only upper-casing (SPEC §18.6, as crypto/recovery.py): toUpperCase() would
    // read "ı" as "I" and "ß" as "SS", codes Python refuses.
    // eslint-disable-next-line no-control-regex -- every character outside ASCII
    if (/[^\u0000-\u007f]/.test(cleaned)) throw new InvalidInputError("recovery code contains a character outside A-Z, 2-7");
    cleaned = Array.from(cleaned.toUpperCase(), (c) => RECOVERY_FORGIVEN[c] ?? c).join("");
    if (cleaned.length !== RECOVERY_CODE_CHARS) {
      throw new InvalidInputError(`recovery code must have ${RECOVERY_CODE_CHARS} characters`);
    }
    for (const c of cleaned) {
      if (!RECOVERY_ALPHABET.includes(c)) throw new InvalidInputError("recovery code contains a character outside A-Z, 2-7");
    }
    const body = cleaned.slice(0, 26);
    const secret = unbase32(body, RECOVERY_SECRET_BYTES);
    if (base32(secret) !== body) throw new InvalidInputError("recovery code is not canonical");
    if (checkChar(secret) !== cleaned[26]) throw new InvalidInputError("recovery code check character does not match");
    return secret;
  }

  // §5 -------------------------------------------------------------------------

  /**
   * @param {string} which
   */
  function masterKeyAd(which) {
    if (which !== "passphrase" && which !== "recovery") {
      throw new InvalidInputError('which must be "passphrase" or "recovery"');
    }
    return utf8(AD_MASTER_KEY[which]);
  }

  /** 32 random bytes (SPEC §5). */
  function newMasterKey() {
    return random(KEY_BYTES);
  }

  /**
   * 73-byte blob (SPEC §5). `which`: "passphrase" | "recovery". `nonce`: test vectors only.
   * @param {BytesLike} masterKey
   * @param {BytesLike} wrapKey
   * @param {"passphrase" | "recovery"} which
   * @param {NonceOption} [options]
   */
  function wrapMasterKey(masterKey, wrapKey, which, { nonce = null } = {}) {
    const ad = masterKeyAd(which);
    const key = requireBytes(masterKey, "master key", KEY_BYTES);
    return sealBlob(wrapKey, key, ad, { nonce });
  }

  /**
   * Inverse of wrapMasterKey; DecryptionError on a wrong key, tampering or the other wrapper.
   * @param {BytesLike} blob
   * @param {BytesLike} wrapKey
   * @param {"passphrase" | "recovery"} which
   */
  function unwrapMasterKey(blob, wrapKey, which) {
    return openBlob(wrapKey, blob, masterKeyAd(which), KEY_BYTES);
  }

  // §6 -------------------------------------------------------------------------

  /**
   * {boxPublic, boxSecret, signPublic, signSeed} from the two 32-byte secrets (SPEC §6).
   * @param {BytesLike} boxSecret
   * @param {BytesLike} signSeed
   * @returns {AccountKeys}
   */
  function accountKeysFromSecrets(boxSecret, signSeed) {
    const boxSk = requireBytes(boxSecret, "box secret", KEY_BYTES);
    const seed = requireBytes(signSeed, "sign seed", KEY_BYTES);
    const pair = sodium.crypto_sign_seed_keypair(seed);
    wipe(pair.privateKey);
    return {
      boxPublic: sodium.crypto_scalarmult_base(boxSk),
      boxSecret: boxSk,
      signPublic: pair.publicKey,
      signSeed: seed,
    };
  }

  /** Two independent fresh key pairs: crypto_box_keypair, and Ed25519 from a random seed (SPEC §6). */
  function generateAccountKeys() {
    const box = sodium.crypto_box_keypair();
    return accountKeysFromSecrets(box.privateKey, random(KEY_BYTES));
  }

  /**
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function keyringAd(boxPublic, signPublic) {
    return concat(
      utf8(AD_KEYRING_PREFIX),
      requireBytes(boxPublic, "box public key", KEY_BYTES),
      requireBytes(signPublic, "sign public key", KEY_BYTES),
    );
  }

  /**
   * 105-byte blob of boxSecret || signSeed under subkey(master, "coffre/v1/keyring") (SPEC §6).
   * @param {AccountKeys} keys
   * @param {BytesLike} masterKey
   * @param {NonceOption} [options]
   */
  function wrapKeyring(keys, masterKey, { nonce = null } = {}) {
    const master = requireBytes(masterKey, "master key", KEY_BYTES);
    const plaintext = concat(
      requireBytes(keys.boxSecret, "box secret", KEY_BYTES),
      requireBytes(keys.signSeed, "sign seed", KEY_BYTES),
    );
    const ad = keyringAd(keys.boxPublic, keys.signPublic);
    const key = subkey(master, PURPOSES.KEYRING);
    try {
      return sealBlob(key, plaintext, ad, { nonce });
    } finally {
      wipe(key, plaintext);
    }
  }

  /**
   * Inverse of wrapKeyring; DecryptionError also when the secrets do not match the public keys (SPEC §6).
   * @param {BytesLike} blob
   * @param {BytesLike} masterKey
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   * @returns {AccountKeys}
   */
  function unwrapKeyring(blob, masterKey, boxPublic, signPublic) {
    const master = requireBytes(masterKey, "master key", KEY_BYTES);
    const ad = keyringAd(boxPublic, signPublic);
    const key = subkey(master, PURPOSES.KEYRING);
    let plaintext;
    try {
      plaintext = openBlob(key, blob, ad, 64);
    } finally {
      wipe(key);
    }
    const keys = accountKeysFromSecrets(plaintext.slice(0, 32), plaintext.slice(32));
    wipe(plaintext);
    const matchesBox = sodium.memcmp(keys.boxPublic, asBytes(boxPublic, "box public key"));
    const matchesSign = sodium.memcmp(keys.signPublic, asBytes(signPublic, "sign public key"));
    if (!(matchesBox && matchesSign)) {
      wipe(keys.boxSecret, keys.signSeed);
      throw new DecryptionError("keyring secrets do not match the account's public keys");
    }
    return keys;
  }

  return {
    b64encode,
    b64decode,
    subkey,
    newKdfParams,
    kdfParamsToJson,
    kdfParamsFromJson,
    checkKdfParams,
    encodePassphrase,
    passphraseRoot,
    derivePassphraseKeys,
    newRecoverySecret,
    deriveRecoveryKeys,
    formatRecoveryCode,
    parseRecoveryCode,
    newMasterKey,
    wrapMasterKey,
    unwrapMasterKey,
    accountKeysFromSecrets,
    generateAccountKeys,
    wrapKeyring,
    unwrapKeyring,
  };
}
