// @ts-check
// "Mon code de vérification" (crypto/SPEC.md §25): the pin of the person's own sign
// key, the key that signs their shares. A professional compares it with the one their
// screen shows for this person (the key the receipt was signed with): the QR code
// scanned (§25.2, alphanumeric mode), or the 27 characters read aloud in 9 groups of 3
// (§25.3). Nothing secret: it is computed here from the person's public key.
import { documentsV2 } from "./documents-v2.js";
import { drawQr } from "./qr-draw.js";

/** @param {import("./types/page").PersonHelpers} P */
export function createPin(P) {
  const { CONFIG, state, show, loadScript } = P;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  async function showPin() {
    const keys = state.keys;
    if (!keys) return;
    const { st } = documentsV2(P);
    const spoken = st.pinSpoken(keys.signPublic);
    byId("pin-spoken").textContent = spoken; // 9 groups of 3, read group by group
    const holder = byId("pin-qr");
    holder.replaceChildren();
    show("pin");
    await drawQr(st.pinQrPayload(keys.signPublic), holder, "Alphanumeric", {
      loadScript,
      src: CONFIG.qrcode,
      stillWanted: () => state.keys === keys,
    });
  }

  return {
    screens: ["pin"],
    enter: { pin: showPin },
    actions: {},
    wipe() {
      byId("pin-spoken").replaceChildren();
      byId("pin-qr").replaceChildren();
    },
  };
}
