"""When a person's own reminder comes back (coffre/reminders/schedule.py): the same local
wall time, each quarter across year ends and summer time, the 31st kept after short
months, missed occurrences skipped; dates without an offset refused."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from coffre.reminders.errors import ReminderDateInvalid
from coffre.reminders.schedule import next_after, occurrence_at, parse_due

PARIS = ZoneInfo("Europe/Paris")


def test_a_quarterly_reminder_comes_back_each_quarter_at_the_same_local_time_across_years() -> None:
    anchor = datetime(2026, 11, 15, 9, 0, tzinfo=PARIS).astimezone(UTC)
    local = [occurrence_at(anchor, "quarterly", n, PARIS).astimezone(PARIS) for n in range(6)]
    assert [(d.year, d.month, d.day, d.hour, d.minute) for d in local] == [
        (2026, 11, 15, 9, 0),
        (2027, 2, 15, 9, 0),
        (2027, 5, 15, 9, 0),  # summer time: still 9:00 in Paris
        (2027, 8, 15, 9, 0),
        (2027, 11, 15, 9, 0),
        (2028, 2, 15, 9, 0),
    ]


def test_a_monthly_reminder_on_the_31st_keeps_the_31st_after_short_months() -> None:
    anchor = datetime(2027, 1, 31, 8, 30, tzinfo=PARIS).astimezone(UTC)
    days = [occurrence_at(anchor, "monthly", n, PARIS).astimezone(PARIS).day for n in range(4)]
    assert days == [31, 28, 31, 30]


def test_a_yearly_reminder_on_29_february_falls_on_the_28th_in_other_years() -> None:
    anchor = datetime(2028, 2, 29, 10, 0, tzinfo=PARIS).astimezone(UTC)
    assert occurrence_at(anchor, "yearly", 1, PARIS).astimezone(PARIS).day == 28
    assert occurrence_at(anchor, "yearly", 4, PARIS).astimezone(PARIS).day == 29


def test_missed_occurrences_are_skipped_to_the_first_one_to_come() -> None:
    anchor = datetime(2027, 1, 15, 9, 0, tzinfo=PARIS).astimezone(UTC)
    now = datetime(2028, 3, 1, tzinfo=UTC)
    found = next_after(anchor, "quarterly", 0, now, PARIS)
    assert found is not None
    number, at = found
    assert number == 5 and at.astimezone(PARIS).date().isoformat() == "2028-04-15"
    assert next_after(anchor, "none", 0, now, PARIS) is None


@pytest.mark.parametrize(
    "text",
    ["2027-01-15T09:00:00", "2027-01-15", "15/01/2027 09:00", "", "2027-13-01T09:00:00+01:00"],
)
def test_a_date_without_offset_or_malformed_is_refused(text: str) -> None:
    with pytest.raises(ReminderDateInvalid):
        parse_due(text)


def test_a_date_with_its_offset_is_read_as_utc() -> None:
    assert parse_due("2027-01-15T09:00:00+01:00") == datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    assert parse_due("2027-07-15T09:00Z") == datetime(2027, 7, 15, 9, 0, tzinfo=UTC)
