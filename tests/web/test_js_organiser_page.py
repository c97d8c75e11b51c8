"""The carnet's small rules under Node (organiser-appointments.js, organiser-contacts.js):
the reminder of an appointment is due the day before at 10:00 on the territory's clock
(Paris: across the summer-time changes too), none when that moment is past; an
appointment's day and time on that clock become the item's UTC starts_at; a phone number
becomes a tel: link and a number that is not one is refused."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.web.node import run_module

PARIS = ZoneInfo("Europe/Paris")

DUE_SCRIPT = """
import { reminderDue, startsAt } from "%s";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { cases, now, starts } = JSON.parse(input);
process.stdout.write(JSON.stringify({
  due: cases.map((d) => reminderDue(d, new Date(now), "Europe/Paris")),
  starts: starts.map(([d, t]) => startsAt(d, t, "Europe/Paris")),
}));
"""

PHONE_SCRIPT = """
import { phoneLooksRight, telHref } from "%s";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { phones } = JSON.parse(input);
process.stdout.write(JSON.stringify(phones.map((p) => [telHref(p), phoneLooksRight(p)])));
"""


def paris_day_before_at_ten(day: str) -> str:
    moment = datetime.combine(
        datetime.fromisoformat(day).date() - timedelta(days=1), time(10, 0), PARIS
    )
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def test_the_reminder_is_due_the_day_before_at_ten_in_paris_across_summer_time() -> None:
    # 2031-03-30 and 2031-10-26: the days the clocks change (the day before is the other side).
    days = ["2031-01-15", "2031-03-31", "2031-03-30", "2031-10-27", "2031-07-01"]
    answer: Any = run_module(
        "organiser-appointments.js",
        DUE_SCRIPT,
        {
            "cases": [*days, "2030-12-02", "2030-12-01"],
            "now": "2030-12-01T08:00:00Z",  # 09:00 in Paris
            "starts": [["2031-07-01", "14:30"], ["2031-01-15", "09:05"]],
        },
    )
    assert answer["due"][: len(days)] == [paris_day_before_at_ten(d) for d in days]
    assert answer["due"][0] == "2031-01-14T09:00:00+00:00"
    assert answer["due"][1] == "2031-03-30T08:00:00+00:00"
    # Tomorrow: today at 10:00 is still to come (it is 09:00); today: already past.
    assert answer["due"][-2] == "2030-12-01T09:00:00+00:00"
    assert answer["due"][-1] is None
    assert answer["starts"] == ["2031-07-01T12:30:00Z", "2031-01-15T08:05:00Z"]


def test_a_phone_number_becomes_a_tel_link_and_a_wrong_one_is_refused() -> None:
    phones = ["06 12 34 56 78", "+33 6.12.34.56.78", "(04) 73-00-00-00", "15", "appeler", "06 12 x"]
    answer: Any = run_module("organiser-contacts.js", PHONE_SCRIPT, {"phones": phones})
    assert answer == [
        ["tel:0612345678", True],
        ["tel:+33612345678", True],
        ["tel:0473000000", True],
        ["tel:15", True],
        ["", False],
        ["tel:0612", False],
    ]
