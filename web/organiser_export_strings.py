"""The words of the organiser's part of the page's full export (web/static/js/
person-export.js, organiser-ics.js): the title of an appointment in the calendar file
("rendez-vous.ics"), in the person's language. Merged into the vault page's strings
(web/page_strings.py)."""

from __future__ import annotations

from collections.abc import Callable


def organiser_export_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        # An appointment's title in the person's calendar, with nobody named / with someone.
        "export_ics_summary": _("Rendez-vous"),
        "export_ics_summary_with": _("Rendez-vous avec {name}"),
    }
