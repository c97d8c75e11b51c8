// @ts-check
// Certifying a member's key face to face, from a desk page: the structure admin certifies
// a professional of their structure (structure-admin.js), the territory admin a structure
// admin with the root key (admin-certify.js). One screen, "certify" (the template macro
// console/_certify.html): the member's pin is computed HERE from the key the server
// serves (SPEC §25), so a swapped key shows another pin than the one on the member's own
// screen; the admin compares it as a QR code photographed on the member's screen (jsQR)
// or as the groups read aloud, then signs with their own key, opened by their passphrase
// for that signature only (desk-signing.js) and wiped at once. Nothing is stored.
//
// The page says which certificate to make (`certificate` below): v2 (SPEC §26.2, with an
// end) or v1 (SPEC §15, a territory made before v2) through `makeCertificate`.
import { createCoffreCrypto } from "./coffre-crypto.js";
import { createCoffreCryptoV2 } from "./coffre-crypto-v2.js";
import { createCoffreStatementsV2 } from "./coffre-statements-v2.js";
import { createCertificatesV2 } from "./certificates-v2.js";
import { fill } from "./consent-common.js";
import { byId, formOf } from "./desk.js";

/** A refusal the page explains itself (its message is already in the page's language). */
export class Refusal extends Error {}

/**
 * @typedef {object} FaceToFaceContext
 * @property {Record<string, string>} strings certify_* texts (web/structure_strings.py certification_strings)
 * @property {Record<string, any>} config `jsqr` (the vendored jsQR's URL)
 * @property {ReturnType<typeof import("./desk-signing.js").createDeskSigning>} signing
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string, options?: {status?: string}) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(error: unknown) => string} problem
 * @property {(member: Record<string, any>, signSeed: Uint8Array, na: any, me: Record<string, any>) => Promise<Record<string, any>>} certificate
 *   the envelope to send, signed with `signSeed` (throws Refusal to say why not)
 * @property {(member: Record<string, any>) => Promise<void>} done after the server stored it
 */

/**
 * The certificate over `member`'s keys: v2 when `v2` says the territory and the days,
 * otherwise v1 (a chain never mixes formats: the caller decides).
 * @param {any} na libsodium
 * @param {Record<string, any>} member a row of GET /structures/{id}/members
 * @param {{structure: string, issuer: string, v2: {territory: string, days: number} | null}} how
 * @param {Uint8Array} signSeed
 */
export function makeCertificate(na, member, how, signSeed) {
  const C = createCoffreCrypto(na);
  if (how.v2) {
    return createCertificatesV2(na).issueCertificate({
      territory: how.v2.territory,
      subject: member.account_id,
      role: member.role,
      structure: how.structure,
      displayName: member.display_name,
      profession: member.profession,
      boxPublic: C.b64decode(member.box_public_key),
      signPublic: C.b64decode(member.sign_public_key),
      issuer: how.issuer,
      days: how.v2.days,
    }, signSeed);
  }
  const statement = {
    v: 1,
    type: "coffre/key-certificate",
    subject: member.account_id,
    role: member.role,
    structure: how.structure,
    display_name: member.display_name,
    profession: member.profession,
    box_public_key: member.box_public_key,
    sign_public_key: member.sign_public_key,
    issuer: how.issuer,
    issued_at: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"),
  };
  return C.signStatement(statement, signSeed);
}

/** @param {string} text */
const normal = (text) => text.toUpperCase().replace(/[^0-9A-Z]/g, "");

/** @param {string} url */
function loadScript(url) {
  return new Promise((resolve, reject) => {
    if (document.querySelector(`script[src="${url}"]`)) return resolve(undefined);
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(undefined);
    script.onerror = () => reject(new Error("script"));
    document.head.append(script);
  });
}

/**
 * The text of the QR code in a photo (jsQR on the image's pixels), or "".
 * @param {string} jsqr the vendored jsQR's URL
 * @param {File} file
 */
async function readQr(jsqr, file) {
  await loadScript(jsqr);
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    // A phone's photo is large: jsQR reads a smaller copy as well, and faster.
    const scale = Math.min(1, 1600 / Math.max(image.naturalWidth, image.naturalHeight));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d", { willReadFrequently: true }));
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = /** @type {any} */ (window).jsQR(pixels.data, canvas.width, canvas.height);
    return found ? String(found.data) : "";
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** @param {FaceToFaceContext} ctx */
export function createFaceToFace(ctx) {
  const { strings: S, config, signing, api, show, showError, busy, problem } = ctx;
  /** @type {Record<string, any> | null} */
  let target = null;

  async function statements() {
    const na = await signing.loadSodium();
    return { na, st: createCoffreStatementsV2(na, createCoffreCryptoV2(na)), C: createCoffreCrypto(na) };
  }

  /** The "certify" screen for `member`: their pin, computed here. @param {Record<string, any>} member */
  async function open(member) {
    target = member;
    const { st, C } = await statements();
    byId("certify-who").textContent = fill(S.certify_who, { name: member.display_name });
    byId("certify-pin").textContent = st.pinSpoken(C.b64decode(member.sign_public_key));
    formOf("certify-form").reset();
    byId("certify-photo-result").hidden = true;
    showError("certify-error", "");
    show("certify");
  }

  /** The member's pin QR code, photographed: compared with the served key's. */
  async function onPhoto() {
    const input = /** @type {HTMLInputElement} */ (byId("certify-photo"));
    const file = input.files?.[0];
    const result = byId("certify-photo-result");
    showError("certify-error", "");
    result.hidden = true;
    if (!file || !target) return;
    const text = await readQr(config.jsqr, file).catch(() => "");
    input.value = "";
    if (!text) return showError("certify-error", S.certify_no_qr);
    const { st, C } = await statements();
    const expected = st.pinQrPayload(C.b64decode(target.sign_public_key));
    if (text.trim().toUpperCase() !== expected.toUpperCase()) return showError("certify-error", S.certify_mismatch);
    /** @type {HTMLInputElement} */ (byId("certify-typed")).value = byId("certify-pin").textContent || "";
    result.textContent = S.certify_qr_ok;
    result.hidden = false;
  }

  /** Compare, open the admin's key with the passphrase, sign, send; wipe. @param {SubmitEvent} event */
  async function onCertify(event) {
    event.preventDefault();
    const form = formOf("certify-form");
    const member = target;
    if (!member) return;
    showError("certify-error", "");
    const expected = byId("certify-pin").textContent || "";
    if (!normal(form.typed.value)) return showError("certify-error", S.certify_type_pin);
    if (normal(form.typed.value) !== normal(expected)) return showError("certify-error", S.certify_mismatch);
    const passphrase = form.passphrase.value;
    if (!passphrase) return showError("certify-error", S.certify_passphrase);
    busy(form, true);
    /** @type {Uint8Array | null} */
    let signSeed = null;
    let certified = false;
    try {
      const na = await signing.loadSodium();
      const me = await (await api("GET", "/me")).json();
      signSeed = await signing.openSignSeed(passphrase, me);
      form.passphrase.value = "";
      if (!signSeed) return showError("certify-error", S.certify_wrong_passphrase);
      const envelope = await ctx.certificate(member, signSeed, na, me);
      await api("POST", `/memberships/${member.membership_id}/certificate`, { json: { certificate: envelope } });
      certified = true;
    } catch (error) {
      showError("certify-error", error instanceof Refusal ? error.message : problem(error));
    } finally {
      signing.wipe(signSeed);
      form.passphrase.value = "";
      busy(form, false);
    }
    if (certified) {
      target = null;
      await ctx.done(member);
    }
  }

  function forget() {
    target = null;
  }

  return { open, onPhoto, onCertify, forget };
}
