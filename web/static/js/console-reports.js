// @ts-check
// The officer console's two report screens (console.js keeps the log-in and the trail):
// the flags of a period, each with the entries behind it and a button that filters the
// trail on them; and the exports, the CSV of the filters shown and the signed log with
// the command that verifies it. Dates are the territory's (dates.js); a download
// that goes silent ends after the stall time with a plain message (transfer.js).
import { dayStart } from "./dates.js";
import { fill } from "./consent-common.js";
import { messageFor } from "./http.js";
import { StallError, download as watched } from "./transfer.js";

/** An entry of the trail as GET /console/entries gives it. @typedef {Record<string, any>} Entry */
/** Filters in the API's names (structure, professional, purpose, action, outcome, person, from, to). @typedef {Record<string, string>} Filters */

/**
 * What the reports need of the console.
 * @typedef {object} ConsoleContext
 * @property {Record<string, string>} STRINGS
 * @property {number} stallMs no progress for this long ends a download
 * @property {{signedIn: boolean, filters: Filters, filtersNote: string}} state
 * @property {(method: string, path: string, options?: import("./http.js").RequestOptions) => Promise<Response>} api
 * @property {(name: string) => void} show
 * @property {(id: string, text: string) => void} showError
 * @property {(text?: string) => void} setStatus
 * @property {(form: HTMLElement, on: boolean) => void} busy
 * @property {(params: Record<string, unknown>) => string} query
 * @property {(value: string | number | Date) => string} when
 * @property {(value: string | number | Date) => string} day
 * @property {(entries: Entry[]) => void} learn
 * @property {(entry: Entry) => HTMLElement} entryRow
 * @property {(filters: Filters) => void} setForm
 * @property {(filters: Filters, note?: string) => Promise<void>} search
 * @property {(step: () => unknown) => Promise<void>} guarded
 * @property {<K extends keyof HTMLElementTagNameMap>(tag: K, options?: {className?: string, text?: string, lang?: string}, ...children: (Node | null)[]) => HTMLElementTagNameMap[K]} el
 */

/** @param {string} id */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/** @param {string} id */
function formOf(id) {
  return /** @type {HTMLFormElement & Record<string, any>} */ (document.getElementById(id));
}

/** @param {ConsoleContext} ctx */
export function createReports(ctx) {
  const { STRINGS, state, api, show, showError, setStatus, busy, query, when, day, el } = ctx;

  // ------------------------------------------------------------------------ flags

  /** @param {Event} [event] */
  async function showFlags(event) {
    if (event) event.preventDefault();
    const form = formOf("flags-form");
    showError("flags-error", "");
    const from = form.from.value;
    const to = form.to.value;
    if (from && to && to < from) return showError("flags-error", STRINGS.bad_period);
    busy(form, true);
    try {
      const params = { from: from ? dayStart(from) : "", to: to ? dayStart(to, 1) : "" };
      const report = await (await api("GET", `/console/flags${query(params)}`)).json();
      renderFlags(report);
      show("flags");
    } catch (error) {
      if (state.signedIn) {
        show("flags");
        showError("flags-error", messageFor(error, STRINGS.unexpected_error));
      }
    } finally {
      busy(form, false);
    }
  }

  /** @param {Record<string, any>} report */
  function renderFlags(report) {
    const list = byId("flags-list");
    list.replaceChildren();
    const period = fill(STRINGS.flags_period, {
      from: day(report.period_from),
      to: day(new Date(report.period_to).getTime() - 1),
    });
    const count = report.flags.length ? fill(STRINGS.flags_count, { n: report.flags.length }) : STRINGS.flags_none;
    byId("flags-summary").textContent = `${period} ${count}`;
    report.flags.forEach((/** @type {Record<string, any>} */ flag, /** @type {number} */ index) => {
      for (const e of flag.entries) ctx.learn([e]);
      const headingId = `flag-${index}`;
      const card = el("section", { className: `flag ${flag.code}` });
      card.setAttribute("aria-labelledby", headingId);
      const heading = el("h2", { text: flag.title, lang: "fr" });
      heading.id = headingId;
      card.append(heading);
      // The explanation is written by the server, in French, with its numbers.
      card.append(el("p", { text: flag.explanation, lang: "fr" }));
      if (flag.professional_name) card.append(el("p", { text: fill(STRINGS.flag_who, { who: flag.professional_name }) }));
      if (flag.structure_name) card.append(el("p", { text: fill(STRINGS.flag_structure, { structure: flag.structure_name }) }));
      if (flag.purpose) card.append(el("p", { text: fill(STRINGS.flag_purpose, { purpose: flag.purpose_label || flag.purpose }) }));
      const filter = el("button", { text: STRINGS.flag_filter });
      filter.type = "button";
      filter.addEventListener("click", () =>
        ctx.guarded(() => {
          const filters = flagFilters(flag.entries);
          ctx.setForm(filters);
          return ctx.search(filters, fill(STRINGS.filters_from_flag, { title: flag.title }));
        }),
      );
      card.append(el("div", { className: "actions" }, filter));
      card.append(el("h3", { text: fill(STRINGS.flag_entries, { n: flag.entries.length }) }));
      const entries = el("ol", { className: "trail" });
      for (const entry of flag.entries) entries.append(ctx.entryRow(entry));
      card.append(entries);
      list.append(card);
    });
  }

  // The narrowest filters that still hold every entry of the flag: what they all share,
  // and the period from the first to just after the last.
  /**
   * @param {Entry[]} entries
   * @returns {Filters}
   */
  function flagFilters(entries) {
    /** @param {(e: Entry) => unknown} get */
    const same = (get) => {
      const values = new Set(entries.map(get));
      return values.size === 1 ? String([...values][0] || "") : "";
    };
    const times = entries.map((e) => new Date(e.at).getTime());
    return {
      structure: same((e) => e.structure_id),
      professional: same((e) => (e.actor.role === "professional" ? e.actor.id : null)),
      purpose: same((e) => e.purpose),
      action: same((e) => e.action),
      outcome: same((e) => e.outcome),
      person: same((e) => e.person),
      from: times.length ? new Date(Math.min(...times)).toISOString() : "",
      to: times.length ? new Date(Math.max(...times) + 1).toISOString() : "",
    };
  }

  // ---------------------------------------------------------------------- exports

  /** @param {Filters} filters */
  function describeFilters(filters) {
    /** @type {string[]} */
    const parts = [];
    const form = formOf("filters-form");
    /** @param {string} name */
    const labelOf = (name) => /** @type {HTMLElement} */ (form.querySelector(`label[for=filter-${name}]`)).textContent;
    /** @param {string} name */
    const text = (name) => {
      const select = /** @type {HTMLSelectElement} */ (form[name]);
      const option = [...select.options].find((o) => o.value === filters[name]);
      return option ? option.text : filters[name];
    };
    for (const name of ["structure", "professional", "purpose", "action", "outcome"]) {
      if (filters[name]) parts.push(`${labelOf(name)} : ${text(name)}`);
    }
    if (filters.person) parts.push(`${labelOf("person")} : ${filters.person}`);
    if (filters.from) parts.push(`${labelOf("from")} : ${when(filters.from)}`);
    if (filters.to) parts.push(`${labelOf("to")} : ${when(new Date(filters.to).getTime() - 1)}`);
    if (!parts.length) return STRINGS.filters_none;
    return (state.filtersNote ? `${state.filtersNote} ` : "") + parts.join(" · ");
  }

  async function showExport() {
    byId("export-filters").textContent = describeFilters(state.filters);
    showError("export-error", "");
    show("export");
    const key = byId("audit-key");
    try {
      key.textContent = (await (await api("GET", "/audit/key")).text()).trim();
      // A command, not a sentence: the same in every language.
      byId("verify-command").textContent = `coffre audit verify --file ${STRINGS.log_name} --key ${key.textContent}`;
    } catch {
      if (state.signedIn) key.textContent = STRINGS.key_missing;
    }
  }

  /**
   * @param {string} path
   * @param {string} name
   */
  async function download(path, name) {
    showError("export-error", "");
    const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("[data-action^=download-]"));
    for (const b of buttons) b.disabled = true;
    setStatus(STRINGS.downloading);
    try {
      const { body } = await watched((signal) => api("GET", path, { signal }), ctx.stallMs);
      const reader = body.getReader();
      /** @type {Uint8Array[]} */
      const pieces = [];
      for (let read = await reader.read(); !read.done; read = await reader.read()) pieces.push(read.value);
      const blob = new Blob(/** @type {BlobPart[]} */ (pieces));
      const url = URL.createObjectURL(blob);
      const link = el("a");
      link.href = url;
      link.download = name;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setStatus(fill(STRINGS.downloaded, { name }));
    } catch (error) {
      setStatus("");
      if (!state.signedIn) return;
      showError("export-error", error instanceof StallError ? STRINGS.download_stalled : messageFor(error, STRINGS.unexpected_error));
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  return { showFlags, showExport, download };
}
