// @ts-check
// Coffre crypto format v1, the account flows (crypto/SPEC.md §3–§6, as crypto/account.py):
// a new account, opening it with the passphrase, its wrap key or the recovery code, and a
// new passphrase. One part of createCoffreCrypto (coffre-crypto.js).
import { KEY_BYTES, requireBytes, sodiumTools } from "./crypto-base.js";

/** @typedef {import("./crypto-base.js").BytesLike} BytesLike */
/** @typedef {import("./crypto-base.js").KdfParams} KdfParams */
/** @typedef {import("./crypto-base.js").NewAccount} NewAccount */
/** @typedef {import("./crypto-base.js").Sodium} Sodium */

/**
 * The account flows over the key functions (crypto-keys.js).
 * @param {Sodium} sodium
 * @param {ReturnType<typeof import("./crypto-keys.js").createKeyCrypto>} keys
 */
export function createAccountCrypto(sodium, keys) {
  const { wipe } = sodiumTools(sodium);
  const { b64encode, newKdfParams, kdfParamsToJson, derivePassphraseKeys, newRecoverySecret, deriveRecoveryKeys, newMasterKey, wrapMasterKey, unwrapMasterKey, generateAccountKeys, wrapKeyring, unwrapKeyring } = keys;

  // Account flows (SPEC §3–§6, as crypto/account.py) -------------------------------

  /**
   * Fresh salt, master key, key pairs and recovery secret, all wrapped. Runs Argon2id.
   * Returns plain data (structured-cloneable): {kdfParams, authKey, recoveryAuthKey,
   * wrappedMasterPassphrase, wrappedMasterRecovery, wrappedKeyring, keys, recoverySecret}.
   * @param {string} passphrase
   */
  function createAccount(passphrase) {
    const kdfParams = newKdfParams();
    const passphraseKeys = derivePassphraseKeys(passphrase, kdfParams);
    const recoverySecret = newRecoverySecret();
    const recoveryKeys = deriveRecoveryKeys(recoverySecret);
    const masterKey = newMasterKey();
    const keys = generateAccountKeys();
    try {
      return {
        kdfParams,
        authKey: passphraseKeys.authKey,
        recoveryAuthKey: recoveryKeys.authKey,
        wrappedMasterPassphrase: wrapMasterKey(masterKey, passphraseKeys.wrapKey, "passphrase"),
        wrappedMasterRecovery: wrapMasterKey(masterKey, recoveryKeys.wrapKey, "recovery"),
        wrappedKeyring: wrapKeyring(keys, masterKey),
        keys,
        recoverySecret,
      };
    } finally {
      wipe(masterKey, passphraseKeys.wrapKey, recoveryKeys.wrapKey);
    }
  }

  /**
   * JSON body of POST /api/v1/accounts for a createAccount() result, bytes as base64url.
   * @param {string} login
   * @param {NewAccount} account
   */
  function signupBody(login, account) {
    return {
      login,
      kdf: kdfParamsToJson(account.kdfParams),
      auth_key: b64encode(account.authKey),
      recovery_auth_key: b64encode(account.recoveryAuthKey),
      wrapped_master_passphrase: b64encode(account.wrappedMasterPassphrase),
      wrapped_master_recovery: b64encode(account.wrappedMasterRecovery),
      wrapped_keyring: b64encode(account.wrappedKeyring),
      box_public_key: b64encode(account.keys.boxPublic),
      sign_public_key: b64encode(account.keys.signPublic),
    };
  }

  /**
   * The master key from the passphrase. Refuses weak params before Argon2id; wrong passphrase: DecryptionError.
   * @param {string} passphrase
   * @param {KdfParams} params
   * @param {BytesLike} wrappedMasterPassphrase
   */
  function openMasterKey(passphrase, params, wrappedMasterPassphrase) {
    const { authKey, wrapKey } = derivePassphraseKeys(passphrase, params);
    try {
      return unwrapMasterKey(wrappedMasterPassphrase, wrapKey, "passphrase");
    } finally {
      wipe(authKey, wrapKey);
    }
  }

  /**
   * The account's key pairs from the passphrase (SPEC §3, §5, §6). Runs Argon2id.
   * @param {string} passphrase
   * @param {KdfParams} params
   * @param {BytesLike} wrappedMasterPassphrase
   * @param {BytesLike} wrappedKeyring
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function openAccount(passphrase, params, wrappedMasterPassphrase, wrappedKeyring, boxPublic, signPublic) {
    const masterKey = openMasterKey(passphrase, params, wrappedMasterPassphrase);
    try {
      return unwrapKeyring(wrappedKeyring, masterKey, boxPublic, signPublic);
    } finally {
      wipe(masterKey);
    }
  }

  /**
   * {masterKey, keys} from a wrap key already derived (derivePassphraseKeys, e.g. in
   * the worker before login): no Argon2id here, so it may run on the main thread.
   * @param {BytesLike} wrapKey
   * @param {BytesLike} wrappedMasterPassphrase
   * @param {BytesLike} wrappedKeyring
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function openAccountWithWrapKey(wrapKey, wrappedMasterPassphrase, wrappedKeyring, boxPublic, signPublic) {
    const masterKey = unwrapMasterKey(wrappedMasterPassphrase, wrapKey, "passphrase");
    return { masterKey, keys: unwrapKeyring(wrappedKeyring, masterKey, boxPublic, signPublic) };
  }

  /**
   * {masterKey, keys} from the recovery secret (SPEC §4, §5, §6); masterKey lets the caller set a new passphrase.
   * @param {BytesLike} secret
   * @param {BytesLike} wrappedMasterRecovery
   * @param {BytesLike} wrappedKeyring
   * @param {BytesLike} boxPublic
   * @param {BytesLike} signPublic
   */
  function openAccountWithRecovery(secret, wrappedMasterRecovery, wrappedKeyring, boxPublic, signPublic) {
    const { authKey, wrapKey } = deriveRecoveryKeys(secret);
    wipe(authKey);
    let masterKey;
    try {
      masterKey = unwrapMasterKey(wrappedMasterRecovery, wrapKey, "recovery");
    } finally {
      wipe(wrapKey);
    }
    return { masterKey, keys: unwrapKeyring(wrappedKeyring, masterKey, boxPublic, signPublic) };
  }

  /**
   * {kdfParams, authKey, wrappedMasterPassphrase} for a new passphrase; fresh salt (SPEC §3, §5). Runs Argon2id.
   * @param {BytesLike} masterKey
   * @param {string} newPassphrase
   */
  function rewrapForNewPassphrase(masterKey, newPassphrase) {
    const master = requireBytes(masterKey, "master key", KEY_BYTES);
    const kdfParams = newKdfParams();
    const keys = derivePassphraseKeys(newPassphrase, kdfParams);
    try {
      return {
        kdfParams,
        authKey: keys.authKey,
        wrappedMasterPassphrase: wrapMasterKey(master, keys.wrapKey, "passphrase"),
      };
    } finally {
      wipe(keys.wrapKey);
    }
  }

  return {
    createAccount,
    signupBody,
    openMasterKey,
    openAccount,
    openAccountWithWrapKey,
    openAccountWithRecovery,
    rewrapForNewPassphrase,
  };
}
