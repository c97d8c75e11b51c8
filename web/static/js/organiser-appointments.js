// @ts-check
// "Mes rendez-vous" of the carnet (person-organiser.js): date, time, place, with whom, a
// note, and "Me le rappeler la veille" — a reminder (H4's /reminders) due the day before
// at 10:00 on the territory's clock, whose text is sealed to the person here
// (crypto/SPEC.md §31: the server knows when, never what; the push or SMS only says
// "Coffre : vous avez un rappel"). The appointment holds its reminder's id, so moving it
// moves the reminder, and deleting it, or unticking the box, deletes the reminder.
//
// The order keeps both sides right when something fails: a new reminder is made before
// the appointment is written, and deleted again if that write fails; an existing one is
// changed or deleted only once the appointment is saved.
import { button, byId, el, fill } from "./consent-common.js";
import { calendarDay, dayKey, pageLocale, territoryZone, time as clockTime } from "./dates.js";
import { ApiError } from "./http.js";

/** When the reminder comes, the day before (the territory's clock). */
export const REMINDER_TIME = "10:00";

/**
 * The instant at which the clock of `zone` reads `date` `time` (a wall time: the
 * territory's, whatever the phone's own zone).
 * @param {string} date "yyyy-mm-dd"
 * @param {string} time "HH:MM"
 * @param {string} zone an IANA zone ("Europe/Paris")
 * @returns {Date}
 */
export function zonedInstant(date, time, zone) {
  const [y, m, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, h, mi);
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  /** @param {number} ms the zone's offset at that instant, in ms */
  const offsetAt = (ms) => {
    /** @type {Record<string, number>} */
    const p = {};
    for (const part of format.formatToParts(new Date(ms))) if (part.type !== "literal") p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  // Twice: the offset at the first guess may differ from the one at the answer (a
  // change of summer time between them).
  let ms = wall - offsetAt(wall);
  ms = wall - offsetAt(ms);
  return new Date(ms);
}

/**
 * The calendar day before `date`.
 * @param {string} date "yyyy-mm-dd"
 */
export function dayBefore(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/**
 * When the reminder of an appointment on `date` is due: the day before at 10:00 on the
 * territory's clock, as ISO text with its offset; null when that moment is already past.
 * @param {string} date
 * @param {Date} now
 * @param {string} zone
 */
export function reminderDue(date, now, zone) {
  const due = zonedInstant(dayBefore(date), REMINDER_TIME, zone);
  if (due.getTime() <= now.getTime()) return null;
  return due.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/**
 * The form's values: the day and time on the territory's clock (the item keeps the
 * instant, SPEC §30.2 starts_at in UTC).
 * @typedef {{date: string, time: string, place: string, with: string, note: string, remind: boolean}} AppointmentValues
 */

/**
 * The item's starts_at ("YYYY-MM-DDTHH:MM:SSZ") of a day and time on the territory's clock.
 * @param {string} date
 * @param {string} time
 * @param {string} zone
 */
export function startsAt(date, time, zone) {
  return zonedInstant(date, time, zone).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** @param {import("./person-organiser.js").OrganiserShared} O */
export function createOrganiserAppointments(O) {
  const { P } = O;
  const { S, api, show, showError } = P;
  /** @type {import("./person-organiser.js").Item | null} */
  let editing = null;
  let index = 0;
  /** What the last save has to say besides "Enregistré" (a reminder not changed). */
  let notice = "";
  /** @type {Set<string> | null} the person's reminders that exist (null: not known) */
  let reminderIds = null;

  // A reminder the person deleted in "Mes rappels" is no longer shown here (nor ticked on
  // the form); ticking it again makes a new one (commit).
  async function lookUpReminders() {
    try {
      const answer = await (await api("GET", "/reminders")).json();
      reminderIds = new Set((answer.items || []).map((/** @type {{id: string}} */ r) => String(r.id)));
    } catch {
      reminderIds = null; // said by the appointment itself, as it was saved
    }
  }

  /** @param {import("./person-organiser.js").AppointmentData} a */
  function hasReminder(a) {
    return Boolean(a.reminder_id) && (!reminderIds || reminderIds.has(String(a.reminder_id)));
  }

  /** @param {string} date */
  function weekday(date) {
    const [y, m, d] = date.split("-").map(Number);
    return new Intl.DateTimeFormat(pageLocale(), { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
  }

  /** "mardi 12/05/2026 à 14:30" @param {{date: string, time: string}} a */
  function when(a) {
    return fill(S.organiser_when_at, { weekday: weekday(a.date), date: calendarDay(a.date), time: a.time });
  }

  /** A sentence's start: "Mardi 12/05/2026 à 14:30" (a card's heading). @param {string} text */
  function capital(text) {
    const [first = "", ...rest] = Array.from(text);
    return first.toLocaleUpperCase(document.documentElement.lang || "fr") + rest.join("");
  }

  /** @param {AppointmentValues} a the form's values (or an item's: valuesOf) */
  function describe(a) {
    const lines = [a.date && a.time ? capital(when(a)) : ""];
    if (a.place) lines.push(fill(S.organiser_place, { place: a.place }));
    if (a.with) lines.push(fill(S.organiser_with, { who: a.with }));
    if (a.note) lines.push(a.note);
    return lines.filter(Boolean).join("\n");
  }

  /** @param {import("./person-organiser.js").Item} item */
  function dataOf(item) {
    return /** @type {import("./person-organiser.js").AppointmentData} */ (item.data);
  }

  /** @param {import("./person-organiser.js").Item} a @param {import("./person-organiser.js").Item} b */
  function byTime(a, b) {
    return dataOf(a).starts_at.localeCompare(dataOf(b).starts_at);
  }

  /** @param {import("./person-organiser.js").Item} item its day on the territory's calendar */
  function dayOf(item) {
    return dayKey(dataOf(item).starts_at);
  }

  /** The appointments from today on, the next first. */
  function upcoming() {
    const today = dayKey(new Date());
    return O.ofKind("appointment").filter((item) => dayOf(item) >= today).sort(byTime);
  }

  /** @param {import("./person-organiser.js").Item} item */
  function card(item) {
    const a = valuesOf(item);
    const headingId = `organiser-appointment-${(index += 1)}`;
    const node = el("li", { className: "card" }, el("h2", { id: headingId, text: capital(when(a)) }));
    if (a.place) node.append(el("p", { text: fill(S.organiser_place, { place: a.place }) }));
    if (a.with) node.append(el("p", { text: fill(S.organiser_with, { who: a.with }) }));
    if (a.note) node.append(el("p", { className: "organiser-text", text: a.note }));
    if (a.remind) node.append(el("p", {}, el("span", { className: "badge new", text: S.organiser_reminder_on })));
    const change = button(S.organiser_change, () => edit(item));
    const remove = button(S.organiser_delete, () => O.askDelete("appointment", item), "danger");
    for (const b of [change, remove]) b.setAttribute("aria-describedby", headingId);
    node.append(el("div", { className: "actions" }, change, remove));
    return node;
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options] show()'s (push: false from the back button)
   */
  async function showAppointments(status = "", options = {}) {
    await lookUpReminders();
    const next = upcoming();
    const today = dayKey(new Date());
    const past = O.ofKind("appointment").filter((item) => dayOf(item) < today).sort(byTime).reverse();
    const list = byId("organiser-appointment-list");
    list.replaceChildren(
      next.length ? el("ul", { className: "cards" }, ...next.map(card)) : el("p", { text: S.organiser_no_appointments }),
      ...(past.length ? [el("h2", { text: S.organiser_past }), el("ul", { className: "cards" }, ...past.map(card))] : []),
    );
    show("organiser-appointments", { status: notice || status, ...options });
    notice = "";
  }

  function form() {
    return /** @type {HTMLFormElement} */ (byId("organiser-appointment-form"));
  }

  /** @param {string} id */
  function input(id) {
    return /** @type {HTMLInputElement} */ (byId(id));
  }

  /** @returns {AppointmentValues} */
  function values() {
    return {
      date: input("organiser-appointment-date").value,
      time: input("organiser-appointment-time").value,
      place: input("organiser-appointment-place").value,
      with: input("organiser-appointment-with").value,
      note: /** @type {HTMLTextAreaElement} */ (byId("organiser-appointment-note")).value,
      remind: input("organiser-appointment-remind").checked,
    };
  }

  /** @param {import("./person-organiser.js").Item} item @returns {AppointmentValues} */
  function valuesOf(item) {
    const a = dataOf(item);
    return {
      date: dayKey(a.starts_at),
      time: clockTime(a.starts_at),
      place: a.place,
      with: a.with_whom,
      note: a.note,
      remind: hasReminder(a),
    };
  }

  /**
   * The form: new (`existing` null) or a change, from the draft kept if any.
   * @param {import("./person-organiser.js").Item | null} existing
   */
  function edit(existing) {
    editing = existing;
    const draft = O.draftOf("appointment", existing);
    const start = draft || (existing ? valuesOf(existing) : null);
    const f = form();
    f.reset();
    if (start) {
      input("organiser-appointment-date").value = start.date;
      input("organiser-appointment-time").value = start.time;
      input("organiser-appointment-place").value = start.place;
      input("organiser-appointment-with").value = start.with;
      /** @type {HTMLTextAreaElement} */ (byId("organiser-appointment-note")).value = start.note;
      input("organiser-appointment-remind").checked = start.remind;
    }
    // "Avec qui ?" suggests the person's contacts (a datalist: any name may be typed).
    const names = [...new Set(O.ofKind("contact").map((item) => /** @type {any} */ (item.data).name))];
    byId("organiser-appointment-people").replaceChildren(
      ...names.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        return option;
      }),
    );
    byId("organiser-appointment-edit-title").textContent = existing ? S.organiser_appointment_change_title : S.organiser_appointment_new_title;
    showError("organiser-appointment-error", "");
    show("organiser-appointment-edit", { status: draft ? S.organiser_draft_back : "" });
  }

  /** @param {SubmitEvent} event */
  async function onSubmit(event) {
    event.preventDefault();
    const f = /** @type {HTMLFormElement} */ (event.target);
    const v = values();
    O.keepDraft("appointment", editing, v);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) return showError("organiser-appointment-error", S.organiser_date_missing);
    if (!/^\d{2}:\d{2}$/.test(v.time)) return showError("organiser-appointment-error", S.organiser_time_missing);
    await O.submit("appointment", f, "organiser-appointment-error", editing, v, S.organiser_saved);
  }

  // ---------------------------------------------------------------------- reminders

  /**
   * The reminder's text: one line of at most 200 characters (SPEC §31.1), sealed to the
   * person. "Rendez-vous mardi 12/05/2026 à 14:30. Lieu : CCAS. Avec : Mme Dupont"
   * @param {AppointmentValues} v
   */
  function sealedText(v) {
    const parts = [fill(S.organiser_reminder_text, { when: when(v) })];
    if (v.place.trim()) parts.push(fill(S.organiser_place, { place: v.place.trim() }));
    if (v.with.trim()) parts.push(fill(S.organiser_with, { who: v.with.trim() }));
    const line = Array.from(parts.join(". ").replace(/\s+/g, " "));
    return O.sealReminder(line.length > 200 ? `${line.slice(0, 199).join("")}…` : line.join(""));
  }

  /**
   * @param {AppointmentValues} v
   * @param {string} due
   */
  function reminderBody(v, due) {
    return { due_at: due, repeat: "none", sealed: sealedText(v), active: true };
  }

  /** @param {string} id */
  async function deleteReminder(id) {
    try {
      await api("DELETE", `/reminders/${id}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }

  /**
   * Save the appointment `v` over `existing`, and its reminder (see the file's head).
   * @param {import("./person-organiser.js").Item | null} existing
   * @param {AppointmentValues} v
   */
  async function commit(existing, v) {
    const old = existing ? dataOf(existing).reminder_id : null;
    const due = v.remind ? reminderDue(v.date, new Date(), territoryZone()) : null;
    /** @type {string | null} */
    let created = null;
    if (due && !old) {
      const answer = await (await api("POST", "/reminders", { json: reminderBody(v, due) })).json();
      created = String(answer.id);
    }
    const reminderId = due ? old || created : null;
    let saved;
    try {
      const starts = startsAt(v.date, v.time, territoryZone());
      // An end written elsewhere (the CLI) is kept while it stays after the start.
      const end = existing ? dataOf(existing).ends_at : null;
      saved = await O.write(existing, {
        v: 1,
        kind: "appointment",
        starts_at: starts,
        ends_at: end && end > starts ? end : null,
        place: v.place.trim(),
        with_whom: v.with.trim(),
        note: v.note,
        reminder_id: reminderId,
      });
    } catch (error) {
      if (created) await deleteReminder(created).catch(() => undefined);
      throw error;
    }
    notice = v.remind && !due ? S.organiser_reminder_too_late : "";
    // The appointment is saved: its former reminder follows (moved, or gone).
    try {
      if (old && due) await api("PUT", `/reminders/${old}`, { json: reminderBody(v, due) });
      else if (old) await deleteReminder(old);
    } catch (error) {
      if (!(due && error instanceof ApiError && error.code === "reminder_not_found")) {
        notice = S.organiser_reminder_not_changed;
        return saved;
      }
      // Deleted meanwhile (in "Mes rappels"), still wanted here: a new one, kept by the
      // appointment (written again, at the version just saved).
      try {
        const answer = await (await api("POST", "/reminders", { json: reminderBody(v, due) })).json();
        const data = /** @type {import("./person-organiser.js").AppointmentData} */ (saved.data);
        saved = await O.write(saved, { ...data, reminder_id: String(answer.id) });
      } catch {
        notice = S.organiser_reminder_not_changed;
      }
    }
    return saved;
  }

  /** @type {import("./person-organiser.js").KindHandler} */
  const handler = {
    commit,
    describe,
    valuesOf,
    shown: (status) => void showAppointments(status),
    edit: (existing) => edit(existing),
    async removed(item) {
      const id = dataOf(item).reminder_id;
      if (!id) return;
      try {
        await deleteReminder(id);
      } catch {
        notice = S.organiser_reminder_not_changed;
      }
    },
  };

  form().addEventListener("submit", onSubmit);
  form().addEventListener("input", () => O.keepDraft("appointment", editing, values()));
  form().addEventListener("change", () => O.keepDraft("appointment", editing, values()));

  return {
    handler,
    upcoming,
    screens: ["organiser-appointments", "organiser-appointment-edit"],
    enter: {
      "organiser-appointments": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        O.entering(() => showAppointments(status, options)),
      // Back to the form once left: the list as it is now (a draft comes back from "Ajouter").
      "organiser-appointment-edit": (/** @type {string} */ status, /** @type {Record<string, unknown>} */ options) =>
        O.entering(() => showAppointments(status, options)),
    },
    actions: { "organiser-appointment-new": () => edit(null) },
    cancel() {
      O.dropDraft("appointment", editing);
      editing = null;
      return showAppointments();
    },
    wipe() {
      editing = null;
      notice = "";
      reminderIds = null;
      byId("organiser-appointment-list").replaceChildren();
      byId("organiser-appointment-people").replaceChildren();
    },
  };
}
