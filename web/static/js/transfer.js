// @ts-check
// Moving a document's bytes over a phone's connection, with a watchdog: a connection
// that goes silent (packets lost, no reset) gives no error by itself, and a page that
// waits for one stays at "Envoi… 100 %" for minutes (issue 14). Here, no progress for
// `stallMs` ends the transfer with a StallError the screen turns into a plain message
// and "Réessayer" (a retry starts from zero: the server keeps nothing of a cut upload).
//
// Upload progress counts the bytes the browser has handed to the network, not those
// the server has stored: it stops at UPLOAD_CAP % until the server answers, and only
// its answer makes 100 %.
import { ApiError, CSRF_HEADER, csrfToken } from "./http.js";

/** The highest percentage shown before the server has answered. */
export const UPLOAD_CAP = 95;

/** No byte moved for the set time: the connection is most likely gone. */
export class StallError extends Error {
  constructor(message = "stalled") {
    super(message);
    this.code = "stalled";
  }
}

/**
 * A watchdog: `arm()` starts (or restarts) the countdown, `disarm()` stops it; when it
 * runs out, `signal` aborts and `stalled` is true.
 * @param {number} stallMs
 */
export function watchdog(stallMs) {
  const controller = new AbortController();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let stalled = false;
  return {
    signal: controller.signal,
    get stalled() {
      return stalled;
    },
    arm() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        controller.abort();
      }, stallMs);
    },
    disarm() {
      clearTimeout(timer);
    },
  };
}

/**
 * @typedef {object} UploadResult
 * @property {number} status the HTTP status of the server's answer
 * @property {string} text its body
 */

/**
 * POST (or `method`) `blob` to `path` with XMLHttpRequest (fetch reports no upload progress).
 * `onProgress(percent, sent)` gets 0..UPLOAD_CAP while the bytes go out, `sent` true
 * once they all left and the page waits for the answer; 100 only with the answer.
 * Resolves with the answer (any status); rejects with StallError when nothing moved
 * for `stallMs`, or ApiError(0, "network_error") when the connection broke.
 * @param {{path: string, headers: Record<string, string>, blob: Blob, stallMs: number,
 *   onProgress: (percent: number, sent: boolean) => void, networkMessage?: string,
 *   method?: string}} options
 * @returns {Promise<UploadResult>}
 */
export function upload({ path, headers, blob, stallMs, onProgress, networkMessage = "", method = "POST" }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const dog = watchdog(stallMs);
    let done = false;
    /** @param {() => void} settle */
    const finish = (settle) => {
      if (done) return;
      done = true;
      dog.disarm();
      settle();
    };
    dog.signal.addEventListener("abort", () =>
      finish(() => {
        xhr.abort();
        reject(new StallError());
      }),
    );
    xhr.open(method, path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      dog.arm();
      if (event.lengthComputable && event.total > 0) {
        onProgress(Math.min(UPLOAD_CAP, (UPLOAD_CAP * event.loaded) / event.total), false);
      }
    });
    // Every byte has left the page: what remains is the server's answer, watched too.
    xhr.upload.addEventListener("load", () => {
      dog.arm();
      onProgress(UPLOAD_CAP, true);
    });
    xhr.addEventListener("readystatechange", () => {
      if (xhr.readyState >= XMLHttpRequest.HEADERS_RECEIVED && !dog.stalled) dog.arm();
    });
    xhr.addEventListener("load", () =>
      finish(() => {
        if (xhr.status >= 200 && xhr.status < 300) onProgress(100, true);
        resolve({ status: xhr.status, text: xhr.responseText });
      }),
    );
    for (const kind of ["error", "timeout"]) {
      xhr.addEventListener(kind, () => finish(() => reject(new ApiError(0, "network_error", networkMessage))));
    }
    dog.arm();
    xhr.send(blob);
  });
}

/**
 * `body` (a response's stream) re-read chunk by chunk under the watchdog: the countdown
 * runs only while the page waits for the network (not while it decrypts), and a stall
 * makes the next read fail with StallError.
 * @param {ReadableStream<Uint8Array>} body
 * @param {ReturnType<typeof watchdog>} dog
 * @returns {ReadableStream<Uint8Array>}
 */
function watched(body, dog) {
  const reader = body.getReader();
  return new ReadableStream({
    async pull(controller) {
      dog.arm();
      let result;
      try {
        result = await reader.read();
      } catch (error) {
        dog.disarm();
        throw dog.stalled ? new StallError() : error;
      }
      dog.disarm();
      if (result.done) controller.close();
      else controller.enqueue(result.value);
    },
    cancel(reason) {
      dog.disarm();
      return reader.cancel(reason);
    },
  });
}

/**
 * A request whose answer must keep coming: `send(signal)` makes it (the http.js
 * `request` with that `signal`); the headers must arrive, and then each chunk of the
 * body, within `stallMs` of the last. Returns the Response and its watched body.
 * @param {(signal: AbortSignal) => Promise<Response>} send
 * @param {number} stallMs
 * @returns {Promise<{response: Response, body: ReadableStream<Uint8Array>}>}
 */
export async function download(send, stallMs) {
  const dog = watchdog(stallMs);
  dog.arm();
  let response;
  try {
    response = await send(dog.signal);
  } catch (error) {
    throw dog.stalled ? new StallError() : error;
  } finally {
    dog.disarm();
  }
  if (!response.body) throw new ApiError(response.status, "network_error", "");
  return { response, body: watched(response.body, dog) };
}

/**
 * A JSON answer under the same watchdog (`send` as for `download`): a large answer
 * (the export's list of every document) that stops coming ends with StallError.
 * @param {(signal: AbortSignal) => Promise<Response>} send
 * @param {number} stallMs
 * @returns {Promise<any>}
 */
export async function downloadJson(send, stallMs) {
  const { body } = await download(send, stallMs);
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let read = await reader.read(); !read.done; read = await reader.read()) text += decoder.decode(read.value, { stream: true });
  return JSON.parse(text + decoder.decode());
}

/**
 * The stall time the server set (CONFIG.stallSeconds, COFFRE_WEB_STALL_SECONDS), in ms.
 * @param {{stallSeconds?: number}} config
 */
export function stallMs(config) {
  return Math.max(1, Number(config.stallSeconds) || 30) * 1000;
}
