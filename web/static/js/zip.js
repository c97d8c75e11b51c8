// @ts-check
// The full export's ZIP (person-export.js), written by fflate (npm, vendored by
// scripts/install-js as fflate-<version>.mjs and passed in, so this module loads in
// Node's tests too). Documents (JPEG photos, PDFs: already compressed) are stored as
// they are; the JSON and CSV files are deflated. Names are UTF-8. The archive is a
// Blob made of the pieces (the browser may keep a large one on disk). fflate writes
// no ZIP64: over 4 GiB or 65 535 files, `ZipTooLarge`.

const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

export class ZipTooLarge extends Error {}

/**
 * `const zip = createZip(fflate); zip.add("a/b.txt", bytes, date, {deflate: true});
 * const blob = zip.finish();` Names are paths with "/" (the caller makes them safe);
 * contents are Uint8Array.
 * @param {import("./types/vendor").Fflate} fflate
 * @returns {{add: (name: string, data: Uint8Array, modified?: Date, options?: {deflate?: boolean}) => void, finish: () => Blob}}
 */
export function createZip(fflate) {
  /** @type {Uint8Array[]} */
  const parts = [];
  /** @type {Error | null} */
  let failure = null;
  let entries = 0;
  let total = 0;
  const zip = new fflate.Zip((error, chunk) => {
    if (error) failure = error;
    else parts.push(chunk);
  });

  function check() {
    if (failure) throw failure;
  }

  /**
   * @param {string} name
   * @param {Uint8Array} data
   * @param {Date} [modified]
   * @param {{deflate?: boolean}} [options]
   */
  function add(name, data, modified = new Date(), { deflate = false } = {}) {
    entries += 1;
    total += data.length + name.length + 128;
    if (entries > MAX_ENTRIES) throw new ZipTooLarge("too many files for a ZIP without ZIP64");
    if (total > MAX_32) throw new ZipTooLarge("the archive would pass 4 GiB (no ZIP64)");
    const entry = deflate ? new fflate.ZipDeflate(name, { level: 6 }) : new fflate.ZipPassThrough(name);
    entry.mtime = modified instanceof Date && !Number.isNaN(modified.getTime()) ? modified : new Date();
    zip.add(entry);
    entry.push(data, true);
    check();
  }

  function finish() {
    zip.end();
    check();
    // fflate types its chunks over ArrayBufferLike; they are plain ArrayBuffer views.
    return new Blob(/** @type {BlobPart[]} */ (parts), { type: "application/zip" });
  }

  return { add, finish };
}
