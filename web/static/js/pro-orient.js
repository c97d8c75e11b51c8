// @ts-check
// Orienting a person to a service of another structure (issue 16 "Relays"): the
// professional finds the service in the directory (GET /directory/services, the same
// search as the guide), picks the person among those linked to them, the purpose the
// charter allows a relay for, the papers the service needs (categories of that
// purpose), and writes a short liaison note sealed per SPEC §29 to themself and the
// person (pro-relay-notes.js). POST /relays; the receiving structure sees nothing
// until the person agrees in their own vault.
//
// The guide's service page links here for a professional ("Orienter une personne",
// `/#orienter=<service id>`): the id is read at start-up and the orient screen opens
// once the vault is open. Nothing is chosen in advance: no person, purpose or paper.
import { askToChoose, byId, button, checked, checkedAll, choice, choiceMade, el, fill } from "./consent-common.js";
import { ShownError, messageFor } from "./http.js";
import { newId } from "./network.js";

const ORIENT_HASH = /^#orienter=([0-9a-f]{32})$/;

/**
 * @param {import("./types/page").PageHelpers} ctx
 * @param {{notes: ReturnType<typeof import("./pro-relay-notes.js").createRelayNotes>,
 *   charter: () => Promise<any>, done: (status: string) => unknown}} hooks
 */
export function createProOrient(ctx, hooks) {
  const { S, sodium, api, state, show, setStatus, showError, busy, categoryLabel } = ctx;
  /** @type {any} */
  let service = null; // the service a person is oriented to
  /** @type {{id: string, login: string}[]} */
  let persons = [];
  /** @type {any[]} */
  let purposes = []; // the charter's purposes that may carry a relay
  // A service named by the guide's link, opened once the vault is open. This module is
  // loaded only then (app.js loadProModules), after boot() replaced the URL's hash: the
  // hash the page opened with is kept in state.startHash, read once.
  const asked = ORIENT_HASH.exec(state.startHash || "");
  state.startHash = null;
  /** @type {string | null} */
  let waiting = asked ? asked[1] : null;

  const searchForm = /** @type {HTMLFormElement} */ (byId("orient-search-form"));
  const form = /** @type {HTMLFormElement} */ (byId("orient-form"));

  // ------------------------------------------------------------- find the service

  /** Can a relay go to this service through Coffre? (a Coffre structure under the charter) */
  /** @param {any} found */
  const reachable = (found) => Boolean(found.structure.coffre_structure_id && found.structure.adheres_to_charter);

  /**
   * @param {any} found
   * @param {number} index
   */
  function serviceCard(found, index) {
    const headingId = `orient-service-${index}`;
    const where = [found.commune, found.code_postal].filter(Boolean).join(" ");
    const card = el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: found.nom }),
      el("p", { className: "doc-meta", text: where ? `${found.structure.nom} · ${where}` : found.structure.nom }),
      found.description ? el("p", { text: found.description }) : null,
    );
    if (reachable(found)) {
      const go = button(S.orient_this_service, () => startOrient(found), "primary");
      go.setAttribute("aria-describedby", headingId);
      card.append(el("div", { className: "actions" }, go));
    } else {
      card.append(el("p", { className: "hint", text: S.orient_not_in_coffre }));
    }
    return card;
  }

  function showSearch(status = "", options = {}) {
    showError("orient-search-error", "");
    show("orient-service", { status, ...options });
  }

  /** @param {SubmitEvent} event */
  async function onSearch(event) {
    event.preventDefault();
    const need = searchForm.need.value.trim();
    const place = searchForm.place.value.trim();
    if (!need && !place) return showError("orient-search-error", S.orient_search_missing);
    showError("orient-search-error", "");
    busy(searchForm, true);
    try {
      const query = new URLSearchParams({ need, place, limit: "20" });
      const { services } = await (await api("GET", `/directory/services?${query}`)).json();
      const results = byId("orient-results");
      if (!services.length) results.replaceChildren(el("p", { text: S.orient_nothing_found }));
      else {
        const list = el("ul", { className: "cards" }, ...services.map(serviceCard));
        list.setAttribute("aria-label", S.orient_results);
        results.replaceChildren(list);
      }
      setStatus(fill(S.orient_found, { n: services.length }));
    } catch (error) {
      showError("orient-search-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(searchForm, false);
    }
  }

  // ------------------------------------------------------------- the relay's terms

  function placeholder() {
    const option = el("option", { text: S.choose_in_list });
    option.value = "";
    return option;
  }

  /** The charter's purposes a relay may carry (its [relais] block). @param {any} charter */
  function relayPurposes(charter) {
    const settings = charter.relays || charter.relais || null;
    const allowed = settings ? settings.purposes || settings.finalites || [] : [];
    return charter.purposes.filter((/** @type {any} */ p) => allowed.includes(p.code));
  }

  /** @param {string} code */
  function drawCategories(code) {
    const purpose = purposes.find((p) => p.code === code);
    const list = byId("orient-categories");
    if (!purpose) return list.replaceChildren(el("p", { className: "hint", text: S.orient_purpose_first }));
    list.replaceChildren(...purpose.categories.map((/** @type {string} */ c) => choice("orient-category", c, categoryLabel(c), "", false, "checkbox")));
  }

  /** @param {any} found a service of GET /directory/services */
  async function startOrient(found, status = "", options = {}) {
    try {
      const [{ persons: linked }, charter] = await Promise.all([(await api("GET", "/persons/linked")).json(), hooks.charter()]);
      service = found;
      persons = linked.map((/** @type {any} */ p) => ({ id: p.person_id, login: p.login }));
      purposes = relayPurposes(charter);
      form.reset();
      byId("orient-service-name").textContent = fill(S.orient_to, { service: found.nom, structure: found.structure.nom });
      // No person is ticked in advance: a relay for the wrong person is a leak.
      byId("orient-person-list").replaceChildren(...persons.map((p) => choice("orient-person", p.id, p.login, "", false)));
      byId("orient-person-fields").hidden = !persons.length;
      byId("orient-person-none").hidden = Boolean(persons.length);
      /** @type {HTMLButtonElement} */ (byId("orient-send")).disabled = !persons.length || !purposes.length;
      const select = /** @type {HTMLSelectElement} */ (byId("orient-purpose"));
      select.replaceChildren(
        placeholder(),
        ...purposes.map((p) => {
          const option = el("option", { text: p.label });
          option.value = p.code;
          return option;
        }),
      );
      drawCategories("");
      for (const name of ["orient-person", "orient-category"]) choiceMade(form, name);
      showError("orient-error", purposes.length ? "" : S.orient_no_purpose);
      show("orient", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {SubmitEvent} event */
  async function onOrient(event) {
    event.preventDefault();
    if (!service) return showSearch();
    const person = persons.find((p) => p.id === checked(form, "orient-person"));
    if (!person) return askToChoose(form, "orient-person", "orient-error", S.pro_person_missing);
    const purpose = form.purpose.value;
    if (!purpose) return showError("orient-error", S.ask_purpose_missing);
    const categories = checkedAll(form, "orient-category");
    if (!categories.length) return askToChoose(form, "orient-category", "orient-error", S.orient_categories_missing);
    const text = form.note.value.trim();
    if (!text) return showError("orient-error", S.orient_note_missing);
    if (Array.from(text).length > hooks.notes.maxChars) return showError("orient-error", S.pro_relay_note_too_long);
    busy(form, true);
    try {
      const id = newId(sodium);
      // The note is read by its author and the person; the taker's key is added once taken (SPEC §29.1).
      const sealed = await hooks.notes.write({
        relayId: id,
        which: "note",
        text,
        readers: [
          { id: state.accountId || "", kind: "self" },
          { id: person.id, kind: "person" },
        ],
      });
      await api("POST", "/relays", {
        json: { id, person_id: person.id, service_id: service.id, purpose, categories, ...sealed },
      });
      const done = fill(S.orient_sent, { person: person.login, structure: service.structure.nom });
      service = null;
      await hooks.done(done);
    } catch (error) {
      showError("orient-error", error instanceof ShownError ? error.message : messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  searchForm.addEventListener("submit", onSearch);
  form.addEventListener("submit", onOrient);
  form.addEventListener("change", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (target.id === "orient-purpose") drawCategories(/** @type {HTMLSelectElement} */ (target).value);
    for (const name of ["orient-person", "orient-category"]) choiceMade(form, name);
    showError("orient-error", "");
  });

  return {
    screens: ["orient-service", "orient"],
    enter: {
      "orient-service": showSearch,
      orient: (/** @type {string} */ status = "", /** @type {any} */ options = {}) =>
        service ? startOrient(service, status, options) : showSearch(status, options),
    },
    actions: {},
    /** After the vault opens: the service the guide's link named, if any; true when shown. */
    async fromGuide() {
      const id = waiting;
      waiting = null;
      if (!id) return false;
      try {
        await startOrient(await (await api("GET", `/directory/services/${id}`)).json());
        return true;
      } catch {
        return false;
      }
    },
    wipe() {
      service = null;
      persons = [];
      purposes = [];
      waiting = null;
      for (const id of ["orient-results", "orient-person-list", "orient-categories", "orient-purpose"]) byId(id).replaceChildren();
      byId("orient-service-name").textContent = "";
    },
  };
}
