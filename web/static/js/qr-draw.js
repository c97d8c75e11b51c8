// @ts-check
// A QR code drawn in the page with qrcode-generator (vendored, loaded on demand), as an
// SVG hidden from screen readers: what it holds is always written out beside it, so the
// QR code is a convenience and a library that cannot be loaded is not an error.

/**
 * Empty `holder`, then draw `data` into it. Returns whether a QR code was drawn.
 * @param {string} data
 * @param {HTMLElement} holder
 * @param {"Byte" | "Alphanumeric"} mode
 * @param {{ loadScript: (url: string) => Promise<unknown>, src: string, stillWanted?: () => boolean }} from
 *   where the library is (`src`, loaded with `loadScript`); `stillWanted` is asked once
 *   it is loaded (false: the screen has moved on, nothing is drawn)
 * @returns {Promise<boolean>}
 */
export async function drawQr(data, holder, mode, { loadScript, src, stillWanted = () => true }) {
  holder.replaceChildren();
  try {
    await loadScript(src);
  } catch {
    return false;
  }
  if (!window.qrcode || !stillWanted()) return false;
  const qr = window.qrcode(0, "M");
  qr.addData(data, mode);
  qr.make();
  const svg = new DOMParser().parseFromString(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }), "image/svg+xml");
  const node = document.importNode(svg.documentElement, true);
  node.setAttribute("aria-hidden", "true");
  node.setAttribute("focusable", "false");
  holder.append(node);
  return true;
}
