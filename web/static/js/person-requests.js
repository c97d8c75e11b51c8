// @ts-check
// "Demandes reçues": what professionals asked the person for; approving is sharing
// (person-share.js), declining sends an optional word back.
import { button, byId, day, el, fill, setCount } from "./consent-common.js";
import { calendarDay } from "./dates.js";
import { messageFor } from "./http.js";
import { purposeParagraph, withPurposes } from "./purpose-words.js";

/** @param {any} P the helpers of consent-person.js */
export function createRequests(P) {
  const { S, api, show, setStatus, showError, busy, categoryLabel } = P;
  /** @type {any} */
  let declining = null; // the request being declined

  /**
   * @param {any} request
   * @param {number} index
   */
  function requestCard(request, index) {
    const headingId = `request-${index}`;
    const card = el(
      "li",
      { className: "card" },
      el("h2", { id: headingId, text: `${request.professional_name}, ${request.structure_name}` }),
      el("p", { text: fill(S.request_asks, { category: categoryLabel(request.category) }) }),
      purposeParagraph(P.charter(), request.purpose, request.purpose_label, (purpose) => fill(S.grant_purpose, { purpose })),
    );
    if (request.message) card.append(el("p", { text: fill(S.request_message, { message: request.message }) }));
    if (request.due_on) card.append(el("p", { text: fill(S.request_due, { date: calendarDay(request.due_on) }) }));
    card.append(el("p", { className: "hint", text: fill(S.request_expires, { date: day(request.expires_at) }) }));
    const yes = button(S.request_approve, () => P.share.startFromRequest(request), "primary");
    const no = button(S.request_decline, () => startDecline(request));
    for (const b of [yes, no]) b.setAttribute("aria-describedby", headingId);
    card.append(el("div", { className: "actions" }, yes, no));
    return card;
  }

  async function showRequests(status = "", options = {}) {
    try {
      const { requests } = await (await api("GET", "/requests")).json();
      await withPurposes(P, requests); // their everyday names and examples (purpose-words.js)
      const list = byId("request-list");
      if (!requests.length) list.replaceChildren(el("p", { text: S.no_requests }));
      else list.replaceChildren(el("ul", { className: "cards" }, ...requests.map(requestCard)));
      setCount("requests-count", requests.length);
      show("requests", { status, ...options });
    } catch (error) {
      setStatus(`${S.error_prefix} : ${messageFor(error, S.unexpected_error)}`);
    }
  }

  /** @param {any} request */
  function startDecline(request) {
    declining = request;
    byId("decline-intro").textContent = fill(S.decline_intro, {
      professional: request.professional_name,
      category: categoryLabel(request.category),
    });
    /** @type {HTMLFormElement} */ (byId("decline-form")).reset();
    showError("decline-error", "");
    show("decline");
  }

  /** @param {SubmitEvent} event */
  async function onDecline(event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    if (!declining) return showRequests();
    busy(form, true);
    try {
      const word = form.word.value.trim();
      await api("POST", `/requests/${declining.id}/decline`, { json: { word: word || null } });
      const done = fill(S.declined_done, { professional: declining.professional_name });
      declining = null;
      await showRequests(done);
    } catch (error) {
      setStatus("");
      showError("decline-error", messageFor(error, S.unexpected_error));
    } finally {
      busy(form, false);
    }
  }

  byId("decline-form").addEventListener("submit", onDecline);

  return {
    show: showRequests,
    screens: ["requests", "decline"],
    enter: { requests: showRequests },
    actions: {},
    wipe() {
      declining = null;
      byId("request-list").replaceChildren();
      byId("decline-intro").textContent = "";
    },
  };
}
