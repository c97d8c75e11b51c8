"""The page's two checks under Node: the trust scan's verdict on a code's text
(trust-scan.js verdictOf: only the QR form of a pin, SPEC §25.2, is ever "good") and the
passphrase meter's levels and suggested words (passphrase-meter.js)."""

from __future__ import annotations

from typing import Any

from crypto.pins import pin_qr_payload, pin_spoken
from tests.web.node import run_module
from web.strings import PASSPHRASE_EXAMPLE

KEY = bytes(range(32))

VERDICT_SCRIPT = """
import { verdictOf } from "%s";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { expected, texts } = JSON.parse(input);
// The page's matcher compares the QR payload with the root's key (matchesPin); here the
// same full-payload equality stands in for it.
const matches = (payload) => {
  if (payload.length !== expected.length) throw new Error("malformed");
  return payload === expected;
};
process.stdout.write(JSON.stringify(texts.map((t) => verdictOf(t, matches))));
"""


def test_only_the_whole_qr_payload_is_good_another_pin_warns_the_rest_is_ignored() -> None:
    good = pin_qr_payload(KEY)
    other = pin_qr_payload(bytes(32))
    texts = [good, other, good[:-1], pin_spoken(KEY), "https://example.org/", ""]
    verdicts: Any = run_module("trust-scan.js", VERDICT_SCRIPT, {"expected": good, "texts": texts})
    # The spoken form (130 bits) is not accepted from a QR code: it is "other", as a URL.
    assert verdicts == ["good", "wrong", "wrong", "other", "other", "other"]


METER_SCRIPT = """
import { EVERYDAY_WORDS, SUGGESTED_WORDS, levelOf, suggestWords } from "%s";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { example } = JSON.parse(input);
const counts = new Map(EVERYDAY_WORDS.map((w) => [w, 0]));
const draws = 20000;
for (let i = 0; i < draws / SUGGESTED_WORDS; i++) {
  for (const w of suggestWords()) counts.set(w, counts.get(w) + 1);
}
process.stdout.write(JSON.stringify({
  size: EVERYDAY_WORDS.length,
  distinct: new Set(EVERYDAY_WORDS).size,
  shapes: EVERYDAY_WORDS.every((w) => /^[a-z]+$/.test(w)),
  shared: example.split(" ").filter((w) => EVERYDAY_WORDS.includes(w)),
  counted: [...counts.values()].reduce((a, b) => a + b, 0),
  least: Math.min(...counts.values()),
  most: Math.max(...counts.values()),
  suggested: suggestWords().length,
  levels: [0, 11.9, 12, 13.9, 14, 30].map(levelOf),
}));
"""


def test_suggested_words_are_everyday_plain_ascii_words_drawn_evenly_never_the_example() -> None:
    out: Any = run_module("passphrase-meter.js", METER_SCRIPT, {"example": PASSPHRASE_EXAMPLE})
    assert out["size"] == out["distinct"] >= 256
    assert out["shapes"] is True  # no accent, no capital: typed the same on any keyboard
    assert out["shared"] == []
    assert out["suggested"] == 4
    # 20,000 draws over ~290 words: ~70 each; a modulo bias or a stuck index would show.
    assert out["counted"] == 20000
    assert 30 < out["least"] and out["most"] < 120
    assert out["levels"] == ["weak", "weak", "medium", "medium", "strong", "strong"]
