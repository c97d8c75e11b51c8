// @ts-check
// A document's file name: its own words, and an extension that follows what the file
// is (its type), so that a download opens in the right application. Renaming edits
// the words only: the extension stays (issue 14: a rename used to drop it, and the
// downloaded file had none).

/** @type {Record<string, string>} */
const EXTENSIONS = {
  "application/pdf": ".pdf",
  "image/jpeg": ".jpg",
  "image/png": ".png",
  "text/plain": ".txt",
};

/**
 * The extension a file of type `mime` is saved with (".pdf"), else the one `name` has,
 * else "".
 * @param {string} mime
 * @param {string} [name]
 */
export function extensionFor(mime, name = "") {
  if (EXTENSIONS[mime]) return EXTENSIONS[mime];
  const match = /\.[A-Za-z0-9]{1,5}$/.exec(name);
  return match ? match[0].toLowerCase() : "";
}

/**
 * `name` without its extension (the words the person edits).
 * @param {string} name
 * @param {string} mime
 */
export function baseName(name, mime) {
  const ext = extensionFor(mime, name);
  if (ext && name.toLowerCase().endsWith(ext)) return name.slice(0, -ext.length);
  if (ext === ".jpg" && /\.jpeg$/i.test(name)) return name.slice(0, -5);
  return name;
}

/**
 * The words with the extension of the type (or of the `previous` name when the type has
 * none of its own), kept once if typed too: ("Facture", "application/pdf") → "Facture.pdf".
 * @param {string} words
 * @param {string} mime
 * @param {string} [previous]
 */
export function withExtension(words, mime, previous = "") {
  const ext = extensionFor(mime, previous);
  let base = words.trim();
  if (ext && base.toLowerCase().endsWith(ext)) base = base.slice(0, -ext.length).trim();
  else if (ext === ".jpg" && /\.jpeg$/i.test(base)) base = base.slice(0, -5).trim();
  return `${base}${ext}`;
}

/**
 * The name a person reads on their screens: the words without the extension (issue 18:
 * no file extensions on the person's screens). "Avis.2025.pdf" → "Avis.2025"; a name
 * without extension is shown as it is. The downloaded file keeps its full name.
 * @param {{name: string, mime: string}} meta
 */
export function shownName({ name, mime }) {
  return baseName(name, mime);
}
