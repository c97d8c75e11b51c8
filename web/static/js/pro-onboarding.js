// @ts-check
// The professional's "Inviter une personne" (assisted sign-up: POST /invitations/person
// gives a single-use code valid 3 days, shown as a QR code of the link and as a code to
// read out; the person alone chooses the passphrase on their own phone) and "Mon
// certificat" (until when the certificate runs, what to do before it ends, and the
// key's pin — SPEC §25 — to read to the structure admin who certifies or renews it).
import { documentsV2 } from "./documents-v2.js";
import { day, time } from "./dates.js";
import { fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { drawQr } from "./qr-draw.js";

const ENDING_MS = 30 * 24 * 3600 * 1000;

/** @param {any} ctx the professional's helpers (consent-pro.js) */
export function createProOnboarding(ctx) {
  const { CONFIG, state, api, show, loadScript } = ctx;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @type {Record<string, string>} */
  const T = JSON.parse(byId("pro-onboarding-strings").textContent || "{}");

  /** @param {string} id @param {string} text */
  function error(id, text) {
    const node = byId(id);
    node.textContent = text;
    node.hidden = !text;
  }

  /** @param {string} data @param {HTMLElement} holder @param {"Byte" | "Alphanumeric"} mode */
  async function qrInto(data, holder, mode) {
    await drawQr(data, holder, mode, { loadScript, src: CONFIG.qrcode });
  }

  function showInvitePerson() {
    byId("pro-invite-person-made").hidden = true;
    error("pro-invite-person-error", "");
    show("pro-invite-person");
  }

  async function makeInvitation() {
    error("pro-invite-person-error", "");
    try {
      const made = await (await api("POST", "/invitations/person")).json();
      const link = made.url || `${location.origin}/#invitation=${made.code}`;
      byId("pro-invite-person-code").textContent = made.code;
      byId("pro-invite-person-expires").textContent = fill(T.expires, { date: day(made.expires_at), time: time(made.expires_at) });
      byId("pro-invite-person-made").hidden = false;
      await qrInto(link, byId("pro-invite-person-qr"), "Byte");
    } catch (e) {
      error("pro-invite-person-error", messageFor(e, ""));
    }
  }

  async function showCertificate() {
    error("pro-certificate-error", "");
    const keys = state.keys;
    show("pro-certificate");
    if (keys) {
      const { st } = documentsV2(ctx);
      byId("pro-certificate-pin").textContent = st.pinSpoken(keys.signPublic);
      await qrInto(st.pinQrPayload(keys.signPublic), byId("pro-certificate-qr"), "Alphanumeric");
    }
    try {
      const me = await (await api("GET", "/me")).json();
      const chain = await api("GET", `/professionals/${me.account.id}/keys`)
        .then((/** @type {Response} */ r) => r.json())
        .catch(() => null);
      const own = chain && chain.certificates.length ? chain.certificates[0].statement : null;
      let text = T.none;
      if (own && own.not_after) {
        const end = Date.parse(own.not_after);
        const date = day(own.not_after);
        if (end <= Date.now()) text = fill(T.ended, { date });
        else if (end - Date.now() <= ENDING_MS) text = fill(T.ending, { date });
        else text = fill(T.until, { date });
      } else if (own) {
        text = T.no_end;
      }
      byId("pro-certificate-state").textContent = text;
    } catch (e) {
      error("pro-certificate-error", messageFor(e, ""));
    }
  }

  return {
    screens: ["pro-invite-person", "pro-certificate"],
    enter: { "pro-invite-person": showInvitePerson, "pro-certificate": showCertificate },
    actions: { "pro-invite-person-make": makeInvitation },
    wipe() {
      for (const id of ["pro-invite-person-qr", "pro-certificate-qr"]) byId(id).replaceChildren();
      for (const id of ["pro-invite-person-code", "pro-invite-person-expires", "pro-certificate-pin", "pro-certificate-state"]) byId(id).textContent = "";
      byId("pro-invite-person-made").hidden = true;
    },
  };
}
