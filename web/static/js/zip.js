// A minimal ZIP writer (PKWARE APPNOTE 6.3.x): STORE method only, UTF-8 names, no
// ZIP64. Enough for the full export (person-export.js): documents are JPEG photos
// and PDFs, already compressed, so storing them as they are costs little and keeps
// the page free of a compression library. The archive is a Blob made of the pieces
// (the browser may keep a large one on disk); Python's zipfile, 7-Zip, Windows and
// macOS open it.

const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

let table = null;
function crcTable() {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  return table;
}

/** CRC-32 (the ZIP one) of `bytes`, continuing from `crc` (0 to start). */
export function crc32(bytes, crc = 0) {
  const t = crcTable();
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time fields of a Date, in the device's time zone (1980 at the earliest). */
function dosTime(moment) {
  const d = moment instanceof Date && !Number.isNaN(moment.getTime()) ? moment : new Date();
  const year = Math.max(1980, Math.min(2107, d.getFullYear()));
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

export class ZipTooLarge extends Error {}

/**
 * `const zip = createZip(); zip.add("a/b.txt", bytes, date); const blob = zip.finish();`
 * Names are paths with "/" (the caller makes them safe); contents are Uint8Array.
 */
export function createZip() {
  const parts = [];
  const central = [];
  const encoder = new TextEncoder();
  let offset = 0;

  function add(name, data, modified = new Date()) {
    if (central.length >= MAX_ENTRIES) throw new ZipTooLarge("too many files for a ZIP without ZIP64");
    const nameBytes = encoder.encode(name);
    const size = data.length;
    if (size > MAX_32 || offset + 30 + nameBytes.length + size > MAX_32) {
      throw new ZipTooLarge("the archive would pass 4 GiB (no ZIP64)");
    }
    const crc = crc32(data);
    const { time, date } = dosTime(modified);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true); // local file header signature
    local.setUint16(4, 20, true); // version needed: 2.0
    local.setUint16(6, 0x0800, true); // flags: names in UTF-8
    local.setUint16(8, 0, true); // method: stored
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, size, true); // compressed size
    local.setUint32(22, size, true); // uncompressed size
    local.setUint16(26, nameBytes.length, true);
    local.setUint16(28, 0, true); // extra field length
    parts.push(new Uint8Array(local.buffer), nameBytes, data);

    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true); // central directory header signature
    entry.setUint16(4, (3 << 8) | 20, true); // made by: Unix, 2.0 (the mode bits below)
    entry.setUint16(6, 20, true);
    entry.setUint16(8, 0x0800, true);
    entry.setUint16(10, 0, true);
    entry.setUint16(12, time, true);
    entry.setUint16(14, date, true);
    entry.setUint32(16, crc, true);
    entry.setUint32(20, size, true);
    entry.setUint32(24, size, true);
    entry.setUint16(28, nameBytes.length, true);
    entry.setUint16(30, 0, true); // extra
    entry.setUint16(32, 0, true); // comment
    entry.setUint16(34, 0, true); // disk number
    entry.setUint16(36, 0, true); // internal attributes
    entry.setUint32(38, (0o100600 << 16) >>> 0, true); // a regular file, rw for its owner only
    entry.setUint32(42, offset, true); // where its local header is
    central.push(new Uint8Array(entry.buffer), nameBytes);
    offset += 30 + nameBytes.length + size;
  }

  function finish() {
    const start = offset;
    const length = central.reduce((n, piece) => n + piece.length, 0);
    if (start + length > MAX_32) throw new ZipTooLarge("the archive would pass 4 GiB (no ZIP64)");
    const end = new DataView(new ArrayBuffer(22));
    const count = central.length / 2;
    end.setUint32(0, 0x06054b50, true); // end of central directory signature
    end.setUint16(4, 0, true);
    end.setUint16(6, 0, true);
    end.setUint16(8, count, true);
    end.setUint16(10, count, true);
    end.setUint32(12, length, true);
    end.setUint32(16, start, true);
    end.setUint16(20, 0, true); // comment length
    return new Blob([...parts, ...central, new Uint8Array(end.buffer)], { type: "application/zip" });
  }

  return { add, finish };
}
