// @ts-check
// The territory's trust root checked with the camera (crypto/SPEC.md §25.2, §26.1).
//
// Comparing 27 characters with a poster is rarely done honestly; scanning is. The
// structure's desk poster (/charte/affiche) and the charter page (/charte) carry the
// root's QR code: "COFFRE:V2:PIN:" and the 52 Base32 characters of the whole 256-bit
// digest of its sign key. The person's page reads it here and compares ALL of it with
// the root the server shows (trust.js `matches`: SPEC §25.4 on the QR form, never the
// 130-bit spoken form), then says "C'est le bon coffre" and pins the root exactly as
// the spoken-pin flow does, or warns and pins nothing.
//
// Loaded by a dynamic import when the person asks to scan (nothing of it on the first
// visit). The camera: getUserMedia (the back camera, facingMode "environment") into a
// <video> read in the page; the stream never leaves the phone and is stopped as soon as
// a code is read, the screen is left or the person stops it. The page's
// Permissions-Policy lets the person's page (/) alone use the camera
// (api/security_headers.py). Decoding: BarcodeDetector where the browser has it (QR
// codes), else jsQR (vendored, web/vendor.py "jsqr", loaded on demand). No camera, or
// the camera refused: the spoken pin stays, and a photo of the code (the file input's
// capture attribute: the phone's camera app, no permission) is read with jsQR.

import { PIN_QR_PREFIX } from "./crypto-pins-v2.js"; // "COFFRE:V2:PIN:" (SPEC §25.2)

/** Frames are read this often while the camera runs (a low-end phone keeps up). */
const FRAME_EVERY_MS = 250;
/** A frame or a photo is read at most this wide/high (jsQR's time grows with the pixels). */
const MAX_SIDE = 800;

/**
 * Which decoder read the code: the browser's own, or jsQR.
 * @typedef {"barcode-detector" | "jsqr"} ScanPath
 */

/**
 * What a code read says: "good" (the root the server shows), "wrong" (a Coffre pin of
 * another key: not this territory's), "other" (not a Coffre code at all).
 * @typedef {"good" | "wrong" | "other"} Verdict
 */

/**
 * @typedef {object} Reader
 * @property {ScanPath} path
 * @property {(source: HTMLVideoElement | ImageBitmap) => Promise<string>} read the text of the
 *   first QR code seen, or ""
 */

/**
 * The verdict on a code's text. `matches` compares a QR payload with the root in force
 * (constant time, SPEC §25.4); only the QR form is accepted here, so the whole 256 bits
 * are compared, and a malformed Coffre payload is "wrong".
 * @param {string} text
 * @param {(payload: string) => boolean} matches
 * @returns {Verdict}
 */
export function verdictOf(text, matches) {
  if (!text.startsWith(PIN_QR_PREFIX)) return "other";
  try {
    return matches(text) ? "good" : "wrong";
  } catch {
    return "wrong";
  }
}

/** Whether the browser's BarcodeDetector reads QR codes here. */
async function barcodeDetector() {
  const Detector = /** @type {any} */ (window).BarcodeDetector;
  if (typeof Detector !== "function") return null;
  try {
    const formats = await Detector.getSupportedFormats();
    if (!Array.isArray(formats) || !formats.includes("qr_code")) return null;
    return new Detector({ formats: ["qr_code"] });
  } catch {
    return null;
  }
}

/**
 * The pixels of `source`, at most MAX_SIDE on its longer side.
 * @param {HTMLVideoElement | ImageBitmap} source
 */
function pixelsOf(source) {
  const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
  const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
  if (!width || !height) return null;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d", { willReadFrequently: true }));
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/**
 * jsQR, loaded on demand, as a Reader.
 * @param {(url: string) => Promise<unknown>} loadScript
 * @param {string} src the vendored jsQR's URL
 * @returns {Promise<Reader>}
 */
async function jsqrReader(loadScript, src) {
  await loadScript(src);
  const jsQR = /** @type {any} */ (window).jsQR;
  if (typeof jsQR !== "function") throw new Error("jsQR did not load");
  return {
    path: "jsqr",
    async read(source) {
      const pixels = pixelsOf(source);
      if (!pixels) return "";
      // A printed poster is dark on light: no inverted codes to look for (twice as fast).
      const found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
      return found && typeof found.data === "string" ? found.data : "";
    },
  };
}

/**
 * The best reader this browser has: BarcodeDetector, else jsQR. `photo` forces jsQR
 * (a still image: the same decoder on every phone, tested in the page's tests).
 * @param {{loadScript: (url: string) => Promise<unknown>, jsqr: string, photo?: boolean}} options
 * @returns {Promise<Reader>}
 */
export async function createReader({ loadScript, jsqr, photo = false }) {
  const detector = photo ? null : await barcodeDetector();
  if (!detector) return jsqrReader(loadScript, jsqr);
  return {
    path: "barcode-detector",
    async read(source) {
      const codes = await detector.detect(source);
      const first = Array.isArray(codes) ? codes.find((c) => typeof c.rawValue === "string") : null;
      return first ? first.rawValue : "";
    },
  };
}

/** The camera could not be used: "absent" (no camera, no API), "refused" (the person or the browser said no). */
export class CameraUnavailable extends Error {
  /** @param {"absent" | "refused"} reason */
  constructor(reason) {
    super(`camera ${reason}`);
    this.reason = reason;
  }
}

/**
 * The back camera's stream shown in `video`.
 * @param {HTMLVideoElement} video
 * @returns {Promise<MediaStream>}
 */
export async function startCamera(video) {
  const devices = navigator.mediaDevices;
  if (!devices || typeof devices.getUserMedia !== "function") throw new CameraUnavailable("absent");
  let stream;
  try {
    stream = await devices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (error) {
    const name = error && error.name;
    throw new CameraUnavailable(name === "NotFoundError" || name === "OverconstrainedError" || name === "NotReadableError" ? "absent" : "refused");
  }
  video.muted = true;
  video.setAttribute("playsinline", "");
  video.srcObject = stream;
  try {
    await video.play();
  } catch {
    // Some browsers play a muted inline video only once visible: frames still arrive.
  }
  return stream;
}

/** @param {MediaStream | null} stream */
function stopStream(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

/**
 * The text of the QR code in a photo (`file`, from the file input), read with jsQR, or "".
 * @param {File} file
 * @param {Reader} reader
 */
export async function readPhoto(file, reader) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return "";
  }
  try {
    return await reader.read(bitmap);
  } finally {
    bitmap.close();
  }
}

/**
 * @typedef {object} ScanElements
 * @property {HTMLElement} view holds the video and its "Arrêter" button (shown while scanning)
 * @property {HTMLVideoElement} video
 * @property {HTMLElement} result role=status: what the scan found, in plain words
 * @property {HTMLButtonElement} start the "Scanner le code" button
 */

/**
 * The scan on the trust screen. `matches(payload)` compares a QR payload with the root
 * in force; `onGood()` pins it (trust.js, the same as the spoken-pin flow) and lets the
 * person go on. The path that read the code is left on the result
 * (`data-scan-path`), for the page's tests and for support.
 * @param {object} options
 * @param {Record<string, string>} options.S the page's strings
 * @param {(url: string) => Promise<unknown>} options.loadScript
 * @param {string} options.jsqr the vendored jsQR's URL
 * @param {ScanElements} options.elements
 */
export function createTrustScan({ S, loadScript, jsqr, elements }) {
  const { view, video, result, start } = elements;
  /** @type {MediaStream | null} */
  let stream = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let run = 0; // a new start, or a stop, makes the frames of an older run ignored

  /**
   * @param {string} text
   * @param {"ok" | "warning" | "hint"} kind
   */
  function say(text, kind) {
    result.textContent = text;
    result.className = kind === "ok" ? "status-note scan-ok" : kind === "warning" ? "warning" : "hint";
    result.hidden = false;
  }

  function stop() {
    run += 1;
    if (timer) clearTimeout(timer);
    timer = null;
    stopStream(stream);
    stream = null;
    video.srcObject = null;
    view.hidden = true;
    start.hidden = false;
  }

  /** Back to the screen as it opens: nothing read, nothing said. */
  function reset() {
    stop();
    result.textContent = "";
    result.hidden = true;
    delete result.dataset.scanPath;
    delete result.dataset.verdict;
  }

  /**
   * Say what `text` is; true when the scan is over (a Coffre code was read).
   * @param {string} text
   * @param {ScanPath} path
   * @param {(payload: string) => boolean} matches
   * @param {() => unknown} onGood
   */
  function judge(text, path, matches, onGood) {
    const verdict = verdictOf(text, matches);
    result.dataset.scanPath = path;
    result.dataset.verdict = verdict;
    if (verdict === "other") {
      say(S.trust_scan_other, "hint");
      return false;
    }
    if (verdict === "good") {
      say(S.trust_scan_good, "ok");
      onGood();
    } else {
      say(S.trust_scan_wrong, "warning");
    }
    return true;
  }

  /**
   * Scan with the camera until a Coffre code is read, or the person stops.
   * @param {(payload: string) => boolean} matches
   * @param {() => unknown} onGood
   */
  async function scan(matches, onGood) {
    reset();
    const mine = run;
    let reader;
    try {
      reader = await createReader({ loadScript, jsqr });
    } catch {
      say(S.trust_scan_unavailable, "hint");
      return;
    }
    try {
      view.hidden = false;
      start.hidden = true;
      const opened = await startCamera(video);
      if (mine !== run) return stopStream(opened);
      stream = opened;
    } catch (error) {
      stop();
      say(error instanceof CameraUnavailable && error.reason === "refused" ? S.trust_scan_refused : S.trust_scan_no_camera, "hint");
      return;
    }
    say(S.trust_scan_aim, "hint");
    const frame = async () => {
      if (mine !== run) return;
      let text = "";
      try {
        text = video.readyState >= 2 ? await reader.read(video) : "";
      } catch {
        // A frame that cannot be read (the video not ready yet): the next one will do.
      }
      if (mine !== run) return;
      if (text && judge(text, reader.path, matches, onGood)) {
        stop();
        return;
      }
      timer = setTimeout(frame, FRAME_EVERY_MS);
    };
    timer = setTimeout(frame, FRAME_EVERY_MS);
  }

  /**
   * A photo of the code (the file input), read with jsQR.
   * @param {File} file
   * @param {(payload: string) => boolean} matches
   * @param {() => unknown} onGood
   */
  async function photo(file, matches, onGood) {
    stop();
    let reader;
    try {
      reader = await createReader({ loadScript, jsqr, photo: true });
    } catch {
      say(S.trust_scan_unavailable, "hint");
      return;
    }
    const text = await readPhoto(file, reader);
    if (!text) {
      result.dataset.scanPath = reader.path;
      say(S.trust_scan_unreadable, "hint");
      return;
    }
    judge(text, reader.path, matches, onGood);
  }

  return { scan, photo, stop, reset };
}
