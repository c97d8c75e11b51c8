// @ts-check
// The passphrase KDF of the page, v1 (crypto/SPEC.md §3) or v2 (§19), and the move
// of a v1 account to v2. Two halves:
//
// - worker side (`createKdfOpsV2`, run by kdf-worker.js): the operations that run
//   Argon2id. `derivePassphraseKeysAny` reads the server's parameters (v2 when they
//   carry "v"), checks them (§3.1, §19.1: weak ones are refused before anything is
//   derived) and derives; for v2 the salt comes from the territory, the canonical
//   login and the random part (§19.2): a salt from the server is never used.
//   `createAccountV2` and `rewrapV2` make what sign-up, reset, recovery and the move
//   to v2 send, always v2.
// - page side: `canonicalLogin` (coffre/accounts/login.py's rule, so every device
//   derives the same salt) and `signupBodyV2`.
import { createCoffreCrypto, CryptoError } from "./coffre-crypto.js";
import { createCoffreCryptoV2 } from "./coffre-crypto-v2.js";

/** Operations of kdf-worker.js answered here (the v1 ones are coffre-crypto.js's WORKER_OPS). */
export const KDF_V2_OPS = Object.freeze(["derivePassphraseKeysAny", "createAccountV2", "rewrapV2"]);

const PHONE_CHARS = /^\+?[0-9 .\-()]+$/;
const PSEUDONYM = /^[\p{L}\p{N}_.-]{3,40}$/u;
// Full case folding where it differs from toLowerCase (Unicode CaseFolding.txt, status F
// and the final sigma), for the letters a pseudonym may hold after NFKC.
const FOLD = new Map([
  ["ß", "ss"], ["ẞ", "ss"], ["ς", "σ"], ["ſ", "s"], ["ᾳ", "αι"], ["ῃ", "ηι"], ["ῳ", "ωι"],
  ["ΐ", "ΐ"], ["ΰ", "ΰ"], ["ŉ", "ʼn"], ["ǰ", "ǰ"], ["ẖ", "ẖ"], ["ẗ", "ẗ"], ["ẘ", "ẘ"], ["ẙ", "ẙ"], ["ẚ", "aʾ"],
]);

/**
 * The login as the server keeps it (coffre/accounts/login.py normalise_login), or null
 * when the server would refuse it. Phone numbers keep their digits (+33 becomes 0);
 * pseudonyms are NFKC and case-folded.
 * @param {string} raw
 * @returns {string | null}
 */
export function canonicalLogin(raw) {
  const text = String(raw).normalize("NFKC").trim();
  if (PHONE_CHARS.test(text)) {
    let digits = text.replace(/[^0-9+]/g, "");
    if (digits.startsWith("+33")) digits = "0" + digits.slice(3);
    const bare = digits.replace(/^\+/, "");
    if (bare.length >= 8 && bare.length <= 15 && !digits.slice(1).includes("+")) return digits;
    return null;
  }
  const folded = Array.from(text.toLowerCase(), (c) => FOLD.get(c) ?? c).join("");
  return PSEUDONYM.test(folded) ? folded : null;
}

/**
 * The operations of the KDF worker for v2 (they run Argon2id: call them in kdf-worker.js).
 * @param {import("./types/vendor").Sodium} sodium
 */
export function createKdfOpsV2(sodium) {
  const v1 = createCoffreCrypto(sodium);
  const v2 = createCoffreCryptoV2(sodium);

  /**
   * {authKey, wrapKey, version} from the server's parameters (JSON), checked first.
   * @param {string} passphrase
   * @param {unknown} kdfJson
   * @param {{territory: string, login: string}} who the login as canonicalLogin gives it
   */
  function derivePassphraseKeysAny(passphrase, kdfJson, who) {
    if (kdfJson !== null && typeof kdfJson === "object" && Object.hasOwn(kdfJson, "v")) {
      const params = v2.kdfParamsV2FromJson(kdfJson);
      v2.checkKdfParamsV2(params);
      return { ...v2.derivePassphraseKeysV2(passphrase, params, who), version: 2 };
    }
    const params = v1.kdfParamsFromJson(kdfJson);
    v1.checkKdfParams(params);
    return { ...v1.derivePassphraseKeys(passphrase, params), version: 1 };
  }

  /**
   * {kdf (JSON), authKey, wrappedMasterPassphrase}: a fresh random part and the master
   * key wrapped under the v2 keys of `passphrase` (SPEC §5, §19).
   * @param {Uint8Array} masterKey
   * @param {string} passphrase
   * @param {{territory: string, login: string}} who
   */
  function rewrapV2(masterKey, passphrase, who) {
    const params = v2.newKdfParamsV2();
    const keys = v2.derivePassphraseKeysV2(passphrase, params, who);
    try {
      return {
        kdf: v2.kdfParamsV2ToJson(params),
        authKey: keys.authKey,
        wrappedMasterPassphrase: v1.wrapMasterKey(masterKey, keys.wrapKey, "passphrase"),
      };
    } finally {
      sodium.memzero(keys.wrapKey);
    }
  }

  /**
   * A new account under v2 parameters (as coffre-crypto.js createAccount, SPEC §3–§6, §19).
   * @param {string} passphrase
   * @param {{territory: string, login: string}} who
   */
  function createAccountV2(passphrase, who) {
    const masterKey = v1.newMasterKey();
    const recoverySecret = v1.newRecoverySecret();
    const recoveryKeys = v1.deriveRecoveryKeys(recoverySecret);
    const keys = v1.generateAccountKeys();
    try {
      const passphrasePart = rewrapV2(masterKey, passphrase, who);
      return {
        kdf: passphrasePart.kdf,
        authKey: passphrasePart.authKey,
        recoveryAuthKey: recoveryKeys.authKey,
        wrappedMasterPassphrase: passphrasePart.wrappedMasterPassphrase,
        wrappedMasterRecovery: v1.wrapMasterKey(masterKey, recoveryKeys.wrapKey, "recovery"),
        wrappedKeyring: v1.wrapKeyring(keys, masterKey),
        keys,
        recoverySecret,
      };
    } finally {
      sodium.memzero(masterKey);
      sodium.memzero(recoveryKeys.wrapKey);
    }
  }

  return { derivePassphraseKeysAny, rewrapV2, createAccountV2 };
}

/**
 * Answer one worker request for a KDF_V2_OPS operation, in the shape of
 * coffre-crypto.js handleWorkerRequest ({id, ok, result} or {id, ok: false, error}).
 * @param {Promise<Record<string, (...args: any[]) => unknown>>} ops
 * @param {any} request
 */
export async function handleKdfV2Request(ops, request) {
  const id = request.id;
  try {
    const args = Array.isArray(request.args) ? request.args : [];
    return { id, ok: true, result: (await ops)[request.op](...args) };
  } catch (error) {
    const known = error instanceof CryptoError;
    return {
      id,
      ok: false,
      error: { name: known ? error.name : "CryptoError", message: known ? error.message : "internal error in the crypto worker" },
    };
  }
}

/**
 * JSON body of POST /api/v1/accounts (and /auth/reset) for a createAccountV2 result.
 * @param {{b64encode: (bytes: Uint8Array) => string}} C coffre-crypto.js
 * @param {string} login as the person typed it (the server normalises it as canonicalLogin did)
 * @param {any} account
 * @returns {Record<string, unknown>}
 */
export function signupBodyV2(C, login, account) {
  return {
    login,
    kdf: account.kdf,
    auth_key: C.b64encode(account.authKey),
    recovery_auth_key: C.b64encode(account.recoveryAuthKey),
    wrapped_master_passphrase: C.b64encode(account.wrappedMasterPassphrase),
    wrapped_master_recovery: C.b64encode(account.wrappedMasterRecovery),
    wrapped_keyring: C.b64encode(account.wrappedKeyring),
    box_public_key: C.b64encode(account.keys.boxPublic),
    sign_public_key: C.b64encode(account.keys.signPublic),
  };
}
