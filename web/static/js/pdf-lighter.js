// @ts-check
// A heavy PDF of scanned pages made lighter in the page, before it is encrypted and sent
// (add-document.js), only when the person asks for it: each page drawn again by pdf.js
// at a readable resolution (150 dpi, at most 1600 px on its longer side, as the photos
// of add-document.js) as a JPEG, and put back together by pdf-lib. A phone's scan of
// 3 pages often weighs several MB; on a prepaid plan that is money, and on a slow
// connection minutes. A PDF with text in it (not a scan) is not offered: drawn as
// pictures its text could no longer be searched or copied.
//
// Imported by add-document.js only when a heavy PDF is picked; pdf.js comes with it
// (pdf-view.js), pdf-lib only when the person says yes.
import { openPdf } from "./pdf-view.js";

/** A PDF heavier than this is worth making lighter (bytes). */
export const HEAVY_BYTES = 1_000_000;
const DPI = 150;
const MAX_SIDE = 1600; // px
const JPEG_QUALITY = 0.7;
// A page showing fewer letters than this is a picture (a scan, a photo of a paper).
const TEXT_CHARACTERS = 100;
const PAGES_LOOKED_AT = 10; // the first pages say enough, and reading them all costs time

/** @typedef {import("./pdf-view.js").PdfConfig} PdfConfig */

/**
 * Whether a PDF is mostly scanned pages: most of its first pages carry (almost) no text.
 * @param {PdfConfig} config
 * @param {Uint8Array} bytes
 * @returns {Promise<boolean>}
 */
export async function mostlyScanned(config, bytes) {
  const doc = await openPdf(config, bytes);
  try {
    const looked = Math.min(doc.numPages, PAGES_LOOKED_AT);
    let pictures = 0;
    for (let number = 1; number <= looked; number += 1) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      let letters = 0;
      for (const item of content.items) if ("str" in item) letters += item.str.trim().length;
      if (letters < TEXT_CHARACTERS) pictures += 1;
      page.cleanup();
    }
    return looked > 0 && pictures * 2 > looked;
  } finally {
    await doc.loadingTask.destroy();
  }
}

/**
 * @param {HTMLCanvasElement} canvas
 * @returns {Promise<Uint8Array>}
 */
async function jpeg(canvas) {
  /** @type {Blob | null} */
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
  if (!blob) throw new Error("a page could not be drawn as a picture");
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * The PDF drawn again page by page as JPEG pictures, each page keeping its size on
 * paper (its orientation as shown). `onPage(n, total)` is told before each page.
 * @param {PdfConfig} config
 * @param {import("./types/vendor").PDFLib} PDFLib
 * @param {Uint8Array} bytes
 * @param {(n: number, total: number) => void} onPage
 * @returns {Promise<Uint8Array>}
 */
export async function makeLighter(config, PDFLib, bytes, onPage) {
  const doc = await openPdf(config, bytes);
  const canvas = document.createElement("canvas");
  try {
    const out = await PDFLib.PDFDocument.create();
    for (let number = 1; number <= doc.numPages; number += 1) {
      onPage(number, doc.numPages);
      const page = await doc.getPage(number);
      const paper = page.getViewport({ scale: 1 }); // in points: 72 a inch
      const scale = Math.min(DPI / 72, MAX_SIDE / Math.max(paper.width, paper.height));
      const viewport = page.getViewport({ scale });
      canvas.width = Math.max(1, Math.round(viewport.width));
      canvas.height = Math.max(1, Math.round(viewport.height));
      // White paper under the page (pdf.js draws on a white background too; said here
      // so that a JPEG never gets a black one).
      await page.render({ canvas, viewport, background: "#ffffff" }).promise;
      const image = await out.embedJpg(await jpeg(canvas));
      out.addPage([paper.width, paper.height]).drawImage(image, { x: 0, y: 0, width: paper.width, height: paper.height });
      page.cleanup();
    }
    return await out.save();
  } finally {
    canvas.width = canvas.height = 0;
    await doc.loadingTask.destroy();
  }
}
