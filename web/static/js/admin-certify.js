// @ts-check
// The territory admin certifies a structure's admins (and renews their certificates)
// from /administration: the structure's admins with their certificate's state, then the
// face-to-face screen of desk-certify.js (pin as QR code or read aloud). The certificate
// is signed with the ROOT key, which is the territory admin's own account sign key: a v2
// certificate (SPEC §26.2, it ends after the territory's COFFRE_CERTIFICATE_DAYS) signed
// by the v2 root in force; a v1 one (SPEC §15) only on a territory made before v2 (no v2
// root published). After a root rotation to a key that is not this account's (kept
// offline), the page says to use the CLI and signs nothing.
import { createFaceToFace, makeCertificate, Refusal } from "./desk-certify.js";
import { createDeskSigning } from "./desk-signing.js";
import { createCoffreCrypto } from "./coffre-crypto.js";
import { fill } from "./consent-common.js";
import { day } from "./dates.js";
import { byId, el } from "./desk.js";

const STRUCTURE_ADMIN = "structure_admin";

/**
 * @typedef {object} AdminCertifyContext
 * @property {Record<string, string>} strings
 * @property {Record<string, any>} config `sodium`, `jsqr`, `territory`
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string, options?: {status?: string}) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(error: unknown) => string} problem
 */

/** @param {AdminCertifyContext} ctx */
export function createAdminCertify(ctx) {
  const { strings: S, config, api, show, showError, problem } = ctx;
  const signing = createDeskSigning(config);
  /** @type {{structure: {id: string, name: string} | null, admins: Record<string, any>[]}} */
  const state = { structure: null, admins: [] };

  /** @param {Record<string, any>} m */
  function stateLine(m) {
    const until = { date: m.not_after ? day(m.not_after) : "" };
    switch (m.certificate_state) {
      case "valid": return m.not_after ? fill(S.cert_valid_until, until) : S.cert_valid;
      case "ending": return fill(S.cert_ending, until);
      case "expired": return fill(S.cert_expired, until);
      case "revoked": return S.cert_revoked;
      default: return S.cert_none;
    }
  }

  /**
   * The structure's admins (the structure given, or the one shown last).
   * @param {{id: string, name: string} | null} [structure]
   * @param {string} [status]
   */
  async function showAdmins(structure = null, status = "") {
    if (structure) state.structure = structure;
    if (!state.structure) return;
    showError("admins-error", "");
    const listed = await (await api("GET", `/structures/${state.structure.id}/members`)).json();
    state.admins = listed.members.filter((/** @type {any} */ m) => !m.left_at && m.role === STRUCTURE_ADMIN);
    byId("admins-structure").textContent = fill(S.admins_of, { name: state.structure.name });
    const list = byId("admins-list");
    list.replaceChildren();
    for (const m of state.admins) {
      const item = el("li", { className: "adhesion" });
      item.dataset.member = m.account_id;
      item.append(el("h2", { text: m.display_name }));
      item.append(el("p", { className: `cert cert-${m.certificate_state}`, text: stateLine(m) }));
      if (m.certificate_state !== "valid") {
        const actions = el("div", { className: "actions" });
        const certify = el("button", { text: m.certificate_state === "none" ? S.certify : S.renew });
        certify.type = "button";
        certify.dataset.certifyFor = m.account_id;
        certify.setAttribute("aria-label", `${certify.textContent} — ${m.display_name}`);
        actions.append(certify);
        item.append(actions);
      }
      list.append(item);
    }
    if (!state.admins.length) list.append(el("li", { text: S.admins_none }));
    show("admins", { status });
  }

  /**
   * Signed with the root key: this account's, checked against the v2 root in force.
   * @param {Record<string, any>} member @param {Uint8Array} signSeed @param {any} na @param {Record<string, any>} me
   */
  async function certificate(member, signSeed, na, me) {
    const chain = await api("GET", "/trust/root/v2")
      .then((response) => response.json())
      .catch((/** @type {any} */ error) => {
        if (error.code === "trust_root_missing") return null; // a territory made before v2
        throw error;
      });
    const structure = /** @type {{id: string}} */ (state.structure).id;
    const issuer = me.account.id;
    if (!chain) return makeCertificate(na, member, { structure, issuer, v2: null }, signSeed);
    const C = createCoffreCrypto(na);
    const root = C.b64decode(chain.root.statement.sign_public_key);
    if (!na.memcmp(root, C.b64decode(me.keyring.sign_public_key))) throw new Refusal(S.certify_not_root);
    const v2 = { territory: chain.root.statement.territory, days: chain.certificate_days || 365 };
    return makeCertificate(na, member, { structure, issuer, v2 }, signSeed);
  }

  const faceToFace = createFaceToFace({
    ...ctx,
    signing,
    certificate,
    done: async (member) => {
      await showAdmins(null, fill(S.certified, { name: member.display_name })).catch((error) => showError("admins-error", problem(error)));
    },
  });

  /** @param {string} accountId */
  async function showCertify(accountId) {
    const member = state.admins.find((m) => m.account_id === accountId);
    if (member) await faceToFace.open(member);
  }

  function forget() {
    faceToFace.forget();
    state.structure = null;
    state.admins = [];
    byId("admins-list").replaceChildren();
    byId("admins-structure").textContent = "";
  }

  return { showAdmins, showCertify, onCertify: faceToFace.onCertify, onPhoto: faceToFace.onPhoto, forget, end: signing.end };
}
