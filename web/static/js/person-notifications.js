// @ts-check
// "Qui a ouvert mes documents": the person's notifications in plain sentences (a pull,
// a request, a deposit, the référent and the relays), at the top of "Historique" (one
// place since issue 18), marked read once seen; the counts on the bottom bar.
import { day, fill, renderNotices, setCount, time } from "./consent-common.js";
import { messageFor } from "./http.js";
import { calendarDay } from "./dates.js";

/** A notification as GET /notifications lists it. @typedef {{id: number, kind: string, created_at: string, read: boolean, data?: Record<string, any>}} Notice */

/**
 * Whether the screen `name` is not on view (the history failed to load, say).
 * @param {string} name
 */
function byIdHidden(name) {
  const section = /** @type {HTMLElement | null} */ (document.querySelector(`[data-screen="${name}"]`));
  return !section || section.hidden;
}

/** @param {import("./types/page").PersonHelpers} P */
export function createNotifications(P) {
  const { S, api, categoryLabel } = P;

  // Who issued a reset code for the person's login, as the server recorded it.
  /** @param {Record<string, any>} data */
  function resetIssuer(data) {
    if (data.role === "territory_admin") return S.reset_by_territory;
    if (data.role === "operator") return S.reset_by_operator;
    return fill(S.reset_by_professional, { professional: data.professional, structure: data.structure });
  }

  /** @param {Notice} notice */
  function sentence(notice) {
    const data = notice.data || {};
    const at = { date: day(notice.created_at), time: time(notice.created_at) };
    switch (notice.kind) {
      case "document.pulled": {
        const doc = P.documentById(data.document);
        const text = fill(S.notice_pulled, {
          ...at,
          professional: data.professional,
          structure: data.structure,
          document: doc ? P.docTitle(doc) : categoryLabel(data.category),
          purpose: data.purpose_label || data.purpose,
        });
        return data.reason ? `${text} ${fill(S.notice_reason, { reason: data.reason })}` : text;
      }
      case "request.received":
        return fill(S.notice_request, { ...at, professional: data.professional, category: categoryLabel(data.category) });
      case "deposit.received":
        return fill(S.notice_deposit, {
          ...at,
          professional: data.professional,
          structure: data.structure,
          category: categoryLabel(data.category),
        });
      case "reset.code_issued":
        return fill(S.notice_reset_code, { ...at, issuer: resetIssuer(data) });
      case "reset.requested":
        return fill(S.notice_reset_requested, {
          ...at,
          until: `${day(data.completes_at)} ${time(data.completes_at)}`,
        });
      // A trusted contact (SPEC §28): the person is told at once when the contact asks.
      case "contact.requested": {
        const contact = data.structure ? `${data.contact} (${data.structure})` : data.contact;
        return fill(S.notice_contact_requested, { ...at, contact, until: `${day(data.opens_at)} ${time(data.opens_at)}` });
      }
      case "contact.recovered":
        return fill(S.notice_contact_recovered, { ...at, contact: data.structure ? `${data.contact} (${data.structure})` : data.contact });
      case "contact.named":
        return fill(S.notice_contact_named, { ...at, person: data.person });
      case "contact.refused":
        return fill(S.notice_contact_refused, { ...at, person: data.person });
      case "referent.proposed":
        return fill(S.notice_referent_proposed, { ...at, professional: data.professional, structure: data.structure });
      case "referent.handover":
        // reason "back": an absence is over, the person is asked about the return.
        return fill(data.reason === "back" ? S.notice_referent_back : S.notice_referent_handover, { ...at, professional: data.professional, successor: data.successor });
      case "referent.ended":
        return fill(S.notice_referent_ended, at);
      // A professional's access withdrawn (issue 17): ids only travel here; the names
      // and what to do are on "Mes partages" (person-held.js).
      case "grant.key_revoked":
        return fill(S.notice_access_withdrawn, { ...at, n: Array.isArray(data.grants) ? data.grants.length : 1 });
      case "relay.changed": {
        // Ids and codes only travel in a notification (DESIGN.md): the names are on
        // "Mes orientations".
        /** @type {Record<string, string>} */
        const events = {
          proposed: S.notice_relay_proposed,
          taken: S.notice_relay_taken,
          declined: S.notice_relay_declined,
          expired: S.notice_relay_expired,
          closed: S.notice_relay_closed,
          returned: S.notice_relay_returned,
        };
        return fill(events[data.event] || S.notice_relay_changed, at);
      }
      // Reminders (issue 19): the phone said only "vous avez un rappel"; the page says
      // what about (the person's own text, opened here: person-reminders.js).
      case "reminder.due": {
        const text = P.reminders ? P.reminders.textOf(data.reminder_id) : undefined;
        if (text) return fill(S.notice_reminder, { ...at, text });
        return fill(text === "" ? S.notice_reminder_unreadable : S.notice_reminder_gone, at);
      }
      case "document.expiring": {
        const doc = P.documentById(data.document_id);
        const until = calendarDay(String(data.expires_on || ""));
        return doc ? fill(S.notice_expiring, { ...at, document: P.docTitle(doc), until }) : fill(S.notice_expiring_other, { ...at, until });
      }
      case "grant.ending":
        return fill(S.notice_grant_ending, { ...at, until: day(data.expires_at) });
      case "request.waiting":
        return fill(S.notice_request_waiting, at);
      // A professional said what came of a share (docs/CONSENT.md, "Outcomes").
      case "grant.outcome": {
        /** @type {Record<string, [string, string]>} */
        const words = {
          right_opened: [S.outcome_right_opened, ""],
          document_unreadable: [S.outcome_document_unreadable, S.outcome_next_unreadable],
          document_missing: [S.outcome_document_missing, S.outcome_next_missing],
        };
        const [outcome, next] = words[data.outcome] || [];
        if (!outcome) return fill(S.notice_other, at);
        const text = fill(S.notice_outcome, {
          ...at,
          professional: data.professional,
          structure: data.structure,
          purpose: data.purpose_label || data.purpose,
          outcome,
        });
        return next ? `${text} ${next}` : text;
      }
      default:
        return fill(S.notice_other, at);
    }
  }

  /**
   * Put the notices in their list (the new ones marked); returns what marks them read,
   * to run once the screen showing them is on view.
   * @returns {Promise<() => Promise<void>>}
   */
  async function renderNotifications() {
    if (!P.state.documents.length) await P.refreshDocuments();
    const { notifications, unread } = await (await api("GET", "/notifications")).json();
    if (P.reminders && notifications.some((/** @type {Notice} */ n) => n.kind === "reminder.due")) {
      try {
        await P.reminders.load();
      } catch {
        // Said as a reminder deleted since; the list is on "Mes rappels".
      }
    }
    renderNotices("notification-list", notifications, sentence, S.no_notifications, S.new_notice);
    return async () => {
      if (unread && notifications.length) {
        await api("POST", "/notifications/read", { json: { up_to: notifications[0].id } });
        setCount("notifications-count", 0);
      }
    };
  }

  /**
   * "Historique": the notices on top, then the whole history with its filters
   * (person-history.js); the notices are marked read once on view.
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showWithHistory(status = "", options = {}) {
    /** @type {(() => Promise<void>) | null} */
    let markRead = null;
    try {
      markRead = await renderNotifications();
    } catch (error) {
      status = `${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`;
    }
    await P.history.show(status, options);
    try {
      if (markRead && !byIdHidden("history")) await markRead();
    } catch {
      // Marked read at the next visit.
    }
  }

  // After log-in: how many unread notifications and pending requests, in the menu.
  async function refreshCounts() {
    try {
      const notices = await (await api("GET", "/notifications")).json();
      setCount("notifications-count", notices.unread);
      const { requests } = await (await api("GET", "/requests")).json();
      setCount("requests-count", requests.length);
    } catch {
      // Counts are a convenience; the screens fetch their own lists.
    }
  }

  return {
    refreshCounts,
    // "notifications" is kept as a name (an old link, the back button): it is "Historique".
    screens: ["notifications", "history"],
    enter: { notifications: showWithHistory, history: showWithHistory },
    actions: {},
    wipe() {
      /** @type {HTMLElement} */ (document.getElementById("notification-list")).replaceChildren();
      setCount("notifications-count", 0);
      setCount("requests-count", 0);
    },
  };
}
