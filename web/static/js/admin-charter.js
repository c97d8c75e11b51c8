// @ts-check
/**
 * The territory admin's charter screens (/administration): a TOML file previewed by
 * the server (POST /charters/preview: the text as /charte shows it, the differences
 * with the version it replaces, the located problems; nothing published), then
 * published with the SHA-256 and base version of what was previewed; and the end of
 * a structure's adhesion, prepared by the server as the next version's text and sent
 * through the same preview. admin.js owns the session, the helpers and the wiring.
 */

import { calendarDay, dayKey } from "./dates.js";
import { fill } from "./consent-common.js";

const MAX_CHARTER_BYTES = 256 * 1024;

/**
 * @typedef {{bytes: Uint8Array, sha256: string, base: number, version: number | null,
 *   effectiveOn: string | null, draftName: string}} Previewed
 */

/**
 * @typedef {object} CharterContext
 * @property {Record<string, any>} strings
 * @property {{previewed: Previewed | null, ending: {id: string, name: string} | null,
 *   structures: {id: string, name: string}[], downloadUrl: string}} state
 * @property {(id: string) => HTMLElement} byId
 * @property {(id: string) => HTMLFormElement} formOf
 * @property {(tag: "li" | "ul", options?: {className?: string, text?: string}, ...children: (Node | null)[]) => HTMLElement} el
 * @property {(kind: string, codes: string[]) => string} labels
 * @property {(name: string, options?: {status?: string}) => void} show
 * @property {(text: string) => void} setStatus
 * @property {(id: string, text: string) => void} showError
 * @property {(form: HTMLFormElement, on: boolean) => void} busy
 * @property {(method: string, path: string, options?: Record<string, any>) => Promise<Response>} api
 * @property {(error: any) => string} problem
 * @property {() => void} dropDownload
 * @property {() => unknown} showStructures
 */

/** @param {CharterContext} context */
export function createCharterScreens(context) {
  const { strings: STRINGS, state, byId, formOf, el, labels, show, setStatus, showError, busy, api, problem, dropDownload, showStructures } = context;


  function showCharter() {
    formOf("charter-form").reset();
    showError("charter-error", "");
    state.previewed = null;
    dropDownload();
    show("charter");
  }

  /** @param {SubmitEvent} event */
  async function onCharterFile(event) {
    event.preventDefault();
    const form = formOf("charter-form");
    const input = /** @type {HTMLInputElement} */ (byId("charter-file"));
    const file = input.files && input.files[0];
    showError("charter-error", "");
    if (!file) return showError("charter-error", STRINGS.file_missing);
    if (file.size > MAX_CHARTER_BYTES) return showError("charter-error", STRINGS.file_too_large);
    busy(form, true);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      dropDownload();
      await preview(bytes, "");
    } catch (error) {
      showError("charter-error", problem(error));
    } finally {
      busy(form, false);
    }
  }

  /**
   * Sends the bytes to the preview (nothing is published), keeps them, shows the result.
   * @param {Uint8Array} bytes
   * @param {string} note a sentence above the preview (the prepared end of an adhesion)
   */
  async function preview(bytes, note) {
    const body = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (bytes)], { type: "text/plain; charset=utf-8" });
    const result = await (await api("POST", "/charters/preview", { body, headers: { "Content-Type": "text/plain; charset=utf-8" } })).json();
    state.previewed = {
      bytes,
      sha256: result.sha256,
      base: result.compared_with ? result.compared_with.version : 0,
      version: result.version,
      effectiveOn: result.effective_on,
      draftName: "",
    };
    renderPreview(result, note);
    show("preview", { status: note });
  }

  /** @param {Record<string, any>} result @param {string} note */
  function renderPreview(result, note) {
    const problems = byId("preview-problems");
    const differences = byId("preview-differences");
    const text = byId("preview-text");
    problems.replaceChildren();
    differences.replaceChildren();
    text.replaceChildren();
    showError("preview-error", "");
    const summary = [];
    if (note) summary.push(note);
    if (result.version) summary.push(fill(STRINGS.preview_of, { version: result.version, date: result.effective_on ? calendarDay(result.effective_on) : "" }));
    if (!result.valid) summary.push(fill(STRINGS.preview_invalid, { n: result.problems.length }));
    byId("preview-summary").textContent = summary.join(" ");
    for (const p of result.problems) problems.append(el("li", { text: fill(STRINGS.problem_at, { where: p.location, what: p.message }) }));
    byId("preview-problems-block").hidden = !result.problems.length;
    const diff = result.differences;
    byId("preview-differences-block").hidden = !diff;
    if (diff) {
      const base = result.compared_with;
      byId("preview-compared").textContent = base
        ? fill(STRINGS.compared_with, { version: base.version, date: calendarDay(base.effective_on) })
        : STRINGS.first_charter;
      for (const item of differenceItems(diff)) differences.append(item);
      if (!differences.children.length && base) differences.append(el("li", { text: fill(STRINGS.no_difference, { version: base.version }) }));
    }
    // The server rendered it (escaped, web/templates/charter/_text.html): as /charte shows it.
    if (result.rendering_html) {
      const parsed = new DOMParser().parseFromString(`<div>${result.rendering_html}</div>`, "text/html");
      text.append(...[...parsed.body.firstChild ? parsed.body.firstChild.childNodes : []].map((n) => document.importNode(n, true)));
    }
    byId("preview-text-block").hidden = !result.rendering_html;
    byId("preview-publish").hidden = !result.valid;
  }

  /**
   * @param {string} text
   * @param {string[]} [details]
   */
  function diffItem(text, details = []) {
    const item = el("li", { text });
    if (details.length) {
      const list = el("ul");
      for (const detail of details) list.append(el("li", { text: detail }));
      item.append(list);
    }
    return item;
  }

  /** @param {Record<string, any>} diff */
  function differenceItems(diff) {
    const items = [];
    for (const p of diff.purposes) {
      if (p.change === "added") items.push(diffItem(fill(STRINGS.purpose_added, { label: p.label })));
      else if (p.change === "removed") items.push(diffItem(fill(STRINGS.purpose_removed, { label: p.label })));
      else {
        const details = [];
        if (p.label_changed) details.push(fill(STRINGS.label_changed, { old: p.label_changed.old, new: p.label_changed.new }));
        if (p.categories.added.length) details.push(fill(STRINGS.categories_added, { list: labels("categories", p.categories.added) }));
        if (p.categories.removed.length) details.push(fill(STRINGS.categories_removed, { list: labels("categories", p.categories.removed) }));
        if (p.professions.added.length) details.push(fill(STRINGS.professions_added, { list: labels("professions", p.professions.added) }));
        if (p.professions.removed.length) details.push(fill(STRINGS.professions_removed, { list: labels("professions", p.professions.removed) }));
        if (p.max_days) details.push(fill(STRINGS.days_changed, { old: p.max_days.old, new: p.max_days.new }));
        if (p.reason_required) details.push(p.reason_required.new ? STRINGS.reason_now_required : STRINGS.reason_no_longer);
        if (p.description_changed) details.push(STRINGS.description_changed);
        items.push(diffItem(fill(STRINGS.purpose_changed, { label: p.label }), details));
      }
    }
    for (const s of diff.structures) {
      const key = `structure_${s.change}`;
      const date = s.until && s.until.new ? calendarDay(String(s.until.new)) : "";
      items.push(diffItem(fill(STRINGS[key] || STRINGS.structure_changed, { name: s.name, date })));
    }
    const relays = diff.relays;
    if (relays) {
      if (relays.change === "added") items.push(diffItem(fill(STRINGS.relays_added, { list: relays.purposes.added.join(", ") })));
      else if (relays.change === "removed") items.push(diffItem(STRINGS.relays_removed));
      else {
        const details = [];
        if (relays.purposes.added.length) details.push(fill(STRINGS.relay_purposes_added, { list: relays.purposes.added.join(", ") }));
        if (relays.purposes.removed.length) details.push(fill(STRINGS.relay_purposes_removed, { list: relays.purposes.removed.join(", ") }));
        if (relays.remind_after_days) details.push(fill(STRINGS.relay_remind, relays.remind_after_days));
        if (relays.expire_after_days) details.push(fill(STRINGS.relay_expire, relays.expire_after_days));
        if (relays.orientations_changed) details.push(STRINGS.relay_orientations);
        items.push(diffItem(STRINGS.relays_changed, details));
      }
    }
    if (diff.title_changed) items.push(diffItem(STRINGS.title_changed));
    if (diff.preamble_changed) items.push(diffItem(STRINGS.preamble_changed));
    return items;
  }

  async function publish() {
    const previewed = state.previewed;
    if (!previewed) return show("charter");
    const button = /** @type {HTMLButtonElement} */ (byId("preview-publish"));
    showError("preview-error", "");
    button.disabled = true;
    setStatus(STRINGS.working);
    try {
      const body = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (previewed.bytes)], { type: "text/plain; charset=utf-8" });
      const headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "X-Coffre-Charter-Sha256": previewed.sha256,
        "X-Coffre-Charter-Base": String(previewed.base),
      };
      const charter = await (await api("POST", "/charters", { body, headers })).json();
      state.previewed = null;
      byId("published-text").textContent = fill(STRINGS.published, { version: charter.version, date: calendarDay(charter.effective_on) });
      show("published");
    } catch (error) {
      setStatus("");
      showError("preview-error", problem(error));
    } finally {
      button.disabled = false;
    }
  }

  // The end of an adhesion.

  /** @param {string} structureId */
  function showEnd(structureId) {
    const structure = state.structures.find((s) => s.id === structureId);
    if (!structure) return;
    state.ending = structure;
    formOf("end-form").reset();
    byId("end-structure").textContent = structure.name;
    const today = dayKey(Date.now());
    const input = /** @type {HTMLInputElement} */ (byId("end-until"));
    input.min = today;
    input.value = today;
    showError("end-error", "");
    show("end");
  }

  /** @param {SubmitEvent} event */
  async function onEnd(event) {
    event.preventDefault();
    const form = formOf("end-form");
    const until = /** @type {HTMLInputElement} */ (byId("end-until")).value;
    showError("end-error", "");
    if (!state.ending) return showStructures();
    if (!until) return showError("end-error", STRINGS.end_date_missing);
    busy(form, true);
    try {
      const draft = await (await api("POST", "/charters/drafts/end-adhesion", { json: { structure_id: state.ending.id, until } })).json();
      const bytes = new TextEncoder().encode(draft.source);
      dropDownload();
      state.downloadUrl = URL.createObjectURL(new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (bytes)], { type: "application/toml" }));
      const link = /** @type {HTMLAnchorElement} */ (byId("preview-download"));
      link.href = state.downloadUrl;
      link.download = fill(STRINGS.draft_file, { version: draft.version });
      link.hidden = false;
      busy(form, false);
      await preview(bytes, fill(STRINGS.draft_ready, { version: draft.version, name: state.ending.name }));
    } catch (error) {
      busy(form, false);
      showError("end-error", problem(error));
    }
  }

  return { showCharter, onCharterFile, publish, showEnd, onEnd };
}
