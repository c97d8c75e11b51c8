// @ts-check
// "Mon code de vérification" (crypto/SPEC.md §25): the pin of the person's own sign
// key, the key that signs their shares. A professional compares it with the one their
// screen shows for this person (the key the receipt was signed with): the QR code
// scanned (§25.2, alphanumeric mode), or the 27 characters read aloud in 9 groups of 3
// (§25.3). Nothing secret: it is computed here from the person's public key.
import { documentsV2 } from "./documents-v2.js";

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
    try {
      await loadScript(CONFIG.qrcode);
    } catch {
      return; // the code is written out above; the QR code is a convenience
    }
    if (!window.qrcode || state.keys !== keys) return;
    const qr = window.qrcode(0, "M");
    qr.addData(st.pinQrPayload(keys.signPublic), "Alphanumeric");
    qr.make();
    const svg = new DOMParser().parseFromString(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }), "image/svg+xml");
    const node = document.importNode(svg.documentElement, true);
    node.setAttribute("aria-hidden", "true");
    node.setAttribute("focusable", "false");
    holder.append(node);
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
