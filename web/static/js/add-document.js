// @ts-check
// Adding a document: its type (chosen by the person: none is ticked in advance), its
// pages (camera photos made lighter, or files), one PDF when there are several, the
// encryption in the page, and the upload (transfer.js: a silent connection ends in a
// plain message and "Réessayer"; the bar stops short of 100 % until the server
// answers). Into one's own vault (format v2: documents-v2.js), or (a professional's
// deposit, pro-deposit.js) into the vault of `target` = {intro, sendLabel, path,
// encrypt(…) for a v2 deposit or headers(…) for a v1 one, done()}.
import { askToChoose, byId, checked, choiceMade, fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { StallError, stallMs, upload } from "./transfer.js";
import { documentsV2 } from "./documents-v2.js";

const MAX_SIDE = 1600; // px: a phone photo of a page stays readable and weighs ~300 KB
const JPEG_QUALITY = 0.82;

/**
 * A heavy scanned PDF may be made lighter (pdf-lighter.js), if the person asks: `lighter`
 * says where that stands, `original` keeps the bytes picked, `work` a change under way.
 * @typedef {{kind: "image" | "pdf", bytes: Uint8Array, width?: number, height?: number,
 *   thumbUrl?: string, name?: string, original?: Uint8Array, work?: Promise<void>,
 *   lighter?: "offer" | "working" | "done" | "kept" | "no_gain" | "failed", step?: string}} Page
 */

/**
 * A size as people read it: "850 Ko", "2,4 Mo" (in the page's language).
 * @param {Record<string, string>} S
 * @param {number} bytes
 */
export function sizeText(S, bytes) {
  const format = (/** @type {number} */ n, /** @type {number} */ digits) =>
    new Intl.NumberFormat(document.documentElement.lang || "fr", { maximumFractionDigits: digits }).format(n);
  if (bytes < 1_000_000) return S.size_kb.replace("{n}", format(Math.max(1, Math.round(bytes / 1000)), 0));
  return S.size_mb.replace("{n}", format(bytes / 1_000_000, 1));
}

/** @param {any} ctx the helpers app.js gives */
export function createAddDocument(ctx) {
  const { S, CONFIG, state, show, showError, setStatus, loadScript, categoryLabel } = ctx;
  const kindForm = /** @type {HTMLFormElement} */ (byId("kind-form"));
  /** @param {string} name */
  const field = (name) => /** @type {HTMLInputElement} */ (kindForm.elements.namedItem(name));

  /** @param {any} [target] */
  function start(target = null) {
    for (const page of state.pages) if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
    state.pages = [];
    state.pendingUpload = null;
    state.addTarget = target && typeof target.headers === "function" ? target : null;
    kindForm.reset();
    choiceMade(kindForm, "category");
    showError("kind-error", "");
    for (const id of ["add-kind-for", "add-pages-for"]) {
      const intro = byId(id);
      intro.textContent = state.addTarget ? state.addTarget.intro : "";
      intro.hidden = !state.addTarget;
    }
    byId("send-button").textContent = state.addTarget ? state.addTarget.sendLabel : S.put_in_vault;
    renderPages();
    show("add-kind");
  }

  /** @param {SubmitEvent} event */
  function onKind(event) {
    event.preventDefault();
    if (!checked(kindForm, "category")) return askToChoose(kindForm, "category", "kind-error", S.choose_category);
    showError("pages-error", "");
    show("add-pages");
  }

  /** @param {File} file */
  async function downscale(file) {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    context.fillStyle = "#fff"; // transparent PNGs become white pages, not black ones
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    /** @type {Blob | null} */
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
    canvas.width = canvas.height = 0;
    if (!blob) throw new Error("the photo could not be made lighter");
    return { bytes: new Uint8Array(await blob.arrayBuffer()), width, height, blob };
  }

  /** @param {Event} event */
  async function onFiles(event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    showError("pages-error", "");
    setStatus(S.preparing);
    try {
      for (const file of input.files || []) {
        if (file.type === "application/pdf") {
          /** @type {Page} */
          const page = { kind: "pdf", bytes: new Uint8Array(await file.arrayBuffer()), name: file.name };
          state.pages.push(page);
          offerLighter(page);
        } else if (file.type.startsWith("image/")) {
          const image = await downscale(file);
          state.pages.push({
            kind: "image",
            bytes: image.bytes,
            width: image.width,
            height: image.height,
            thumbUrl: URL.createObjectURL(image.blob),
          });
        } else {
          showError("pages-error", S.bad_file);
        }
      }
    } catch {
      showError("pages-error", S.bad_file);
    } finally {
      input.value = "";
      setStatus("");
      renderPages();
    }
  }

  /** @param {Page} [focus] a page whose "plus léger" part takes the focus (its button, else its text) */
  function renderPages(focus) {
    const list = byId("page-list");
    list.replaceChildren();
    /** @type {{box: HTMLElement | null}} */
    const focusLater = { box: null };
    state.pages.forEach((/** @type {Page} */ page, /** @type {number} */ index) => {
      const item = document.createElement("li");
      const label = `${S.page} ${index + 1}`;
      if (page.thumbUrl) {
        const img = document.createElement("img");
        img.src = page.thumbUrl;
        img.alt = label;
        item.append(img);
      } else {
        const text = document.createElement("span");
        text.textContent = `${label} — PDF`;
        item.append(text);
        if (page.lighter) {
          const box = lighterBox(page);
          item.append(box);
          if (page === focus) focusLater.box = box;
        }
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = `${S.remove} (${label})`;
      remove.addEventListener("click", () => {
        if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
        state.pages.splice(index, 1);
        renderPages();
      });
      item.append(remove);
      list.append(item);
    });
    if (focusLater.box) {
      const target = focusLater.box.querySelector("button") || /** @type {HTMLElement} */ (focusLater.box.firstElementChild);
      if (!(target instanceof HTMLButtonElement)) target.tabIndex = -1;
      target.focus();
    }
  }

  // A heavy PDF of scanned pages (pdf-lighter.js, imported only for one): the offer to
  // make it lighter, with its size. Nothing is done unless the person asks; the
  // original is kept and can be taken back.
  /** @param {Page} page */
  async function offerLighter(page) {
    if (page.bytes.length <= 1_000_000) return; // pdf-lighter.js HEAVY_BYTES
    try {
      const { mostlyScanned } = await import("./pdf-lighter.js");
      if (!(await mostlyScanned(CONFIG, page.bytes)) || !state.pages.includes(page)) return;
      page.lighter = "offer";
      renderPages();
    } catch {
      // pdf.js could not read it (or not load): no offer, the PDF goes as it is.
    }
  }

  /** @param {Page} page */
  function lighten(page) {
    page.original = page.original || page.bytes;
    page.lighter = "working";
    page.step = "";
    renderPages(page);
    page.work = (async () => {
      try {
        const { makeLighter } = await import("./pdf-lighter.js");
        await loadScript(CONFIG.pdflib);
        const lighter = await makeLighter(CONFIG, window.PDFLib, /** @type {Uint8Array} */ (page.original), (n, total) => {
          page.step = fill(S.lighter_working, { n, total });
          const step = document.querySelector(`[data-lighter-step="${state.pages.indexOf(page)}"]`);
          if (step) step.textContent = page.step;
        });
        if (lighter.length < /** @type {Uint8Array} */ (page.original).length) {
          page.bytes = lighter;
          page.lighter = "done";
        } else {
          page.lighter = "no_gain";
        }
      } catch {
        page.bytes = /** @type {Uint8Array} */ (page.original);
        page.lighter = "failed";
      } finally {
        page.work = undefined;
        renderPages(page);
      }
    })();
  }

  /** @param {Page} page */
  function keepOriginal(page) {
    page.bytes = /** @type {Uint8Array} */ (page.original);
    page.lighter = "kept";
    renderPages(page);
  }

  /**
   * What the person reads and can do about a heavy scanned PDF.
   * @param {Page} page
   */
  function lighterBox(page) {
    const box = document.createElement("div");
    box.className = "lighter";
    box.style.flexBasis = "100%"; // its own line under "Page n — PDF" (CSSOM: allowed by the CSP)
    const text = document.createElement("p");
    const original = page.original || page.bytes;
    /** @type {[string, () => void] | null} */
    let action = null;
    if (page.lighter === "offer" || page.lighter === "kept") {
      text.textContent = page.lighter === "offer" ? fill(S.lighter_offer, { size: sizeText(S, original.length) }) : fill(S.lighter_kept, { size: sizeText(S, original.length) });
      action = [S.lighter_button, () => lighten(page)];
    } else if (page.lighter === "working") {
      text.setAttribute("role", "status");
      text.dataset.lighterStep = String(state.pages.indexOf(page));
      text.textContent = page.step || S.preparing;
    } else if (page.lighter === "done") {
      text.textContent = fill(S.lighter_done, { before: sizeText(S, original.length), after: sizeText(S, page.bytes.length) });
      action = [S.lighter_keep_original, () => keepOriginal(page)];
    } else {
      text.textContent = page.lighter === "no_gain" ? S.lighter_no_gain : S.lighter_failed;
    }
    box.append(text);
    if (action) {
      const [label, onClick] = action;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", onClick);
      box.append(button);
    }
    return box;
  }

  /**
   * Several pages become one PDF (pdf-lib), so the document opens anywhere.
   * @param {Page[]} pages
   * @returns {Promise<{bytes: Uint8Array, mime: string, ext: string}>}
   */
  async function assemble(pages) {
    if (pages.length === 1 && pages[0].kind === "image") return { bytes: pages[0].bytes, mime: "image/jpeg", ext: "jpg" };
    if (pages.length === 1 && pages[0].kind === "pdf") return { bytes: pages[0].bytes, mime: "application/pdf", ext: "pdf" };
    await loadScript(CONFIG.pdflib);
    const { PDFDocument } = window.PDFLib;
    const pdf = await PDFDocument.create();
    for (const page of pages) {
      if (page.kind === "image") {
        const image = await pdf.embedJpg(page.bytes);
        const width = 595; // A4 width in points; the height follows the photo
        const height = (width * Number(page.height)) / Number(page.width);
        pdf.addPage([width, height]).drawImage(image, { x: 0, y: 0, width, height });
      } else {
        const source = await PDFDocument.load(page.bytes);
        for (const copied of await pdf.copyPages(source, source.getPageIndices())) pdf.addPage(copied);
      }
    }
    return { bytes: await pdf.save(), mime: "application/pdf", ext: "pdf" };
  }

  /**
   * @param {string} title
   * @param {string} category
   * @param {string} ext
   */
  function documentName(title, category, ext) {
    const base = (title || categoryLabel(category)).trim().slice(0, 120);
    return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base}.${ext}`;
  }

  async function onSend() {
    if (!state.pages.length) return showError("pages-error", S.no_pages);
    const { C, sodium } = ctx;
    const category = checked(kindForm, "category");
    show("sending");
    progress(S.preparing, 0);
    try {
      // A PDF being made lighter is finished first (the person asked for it).
      await Promise.all(state.pages.map((/** @type {Page} */ page) => page.work));
      const doc = await assemble(state.pages);
      progress(S.encrypting, 0);
      const docKey = C.newDocumentKey();
      const meta = {
        name: documentName(field("title").value, category, doc.ext),
        mime: doc.mime,
        size: doc.bytes.length,
        sha256: C.sha256Hex(doc.bytes),
      };
      const expiresOn = field("expiry").value || null;
      const target = state.addTarget;
      if (!target) {
        // Into one's own vault: format v2, bound to its id, version 1 and its owner
        // (documents-v2.js); the id is chosen here.
        const made = documentsV2(ctx).newDocument({ docKey, plaintext: [doc.bytes], meta, category, expiresOn });
        sodium.memzero(docKey);
        if (made.blob.size > CONFIG.maxDocumentBytes) return sendFailed(S.too_large, false);
        // NOTE H7 (issue 19): `waitId` lets it wait for the network (sendPending).
        state.pendingUpload = { blob: made.blob, path: "/api/v1/documents", done: () => ctx.showDocuments(S.upload_done), headers: made.headers, waitId: made.id };
        return await sendPending();
      }
      if (typeof target.encrypt === "function") {
        // A deposit in format v2 (pro-deposit.js, pro-v2.js): the target makes it whole,
        // with its own document key.
        sodium.memzero(docKey);
        const made = await target.encrypt(doc.bytes, meta, { category, expiresOn });
        if (made.blob.size > CONFIG.maxDocumentBytes) return sendFailed(S.too_large, false);
        state.pendingUpload = { blob: made.blob, headers: made.headers, path: target.path, done: target.done };
        return await sendPending();
      }
      const { blob } = await C.encryptToBlob(docKey, doc.bytes);
      if (blob.size > CONFIG.maxDocumentBytes) {
        sodium.memzero(docKey);
        return sendFailed(S.too_large, false);
      }
      try {
        // A deposit statement names the exact encrypted bytes (SPEC §16).
        const ciphertextSha256 = C.sha256Hex(new Uint8Array(await blob.arrayBuffer()));
        const headers = await target.headers({ docKey, meta, category, ciphertextSha256, expiresOn });
        state.pendingUpload = { blob, headers, path: target.path, done: target.done };
      } finally {
        sodium.memzero(docKey);
      }
      await sendPending();
    } catch (error) {
      sendFailed(messageFor(error, S.upload_failed), false);
    }
  }

  /**
   * @param {string} step
   * @param {number} percent
   */
  function progress(step, percent) {
    byId("send-step").textContent = step;
    /** @type {HTMLProgressElement} */ (byId("send-progress")).value = percent;
    byId("send-percent").textContent = S.percent.replace("{n}", String(Math.floor(percent)));
    byId("send-retry").hidden = true;
    showError("send-error", "");
  }

  /**
   * @param {string} message
   * @param {boolean} canRetry
   */
  function sendFailed(message, canRetry) {
    showError("send-error", message);
    byId("send-retry").hidden = false;
    byId("retry-button").hidden = !canRetry;
    if (canRetry) byId("retry-button").focus();
  }

  // The same encrypted blob can be sent again: a cut upload leaves nothing on the
  // server (the partial object is removed there), so a retry starts from zero.
  async function sendPending() {
    if (!state.pendingUpload) return;
    const { blob, headers, path, done } = state.pendingUpload;
    progress(S.sending, 0);
    let answer;
    try {
      answer = await upload({
        path,
        headers,
        blob,
        stallMs: stallMs(CONFIG),
        networkMessage: S.upload_failed,
        onProgress: (percent, sent) => progress(sent && percent < 100 ? S.waiting_answer : S.sending, percent),
      });
    } catch (error) {
      // NOTE H7 (issue 19): no connection at all (the browser says offline): the person's
      // own document waits on the phone as it would have left, ciphertext only, and
      // leaves by itself when the network returns (offline-queue.js; progress said by app.js).
      if (!(error instanceof StallError) && navigator.onLine === false && state.pendingUpload?.waitId && ctx.offlineQueue) {
        if (await ctx.offlineQueue.keep({ id: state.pendingUpload.waitId, path, headers, blob })) return waitForNetwork();
      }
      return sendFailed(error instanceof StallError ? S.upload_stalled : S.upload_failed, true);
    }
    if (answer.status === 201) {
      state.pendingUpload = null;
      state.addTarget = null;
      for (const page of state.pages) if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
      state.pages = [];
      await done();
      return;
    }
    let message = S.upload_failed;
    try {
      message = JSON.parse(answer.text).error.message;
    } catch {
      // keep the generic message
    }
    sendFailed(message, answer.status >= 500 || answer.status === 0);
  }

  // The upload waits in offline-queue.js now: nothing of it stays in the page's memory.
  function waitForNetwork() {
    state.pendingUpload = null;
    state.addTarget = null;
    for (const page of state.pages) if (page.thumbUrl) URL.revokeObjectURL(page.thumbUrl);
    state.pages = [];
    byId("send-retry").hidden = true;
    showError("send-error", "");
  }

  kindForm.addEventListener("submit", onKind);
  kindForm.addEventListener("change", (event) => {
    if (/** @type {HTMLInputElement} */ (event.target).name !== "category") return;
    choiceMade(kindForm, "category");
    showError("kind-error", "");
  });
  byId("pick-camera").addEventListener("change", onFiles);
  byId("pick-files").addEventListener("change", onFiles);

  return { start, send: onSend, retry: sendPending };
}
