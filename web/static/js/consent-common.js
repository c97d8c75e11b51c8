// @ts-check
// Small DOM and wording helpers shared by consent-person.js and consent-pro.js.
// No text lives here: every sentence is a template from the server (web/strings.py)
// whose {names} are filled in; values are always set as text, never as HTML.

// One date rule for every screen (dates.js): these are the same functions.
export { day, time } from "./dates.js";

/**
 * `template` with each {name} replaced by `values[name]` (unknown names are kept).
 * @param {string} template
 * @param {Record<string, unknown>} values
 */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * The element of id `id` (a missing one is a bug of the template: said at once).
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing`);
  return node;
}

/**
 * An element with a class and a text; children appended after the text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{className?: string, text?: string, id?: string}} [options]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, { className = "", text = "", id = "" } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (id) node.id = id;
  if (text) node.textContent = text;
  for (const child of children) if (child) node.append(child);
  return node;
}

/**
 * A button (type=button) that runs `onClick`.
 * @param {string} text
 * @param {(event: MouseEvent) => unknown} onClick
 * @param {string} [className]
 */
export function button(text, onClick, className = "") {
  const node = el("button", { className, text });
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/**
 * One radio choice styled like the category choices: a label, and a second line.
 * `checked` is for what the person already chose (never a default chosen for them).
 * @param {string} name
 * @param {string} value
 * @param {string} label
 * @param {string} detail
 * @param {boolean} checked
 * @param {"radio" | "checkbox"} [type]
 */
export function choice(name, value, label, detail, checked, type = "radio") {
  const id = `${name}-${value}`.replace(/[^A-Za-z0-9_-]/g, "-");
  const input = el("input", { id });
  input.type = type;
  input.name = name;
  input.value = value;
  input.checked = Boolean(checked);
  const text = el("label", { className: "rich" }, el("span", { className: "choice-label", text: label }));
  text.htmlFor = id;
  if (detail) text.append(el("span", { className: "doc-meta", text: detail }));
  return el("p", { className: "choice" }, input, text);
}

/**
 * "Suivant" pressed with nothing chosen: the step stays, says in plain words what to
 * choose, marks the group invalid and moves the focus to the message (read out at
 * once by a screen reader). Nothing is ever chosen for the person (issue 14).
 * @param {HTMLFormElement} form
 * @param {string} name the inputs' name
 * @param {string} errorId the step's error line
 * @param {string} message
 */
export function askToChoose(form, name, errorId, message) {
  const error = byId(errorId);
  error.textContent = message;
  error.hidden = false;
  error.tabIndex = -1;
  for (const input of form.querySelectorAll(`input[name="${name}"]`)) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", errorId);
  }
  error.focus();
}

/**
 * The group is answered (or shown afresh): no longer marked invalid.
 * @param {HTMLFormElement} form
 * @param {string} name
 */
export function choiceMade(form, name) {
  for (const input of form.querySelectorAll(`input[name="${name}"]`)) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

/**
 * A file name without its extension, for sentences ("Carte d'identité.pdf" → "Carte d'identité").
 * @param {string} name
 */
export function title(name) {
  return name.replace(/\.(pdf|jpe?g|png|txt)$/i, "");
}

/**
 * The values of the checked boxes of `name` in `form`.
 * @param {ParentNode} form
 * @param {string} name
 * @returns {string[]}
 */
export function checkedAll(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => /** @type {HTMLInputElement} */ (input).value);
}

/**
 * The value of the checked radio of `name` in `form`, or "".
 * @param {ParentNode} form
 * @param {string} name
 */
export function checked(form, name) {
  const input = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="${name}"]:checked`));
  return input ? input.value : "";
}

/**
 * The menu's "(n)" next to a screen's name; hidden at zero.
 * @param {string} id
 * @param {number} n
 */
export function setCount(id, n) {
  const badge = byId(id);
  badge.textContent = n ? ` (${n})` : "";
  badge.hidden = !n;
}

/**
 * A list of notifications as sentences, the unread ones marked `newLabel`.
 * @template {{read: boolean}} N
 * @param {string} listId
 * @param {N[]} notifications
 * @param {(notice: N) => string | Node} sentence
 * @param {string} emptyText
 * @param {string} newLabel
 */
export function renderNotices(listId, notifications, sentence, emptyText, newLabel) {
  const list = byId(listId);
  if (!notifications.length) return list.replaceChildren(el("p", { text: emptyText }));
  const items = notifications.map((notice) => {
    const item = el("li", { className: notice.read ? "notice" : "notice unread" });
    if (!notice.read) item.append(el("span", { className: "badge new", text: newLabel }), " ");
    item.append(sentence(notice));
    return item;
  });
  list.replaceChildren(el("ul", { className: "notices" }, ...items));
}
