// @ts-check
// The person's documents: the list (by category, with validity badges), one document
// opened (decrypted in the page, with its proof of origin when deposited), renaming
// and deleting. Dates are on the territory's clock (dates.js); the bytes come through
// transfer.js's watchdog (a silent connection ends with "Réessayer"); a rename keeps
// the extension (names.js).
//
// Each row of the list has its actions (rename, share, delete) behind "⋯ Actions": they
// need the list's data only (name, category, expiry, keys), so nothing is downloaded
// before the person opens the document. A document opened once is read again from the
// ciphertext this device keeps while the vault is open (doc-cache.js), revalidated by
// its ETag.
import { byId, fill } from "./consent-common.js";
import { calendarDay, day, dayKey } from "./dates.js";
import { messageFor } from "./http.js";
import { baseName, extensionFor, shownName, withExtension } from "./names.js";
import { StallError, stallMs } from "./transfer.js";
import { documentsV2, refusedError } from "./documents-v2.js";
import { createDocCache } from "./doc-cache.js";

const SOON_DAYS = 60;

/**
 * @param {any} ctx app.js's helpers, with `categoryOrder()` and `opened(doc)` (the
 *   consent modules' look at a document just opened)
 */
export function createDocuments(ctx) {
  const { S, CONFIG, C, sodium, state, api, show, showError, setStatus, busy, categoryLabel, categoryOrder } = ctx;
  const V2 = documentsV2(ctx);
  const cache = createDocCache({ api, accountId: () => state.accountId });
  /** The screen the rename or delete screen was reached from ("document" or "documents"). */
  let from = "documents";

  // A validity date is a calendar day; "today" is the territory's (dates.js).
  /** @param {string | null} expiresOn */
  function expiryBadge(expiresOn) {
    if (!expiresOn) return null;
    const today = dayKey(Date.now());
    const soon = dayKey(Date.now() + SOON_DAYS * 86400000);
    const badge = document.createElement("span");
    badge.className = "badge";
    if (expiresOn < today) {
      badge.classList.add("expired");
      badge.textContent = `${S.expired} ${calendarDay(expiresOn)}`;
    } else if (expiresOn <= soon) {
      badge.classList.add("warn");
      badge.textContent = `${S.expires_soon} ${calendarDay(expiresOn)}`;
    } else {
      badge.textContent = `${S.valid_until} ${calendarDay(expiresOn)}`;
    }
    return badge;
  }

  async function loadDocuments() {
    const { documents } = await (await api("GET", "/documents")).json();
    for (const doc of state.documents) if (doc.docKey) sodium.memzero(doc.docKey);
    state.documents = documents.map((/** @type {any} */ doc) => {
      const sealedKey = C.b64decode(doc.sealed_key);
      const metadataBlob = C.b64decode(doc.encrypted_metadata);
      const docKey = C.openSealedKey(sealedKey, state.keys.boxPublic, state.keys.boxSecret);
      return {
        id: doc.id,
        category: doc.category,
        createdAt: doc.created_at,
        expiresOn: doc.expires_on,
        size: doc.ciphertext_size,
        ciphertextSha256: doc.ciphertext_sha256, // what a consent receipt names (SPEC §16)
        deposit: doc.deposit || null, // {envelope, depositor}: checked when opened
        docKey,
        meta: V2.decryptMetadata(docKey, metadataBlob),
        // Format v2 (documents-v2.js): checked against the binding when opened or shared.
        format: doc.format ?? 1,
        version: doc.version ?? null,
        binding: doc.binding ?? null,
        bindingSigner: doc.binding_signer ?? null,
        sealedKey,
        metadataBlob,
      };
    });
  }

  async function showDocuments(status = "") {
    await loadDocuments();
    const list = byId("document-list");
    list.replaceChildren();
    if (!state.documents.length) {
      const empty = document.createElement("p");
      empty.textContent = S.empty_vault;
      list.append(empty);
    }
    for (const code of categoryOrder()) {
      const docs = state.documents.filter((/** @type {any} */ doc) => doc.category === code);
      if (!docs.length) continue;
      const group = document.createElement("section");
      group.className = "category";
      const heading = document.createElement("h2");
      heading.textContent = categoryLabel(code);
      const items = document.createElement("ul");
      items.className = "docs";
      for (const doc of docs) {
        const item = document.createElement("li");
        item.className = "doc";
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.documentId = doc.id;
        const name = document.createElement("span");
        name.className = "doc-name";
        name.textContent = shownName(doc.meta);
        const facts = document.createElement("span");
        facts.className = "doc-meta";
        facts.textContent = `${S.added_on} ${day(doc.createdAt)}`;
        button.append(name, facts);
        if (doc.deposit) button.append(depositLine(doc.deposit));
        const badge = expiryBadge(doc.expiresOn);
        if (badge) button.append(badge);
        button.addEventListener("click", () => openDocument(doc.id));
        item.append(button, ...rowActions(doc, name));
        items.append(item);
      }
      group.append(heading, items);
      list.append(group);
    }
    show("documents", { status });
  }

  // "⋯ Actions" under a row: a disclosure button (aria-expanded) showing the row's
  // rename, share and delete buttons; their data-action is app.js's, run once the
  // document is chosen here (its listener runs before the page's).
  /**
   * @param {any} doc
   * @param {HTMLElement} name the row's name, which describes its "Actions" button
   * @returns {HTMLElement[]}
   */
  function rowActions(doc, name) {
    name.id = `doc-name-${doc.id}`;
    const panel = document.createElement("div");
    panel.className = "doc-actions";
    panel.id = `doc-actions-${doc.id}`;
    panel.hidden = true;
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "doc-more";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", panel.id);
    toggle.setAttribute("aria-describedby", name.id);
    const dots = document.createElement("span");
    dots.setAttribute("aria-hidden", "true");
    dots.textContent = "⋯ ";
    toggle.append(dots, S.doc_actions);
    toggle.addEventListener("click", () => expand(toggle, panel, panel.hidden));
    // Escape, on "Actions" or one of its buttons, closes them; the focus goes to "Actions".
    for (const part of /** @type {HTMLElement[]} */ ([toggle, panel])) {
      part.addEventListener("keydown", (event) => {
        if (event.key !== "Escape" || panel.hidden) return;
        expand(toggle, panel, false);
        toggle.focus();
      });
    }
    /** @type {[string, string, string?][]} */
    const buttons = [
      ["rename", S.rename],
      ["share", S.share, "person"],
      ["ask-delete", S.delete],
    ];
    for (const [action, label, role] of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.action = action;
      if (role) button.dataset.role = role;
      if (action === "ask-delete") button.className = "danger";
      button.textContent = label;
      button.addEventListener("click", () => choose(doc));
      panel.append(button);
    }
    return [toggle, panel];
  }

  /**
   * Show or hide a row's actions; one row's at a time.
   * @param {HTMLElement} toggle
   * @param {HTMLElement} panel
   * @param {boolean} open
   */
  function expand(toggle, panel, open) {
    if (open) {
      for (const other of byId("document-list").querySelectorAll(".doc-more[aria-expanded=true]")) {
        const shown = document.getElementById(String(other.getAttribute("aria-controls")));
        if (shown) expand(/** @type {HTMLElement} */ (other), shown, false);
      }
    }
    toggle.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  }

  /**
   * The document an action of the list is about, without opening it: the document
   * screen (reachable by the phone's history) is pointed at it with no content, so
   * its buttons never act on another document than the one it names.
   * @param {any} doc
   */
  function choose(doc) {
    if (state.current === doc) return;
    state.current = doc;
    byId("doc-title").textContent = shownName(doc.meta);
    byId("doc-facts").textContent = [categoryLabel(doc.category), `${S.added_on} ${day(doc.createdAt)}`].join(" · ");
    byId("doc-preview").replaceChildren();
    byId("doc-origin").hidden = true;
    byId("doc-retry").hidden = true;
    showError("doc-error", "");
    const download = /** @type {HTMLAnchorElement} */ (byId("doc-download"));
    download.removeAttribute("href");
    download.hidden = true;
  }

  /** The screen on view now: where "Annuler" of rename and delete goes back to. */
  function screenShown() {
    const documentScreen = /** @type {HTMLElement | null} */ (document.querySelector('[data-screen="document"]'));
    return documentScreen && !documentScreen.hidden ? "document" : "documents";
  }

  function back() {
    if (from === "document" && state.current) return show("document");
    return showDocuments();
  }

  /** "Déposé par Mme Dupont (CCAS de Clermont-Ferrand)": who says they put it there. */
  /** @param {any} deposit */
  function depositLine(deposit) {
    const line = document.createElement("span");
    line.className = "doc-meta";
    line.textContent = fill(S.deposited_by, {
      professional: deposit.depositor.display_name,
      structure: deposit.depositor.structure_name,
    });
    return line;
  }

  // ------------------------------------------------------------- one document

  /** @param {string} id */
  async function openDocument(id) {
    const doc = state.documents.find((/** @type {any} */ d) => d.id === id);
    if (!doc) return;
    state.current = doc;
    byId("doc-title").textContent = shownName(doc.meta);
    const facts = [categoryLabel(doc.category), `${S.added_on} ${day(doc.createdAt)}`];
    byId("doc-facts").textContent = facts.join(" · ");
    show("document", { status: S.opening });
    ctx.opened(doc);
    await loadContent(doc);
  }

  // The document's bytes, decrypted here; a connection that goes silent ends after
  // CONFIG.stallSeconds with a plain message and "Réessayer" (transfer.js). The
  // ciphertext kept from an earlier opening is used when the server says it is still
  // the document's (doc-cache.js); a kept copy that does not decrypt goes, and the
  // document is downloaded once more.
  /**
   * @param {any} doc
   * @param {boolean} [again] false for the download after a kept copy failed (once only,
   *   even if the browser did not let that copy go)
   * @returns {Promise<{chunks: Uint8Array[], sha256: string}>}
   */
  async function readContent(doc, again = true) {
    const ciphertext = again ? await cache.read(doc.id, stallMs(CONFIG)) : await cache.download(doc.id, stallMs(CONFIG));
    let opened;
    try {
      opened = await V2.openContent(doc, ciphertext.body);
      if (opened.sha256 !== doc.meta.sha256) throw new C.DecryptionError("sha256 mismatch");
    } catch (error) {
      await ciphertext.discard();
      if (ciphertext.kept && again) return readContent(doc, false);
      throw error;
    }
    await ciphertext.keep();
    return opened;
  }

  /** @param {any} doc */
  async function loadContent(doc) {
    const preview = byId("doc-preview");
    preview.replaceChildren();
    const badge = expiryBadge(doc.expiresOn);
    if (badge) preview.append(badge);
    const download = /** @type {HTMLAnchorElement} */ (byId("doc-download"));
    download.removeAttribute("href");
    download.hidden = false;
    showError("doc-error", "");
    byId("doc-retry").hidden = true;
    setStatus(S.opening);
    try {
      const { chunks } = await readContent(doc);
      const blob = new Blob(/** @type {BlobPart[]} */ (chunks), { type: doc.meta.mime });
      if (state.current !== doc) return; // the person went elsewhere meanwhile
      const url = URL.createObjectURL(blob);
      state.objectUrls.push(url);
      download.href = url;
      download.download = withExtension(doc.meta.name, doc.meta.mime, doc.meta.name);
      if (doc.meta.mime.startsWith("image/")) {
        const img = document.createElement("img");
        img.src = url;
        img.alt = shownName(doc.meta);
        preview.append(img);
      } else if (doc.meta.mime === "application/pdf") {
        await showPdfIn(preview, blob, doc);
      }
      setStatus("");
    } catch (error) {
      setStatus("");
      if (state.current !== doc) return;
      // A document whose parts do not belong together: never shown, said plainly.
      if (refusedError(error)) {
        download.hidden = true; // nothing to take away: only "Supprimer" or back
        return showError("doc-error", S.my_document_refused);
      }
      if (error instanceof C.CryptoError) return showError("doc-error", S.decrypt_failed);
      showError("doc-error", error instanceof StallError ? S.download_stalled : S.download_failed);
      byId("doc-retry").hidden = false;
    }
  }

  // A PDF is drawn page by page by pdf.js (pdf-view.js, imported only now: prepaid data),
  // since Chrome on Android has no PDF viewer. One it cannot draw is said plainly; the
  // "Télécharger" link stays either way.
  /**
   * @param {HTMLElement} preview
   * @param {Blob} blob
   * @param {any} doc
   */
  async function showPdfIn(preview, blob, doc) {
    try {
      const { showPdf } = await import("./pdf-view.js");
      const view = await showPdf(CONFIG, new Uint8Array(await blob.arrayBuffer()), { S, name: shownName(doc.meta) });
      if (state.current !== doc) return view.destroy();
      preview.append(view.element);
    } catch {
      const note = document.createElement("p");
      note.textContent = S.pdf_not_shown;
      preview.append(note);
    }
  }

  // Renaming changes the words only: the extension the file's type gives stays (names.js).
  function startRename() {
    const form = /** @type {HTMLFormElement} */ (byId("rename-form"));
    const { name, mime } = state.current.meta;
    const title = /** @type {HTMLInputElement} */ (form.elements.namedItem("title"));
    title.value = baseName(name, mime);
    const ext = extensionFor(mime, name);
    const hint = byId("rename-ext");
    hint.textContent = ext ? fill(S.rename_keeps_extension, { ext }) : "";
    hint.hidden = !ext;
    form.expiry.value = state.current.expiresOn || "";
    showError("rename-error", "");
    from = screenShown();
    show("rename");
  }

  /** @param {SubmitEvent} event */
  async function onRename(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const doc = state.current;
    const title = /** @type {HTMLInputElement} */ (form.elements.namedItem("title"));
    const name = withExtension(title.value, doc.meta.mime, doc.meta.name);
    if (!baseName(name, doc.meta.mime).trim()) return showError("rename-error", S.rename_missing);
    busy(form, true);
    try {
      const meta = { ...doc.meta, name };
      // A bound document: v2 metadata and the binding of the next version (documents-v2.js).
      const { encrypted_metadata, binding, version } = V2.renamed(doc, meta);
      await api("PATCH", `/documents/${doc.id}`, {
        json: { encrypted_metadata, expires_on: form.expiry.value || null, ...(binding ? { binding } : {}) },
      });
      if (version) V2.see(doc.id, version);
      await showDocuments(S.renamed);
    } catch (error) {
      showError("rename-error", refusedError(error) ? S.my_document_refused : messageFor(error, S.unexpected_error));
      setStatus("");
    } finally {
      busy(form, false);
    }
  }

  function askDelete() {
    byId("delete-name").textContent = shownName(state.current.meta);
    from = screenShown();
    show("delete");
  }

  async function onDelete() {
    try {
      const { id } = state.current;
      await api("DELETE", `/documents/${id}`);
      state.current = null;
      await cache.forget(id);
      await showDocuments(S.deleted);
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  byId("rename-form").addEventListener("submit", onRename);

  return {
    loadDocuments,
    showDocuments,
    openDocument,
    actions: {
      rename: startRename,
      "ask-delete": askDelete,
      delete: onDelete,
      "doc-back": back,
      "doc-retry": () => state.current && loadContent(state.current),
    },
  };
}
