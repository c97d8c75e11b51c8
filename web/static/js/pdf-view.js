// @ts-check
// A PDF shown page by page in the page itself, drawn by pdf.js on canvases: Chrome on
// Android has no PDF viewer, so an <iframe> of a PDF showed nothing there. Used for the
// person's documents (documents.js) and the professional's stamped copy (consent-pro.js).
//
// pdf.js (npm pdfjs-dist, vendored by scripts/install-js, URLs in the page's config:
// web/vendor.py) is imported only when a PDF is opened (prepaid data: ~510 KB gzipped,
// then cached for ever under its versioned name). Everything comes from this origin:
// its worker (CSP worker-src 'self'), its WebAssembly decoders of JBIG2 / JPEG 2000
// scans and its standard fonts, fetched only when a PDF needs them. No script of a PDF
// ever runs (pdf.js runs none without its viewer's sandbox, which is not vendored).
//
// A cheap phone's memory: only the pages near the screen are drawn, at most
// MAX_DRAWN canvases at once, each at most MAX_CANVAS_PIXELS; the others keep their
// place (an empty box of the page's size) and are drawn again when scrolled to.

/** @typedef {typeof import("pdfjs-dist")} PdfJs */
/** @typedef {import("pdfjs-dist").PDFDocumentProxy} PdfDocument */
/** @typedef {import("pdfjs-dist").PDFPageProxy} PdfPage */
/** @typedef {import("pdfjs-dist").RenderTask} RenderTask */

/**
 * The page's config fields this module reads (web/templates/vault/app.html).
 * @typedef {{pdfjs: string, pdfjsWorker: string, pdfjsWasm: string, pdfjsFonts: string}} PdfConfig
 */

/**
 * @typedef {object} Slot one page's place in the list
 * @property {number} number 1-based
 * @property {HTMLElement} box
 * @property {number} ratio height / width of the page (the first page's until known)
 * @property {HTMLCanvasElement | null} canvas the drawn page, if any
 * @property {number} drawnWidth the CSS width it was drawn for
 * @property {RenderTask | null} task pdf.js's drawing in progress
 * @property {boolean} busy a drawing of this page is under way (the page read, then drawn)
 * @property {boolean} visible near the screen
 * @property {number} seen how much of it is on screen (0…1)
 */

/**
 * @typedef {object} PdfView
 * @property {HTMLElement} element the toolbar and the pages, for the caller to place
 * @property {number} pages how many pages
 * @property {() => void} destroy stops drawing, frees the canvases and pdf.js's worker
 */

// Zoom levels, relative to the page's width fitting the screen.
const ZOOMS = [0.75, 1, 1.5, 2, 3];
const FIT = 1; // index of 1 in ZOOMS
const MAX_DRAWN = 4; // canvases kept drawn at once
const MAX_CANVAS_PIXELS = 4_000_000; // ~16 MB of memory per canvas at most
const MAX_PIXEL_RATIO = 2; // sharper than this costs memory and shows nothing more

/** @type {Promise<PdfJs> | null} */
let loading = null;
/** @type {PdfView | null} */
let current = null;

/**
 * pdf.js, imported once (dynamic import: the page loads it only when a PDF is opened).
 * @param {PdfConfig} config
 * @returns {Promise<PdfJs>}
 */
export function loadPdfjs(config) {
  if (!loading) {
    loading = import(config.pdfjs).then((/** @type {PdfJs} */ pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = config.pdfjsWorker;
      return pdfjs;
    });
    // A failed import (connection lost) is tried again next time.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

// The viewer's few styles, linked once when a PDF is first shown (next to this module,
// wherever the page serves it from).
function linkStyles() {
  const href = new URL("../css/pdf-view.css", import.meta.url).href;
  if (document.querySelector(`link[href="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

/** @param {string} url a file's URL @returns {string} its directory's, with the slash */
const folder = (url) => url.slice(0, url.lastIndexOf("/") + 1);

/**
 * Opens a PDF with pdf.js. The bytes are copied: pdf.js hands its copy to its worker.
 * @param {PdfConfig} config
 * @param {Uint8Array} bytes
 * @returns {Promise<PdfDocument>}
 */
export async function openPdf(config, bytes) {
  const pdfjs = await loadPdfjs(config);
  return pdfjs.getDocument({
    data: bytes.slice(),
    wasmUrl: folder(config.pdfjsWasm),
    standardFontDataUrl: folder(config.pdfjsFonts),
    // No cMapUrl: the CJK cmaps are not vendored (scripts/install-js).
    enableXfa: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  }).promise;
}

/**
 * @param {string} template
 * @param {Record<string, string | number>} values
 */
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 */
function make(tag, className, text) {
  const element = document.createElement(tag);
  element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** @param {HTMLCanvasElement} canvas */
function release(canvas) {
  // Setting the size to 0 frees the bitmap at once (a removed canvas waits for the GC).
  canvas.width = 0;
  canvas.height = 0;
  canvas.remove();
}

/**
 * Shows `bytes` (a PDF) page by page; any earlier view of this page is destroyed first.
 * Strings of S: pdf_page_of ("Page {n} sur {total}"), pdf_page_label ("{name}, page {n}
 * sur {total}"), pdf_zoom_in, pdf_zoom_out, pdf_zoom_group, pdf_page_failed.
 * @param {PdfConfig} config
 * @param {Uint8Array} bytes
 * @param {{S: Record<string, string>, name: string}} options
 * @returns {Promise<PdfView>}
 */
export async function showPdf(config, bytes, { S, name }) {
  if (current) current.destroy();
  current = null;
  linkStyles();
  const doc = await openPdf(config, bytes);
  const view = build(doc, S, name);
  current = view;
  return view;
}

/** Destroys the view on screen, if any (log-out, another document). */
export function closePdf() {
  if (current) current.destroy();
  current = null;
}

/**
 * @param {PdfDocument} doc
 * @param {Record<string, string>} S
 * @param {string} name
 * @returns {PdfView}
 */
function build(doc, S, name) {
  const total = doc.numPages;
  const element = make("div", "pdf-view");
  const tools = make("div", "pdf-tools");
  tools.setAttribute("role", "group");
  tools.setAttribute("aria-label", S.pdf_zoom_group);
  const smaller = /** @type {HTMLButtonElement} */ (make("button", "pdf-zoom-out", S.pdf_zoom_out));
  const larger = /** @type {HTMLButtonElement} */ (make("button", "pdf-zoom-in", S.pdf_zoom_in));
  smaller.type = larger.type = "button";
  const count = make("p", "pdf-count");
  tools.append(smaller, larger);
  const list = make("div", "pdf-pages");
  // Zoomed in, the pages scroll sideways in this box: reachable by the keyboard too.
  list.tabIndex = 0;
  list.setAttribute("role", "region");
  list.setAttribute("aria-label", name);
  element.append(count, tools, list);

  let zoom = FIT;
  let shown = 1; // the page said in "Page n sur total"
  let destroyed = false;
  /** @type {Slot[]} */
  const slots = [];
  /** @type {Slot[]} the drawn ones, oldest first */
  const drawn = [];

  for (let number = 1; number <= total; number += 1) {
    const box = make("div", "pdf-page");
    box.dataset.page = String(number);
    list.append(box);
    slots.push({ number, box, ratio: Math.SQRT2, canvas: null, drawnWidth: 0, task: null, busy: false, visible: false, seen: 0 });
  }

  /** The CSS width of a page at the current zoom (0 while the screen is hidden), its
   * two 1 px borders (pdf-view.css) left out. */
  const pageWidth = () => Math.max(0, Math.floor((list.clientWidth - 2) * ZOOMS[zoom]));

  /** @param {Slot} slot */
  function size(slot) {
    const width = pageWidth();
    if (!width) return;
    slot.box.style.width = `${width}px`;
    slot.box.style.height = `${Math.round(width * slot.ratio)}px`;
  }

  function sayPage() {
    count.textContent = fill(S.pdf_page_of, { n: shown, total });
    smaller.disabled = zoom === 0;
    larger.disabled = zoom === ZOOMS.length - 1;
  }

  /** @param {Slot} slot */
  function forget(slot) {
    if (slot.task) slot.task.cancel();
    slot.task = null;
    if (slot.canvas) release(slot.canvas);
    slot.canvas = null;
    slot.drawnWidth = 0;
    const index = drawn.indexOf(slot);
    if (index >= 0) drawn.splice(index, 1);
  }

  // Past MAX_DRAWN, the pages far from the screen go first, then those near it but not
  // on it, the farthest from the one shown first; a page on screen stays.
  function keepMemoryBounded() {
    const distance = (/** @type {Slot} */ slot) => (slot.visible ? 0 : 100_000) + Math.abs(slot.number - shown);
    const away = drawn.filter((slot) => !slot.seen).sort((a, b) => distance(b) - distance(a));
    while (drawn.length > MAX_DRAWN && away.length) forget(/** @type {Slot} */ (away.shift()));
  }

  /** @param {Slot} slot */
  async function draw(slot) {
    const width = pageWidth();
    if (destroyed || !width || slot.busy || (slot.canvas && slot.drawnWidth === width)) return;
    slot.busy = true;
    /** @type {RenderTask | null} */
    let task = null;
    let again = false;
    try {
      const page = await doc.getPage(slot.number);
      const natural = page.getViewport({ scale: 1 });
      slot.ratio = natural.height / natural.width;
      size(slot);
      // A page near the screen but not on it is drawn ahead only while there is room.
      if (destroyed || !slot.visible || (!slot.seen && !drawn.includes(slot) && drawn.length >= MAX_DRAWN)) return;
      let scale = (width * Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO)) / natural.width;
      const area = natural.width * natural.height * scale * scale;
      if (area > MAX_CANVAS_PIXELS) scale *= Math.sqrt(MAX_CANVAS_PIXELS / area);
      const viewport = page.getViewport({ scale });
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.floor(viewport.width));
      canvas.height = Math.max(1, Math.floor(viewport.height));
      canvas.style.width = `${width}px`;
      canvas.style.height = `${Math.round(width * slot.ratio)}px`;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", fill(S.pdf_page_label, { name, n: slot.number, total }));
      task = page.render({ canvas, viewport });
      slot.task = task;
      await task.promise;
      if (destroyed) return release(canvas);
      // The earlier drawing (another zoom) stays until this one is ready: no blank flash.
      if (slot.canvas) release(slot.canvas);
      slot.canvas = canvas;
      slot.drawnWidth = width;
      slot.box.replaceChildren(canvas);
      slot.box.classList.remove("pdf-failed");
      if (!drawn.includes(slot)) drawn.push(slot);
      keepMemoryBounded();
      // Zoomed while drawing: drawn again at the new size.
      again = slot.visible && slot.drawnWidth !== pageWidth();
    } catch (error) {
      if (destroyed || (error && error.name === "RenderingCancelledException")) return;
      slot.box.replaceChildren(make("p", "pdf-page-failed", S.pdf_page_failed));
      slot.box.classList.add("pdf-failed");
    } finally {
      if (slot.task === task) slot.task = null;
      slot.busy = false;
    }
    if (again) draw(slot);
  }

  // The pages within half a screen of the view are drawn; the page mostly on screen is
  // the one "Page n sur total" names.
  const near = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const slot = slots[Number(/** @type {HTMLElement} */ (entry.target).dataset.page) - 1];
        slot.visible = entry.isIntersecting;
        if (slot.visible) draw(slot);
      }
      // A hidden screen (another screen shown) leaves nothing near: its canvases go.
      if (!slots.some((slot) => slot.visible)) for (const slot of [...drawn]) forget(slot);
      else keepMemoryBounded();
    },
    { rootMargin: "50% 0px" },
  );
  const onScreen = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const slot = slots[Number(/** @type {HTMLElement} */ (entry.target).dataset.page) - 1];
        slot.seen = entry.isIntersecting ? entry.intersectionRatio : 0;
        if (slot.seen) draw(slot);
      }
      const best = slots.reduce((a, b) => (b.seen > a.seen ? b : a));
      if (best.seen > 0 && best.number !== shown) {
        shown = best.number;
        sayPage();
      }
    },
    { threshold: [0, 0.25, 0.5, 0.75, 1] },
  );

  // A new width (zoom, the screen shown, the phone turned): every box takes its new size,
  // the pages near the screen are drawn again, the others forgotten.
  function relayout() {
    for (const slot of slots) size(slot);
    for (const slot of slots) {
      if (slot.visible) draw(slot);
      else if (slot.canvas) forget(slot);
    }
  }
  // Taken off the page (another document, log-out: the caller empties its box), the
  // view ends itself: pdf.js's worker holds the document's plain bytes.
  /** @type {MutationObserver | null} */
  let removed = null;
  let lastWidth = 0;
  const resized = new ResizeObserver(() => {
    if (!removed && element.parentElement) {
      removed = new MutationObserver(() => {
        if (!element.isConnected) destroy();
      });
      removed.observe(element.parentElement, { childList: true });
    }
    if (list.clientWidth === lastWidth) return;
    lastWidth = list.clientWidth;
    relayout();
  });

  /** @param {number} step */
  function changeZoom(step) {
    const next = Math.min(ZOOMS.length - 1, Math.max(0, zoom + step));
    if (next === zoom) return;
    const slot = slots[shown - 1];
    zoom = next;
    sayPage();
    relayout();
    slot.box.scrollIntoView({ block: "nearest" });
  }
  smaller.addEventListener("click", () => changeZoom(-1));
  larger.addEventListener("click", () => changeZoom(1));

  for (const slot of slots) {
    near.observe(slot.box);
    onScreen.observe(slot.box);
  }
  resized.observe(list);
  sayPage();

  function destroy() {
    if (destroyed) return;
    destroyed = true;
    near.disconnect();
    onScreen.disconnect();
    resized.disconnect();
    if (removed) removed.disconnect();
    for (const slot of slots) forget(slot);
    doc.loadingTask.destroy(); // ends pdf.js's worker and its copy of the bytes
    if (current && current.element === element) current = null;
  }

  return { element, pages: total, destroy };
}
