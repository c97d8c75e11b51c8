// @ts-check
// The recovery kit (crypto/SPEC.md §4, issue 18): shown once when it is made (sign-up,
// a reset, a professional's new keys, a kit made again), kept on paper (printed at the
// association) or as an image on the phone (drawn here on a canvas, downloaded as a
// PNG), then checked: the person types back two of its groups of characters before
// going on, so a kit nobody kept is noticed while it can still be written down.
// Made again from "Plus" after the passphrase is typed again: a new recovery secret
// wraps the same master key (SPEC §4, §5.2) and POST /me/recovery-code replaces the old
// one on the server at once (the old kit stops working). The code lives in this
// module's memory only until the check passes; it is never sent, logged or stored.
import { ApiError, messageFor } from "./http.js";
import { canonicalLogin } from "./kdf-v2.js";
import { drawQr } from "./qr-draw.js";

/** Groups of 4 the check may ask for (the 7th has 3 characters: never asked). */
const CHECKED_GROUPS = 6;
/** How many groups the person types back. */
const ASKED = 2;
const FORGIVEN = /** @type {Record<string, string>} */ ({ 0: "O", 1: "I", 8: "B" });

/**
 * @typedef {object} KitHelpers
 * @property {Record<string, string>} S the page's strings
 * @property {Record<string, any>} CONFIG
 * @property {any} C createCoffreCrypto(sodium)
 * @property {any} sodium
 * @property {any} state
 * @property {(method: string, path: string, options?: any) => Promise<Response>} api
 * @property {(op: string, ...args: any[]) => Promise<any>} kdf
 * @property {(name: string, options?: {push?: boolean, status?: string}) => void} show
 * @property {(text?: string) => void} setStatus
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLFormElement, on: boolean) => void} busy
 * @property {(url: string) => Promise<unknown>} loadScript
 * @property {(status?: string) => Promise<unknown>} home
 */

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing`);
  return node;
}

/**
 * What a person typed for one group, as the code's parser reads it (SPEC §4.3):
 * spaces and dashes ignored, ASCII upper case, 0/1/8 read as O/I/B.
 * @param {string} text
 */
export function cleanGroup(text) {
  const cleaned = text.replace(/[\s-]/g, "").replace(/[a-z]/g, (c) => c.toUpperCase());
  return Array.from(cleaned, (c) => FORGIVEN[c] ?? c).join("");
}

/**
 * Two different groups (numbered from 1) among the first six, in order.
 * @param {() => number} [random] in [0, 1)
 * @returns {number[]}
 */
export function pickGroups(random = Math.random) {
  const all = Array.from({ length: CHECKED_GROUPS }, (_, i) => i + 1);
  const picked = [];
  while (picked.length < ASKED) picked.push(...all.splice(Math.floor(random() * all.length), 1));
  return picked.sort((a, b) => a - b);
}

/**
 * Split `text` into lines no wider than `width` on the canvas' current font.
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} width
 */
function wrap(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** @param {KitHelpers} h */
export function createRecoveryKit(h) {
  const { S, CONFIG, C, sodium, state, api, kdf, show, setStatus, showError, busy, loadScript, home } = h;
  /** @type {{code: string, login: string, groups: number[]} | null} */
  let kit = null;
  /** @type {string | null} */
  let imageUrl = null;

  function forgetImage() {
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    imageUrl = null;
  }

  /**
   * Show a new kit: the code written out, its QR code, the login.
   * @param {string} code
   * @param {string} login
   * @param {string} [status]
   */
  async function showKit(code, login, status = "") {
    forgetImage();
    kit = { code, login, groups: pickGroups() };
    byId("recovery-code").textContent = code;
    byId("recovery-login").textContent = login;
    // The code is written out in full above; the QR code is a convenience.
    await drawQr(code, byId("recovery-qr"), "Byte", { loadScript, src: CONFIG.qrcode });
    show("recovery", { status });
  }

  /**
   * The kit drawn for a phone's photo gallery: title, a plain line, the login, the
   * code in large letters and its QR code, black on white.
   * @returns {Promise<Blob>}
   */
  async function drawImage() {
    if (!kit) throw new Error("no kit");
    const width = 720;
    const margin = 40;
    const canvas = document.createElement("canvas");
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    /** @type {boolean[][]} */
    let modules = [];
    try {
      await loadScript(CONFIG.qrcode);
      if (window.qrcode) {
        const qr = window.qrcode(0, "M");
        qr.addData(kit.code, "Byte");
        qr.make();
        const n = qr.getModuleCount();
        modules = Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
      }
    } catch {
      // The code is written out in full: the image stays useful without its QR code.
    }
    const textFont = "28px sans-serif";
    ctx.font = textFont;
    const intro = wrap(ctx, S.kit_image_line, width - 2 * margin);
    const cell = modules.length ? Math.floor(320 / modules.length) : 0;
    const qrSize = cell * modules.length;
    canvas.width = width;
    canvas.height = margin + 50 + intro.length * 38 + 60 + 2 * 64 + 30 + qrSize + margin;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#000000";
    ctx.textBaseline = "top";
    // The sentences in the page's direction (Arabic, Dari, Pashto from the right); the
    // code always from the left, as it is printed and typed.
    const rtl = document.documentElement.dir === "rtl";
    ctx.direction = rtl ? "rtl" : "ltr";
    ctx.textAlign = "start";
    const x = rtl ? width - margin : margin;
    let y = margin;
    ctx.font = "bold 34px sans-serif";
    ctx.fillText(S.kit_image_title, x, y);
    y += 50;
    ctx.font = textFont;
    for (const line of intro) {
      ctx.fillText(line, x, y);
      y += 38;
    }
    y += 10;
    ctx.fillText(`${S.kit_image_login} ${kit.login}`, x, y);
    y += 50;
    // Four groups on the first line, three on the second: large enough to read aloud.
    ctx.direction = "ltr";
    ctx.textAlign = "left";
    ctx.font = "bold 48px monospace";
    const groups = kit.code.split("-");
    for (const part of [groups.slice(0, 4), groups.slice(4)]) {
      ctx.fillText(part.join("-"), margin, y);
      y += 64;
    }
    y += 30;
    const left = Math.floor((width - qrSize) / 2);
    modules.forEach((row, r) => row.forEach((dark, c) => {
      if (dark) ctx.fillRect(left + c * cell, y + r * cell, cell, cell);
    }));
    return new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no image"))), "image/png");
    });
  }

  // "Enregistrer en image": the PNG goes to the phone's downloads (its gallery).
  async function saveImage() {
    showError("recovery-image-error", "");
    try {
      forgetImage();
      imageUrl = URL.createObjectURL(await drawImage());
      const link = document.createElement("a");
      link.href = imageUrl;
      link.download = S.kit_image_file;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setStatus(S.kit_image_saved);
    } catch {
      showError("recovery-image-error", S.kit_image_failed);
    }
  }

  // "J'ai gardé mon code": two groups asked back, the kit out of sight.
  function startCheck() {
    if (!kit) return;
    const form = /** @type {HTMLFormElement} */ (byId("recovery-check-form"));
    form.reset();
    showError("recovery-check-error", "");
    kit.groups.forEach((group, i) => {
      byId(`recovery-check-label-${i + 1}`).textContent = S.kit_check_group.replace("{n}", String(group));
    });
    show("recovery-check");
  }

  /** @param {SubmitEvent} event */
  async function onCheck(event) {
    event.preventDefault();
    if (!kit) return;
    const form = /** @type {HTMLFormElement} */ (event.target);
    const groups = kit.code.split("-");
    const typed = [form.group1.value, form.group2.value].map(cleanGroup);
    const right = kit.groups.every((group, i) => typed[i] === groups[group - 1]);
    if (!right) {
      // A clear retry: the boxes emptied, the first one ready, the kit one tap away.
      form.reset();
      showError("recovery-check-error", S.kit_check_wrong);
      /** @type {HTMLInputElement} */ (form.group1).focus();
      return;
    }
    kit = null;
    forgetImage();
    byId("recovery-code").textContent = "";
    byId("recovery-qr").replaceChildren();
    // After a reset the new vault is not open yet: back to the welcome screen.
    if (state.keys) await home(S.kit_check_done);
    else show("welcome", { status: S.kit_check_done });
  }

  // "Refaire mon kit de récupération" (from "Plus"): the passphrase first.
  function startAgain() {
    const form = /** @type {HTMLFormElement} */ (byId("recovery-again-form"));
    form.reset();
    showError("recovery-again-error", "");
    show("recovery-again");
  }

  /** @param {SubmitEvent} event */
  async function onAgain(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    showError("recovery-again-error", "");
    if (!form.passphrase.value) return showError("recovery-again-error", S.kit_again_passphrase_missing);
    busy(form, true);
    /** @type {Uint8Array[]} */
    const secrets = [];
    try {
      const me = await (await api("GET", "/me")).json();
      const who = { territory: CONFIG.territory, login: canonicalLogin(me.account.login) || me.account.login };
      const keys = await kdf("derivePassphraseKeysAny", form.passphrase.value, me.keyring.kdf, who);
      secrets.push(keys.authKey, keys.wrapKey);
      // A wrong passphrase does not open the master key: said here, nothing sent.
      const masterKey = C.unwrapMasterKey(C.b64decode(me.keyring.wrapped_master_passphrase), keys.wrapKey, "passphrase");
      secrets.push(masterKey);
      const secret = C.newRecoverySecret();
      secrets.push(secret);
      const recovery = C.deriveRecoveryKeys(secret);
      secrets.push(recovery.authKey, recovery.wrapKey);
      await api("POST", "/me/recovery-code", {
        json: {
          current_auth_key: C.b64encode(keys.authKey),
          recovery_auth_key: C.b64encode(recovery.authKey),
          wrapped_master_recovery: C.b64encode(C.wrapMasterKey(masterKey, recovery.wrapKey, "recovery")),
        },
      });
      await showKit(C.formatRecoveryCode(secret), me.account.login, S.kit_again_done);
    } catch (error) {
      const wrong = error instanceof C.DecryptionError || (error instanceof ApiError && error.code === "wrong_passphrase");
      showError("recovery-again-error", wrong ? S.kit_again_wrong : messageFor(error, S.unexpected_error));
      setStatus("");
    } finally {
      for (const bytes of secrets) sodium.memzero(bytes);
      busy(form, false);
      form.passphrase.value = "";
    }
  }

  document.getElementById("recovery-check-form")?.addEventListener("submit", onCheck);
  document.getElementById("recovery-again-form")?.addEventListener("submit", onAgain);

  return {
    showKit,
    // Needs an open vault (the check also follows a reset, where none is open).
    screens: ["recovery-again"],
    enter: {},
    actions: {
      "recovery-image": saveImage,
      "recovery-done": startCheck,
      "recovery-again": startAgain,
      // Back to the kit from the check (the same code, the same groups asked).
      "recovery-see": () => (kit ? show("recovery") : undefined),
    },
    wipe() {
      kit = null;
      forgetImage();
      byId("recovery-code").textContent = "";
      byId("recovery-qr").replaceChildren();
    },
  };
}
