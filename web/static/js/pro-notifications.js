// @ts-check
// A professional's notifications in plain sentences: a person shared documents with
// them, stopped a share, declined a request. Marked read once seen; the count in the
// menu.
//
// The notifications carry ids more than names (grant.revoked names no person,
// request.declined no person nor document): the names come from what the page can
// read anyway — the grant.received notice of the same grant, the requests the
// professional sent (GET /requests), the charter's purpose labels.
import { day, fill, renderNotices, setCount, time } from "./consent-common.js";
import { messageFor } from "./http.js";
import { createProAlerts } from "./pro-alerts.js";

/** A notification as GET /notifications lists it. @typedef {{id: number, kind: string, created_at: string, read: boolean, data?: Record<string, any>}} Notice */
/**
 * Names for a notice's ids.
 * @typedef {object} Names
 * @property {(grant: string) => string} person
 * @property {(code: string) => string} purpose
 * @property {(id: string) => Record<string, any> | null} request
 */

/** @param {import("./types/page").PageHelpers} ctx */
export function createProNotifications(ctx) {
  const { S, api, show, setStatus, categoryLabel } = ctx;
  // "Être prévenu par e-mail", reached from this screen (issue 19).
  const alerts = createProAlerts(ctx);

  /**
   * @param {Notice[]} notifications
   * @param {Record<string, any>[]} requests
   * @param {{purposes: {code: string, label: string}[]} | null} charter
   * @returns {Names}
   */
  function namesFor(notifications, requests, charter) {
    /** @type {Map<string, string>} */
    const grants = new Map(); // grant id -> person login, from grant.received
    for (const notice of notifications) {
      if (notice.kind === "grant.received" && notice.data && notice.data.grant) grants.set(notice.data.grant, notice.data.person);
    }
    /** @type {Map<string, string>} */
    const purposes = new Map((charter ? charter.purposes : []).map((p) => [p.code, p.label]));
    return {
      person: (grant) => grants.get(grant) || S.someone,
      purpose: (code) => purposes.get(code) || code || "",
      request: (id) => requests.find((r) => r.id === id) || null,
    };
  }

  /**
   * @param {Notice} notice
   * @param {Names} names
   */
  function sentence(notice, names) {
    const data = notice.data || {};
    const at = { date: day(notice.created_at), time: time(notice.created_at) };
    switch (notice.kind) {
      case "grant.received":
        return fill(S.pro_notice_grant, { ...at, person: data.person || S.someone, purpose: names.purpose(data.purpose) });
      case "grant.revoked":
        return fill(S.pro_notice_revoked, { ...at, person: names.person(data.grant), purpose: names.purpose(data.purpose) });
      case "request.declined": {
        const request = names.request(data.request);
        const text = fill(S.pro_notice_declined, {
          ...at,
          person: request && request.person_login ? request.person_login : S.someone,
          category: request ? categoryLabel(request.category) : "—",
        });
        return data.word ? `${text} ${fill(S.request_word, { word: data.word })}` : text;
      }
      // Named as a person's trusted contact, or a request refused (SPEC §28).
      case "contact.named":
        return fill(S.notice_contact_named, { ...at, person: data.person });
      case "contact.refused":
        return fill(S.notice_contact_refused, { ...at, person: data.person });
      // The référent de parcours and relays (issue 16): ids and codes only in the data.
      case "referent.designated":
        return fill(data.via === "handover" ? S.pro_notice_referent_handover : S.pro_notice_referent_designated, { ...at, person: data.person || S.someone });
      case "referent.declined":
        return fill(S.pro_notice_referent_declined, { ...at, person: data.person || S.someone });
      case "referent.ended":
        return fill(S.pro_notice_referent_ended, { ...at, person: data.person || S.someone });
      case "relay.changed": {
        const event = S[`pro_notice_relay_${data.event}`] || S.pro_notice_relay_other;
        return fill(S.pro_notice_relay, { ...at, purpose: names.purpose(data.purpose), event });
      }
      case "relay.reminder":
        return fill(S.pro_notice_relay_reminder, { ...at, purpose: names.purpose(data.purpose) });
      default:
        return fill(S.notice_other, at);
    }
  }

  /**
   * @param {string} [status]
   * @param {Record<string, unknown>} [options]
   */
  async function showNotices(status = "", options = {}) {
    try {
      const { notifications, unread } = await (await api("GET", "/notifications")).json();
      const { requests } = await (await api("GET", "/requests")).json();
      let charter = null;
      try {
        charter = await (await api("GET", "/charters/current")).json();
      } catch {
        // Without a charter in force, purposes are named by their code.
      }
      const names = namesFor(notifications, requests, charter);
      renderNotices("pro-notice-list", notifications, (/** @type {Notice} */ n) => sentence(n, names), S.pro_no_notifications, S.new_notice);
      show("pro-notifications", { status, ...options });
      if (unread && notifications.length) {
        await api("POST", "/notifications/read", { json: { up_to: notifications[0].id } });
        setCount("pro-notifications-count", 0);
      }
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  async function refreshCount() {
    try {
      const { unread } = await (await api("GET", "/notifications")).json();
      setCount("pro-notifications-count", unread);
    } catch {
      // A convenience: the screen fetches its own list.
    }
  }

  return {
    refreshCount,
    screens: ["pro-notifications", ...alerts.screens],
    enter: { "pro-notifications": showNotices, ...alerts.enter },
    actions: { ...alerts.actions },
    wipe() {
      alerts.wipe();
      /** @type {HTMLElement} */ (document.getElementById("pro-notice-list")).replaceChildren();
      setCount("pro-notifications-count", 0);
    },
  };
}
