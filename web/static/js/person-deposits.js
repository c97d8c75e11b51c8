// @ts-check
// A deposited document's proof of origin (crypto/SPEC.md §16), checked in the page
// when the person opens it: "Déposé par Mme Dupont (CCAS de Clermont-Ferrand)", then
// "Signature vérifiée" or a plain warning.
//
// The depositor's keys are verified up to the territory's pinned root (trust.js),
// then the signed statement under the depositor's certified sign key: made for this
// person, by this depositor, in the structure their certificate names, about these
// exact encrypted bytes (the ciphertext SHA-256 the vault lists). A document
// re-encrypted since (after a share was stopped) is no longer covered: said so.
// A v2 deposit (SPEC §24.3, documents-v2.js) is checked the same way under the
// depositor's certified key: its statement binds the key commitment, the content and
// the metadata; the document itself opened only if its parts matched it (§24.4).
import { verifyDeposit } from "./network.js";
import { fill } from "./consent-common.js";
import { documentsV2 } from "./documents-v2.js";

/** @typedef {import("./types/page").VaultDocument} VaultDocument */

/** @param {import("./types/page").PersonHelpers} P */
export function createDepositCheck(P) {
  const { S, C, state, show } = P;
  /** @type {VaultDocument | null} */
  let checking = null; // the document whose origin is on screen
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /**
   * @param {string} id
   * @param {string} text
   * @param {string} [className]
   */
  function line(id, text, className = "") {
    const node = byId(id);
    node.textContent = text;
    node.className = className;
  }

  /**
   * @param {string} text
   * @param {boolean} good
   */
  function result(text, good) {
    line("doc-origin-check", text, good ? "verified" : "warning");
    byId("doc-origin-verify").hidden = true;
  }

  /** @param {VaultDocument} doc */
  async function documentOpened(doc) {
    const box = byId("doc-origin");
    checking = doc.deposit ? doc : null;
    box.hidden = !checking;
    if (!checking) return;
    const depositor = /** @type {NonNullable<VaultDocument["deposit"]>} */ (doc.deposit).depositor;
    line("doc-origin-who", fill(S.deposited_by, { professional: depositor.display_name, structure: depositor.structure_name }), "doc-name");
    line("doc-origin-check", S.deposit_checking);
    byId("doc-origin-verify").hidden = true;
    try {
      const root = await P.trust.check();
      if (checking !== doc) return;
      if (root.state === "changed" || root.state === "unchained") return result(S.deposit_root_changed, false);
      if (root.state === "mismatch") return result(S.deposit_root_unknown, false);
      if (root.state === "first") {
        line("doc-origin-check", S.deposit_check_first);
        const verify = byId("doc-origin-verify");
        verify.hidden = false;
        verify.dataset.fingerprint = root.fingerprint;
        return;
      }
      result(await verdict(doc), true);
    } catch (error) {
      if (checking !== doc) return;
      result(error instanceof Warning ? error.message : S.deposit_not_verified, false);
    }
  }

  class Warning extends Error {}

  /**
   * The sentence saying it is verified; a Warning saying why not.
   * @param {VaultDocument} doc
   * @returns {Promise<string>}
   */
  async function verdict(doc) {
    const { envelope, depositor } = /** @type {NonNullable<VaultDocument["deposit"]>} */ (doc.deposit);
    const keys = await P.trust.verifiedKeys(depositor.account_id);
    if (!keys) throw new Warning(S.deposit_keys_not_certified);
    const V2 = documentsV2(P);
    // A v2 deposit (SPEC §24.3): the statement the document was opened with, when it
    // is still its binding, else the deposit the server keeps; verified under the
    // certified key, about this document, for this person, from this depositor.
    const v2Envelope = V2.isDepositV2(doc.binding) ? doc.binding : V2.isDepositV2(envelope) ? envelope : null;
    if (v2Envelope) {
      let checked;
      try {
        checked = V2.verifyDepositV2(v2Envelope, { document: doc.id, depositorId: depositor.account_id, signPublic: keys.signPublic });
      } catch {
        throw new Warning(S.deposit_not_verified);
      }
      if (checked.structure !== keys.leaf.structure) throw new Warning(S.deposit_not_verified);
      if (checked.parts.ciphertextSha256 !== doc.ciphertextSha256) throw new Warning(S.deposit_reencrypted);
      return fill(S.deposit_verified, { professional: keys.leaf.display_name, structure: depositor.structure_name });
    }
    const statement = envelope && envelope.statement;
    if (statement && statement.ciphertext_sha256 !== doc.ciphertextSha256) throw new Warning(S.deposit_reencrypted);
    let checked;
    try {
      checked = verifyDeposit(C, envelope, {
        depositorSignKey: keys.signPublic,
        personId: /** @type {string} */ (state.accountId),
        ciphertextSha256: doc.ciphertextSha256,
        depositorId: depositor.account_id,
      });
    } catch {
      throw new Warning(S.deposit_not_verified);
    }
    if (checked.document !== doc.id || checked.structure !== keys.leaf.structure) throw new Warning(S.deposit_not_verified);
    return fill(S.deposit_verified, { professional: keys.leaf.display_name, structure: depositor.structure_name });
  }

  // "Vérifier la signature" before any share: the territory's key is compared once.
  function startVerify() {
    const doc = checking;
    const fingerprint = byId("doc-origin-verify").dataset.fingerprint;
    if (!doc || !fingerprint) return;
    P.trust.ask(fingerprint, {
      onConfirm: () => P.openDocument(doc.id),
      onBack: () => show("document"),
    });
  }

  return {
    documentOpened,
    screens: [],
    enter: {},
    actions: { "deposit-verify": startVerify },
    wipe() {
      checking = null;
      byId("doc-origin").hidden = true;
      for (const id of ["doc-origin-who", "doc-origin-check"]) byId(id).textContent = "";
    },
  };
}
