// @ts-check
// "Mes contacts" of the carnet (person-organiser.js): the person's own circle — family,
// a friend, a bénévole, a professional, another — each with a phone number the person
// taps to call (a tel: link), and the professionals of the person's links the page
// already knows (their référent: GET /referent; those they show papers to: GET /grants;
// those who orient them, or took them in, on a relay under way: GET /relays),
// which one tap adds to the contacts (the directory gives a person no professional's
// number: the person writes it). Nothing is chosen for the person: no "Qui est-ce ?"
// ticked on a new contact.
import { askToChoose, button, byId, checked, choiceMade, el, fill } from "./consent-common.js";
import { allPages } from "./http.js";

/** The relations a contact may have, in the order of the form. */
export const RELATIONS = ["family", "friend", "volunteer", "professional", "other"];

/**
 * A phone number as a tel: link wants it: its digits, and a leading "+" (spaces, dots,
 * dashes and brackets dropped); "" when it has fewer than 2 digits ("15" is one).
 * @param {string} phone
 */
export function telHref(phone) {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 2) return "";
  return `tel:${trimmed.startsWith("+") ? "+" : ""}${digits}`;
}

/**
 * Whether `phone` reads as a number: digits, spaces, dots, dashes, brackets and one
 * leading "+", with 2 to 20 digits ("15", "3949" and "06 12 34 56 78" alike).
 * @param {string} phone
 */
export function phoneLooksRight(phone) {
  const trimmed = phone.trim();
  if (!/^\+?[\d\s.()-]+$/.test(trimmed)) return false;
  const digits = trimmed.replace(/\D/g, "").length;
  return digits >= 2 && digits <= 20;
}

/**
 * @typedef {{name: string, relation: string, phone: string, structure: string, note: string}} ContactValues
 */

/** @param {import("./person-organiser.js").OrganiserShared} O */
export function createOrganiserContacts(O) {
  const { P } = O;
  const { S, api, show, showError } = P;
  /** @type {import("./person-organiser.js").Item | null} the contact being changed */
  let editing = null;
  let index = 0; // a unique id for each card's heading

  /** @param {string} relation */
  function relationLabel(relation) {
    // Each text named outright (the translations' coverage reads the names the script uses).
    /** @type {Record<string, string>} */
    const labels = {
      family: S.organiser_relation_family,
      friend: S.organiser_relation_friend,
      volunteer: S.organiser_relation_volunteer,
      professional: S.organiser_relation_professional,
      other: S.organiser_relation_other,
    };
    return labels[relation] || S.organiser_relation_other;
  }

  /** @param {any} data a contact's data or the form's values */
  function describe(data) {
    const lines = [data.name, relationLabel(data.relation)];
    if (data.structure) lines.push(data.structure);
    if (data.phone) lines.push(data.phone);
    if (data.note) lines.push(data.note);
    return lines.join("\n");
  }

  /** @param {import("./person-organiser.js").Item} item */
  function card(item) {
    const data = /** @type {import("./person-organiser.js").ContactData} */ (item.data);
    const headingId = `organiser-contact-${(index += 1)}`;
    const who = data.structure ? `${relationLabel(data.relation)}, ${data.structure}` : relationLabel(data.relation);
    const node = el("li", { className: "card" }, el("h2", { id: headingId, text: data.name }), el("p", { text: who }));
    const href = telHref(data.phone || "");
    if (href) {
      // The number kept on one line: "Appeler le" then the number as it was written.
      const [before, after = ""] = S.organiser_call.split("{phone}");
      const call = el("a", { className: "button primary organiser-call" }, before, el("span", { className: "organiser-phone", text: data.phone }), after);
      call.href = href;
      call.setAttribute("aria-describedby", headingId); // whom: the card's heading
      node.append(el("div", { className: "actions" }, call));
    } else if (data.phone) {
      node.append(el("p", { text: data.phone }));
    }
    if (data.note) node.append(el("p", { className: "organiser-text", text: data.note }));
    const change = button(S.organiser_change, () => edit(item, null));
    const remove = button(S.organiser_delete, () => O.askDelete("contact", item), "danger");
    for (const b of [change, remove]) b.setAttribute("aria-describedby", headingId);
    node.append(el("div", { className: "actions" }, change, remove));
    return node;
  }

  /**
   * The professionals of the person's links: their référent, and those they show papers
   * to now (one card each, those already in the contacts left out).
   * @param {import("./person-organiser.js").Item[]} mine
   */
  async function professionals(mine) {
    const known = new Set(mine.map((item) => /** @type {any} */ (item.data).name.trim().toLowerCase()));
    /** @type {Map<string, {name: string, structure: string, referent: boolean}>} */
    const found = new Map();
    const [referent, grants, relays] = await Promise.all([
      api("GET", "/referent").then((r) => r.json()).catch(() => null),
      api("GET", "/grants").then((r) => r.json()).catch(() => null),
      allPages(api, "/relays?box=mine", "relays").catch(() => []),
    ]);
    if (referent && referent.current) {
      const { professional, structure } = referent.current;
      found.set(`${professional.name}|${structure.name}`, { name: professional.name, structure: structure.name, referent: true });
    }
    for (const grant of (grants && grants.grants) || []) {
      if (grant.state !== "active" || !grant.professional_name) continue;
      const key = `${grant.professional_name}|${grant.structure_name || ""}`;
      if (!found.has(key)) found.set(key, { name: grant.professional_name, structure: grant.structure_name || "", referent: false });
    }
    for (const relay of relays) {
      if (relay.state !== "proposed" && relay.state !== "taken") continue;
      const people = [[relay.orienting, relay.orienting_structure], [relay.taker, relay.target_structure]];
      for (const [who, where] of people) {
        if (!who || !who.name) continue;
        const key = `${who.name}|${(where && where.name) || ""}`;
        if (!found.has(key)) found.set(key, { name: who.name, structure: (where && where.name) || "", referent: false });
      }
    }
    return [...found.values()].filter((pro) => !known.has(pro.name.trim().toLowerCase()));
  }

  /** @param {{name: string, structure: string, referent: boolean}} pro */
  function proCard(pro) {
    const headingId = `organiser-pro-${(index += 1)}`;
    const add = button(S.organiser_add_to_contacts, () =>
      edit(null, { name: pro.name, relation: "professional", phone: "", structure: pro.structure, note: "" }),
    );
    add.setAttribute("aria-describedby", headingId);
    return el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: pro.name }),
      el("p", { text: pro.referent ? fill(S.organiser_pro_referent, { structure: pro.structure }) : pro.structure }),
      el("div", { className: "actions" }, add),
    );
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options] show()'s (push: false from the back button)
   */
  async function showContacts(status = "", options = {}) {
    const mine = O.ofKind("contact").sort((a, b) =>
      /** @type {any} */ (a.data).name.localeCompare(/** @type {any} */ (b.data).name, document.documentElement.lang || "fr"),
    );
    const list = byId("organiser-contact-list");
    list.replaceChildren(mine.length ? el("ul", { className: "cards" }, ...mine.map(card)) : el("p", { text: S.organiser_no_contacts }));
    const pros = await professionals(mine);
    byId("organiser-pro-list").replaceChildren(...pros.map(proCard));
    byId("organiser-pros").hidden = !pros.length;
    show("organiser-contacts", { status, ...options });
  }

  function form() {
    return /** @type {HTMLFormElement} */ (byId("organiser-contact-form"));
  }

  /** @returns {ContactValues} */
  function values() {
    const f = form();
    return {
      name: /** @type {HTMLInputElement} */ (byId("organiser-contact-name")).value,
      relation: checked(f, "relation"),
      phone: /** @type {HTMLInputElement} */ (byId("organiser-contact-phone")).value,
      structure: /** @type {HTMLInputElement} */ (byId("organiser-contact-structure")).value,
      note: /** @type {HTMLTextAreaElement} */ (byId("organiser-contact-note")).value,
    };
  }

  /**
   * The contact's form: new (`existing` null) or a change; `given` are values to start
   * from (a professional of the links), else the draft kept, else the contact's own.
   * @param {import("./person-organiser.js").Item | null} existing
   * @param {ContactValues | null} given
   */
  function edit(existing, given) {
    editing = existing;
    const draft = given ? null : O.draftOf("contact", existing);
    const start = given || draft || (existing ? valuesOf(existing) : null);
    const f = form();
    f.reset();
    choiceMade(f, "relation");
    if (start) {
      /** @type {HTMLInputElement} */ (byId("organiser-contact-name")).value = start.name;
      /** @type {HTMLInputElement} */ (byId("organiser-contact-phone")).value = start.phone;
      /** @type {HTMLInputElement} */ (byId("organiser-contact-structure")).value = start.structure;
      /** @type {HTMLTextAreaElement} */ (byId("organiser-contact-note")).value = start.note;
      for (const input of f.querySelectorAll("input[name=relation]")) {
        const radio = /** @type {HTMLInputElement} */ (input);
        radio.checked = radio.value === start.relation;
      }
    }
    byId("organiser-contact-edit-title").textContent = existing ? S.organiser_contact_change_title : S.organiser_contact_new_title;
    showError("organiser-contact-error", "");
    show("organiser-contact-edit", { status: draft ? S.organiser_draft_back : "" });
  }

  /** @param {import("./person-organiser.js").Item} item @returns {ContactValues} */
  function valuesOf(item) {
    const data = /** @type {import("./person-organiser.js").ContactData} */ (item.data);
    return { name: data.name, relation: data.relation, phone: data.phone || "", structure: data.structure || "", note: data.note || "" };
  }

  /** @param {SubmitEvent} event */
  async function onSubmit(event) {
    event.preventDefault();
    const f = /** @type {HTMLFormElement} */ (event.target);
    const v = values();
    O.keepDraft("contact", editing, v);
    if (!v.name.trim()) return showError("organiser-contact-error", S.organiser_contact_name_missing);
    if (!RELATIONS.includes(v.relation)) return askToChoose(f, "relation", "organiser-contact-error", S.organiser_contact_relation_missing);
    choiceMade(f, "relation");
    if (v.phone.trim() && !phoneLooksRight(v.phone)) return showError("organiser-contact-error", S.organiser_phone_wrong);
    await O.submit("contact", f, "organiser-contact-error", editing, v, S.organiser_saved);
  }

  /** @type {import("./person-organiser.js").KindHandler} */
  const handler = {
    async commit(existing, v) {
      return O.write(existing, {
        v: 1,
        kind: "contact",
        name: v.name.trim(),
        relation: /** @type {import("./crypto-organiser.js").Relation} */ (v.relation),
        phone: v.phone.trim(),
        // No e-mail field on this screen: one written elsewhere (the CLI) is kept.
        email: existing ? /** @type {import("./person-organiser.js").ContactData} */ (existing.data).email : "",
        structure: v.structure.trim(),
        note: v.note,
      });
    },
    describe,
    valuesOf,
    shown: (status) => {
      void showContacts(status);
    },
    edit,
  };

  form().addEventListener("submit", onSubmit);
  form().addEventListener("input", () => O.keepDraft("contact", editing, values()));

  return {
    handler,
    screens: ["organiser-contacts", "organiser-contact-edit"],
    enter: {
      "organiser-contacts": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        O.entering(() => void showContacts(status, options)),
      // Back to the form once left: the list as it is now (a draft comes back from "Ajouter").
      "organiser-contact-edit": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        O.entering(() => void showContacts(status, options)),
    },
    actions: { "organiser-contact-new": () => edit(null, null) },
    cancel() {
      O.dropDraft("contact", editing);
      editing = null;
      return showContacts();
    },
    wipe() {
      editing = null;
      byId("organiser-contact-list").replaceChildren();
      byId("organiser-pro-list").replaceChildren();
    },
  };
}
