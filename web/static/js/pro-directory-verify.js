// @ts-check
// The directory's entries to check (issue 16 "Directory": entries not verified for a
// long time are flagged to the structure's admin). For a professional whose own
// certificate says they administer their structure (as pro-handover.js decides it),
// GET /directory/stale is asked once at home; when it lists entries, the menu shows
// "Fiches de l'annuaire à vérifier (n)". The screen lists each entry (service,
// structure, last verification, its public guide page) with one button confirming
// it is still right (POST /directory/services/{id}/verify). What changed is not
// edited here: the territory admin re-imports the data·inclusion file.
import { button, byId, el, fill, setCount } from "./consent-common.js";
import { calendarDay } from "./dates.js";
import { messageFor } from "./http.js";

/** An entry as GET /directory/stale lists it. @typedef {{id: string, nom: string, verified_on: string, structure: {nom: string}}} StaleEntry */

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{profile: () => Promise<any>}} hooks
 */
export function createProDirectoryVerify(ctx, hooks) {
  const { S, api, show, showError } = ctx;
  /** @type {StaleEntry[]} */
  let entries = [];
  let asked = false; // GET /directory/stale is asked once per visit

  function drawMenu() {
    byId("pro-directory-menu").hidden = !entries.length;
    setCount("pro-directory-count", entries.length);
  }

  /** At home: the entries to check, if I administer my structure (once per visit). */
  async function refreshCount() {
    if (asked) return;
    asked = true;
    try {
      const profile = await hooks.profile();
      const role = profile.certificates?.[0]?.statement?.role;
      if (!profile.structure_id || role !== "structure_admin") return;
      const { services } = await (await api("GET", "/directory/stale")).json();
      entries = services;
      drawMenu();
    } catch {
      asked = false; // asked again at the next home
      // A convenience: nothing is shown when the list cannot be fetched.
    }
  }

  /** @param {StaleEntry} entry */
  function card(entry) {
    const guide = el("a", { text: fill(S.directory_verify_guide, { service: entry.nom }) });
    guide.href = `/guide/services/${encodeURIComponent(entry.id)}`;
    const confirm = button(S.directory_verify_confirm, () => verify(entry, confirm));
    return el(
      "li",
      { className: "card" },
      el("h2", { text: entry.nom }),
      el("p", { text: entry.structure.nom }),
      el("p", { text: fill(S.directory_verify_last, { date: calendarDay(entry.verified_on) }) }),
      el("p", {}, guide),
      el("div", { className: "actions" }, confirm),
    );
  }

  function draw() {
    const list = byId("pro-directory-list");
    if (!entries.length) return list.replaceChildren(el("p", { text: S.directory_verify_none }));
    list.replaceChildren(el("ul", { className: "cards" }, ...entries.map(card)));
  }

  /**
   * @param {StaleEntry} entry
   * @param {HTMLButtonElement} confirm
   */
  async function verify(entry, confirm) {
    showError("pro-directory-error", "");
    confirm.disabled = true;
    try {
      await api("POST", `/directory/services/${encodeURIComponent(entry.id)}/verify`);
      entries = entries.filter((e) => e.id !== entry.id);
      drawMenu();
      draw();
      show("pro-directory-verify", { status: fill(S.directory_verify_done, { service: entry.nom }) });
    } catch (error) {
      confirm.disabled = false;
      showError("pro-directory-error", messageFor(error, S.unexpected_error));
    }
  }

  function showStale(status = "", options = {}) {
    showError("pro-directory-error", "");
    draw();
    show("pro-directory-verify", { status, ...options });
  }

  return {
    refreshCount,
    screens: ["pro-directory-verify"],
    enter: { "pro-directory-verify": showStale },
    actions: {},
    wipe() {
      entries = [];
      asked = false;
      drawMenu();
    },
  };
}
