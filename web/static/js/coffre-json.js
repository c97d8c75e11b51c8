// @ts-check
// Strict JSON text and the member syntax of format v2 (crypto/SPEC.md §18).
//
// JSON.parse keeps the last of two duplicate members, reads 1.0 as 1, 1e3 as
// 1000 and a lone "\ud800" as a string: SPEC §18.1 refuses all of these, so the
// page reads every v2 JSON text with parseStrictJson. It mirrors
// crypto/jsontext.py (parse_json) and crypto/fields.py (read_object, read_*),
// raising the error kinds of coffre-crypto.js. No libsodium here.

import { InvalidInputError, UnsupportedVersionError } from "./coffre-crypto.js";
import { isPlainObject, isWellFormed } from "./crypto-base.js";

/** A JSON value as parseStrictJson returns it (objects and arrays of JSON values). @typedef {null | boolean | number | string | any[] | {[name: string]: any}} JsonValue */

export const V2 = 2;
export const INT_MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1
/** Clocks disagree: every v2 time comparison allows this much (SPEC §18.5), in milliseconds. */
export const CLOCK_SKEW_MS = 300 * 1000;
// Deeper nesting is refused rather than risking the call stack (no v2 object nests past 4).
const MAX_DEPTH = 512;

const ID = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$/;
// eslint-disable-next-line no-control-regex -- C0 controls and DEL are what TEXT refuses
const CONTROLS = /[\u0000-\u001f\u007f]/;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

// True when a text holds no lone surrogate (it is Unicode text, SPEC §18.1): v1's rule.
export { isWellFormed };

/** @param {string} message */
const refuse = (message) => new InvalidInputError(`not strict JSON: ${message}`);

/**
 * Parse strict JSON text (SPEC §18.1): UTF-8 bytes (no BOM) or a string. Refuses,
 * as InvalidInputError, duplicate member names, NaN and infinities, numbers with a
 * fraction or an exponent, integers beyond ±(2^53 − 1), lone surrogates, and
 * anything RFC 8259 does not allow. Objects are plain objects whose members are
 * own properties (a member named "__proto__" included); -0 reads as 0.
 * @param {string | Uint8Array} data
 * @returns {JsonValue}
 */
export function parseStrictJson(data) {
  let text;
  if (data instanceof Uint8Array) {
    if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
      throw refuse("a byte order mark");
    }
    try {
      text = utf8Decoder.decode(data);
    } catch {
      throw refuse("invalid UTF-8");
    }
  } else if (typeof data === "string") {
    text = data;
  } else {
    throw new InvalidInputError("JSON text must be bytes or a string");
  }
  if (text.charCodeAt(0) === 0xfeff) throw refuse("a byte order mark");
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") break;
      i++;
    }
  };
  /** @param {string} c */
  const expect = (c) => {
    if (text[i] !== c) throw refuse(`expected ${JSON.stringify(c)} at offset ${i}`);
    i++;
  };
  const string = () => {
    expect('"');
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) throw refuse("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) throw refuse("a control character in a string");
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        throw refuse("an invalid escape");
      }
      start = i;
    }
    out += text.slice(start, i);
    i++;
    if (!isWellFormed(out)) throw refuse("a lone surrogate");
    return out;
  };
  const number = () => {
    const match = /^-?(?:0|[1-9][0-9]*)/.exec(text.slice(i, i + 32));
    if (!match) throw refuse(`unexpected character at offset ${i}`);
    i += match[0].length;
    const next = text[i];
    if (next === "." || next === "e" || next === "E") throw refuse("a number with a fraction or an exponent");
    const value = Number(match[0]);
    if (!Number.isSafeInteger(value)) throw refuse("an integer beyond ±(2^53 - 1)");
    return value === 0 ? 0 : value;
  };
  /**
   * @param {number} depth
   * @returns {JsonValue}
   */
  const value = (depth) => {
    if (depth > MAX_DEPTH) throw refuse("nested too deeply");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      /** @type {{[name: string]: JsonValue}} */
      const obj = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        const name = string();
        if (Object.prototype.hasOwnProperty.call(obj, name)) throw refuse("a duplicate member name");
        ws();
        expect(":");
        Object.defineProperty(obj, name, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("}");
        return obj;
      }
    }
    if (c === "[") {
      i++;
      /** @type {JsonValue[]} */
      const list = [];
      ws();
      if (text[i] === "]") {
        i++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        expect("]");
        return list;
      }
    }
    if (c === '"') return string();
    for (const [word, literal] of /** @type {[string, JsonValue][]} */ ([["true", true], ["false", false], ["null", null]])) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return literal;
      }
    }
    return number();
  };
  const result = value(0);
  ws();
  if (i !== text.length) throw refuse(`unexpected data at offset ${i}`);
  return result;
}

// --- Member syntax (SPEC §18.3, §18.4) -------------------------------------------------

// A JSON object: a plain object, not an array, null or a class instance (as v1's).
export { isPlainObject as isObject };

/**
 * True when `obj` has exactly the members `names` (any order).
 * @param {Record<string, any>} obj
 * @param {readonly string[]} names
 */
export function hasExactly(obj, names) {
  const keys = Object.keys(obj);
  return keys.length === names.length && names.every((n) => Object.prototype.hasOwnProperty.call(obj, n));
}

/**
 * SPEC §18.3's order: an object; "v" an integer (else invalid input) equal to
 * `version` (else unsupported version); "type" equal to `kind` when `kind` is not
 * empty; exactly `members`.
 * @param {unknown} value
 * @param {readonly string[]} members
 * @param {string} kind
 * @param {number} [version]
 * @returns {Record<string, any>}
 */
export function readObject(value, members, kind, version = V2) {
  if (!isPlainObject(value)) throw new InvalidInputError("expected a JSON object");
  const v = Object.prototype.hasOwnProperty.call(value, "v") ? value.v : undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new InvalidInputError('object must contain an integer "v"');
  if (v !== version) throw new UnsupportedVersionError(`unsupported version ${v}`);
  if (kind && value.type !== kind) throw new InvalidInputError(`expected a ${kind} object`);
  if (!hasExactly(value, members)) throw new InvalidInputError(`a ${kind || "v2"} object has exactly: ${[...members].sort().join(", ")}`);
  return value;
}

/**
 * An integer (never a boolean) within low..high (SPEC §18.2, INT(a..b)).
 * @param {unknown} value
 * @param {string} name
 * @param {number} [low]
 * @param {number} [high]
 * @returns {number}
 */
export function readInt(value, name, low = -INT_MAX, high = INT_MAX) {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new InvalidInputError(`${name} must be an integer`);
  if (value < low || value > high) throw new InvalidInputError(`${name} must be ${low}..${high}`);
  return value;
}

/**
 * @param {RegExp} pattern
 * @param {string} what
 */
const matcher = (pattern, what) =>
  /**
   * @param {unknown} value
   * @param {string} name
   * @returns {string}
   */
  (value, name) => {
    if (typeof value !== "string" || !pattern.test(value)) throw new InvalidInputError(`${name} must be ${what}`);
    return value;
  };

/** ID: 32 lowercase hex characters. */
export const readId = matcher(ID, "32 lowercase hex characters");
/** HEX64: 64 lowercase hex characters (a SHA-256). */
export const readSha256 = matcher(HEX64, "64 lowercase hex characters");
/** CODE: [a-z0-9][a-z0-9_-]{0,63}. */
export const readCode = matcher(CODE, "a short lowercase code");

/**
 * TEXT(n): non-empty Unicode text without C0 controls or DEL, at most n bytes of UTF-8.
 * @param {unknown} value
 * @param {string} name
 * @param {number} maxBytes
 * @returns {string}
 */
export function readText(value, name, maxBytes) {
  if (typeof value !== "string" || value === "") throw new InvalidInputError(`${name} must be a non-empty string`);
  if (!isWellFormed(value)) throw new InvalidInputError(`${name} holds a lone surrogate`);
  if (CONTROLS.test(value)) throw new InvalidInputError(`${name} must not contain control characters`);
  if (utf8Encoder.encode(value).length > maxBytes) throw new InvalidInputError(`${name} must be at most ${maxBytes} bytes of UTF-8`);
  return value;
}

/**
 * TIME: "YYYY-MM-DDTHH:MM:SSZ", a real UTC date (years 1..9999), as milliseconds since the epoch.
 * @param {unknown} value
 * @param {string} name
 * @returns {number}
 */
export function readTime(value, name) {
  const m = typeof value === "string" ? TIME.exec(value) : null;
  if (!m) throw new InvalidInputError(`${name} must be a UTC time YYYY-MM-DDTHH:MM:SSZ`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const real =
    year >= 1 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  if (!real) throw new InvalidInputError(`${name} is not a real date`);
  return date.getTime();
}

/**
 * A TIME of a Date (UTC, whole seconds).
 * @param {Date} moment
 */
export function formatTime(moment) {
  if (!(moment instanceof Date) || Number.isNaN(moment.getTime())) throw new InvalidInputError("time must be a Date");
  return moment.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The caller's clock reading (a Date), in milliseconds since the epoch.
 * @param {unknown} now
 */
export function checkNow(now) {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidInputError("now must be a Date");
  return now.getTime();
}
