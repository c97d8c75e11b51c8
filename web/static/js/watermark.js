// @ts-check
// The visible watermark on a copy a professional keeps or prints (docs/CONSENT.md,
// "Copie transmise à … (structure) pour … le …"): the text, and a PDF copy of a
// pulled document with that text stamped on every page.
//
// Works on a copy: the decrypted bytes passed in are never modified, and the stored
// document never changes. Uses pdf-lib 1.17.1, which the caller passes in
// (`window.PDFLib` in the page, where it is a classic script; the package in Node),
// so this module imports nothing and runs in both.
//
// Only Helvetica (a standard font, nothing embedded) is used: it speaks WinAnsi,
// which covers French; any other character is replaced rather than failing.

export const CANNOT_WATERMARK = "cannot_watermark";
export const STAMPABLE_TYPES = Object.freeze(["application/pdf", "image/jpeg", "image/png"]);

const REPLACEMENT = "?";
const MAX_TEXT = 300; // characters: a footer line, not a letter
const MAX_PAGE_SIDE = 14400; // points: the largest page PDF readers accept
const MIN_IMAGE_SIDE = 300; // points: below this the stamp would not be legible
const DIAGONAL_OPACITY = 0.22;
const BAND_OPACITY = 0.9;

/** An error the page maps to a message; `code` is "cannot_watermark". */
export class WatermarkError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "WatermarkError";
    this.code = CANNOT_WATERMARK;
  }
}

/**
 * @param {unknown} value
 * @param {string} name
 */
function cleanLine(value, name) {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  // One line: control characters (newlines included) become spaces.
  // eslint-disable-next-line no-control-regex
  const line = value.normalize("NFC").replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").replace(/\s+/g, " ").trim();
  if (line === "") throw new TypeError(`${name} must not be empty`);
  return line;
}

/**
 * "Copie transmise à {recipient} ({structure}) pour {purpose} le {dd/mm/yyyy}", the day
 * in `timeZone` (the page gives the territory's, as on every screen: dates.js), or in
 * the device's time zone when none is given.
 * @param {{recipient?: string, structure?: string, purpose?: string, date?: Date, timeZone?: string}} [words]
 */
export function watermarkText({ recipient, structure, purpose, date, timeZone } = {}) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError("date must be a valid Date");
  /** @type {Record<string, string>} */
  const parts = {};
  const format = new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "2-digit", day: "2-digit", timeZone });
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  const day = `${parts.day}/${parts.month}/${parts.year}`;
  return (
    `Copie transmise à ${cleanLine(recipient, "recipient")} (${cleanLine(structure, "structure")}) ` +
    `pour ${cleanLine(purpose, "purpose")} le ${day}`
  );
}

/**
 * `text` reduced to what the font can draw: one line, NFC; a character outside the
 * font's encoding loses its accents if that is enough (NFD without combining marks),
 * or becomes "?".
 * @param {import("pdf-lib").PDFFont} font
 * @param {string} text
 */
export function encodableText(font, text) {
  const supported = new Set(font.getCharacterSet());
  const out = [];
  for (const char of cleanLine(text, "text")) {
    if (supported.has(Number(char.codePointAt(0)))) {
      out.push(char);
      continue;
    }
    const bare = char.normalize("NFD").replace(/\p{M}/gu, "");
    out.push(bare !== "" && [...bare].every((c) => supported.has(Number(c.codePointAt(0)))) ? bare : REPLACEMENT);
  }
  const line = out.join("");
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

// A page seen as the reader shows it: (u, v) from its visible bottom-left corner,
// mapped to the page's own coordinates through its crop box and /Rotate.
/**
 * @param {import("pdf-lib").PDFPage} page
 * @returns {{width: number, height: number, rotation: number, map: (u: number, v: number) => {x: number, y: number}}}
 */
function viewOf(page) {
  const { x, y, width, height } = page.getCropBox();
  const rotation = (((Math.round(page.getRotation().angle / 90) * 90) % 360) + 360) % 360;
  const turned = rotation === 90 || rotation === 270;
  /** @type {Record<number, (u: number, v: number) => {x: number, y: number}>} */
  const maps = {
    0: (u, v) => ({ x: x + u, y: y + v }),
    90: (u, v) => ({ x: x + width - v, y: y + u }),
    180: (u, v) => ({ x: x + width - u, y: y + height - v }),
    270: (u, v) => ({ x: x + v, y: y + height - u }),
  };
  const map = maps[rotation];
  return { width: turned ? height : width, height: turned ? width : height, rotation, map };
}

/**
 * @param {import("./types/vendor").PDFLib} PDFLib
 * @param {import("pdf-lib").PDFPage} page
 * @param {import("pdf-lib").PDFFont} font
 * @param {string} line
 */
function stampPage(PDFLib, page, font, line) {
  const { rgb, degrees } = PDFLib;
  const view = viewOf(page);
  const { width: W, height: H } = view;
  const short = Math.min(W, H);

  // Diagonal, semi-transparent, repeated over the whole page; sizes follow the page,
  // so a large photo gets as many copies, as legible, as an A4 sheet.
  const size = Math.max(6, short / 24);
  const textWidth = font.widthOfTextAtSize(line, size);
  const alpha = Math.atan2(H, W);
  const [cos, sin] = [Math.cos(alpha), Math.sin(alpha)];
  const corners = [
    [0, 0],
    [W, 0],
    [0, H],
    [W, H],
  ];
  const along = corners.map(([u, v]) => u * cos + v * sin);
  const across = corners.map(([u, v]) => -u * sin + v * cos);
  const rowGap = size * 4;
  const step = textWidth + size * 3;
  for (let s = Math.min(...across) + size; s < Math.max(...across); s += rowGap) {
    const shift = Math.abs(Math.round(s / rowGap) % 2) * (step / 2); // stagger the rows
    for (let t = Math.min(...along) - shift; t < Math.max(...along); t += step) {
      const at = view.map(t * cos - s * sin, t * sin + s * cos);
      page.drawText(line, {
        x: at.x,
        y: at.y,
        size,
        font,
        color: rgb(0.75, 0.05, 0.05),
        opacity: DIAGONAL_OPACITY,
        rotate: degrees(view.rotation + (alpha * 180) / Math.PI),
      });
    }
  }

  // A solid footer band with the text on one line, shrunk to fit the width.
  const margin = Math.max(2, short / 100);
  let footSize = Math.max(4, short / 55);
  const footWidth = font.widthOfTextAtSize(line, 1);
  if (footWidth * footSize > W - 2 * margin) footSize = Math.max(1, (W - 2 * margin) / footWidth);
  const band = footSize * 1.8;
  const corner = view.map(0, 0);
  page.drawRectangle({
    x: corner.x,
    y: corner.y,
    width: W,
    height: band,
    color: rgb(1, 1, 1),
    opacity: BAND_OPACITY,
    rotate: degrees(view.rotation),
  });
  const start = view.map(margin, (band - footSize) / 2 + footSize * 0.2);
  page.drawText(line, { x: start.x, y: start.y, size: footSize, font, color: rgb(0, 0, 0), rotate: degrees(view.rotation) });
}

/** @param {unknown} bytes */
function ownCopy(bytes) {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  throw new TypeError("bytes must be a Uint8Array or an ArrayBuffer");
}

/**
 * @param {import("./types/vendor").PDFLib} PDFLib
 * @param {Uint8Array} data
 */
async function loadPdf(PDFLib, data) {
  let pdf;
  try {
    pdf = await PDFLib.PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false });
  } catch {
    throw new WatermarkError("unreadable PDF: cannot stamp a copy");
  }
  // An encrypted PDF (even with an owner password only) cannot take a new content
  // stream without breaking: no stamped copy.
  if (pdf.isEncrypted) throw new WatermarkError("encrypted PDF: cannot stamp a copy");
  return pdf;
}

/**
 * @param {import("./types/vendor").PDFLib} PDFLib
 * @param {Uint8Array} data
 * @param {string} mimeType
 */
async function imagePdf(PDFLib, data, mimeType) {
  const pdf = await PDFLib.PDFDocument.create();
  let image;
  try {
    image = mimeType === "image/png" ? await pdf.embedPng(data) : await pdf.embedJpg(data);
  } catch {
    throw new WatermarkError("unreadable image: cannot stamp a copy");
  }
  // A page of the image's size (1 pixel = 1 point), scaled only to stay legible and
  // within what readers accept.
  const longest = Math.max(image.width, image.height);
  const scale = Math.min(Math.max(1, MIN_IMAGE_SIDE / longest), MAX_PAGE_SIDE / longest);
  const width = image.width * scale;
  const height = image.height * scale;
  pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
  return pdf;
}

/**
 * A stamped PDF copy (Uint8Array) of a PDF, JPEG or PNG document: `text` drawn
 * diagonally and repeated on every page, and on a footer band. Other types, and
 * documents that cannot be read, throw a WatermarkError (code "cannot_watermark").
 * @param {import("./types/vendor").PDFLib} PDFLib
 * @param {Uint8Array | ArrayBuffer} bytes
 * @param {string} mimeType
 * @param {string} text
 * @returns {Promise<Uint8Array>}
 */
export async function stampCopy(PDFLib, bytes, mimeType, text) {
  if (!PDFLib || typeof PDFLib.PDFDocument !== "function") throw new TypeError("stampCopy needs the pdf-lib module");
  const type = typeof mimeType === "string" ? mimeType.split(";")[0].trim().toLowerCase() : "";
  if (!STAMPABLE_TYPES.includes(type)) throw new WatermarkError("only PDF, JPEG and PNG copies can be stamped");
  const data = ownCopy(bytes);
  const pdf = type === "application/pdf" ? await loadPdf(PDFLib, data) : await imagePdf(PDFLib, data, type);
  const pages = pdf.getPages();
  if (pages.length === 0) throw new WatermarkError("a PDF without pages: nothing to stamp");
  const font = await pdf.embedFont(PDFLib.StandardFonts.Helvetica);
  const line = encodableText(font, text);
  for (const page of pages) stampPage(PDFLib, page, font, line);
  return pdf.save();
}
