// @ts-check
// Naming a successor (issue 16 "Hand-over", docs/NETWORK.md "Référent"): a référent
// who leaves, is replaced or is absent until a date names a certified professional;
// each person followed (all of them, or the ones chosen) is then asked in their own
// vault to move their référent link and to re-share in one tap. Nothing moves without
// the person: this screen only sends POST /referent/handovers.
//
// A structure admin can name a successor for a member of their structure (the
// "Les personnes suivies par" select, shown only when GET /structures/{id}/members
// answers, which it does for the structure's admins only); for a member, the hand-over
// covers every person that member follows (the admin does not see them).
//
// Two steps, one job each: who takes over, then why and for whom. Nothing is chosen
// in advance (no successor, reason or scope ticked).
import { askToChoose, byId, checked, checkedAll, choice, choiceMade, el, fill } from "./consent-common.js";
import { dayKey } from "./dates.js";
import { messageFor } from "./http.js";

const SHOWN = 30; // successors listed at once; the search narrows the list

/** A certified professional of GET /directory/professionals. @typedef {{account_id: string, display_name: string, profession: string, profession_label?: string, structure: {id: string, name: string}}} Listed */

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{profile: () => Promise<any>, persons: () => Promise<{id: string, name: string}[]>, done: (status: string) => unknown}} hooks
 */
export function createProHandover(ctx, hooks) {
  const { S, api, state, show, setStatus, showError, busy } = ctx;
  /** @type {Listed[]} */
  let professionals = [];
  /** @type {{id: string, name: string}[]} */
  let members = []; // the admin's structure members (empty: not an admin)
  /** @type {{from: string, fromName: string, successor: Listed} | null} */
  let chosen = null;

  const form = /** @type {HTMLFormElement} */ (byId("pro-handover-form"));
  const details = /** @type {HTMLFormElement} */ (byId("pro-handover-details-form"));

  function placeholder() {
    const option = el("option", { text: S.choose_in_list });
    option.value = "";
    return option;
  }

  /**
   * The members of my structure, if I administer it (the server answers admins only).
   * @param {string} structureId
   */
  async function adminMembers(structureId) {
    try {
      const { members: all } = await (await api("GET", `/structures/${structureId}/members`)).json();
      return all
        .filter((/** @type {any} */ m) => m.certified && !m.left_at && m.account_id !== state.accountId)
        .map((/** @type {any} */ m) => ({ id: m.account_id, name: m.display_name }));
    } catch {
      return [];
    }
  }

  function drawSuccessors() {
    const words = /** @type {HTMLInputElement} */ (byId("pro-handover-search")).value.trim().toLocaleLowerCase();
    const from = members.length ? /** @type {HTMLSelectElement} */ (byId("pro-handover-from")).value || state.accountId : state.accountId;
    const before = checked(form, "handover-successor");
    const matching = professionals.filter((p) => {
      if (p.account_id === from) return false;
      const text = `${p.display_name} ${p.structure.name} ${p.profession_label || ""}`.toLocaleLowerCase();
      return !words || text.includes(words);
    });
    const list = byId("pro-handover-list");
    if (!matching.length) return list.replaceChildren(el("p", { text: S.pro_handover_nobody }));
    list.replaceChildren(
      ...matching
        .slice(0, SHOWN)
        .map((p) => choice("handover-successor", p.account_id, p.display_name, `${p.profession_label || p.profession} · ${p.structure.name}`, p.account_id === before)),
    );
    if (matching.length > SHOWN) list.append(el("p", { className: "hint", text: fill(S.pro_handover_more, { n: matching.length - SHOWN }) }));
  }

  async function showHandover(status = "", options = {}) {
    showError("pro-handover-error", "");
    try {
      const profile = await hooks.profile();
      const { professionals: listed } = await (await api("GET", "/directory/professionals")).json();
      professionals = listed;
      // Only a structure admin (their own certificate says so) may act for a member.
      const role = profile.certificates?.[0]?.statement?.role;
      members = profile.structure_id && role === "structure_admin" ? await adminMembers(profile.structure_id) : [];
      const from = /** @type {HTMLSelectElement} */ (byId("pro-handover-from"));
      const mine = el("option", { text: S.pro_handover_myself });
      mine.value = state.accountId || "";
      from.replaceChildren(
        placeholder(),
        mine,
        ...members.map((m) => {
          const option = el("option", { text: m.name });
          option.value = m.id;
          return option;
        }),
      );
      byId("pro-handover-from-field").hidden = !members.length;
      form.reset();
      choiceMade(form, "handover-successor");
      drawSuccessors();
      show("pro-handover", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {SubmitEvent} event */
  function onSuccessor(event) {
    event.preventDefault();
    const fromSelect = /** @type {HTMLSelectElement} */ (byId("pro-handover-from"));
    const from = members.length ? fromSelect.value : state.accountId || "";
    if (!from) return showError("pro-handover-error", S.pro_handover_from_missing);
    const successor = professionals.find((p) => p.account_id === checked(form, "handover-successor"));
    if (!successor) return askToChoose(form, "handover-successor", "pro-handover-error", S.pro_handover_successor_missing);
    const fromName = from === state.accountId ? S.pro_handover_myself : (members.find((m) => m.id === from) || { name: "" }).name;
    chosen = { from, fromName, successor };
    showDetails();
  }

  function showDetails(status = "", options = {}) {
    if (!chosen) return showHandover(status, options);
    details.reset();
    for (const name of ["reason", "scope", "handover-person"]) choiceMade(details, name);
    const mine = chosen.from === state.accountId;
    byId("pro-handover-summary").textContent = fill(mine ? S.pro_handover_summary_mine : S.pro_handover_summary_for, {
      professional: chosen.fromName,
      successor: chosen.successor.display_name,
      structure: chosen.successor.structure.name,
    });
    // For a member, the admin cannot see whom they follow: every person is asked.
    byId("pro-handover-scope-field").hidden = !mine;
    byId("pro-handover-persons-field").hidden = true;
    byId("pro-handover-until-field").hidden = true;
    byId("pro-handover-persons").replaceChildren();
    showError("pro-handover-details-error", "");
    show("pro-handover-details", { status, ...options });
  }

  async function onDetailsChange() {
    const reason = checked(details, "reason");
    byId("pro-handover-until-field").hidden = reason !== "absent";
    const chosenOnes = checked(details, "scope") === "chosen";
    const field = byId("pro-handover-persons-field");
    if (chosenOnes && field.hidden) {
      field.hidden = false;
      try {
        const persons = await hooks.persons();
        byId("pro-handover-persons").replaceChildren(
          ...(persons.length ? persons.map((p) => choice("handover-person", p.id, p.name, "", false, "checkbox")) : [el("p", { text: S.followed_none })]),
        );
      } catch (error) {
        showError("pro-handover-details-error", messageFor(error, S.unexpected_error));
      }
    } else if (!chosenOnes) field.hidden = true;
    for (const name of ["reason", "scope", "handover-person"]) choiceMade(details, name);
    showError("pro-handover-details-error", "");
  }

  /** @param {SubmitEvent} event */
  async function onDetails(event) {
    event.preventDefault();
    if (!chosen) return showHandover();
    const reason = checked(details, "reason");
    if (!reason) return askToChoose(details, "reason", "pro-handover-details-error", S.pro_handover_reason_missing);
    const until = /** @type {HTMLInputElement} */ (byId("pro-handover-until")).value;
    // A date to come, within the year (the server checks it too).
    const today = dayKey(new Date());
    const inAYear = dayKey(new Date(Date.now() + 365 * 86400000));
    if (reason === "absent" && (!until || until <= today || until > inAYear)) {
      return showError("pro-handover-details-error", S.pro_handover_until_missing);
    }
    const mine = chosen.from === state.accountId;
    const scope = mine ? checked(details, "scope") : "all";
    if (!scope) return askToChoose(details, "scope", "pro-handover-details-error", S.pro_handover_scope_missing);
    const persons = scope === "chosen" ? checkedAll(details, "handover-person") : null;
    if (persons && !persons.length) return askToChoose(details, "handover-person", "pro-handover-details-error", S.pro_handover_persons_missing);
    busy(details, true);
    try {
      const response = await api("POST", "/referent/handovers", {
        json: {
          from_professional_id: chosen.from,
          successor_id: chosen.successor.account_id,
          reason,
          until: reason === "absent" ? until : null,
          ...(persons ? { person_ids: persons } : {}),
        },
      });
      const { count } = await response.json();
      const successor = chosen.successor.display_name;
      chosen = null;
      await hooks.done(fill(S.pro_handover_sent, { n: count, successor }));
    } catch (error) {
      showError("pro-handover-details-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(details, false);
    }
  }

  form.addEventListener("submit", onSuccessor);
  form.addEventListener("change", () => {
    choiceMade(form, "handover-successor");
    showError("pro-handover-error", "");
  });
  byId("pro-handover-search").addEventListener("input", drawSuccessors);
  byId("pro-handover-from").addEventListener("change", drawSuccessors);
  details.addEventListener("submit", onDetails);
  details.addEventListener("change", onDetailsChange);

  return {
    screens: ["pro-handover", "pro-handover-details"],
    enter: { "pro-handover": showHandover, "pro-handover-details": showDetails },
    actions: {},
    wipe() {
      professionals = [];
      members = [];
      chosen = null;
      for (const id of ["pro-handover-list", "pro-handover-persons", "pro-handover-from"]) byId(id).replaceChildren();
      byId("pro-handover-summary").textContent = "";
    },
  };
}
