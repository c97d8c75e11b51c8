// web/static/js/watermark.js: the stamped copy a professional keeps, made with pdf-lib.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync, crc32 } from "node:zlib";
import * as PDFLib from "pdf-lib";
import { watermarkText, stampCopy, encodableText, WatermarkError } from "../static/js/watermark.js";

const { PDFDocument, PDFArray, PDFRawStream, StandardFonts, decodePDFRawStream, degrees } = PDFLib;

const TEXT = watermarkText({
  recipient: "Mme Émilie Durand",
  structure: "CCAS de Clermont-Ferrand",
  purpose: "ouverture de droits RSA",
  date: new Date(2025, 2, 5, 12, 0, 0), // local noon: the same day in every time zone
});

// A tiny JPEG (48×32, made with Pillow), and a PNG built here.
const JPEG = Buffer.from(
  [
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19i",
    "Z2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj",
    "Y2NjY2NjY2P/wAARCAAgADADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUF",
    "BAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVW",
    "V1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi",
    "4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAEC",
    "AxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVm",
    "Z2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq",
    "8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCSiiivGPWCiiigAooooAKKKKACiiigAooooA//2Q==",
  ].join(""),
  "base64",
);

function pngOf(width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width * 3 + 1)] = 0; // filter: none
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
      chunk("IHDR", header),
      chunk("IDAT", deflateSync(rows)),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

async function twoPagePdf() {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  pdf.addPage([595, 842]).drawText("Avis d'imposition", { x: 50, y: 780, size: 14, font });
  const turned = pdf.addPage([842, 595]);
  turned.setRotation(degrees(90));
  turned.drawText("Page 2", { x: 50, y: 500, size: 14, font });
  return pdf.save();
}

/** The decoded content streams of each page of a PDF, as latin1 text. */
async function pageContents(bytes) {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
    return streams
      .map((stream) => (stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents()))
      .map((bytes) => Buffer.from(bytes))
      .map((buffer) => buffer.toString("latin1"))
      .join("\n");
  });
}

/** How pdf-lib writes `text` in Helvetica: a hex string of its WinAnsi codes. */
const hexOf = (text) => `<${Buffer.from(text, "latin1").toString("hex").toUpperCase()}>`;

const occurrences = (haystack, needle) => haystack.split(needle).length - 1;

test("the watermark text names the recipient, the structure, the purpose and the day", () => {
  const expected = "Copie transmise à Mme Émilie Durand (CCAS de Clermont-Ferrand) pour ouverture de droits RSA le 05/03/2025";
  assert.equal(TEXT, expected);
  const lastDay = new Date(2024, 11, 31, 23, 59);
  const oneLine = watermarkText({ recipient: " Léa\nMartin ", structure: "SIAO", purpose: "domiciliation", date: lastDay });
  assert.equal(oneLine, "Copie transmise à Léa Martin (SIAO) pour domiciliation le 31/12/2024");
  assert.throws(() => watermarkText({ recipient: "", structure: "SIAO", purpose: "x", date: new Date() }), TypeError);
  assert.throws(() => watermarkText({ recipient: "A", structure: "SIAO", purpose: "x", date: new Date("nope") }), TypeError);
});

test("a two-page PDF keeps its pages, each stamped diagonally and on a footer band", async () => {
  const original = await twoPagePdf();
  const before = original.slice();
  const stamped = await stampCopy(PDFLib, original, "application/pdf", TEXT);
  assert.ok(stamped instanceof Uint8Array);
  assert.deepEqual(original, before, "the original bytes are not modified");
  const pages = await pageContents(stamped);
  assert.equal(pages.length, 2);
  for (const content of pages) {
    // The text in WinAnsi (à = E0, É = C9): several diagonal copies plus the footer.
    assert.ok(occurrences(content, hexOf(TEXT)) >= 3, "the text is repeated on the page");
    assert.match(content, /\n1 1 1 rg\n(?:.*\n)*?h\nf\n/, "the white footer band is filled");
  }
  assert.match(pages[0], /Avis d'imposition|<41766973/, "the page's own content is still there");
  const reloaded = await PDFDocument.load(stamped);
  assert.equal(reloaded.getPage(1).getRotation().angle, 90);
});

test("a PNG and a JPEG become a one-page stamped PDF of the image's proportions", async () => {
  for (const [bytes, type, ratio] of [
    [pngOf(60, 40), "image/png", 60 / 40],
    [new Uint8Array(JPEG), "image/jpeg", 48 / 32],
  ]) {
    const before = bytes.slice();
    const stamped = await stampCopy(PDFLib, bytes, type, TEXT);
    assert.deepEqual(bytes, before);
    const pdf = await PDFDocument.load(stamped);
    assert.equal(pdf.getPageCount(), 1);
    const { width, height } = pdf.getPage(0).getSize();
    assert.ok(Math.abs(width / height - ratio) < 1e-6);
    assert.ok(Math.max(width, height) >= 300, "a tiny image gets a page where the stamp is legible");
    const [content] = await pageContents(stamped);
    assert.match(content, /\/\S+ Do/, "the image is drawn");
    assert.ok(content.includes(hexOf(TEXT)));
  }
});

test("other types, unreadable and encrypted documents cannot be stamped", async () => {
  const isCannot = (error) => error instanceof WatermarkError && error.code === "cannot_watermark";
  await assert.rejects(stampCopy(PDFLib, new Uint8Array([1, 2, 3]), "text/plain", TEXT), isCannot);
  await assert.rejects(stampCopy(PDFLib, new Uint8Array([1, 2, 3]), "image/heic", TEXT), isCannot);
  await assert.rejects(stampCopy(PDFLib, new Uint8Array(JPEG), "image/png", TEXT), isCannot);
  await assert.rejects(stampCopy(PDFLib, new TextEncoder().encode("not a pdf at all"), "application/pdf", TEXT), isCannot);
  const pdf = await PDFDocument.create();
  pdf.addPage();
  pdf.context.trailerInfo.Encrypt = pdf.context.register(pdf.context.obj({ Filter: "Standard", V: 2, R: 3 }));
  const encrypted = await pdf.save({ useObjectStreams: false });
  await assert.rejects(stampCopy(PDFLib, encrypted, "application/pdf", TEXT), (e) => isCannot(e) && /encrypted/.test(e.message));
});

test("a name outside WinAnsi loses its accents or becomes '?', and never breaks the stamp", async () => {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  assert.equal(encodableText(font, "Ștefan Łukasz Œuvre – 5 € “ok”"), "Stefan ?ukasz Œuvre – 5 € “ok”");
  assert.equal(encodableText(font, "Иван 李 😀"), "???? ? ?");
  const date = new Date(2025, 0, 9, 12);
  const text = watermarkText({ recipient: "Ștefan Иван", structure: "CHRS « L'Étape »", purpose: "dossier MDPH", date });
  const stamped = await stampCopy(PDFLib, pngOf(10, 10), "image/png", text);
  const [content] = await pageContents(stamped);
  assert.ok(content.includes(hexOf("Copie transmise à Stefan ???? (CHRS « L'Étape ») pour dossier MDPH le 09/01/2025")));
});

test("the watermark's day is the territory's when its time zone is given", () => {
  // 23:30 UTC on 5 December is already 6 December in Paris, whatever the device's zone.
  const late = new Date(Date.UTC(2026, 11, 5, 23, 30));
  const words = { recipient: "Mme Dupont", structure: "CCAS", purpose: "RSA", date: late };
  assert.equal(watermarkText({ ...words, timeZone: "Europe/Paris" }).slice(-10), "06/12/2026");
  assert.equal(watermarkText({ ...words, timeZone: "UTC" }).slice(-10), "05/12/2026");
});
