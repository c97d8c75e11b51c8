// Small DOM and wording helpers shared by consent-person.js and consent-pro.js.
// No text lives here: every sentence is a template from the server (web/strings.py)
// whose {names} are filled in; values are always set as text, never as HTML.

/** `template` with each {name} replaced by `values[name]` (unknown names are kept). */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** An element with a class and a text; children appended after the text. */
export function el(tag, { className = "", text = "", id = "" } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (id) node.id = id;
  if (text) node.textContent = text;
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A button (type=button) that runs `onClick`. */
export function button(text, onClick, className = "") {
  const node = el("button", { className, text });
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** One radio choice styled like the category choices: a label, and a second line. */
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

function locale() {
  const lang = document.documentElement.lang || "fr";
  return lang === "en" ? "en-GB" : lang; // day before month, as on French papers
}

/** dd/mm/yyyy in the device's time zone. */
export function day(value) {
  return new Intl.DateTimeFormat(locale(), { day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(value));
}

/** HH:MM in the device's time zone. */
export function time(value) {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(new Date(value));
}

/** A file name without its extension, for sentences ("Carte d'identité.pdf" → "Carte d'identité"). */
export function title(name) {
  return name.replace(/\.(pdf|jpe?g|png|txt)$/i, "");
}

/** The values of the checked boxes of `name` in `form`. */
export function checkedAll(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((input) => input.value);
}

/** The value of the checked radio of `name` in `form`, or "". */
export function checked(form, name) {
  const input = form.querySelector(`input[name="${name}"]:checked`);
  return input ? input.value : "";
}

/** The menu's "(n)" next to a screen's name; hidden at zero. */
export function setCount(id, n) {
  const badge = document.getElementById(id);
  badge.textContent = n ? ` (${n})` : "";
  badge.hidden = !n;
}

/** A list of notifications as sentences, the unread ones marked `newLabel`. */
export function renderNotices(listId, notifications, sentence, emptyText, newLabel) {
  const list = document.getElementById(listId);
  if (!notifications.length) return list.replaceChildren(el("p", { text: emptyText }));
  const items = notifications.map((notice) => {
    const item = el("li", { className: notice.read ? "notice" : "notice unread" });
    if (!notice.read) item.append(el("span", { className: "badge new", text: newLabel }), " ");
    item.append(sentence(notice));
    return item;
  });
  list.replaceChildren(el("ul", { className: "notices" }, ...items));
}
