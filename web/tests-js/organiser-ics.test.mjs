// The page's appointments file (web/static/js/organiser-ics.js, RFC 5545): CRLF line
// ends, lines folded at 75 octets without cutting a UTF-8 character, TEXT escaped,
// UTC times, one UID per item, only appointments. tests/organiser/test_ics.py parses
// the same module's output with Python's icalendar.
import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeText, foldLine, icsCalendar, icsTime } from "../static/js/organiser-ics.js";

const ID = "0123456789abcdef0123456789abcdef";
const appointment = (over = {}) => ({
  v: 1,
  kind: "appointment",
  starts_at: "2027-03-02T08:30:00Z",
  ends_at: "2027-03-02T09:00:00Z",
  place: "CCAS, 2 place de Jaude; bureau 3",
  with_whom: "Mme Dupont",
  note: "Apporter\nla pièce d'identité \\ le livret",
  reminder_id: null,
  ...over,
});
const unfold = (text) => text.replace(/\r\n /g, "");

test("text is escaped as RFC 5545 says", () => {
  assert.equal(escapeText("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
});

test("long lines fold at 75 octets and never cut a character", () => {
  const line = `DESCRIPTION:${"é".repeat(100)}${"😀".repeat(30)}`;
  const folded = foldLine(line);
  const parts = folded.split("\r\n");
  assert.ok(parts.length > 2);
  for (const part of parts) assert.ok(new TextEncoder().encode(part).length <= 75, part);
  for (const part of parts.slice(1)) assert.ok(part.startsWith(" "));
  assert.equal(unfold(folded), line);
  assert.ok(!folded.includes("\uFFFD"));
});

test("a calendar holds the appointments only, in UTC, each with its own UID", () => {
  const entries = [
    { id: ID, version: 3, item: appointment() },
    { id: "f".repeat(32), version: 1, item: { v: 1, kind: "note", text: "pas un rendez-vous" } },
    { id: "e".repeat(32), version: 1, item: appointment({ ends_at: null, with_whom: "", place: "", note: "" }) },
  ];
  const text = icsCalendar(entries, new Date("2026-12-06T18:00:00.500Z"));
  assert.ok(text.endsWith("\r\n"));
  assert.ok(!/[^\r]\n/.test(text), "every line ends with CRLF");
  const lines = unfold(text).split("\r\n");
  assert.equal(lines[0], "BEGIN:VCALENDAR");
  assert.equal(lines.filter((l) => l === "BEGIN:VEVENT").length, 2);
  assert.ok(lines.includes(`UID:${ID}@organiser.coffre`));
  assert.ok(lines.includes("DTSTAMP:20261206T180000Z"));
  assert.ok(lines.includes("DTSTART:20270302T083000Z"));
  assert.ok(lines.includes("DTEND:20270302T090000Z"));
  assert.ok(lines.includes("SUMMARY:Rendez-vous avec Mme Dupont"));
  assert.ok(lines.includes("LOCATION:CCAS\\, 2 place de Jaude\\; bureau 3"));
  assert.ok(lines.includes("DESCRIPTION:Apporter\\nla pièce d'identité \\\\ le livret"));
  assert.ok(lines.includes("SEQUENCE:2"));
  assert.ok(lines.includes("SUMMARY:Rendez-vous"));
  assert.ok(!text.includes("pas un rendez-vous"));
  assert.equal(lines.filter((l) => l.startsWith("DTEND")).length, 1);
});

test("the person's words name the event", () => {
  const text = icsCalendar([{ id: ID, version: 1, item: appointment() }], new Date(0), { summary: "Appointment", summaryWith: "Appointment with {name}" });
  assert.ok(unfold(text).includes("SUMMARY:Appointment with Mme Dupont"));
  assert.equal(icsTime("2027-01-05T00:00:09Z"), "20270105T000009Z");
});
