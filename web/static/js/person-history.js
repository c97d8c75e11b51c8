// @ts-check
// "Qui a vu mes documents": the person's slice of the audit trail (GET /me/history,
// docs/AUDIT.md), one plain sentence per line — who (name, structure), what (the
// document's category and the person's own title, decrypted here from its id: the
// server cannot read titles), when, why (the purpose, the reason stated at a pull).
// Filters by document and by professional; the lines shown can be saved as a CSV
// file (the same columns as history.csv in the full export, client/export.py).
import { day, el, fill, time } from "./consent-common.js";
import { messageFor } from "./http.js";
import { purposeNameOf, withPurposes } from "./purpose-words.js";
import { createHistoryProof } from "./history-proof.js";

// Columns of history.csv (client/export.py CSV_HEADERS): a spreadsheet reads them.
export const CSV_HEADERS = [
  "Date",
  "Qui",
  "Structure",
  "Ce qui s'est passé",
  "Action",
  "Documents",
  "Catégorie",
  "Finalité",
  "Motif indiqué",
  "Résultat",
  "Numéro dans le journal",
];
/** @type {Record<string, string>} */
const OUTCOMES_FR = { ok: "effectué", refused: "refusé", failed: "échoué" };

/** A line of GET /me/history (docs/AUDIT.md). @typedef {Record<string, any>} HistoryItem */
/** Who a line names. @typedef {{name: string, structure_name?: string | null, account_id?: string}} Party */

/**
 * A CSV cell a spreadsheet will not run as a formula (reasons are typed by others).
 * @param {unknown} value
 */
function cell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * @param {number} n
 * @param {number} [width]
 */
function pad(n, width = 2) {
  return String(n).padStart(width, "0");
}

/**
 * "2026-11-25 17:04:05 +0100": the device's time zone, as the CLI writes it.
 * @param {string} iso
 */
function localStamp(iso) {
  const at = new Date(iso);
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())} ${zone}`
  );
}

/**
 * history.csv's text: UTF-8 with a BOM (accents in spreadsheets), ";" separated, CRLF.
 * @param {HistoryItem[]} items
 * @param {(item: HistoryItem) => string} sentence
 * @returns {string}
 */
export function historyCsv(items, sentence) {
  const rows = [CSV_HEADERS.map(cell).join(";")];
  for (const item of items) {
    const who = item.who || {};
    rows.push(
      [
        localStamp(item.at),
        who.name,
        who.structure_name,
        sentence(item),
        item.action,
        (item.documents || []).map((/** @type {{id: string}} */ d) => d.id).join(" "),
        item.category_label,
        item.purpose_label,
        item.reason,
        OUTCOMES_FR[item.outcome] || item.outcome,
        item.seq,
      ]
        .map(cell)
        .join(";"),
    );
  }
  return `\uFEFF${rows.join("\r\n")}\r\n`;
}

/** @param {import("./types/page").PersonHelpers} P */
export function createHistory(P) {
  const { S, state, api, show, setStatus, categoryLabel } = P;
  /** @type {HistoryItem[]} */
  let items = [];
  /** @type {string | null} */
  let csvUrl = null;
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** @param {Party | null | undefined} party */
  function someone(party) {
    if (!party) return S.someone;
    return party.structure_name ? `${party.name} (${party.structure_name})` : party.name;
  }

  /**
   * « Carte d'identité » (Identité) when in the vault; else the category only.
   * @param {HistoryItem} item
   */
  function documentWords(item) {
    const docs = item.documents || [];
    if (!docs.length) return item.category_label ? fill(S.hist_a_document, { category: item.category_label }) : S.hist_some_document;
    return docs
      .map((/** @type {{id: string, category_label: string}} */ ref) => {
        const doc = P.documentById(ref.id);
        return doc
          ? fill(S.hist_document, { title: P.docTitle(doc), category: ref.category_label })
          : fill(S.hist_document_gone, { category: ref.category_label });
      })
      .join(", ");
  }

  /** @type {() => Record<string, string>} */
  const REFUSALS = () => ({
    revoked: S.hist_refusal_revoked,
    expired: S.hist_refusal_expired,
    exhausted: S.hist_refusal_exhausted,
  });

  /**
   * What a professional reported came of a share (`report` of a grant.outcome line), and
   * what the person may do next.
   * @param {string} report
   */
  function outcomeWords(report) {
    /** @type {Record<string, [string, string]>} */
    const words = {
      right_opened: [S.outcome_right_opened, ""],
      document_unreadable: [S.outcome_document_unreadable, S.outcome_next_unreadable],
      document_missing: [S.outcome_document_missing, S.outcome_next_missing],
    };
    return words[report];
  }

  /**
   * The line as the person reads it (the server's `summary` for rarer actions).
   * @param {HistoryItem} item
   * @returns {string}
   */
  function sentence(item) {
    const values = {
      who: someone(item.professional || item.who),
      documents: documentWords(item),
      category: item.category_label || "",
      purpose_part: item.purpose_label
        ? fill(S.hist_purpose, { purpose: purposeNameOf(P.charter(), item.purpose || "", item.purpose_label) })
        : "",
    };
    switch (item.action) {
      case "grant.pull": {
        if (item.outcome !== "ok") {
          const refusal = REFUSALS()[item.refusal] || S.hist_refusal_conditions;
          return fill(S.hist_pull_refused, { ...values, refusal });
        }
        const text = fill(S.hist_pulled, values);
        return item.reason ? `${text} ${fill(S.hist_reason, { reason: item.reason })}` : text;
      }
      case "grant.create":
        return fill(S.hist_shared, values);
      case "grant.revoke":
        return fill(S.hist_revoked, values);
      case "grant.outcome": {
        const words = outcomeWords(item.report);
        if (!words) return item.summary;
        const text = fill(S.hist_outcome, { ...values, outcome: words[0] });
        return words[1] ? `${text} ${words[1]}` : text;
      }
      case "document.deposit":
        return fill(S.hist_deposit, values);
      case "request.create":
        return fill(S.hist_request, values);
      case "request.decline":
        return fill(S.hist_declined, values);
      case "document.upload":
        return fill(S.hist_upload, values);
      case "document.download":
        return fill(S.hist_download, values);
      case "document.reencrypt":
        return fill(S.hist_reencrypt, values);
      case "document.delete":
        return fill(S.hist_delete, values);
      case "account.export":
        return S.hist_export;
      case "account.login":
        return item.outcome === "ok" ? S.hist_login : S.hist_login_failed;
      // Reminders Coffre sent (docs/REMINDERS.md): `until` is the date they recalled.
      case "reminder.own":
        return S.hist_reminder_own;
      case "reminder.document_expiring":
        return item.until ? fill(S.hist_reminder_document, { ...values, date: day(item.until) }) : item.summary;
      case "reminder.grant_ending":
        return item.until ? fill(S.hist_reminder_grant, { ...values, date: day(item.until) }) : item.summary;
      case "reminder.request_waiting":
        return fill(S.hist_reminder_request, values);
      default:
        return item.summary;
    }
  }

  /**
   * @param {string} value
   * @param {string} text
   * @param {boolean} selected
   */
  function option(value, text, selected) {
    const node = el("option", { text });
    node.value = value;
    node.selected = selected;
    return node;
  }

  /**
   * The filters: the vault's documents, and the professionals the history names.
   * @param {HistoryItem[]} all
   * @param {{document?: string, professional?: string}} chosen
   */
  function fillFilters(all, chosen) {
    const docs = byId("history-document");
    docs.replaceChildren(
      option("", S.hist_all_documents, !chosen.document),
      ...state.documents.map((doc) => option(doc.id, `${P.docTitle(doc)} (${categoryLabel(doc.category)})`, doc.id === chosen.document)),
    );
    /** @type {Map<string, string>} */
    const pros = new Map();
    for (const item of all) {
      const pro = item.professional;
      if (pro && pro.account_id && !pros.has(pro.account_id)) pros.set(pro.account_id, someone(pro));
    }
    byId("history-professional").replaceChildren(
      option("", S.hist_all_professionals, !chosen.professional),
      ...[...pros].map(([id, name]) => option(id, name, id === chosen.professional)),
    );
  }

  function render() {
    const list = byId("history-list");
    if (!items.length) list.replaceChildren(el("p", { text: S.hist_empty }));
    else {
      list.replaceChildren(
        el(
          "ul",
          { className: "history" },
          ...items.map((item) => {
            const when = el("time", { text: fill(S.hist_when, { date: day(item.at), time: time(item.at) }) });
            when.dateTime = item.at;
            const line = el("li", { className: item.outcome === "ok" ? "" : "refused" }, when, el("span", { text: sentence(item) }));
            return line;
          }),
        ),
      );
    }
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = URL.createObjectURL(new Blob([historyCsv(items, sentence)], { type: "text/csv;charset=utf-8" }));
    const link = /** @type {HTMLAnchorElement} */ (document.getElementById("history-csv"));
    link.href = csvUrl;
    link.download = S.hist_csv_name;
    link.hidden = !items.length;
  }

  /**
   * @param {{document?: string, professional?: string}} [filters]
   * @returns {Promise<HistoryItem[]>}
   */
  async function fetchItems({ document: documentId = "", professional = "" } = {}) {
    const query = new URLSearchParams();
    if (documentId) query.set("document", documentId);
    if (professional) query.set("professional", professional);
    const suffix = query.toString() ? `?${query}` : "";
    return (await (await api("GET", `/me/history${suffix}`)).json()).items;
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showHistory(status = "", options = {}) {
    try {
      await P.refreshDocuments();
      items = await fetchItems();
      await withPurposes(P, items); // their everyday names (purpose-words.js)
      fillFilters(items, {});
      render();
      show("history", { status, ...options });
      sayProof();
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {SubmitEvent} event */
  async function onFilter(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const chosen = { document: form.document.value, professional: form.professional.value };
    setStatus(S.working);
    try {
      items = await fetchItems(chosen);
      render();
      setStatus(fill(S.hist_shown, { n: items.length }));
      sayProof();
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  const proof = createHistoryProof(P);

  /** Under the lines, in plain words: are they in the record the charter officer checked? */
  async function sayProof() {
    const note = byId("history-proof");
    if (!note) return;
    const shown = items;
    note.textContent = S.proof_checking;
    const { state: result, text } = await proof.check(shown);
    if (shown !== items) return; // the list changed meanwhile: its own check will say
    note.textContent = text;
    note.dataset.proof = result;
    // "Attention : …" looks like the other warnings, not like a quiet hint.
    note.className = result === "problem" || result === "not_recent" ? "warning" : "hint";
  }

  byId("history-form").addEventListener("submit", onFilter);

  return {
    sentence,
    fetchItems,
    // Shown under the new notices (person-notifications.js: "Historique" is one place).
    show: showHistory,
    screens: ["history"],
    enter: {},
    actions: {},
    wipe() {
      items = [];
      if (csvUrl) URL.revokeObjectURL(csvUrl);
      csvUrl = null;
      for (const id of ["history-list", "history-document", "history-professional"]) byId(id).replaceChildren();
      byId("history-csv").removeAttribute("href");
    },
  };
}
