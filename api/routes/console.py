"""The charter officer's console (docs/AUDIT.md, "Console"): the trail's entries filtered
and paged, the flags, the CSV export, and the verifiable signed log. Officer only; each
call is itself recorded in the trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, CoffreDep
from api.schemas.console import (
    ConsoleActor,
    ConsoleEntryBody,
    ConsolePage,
    FlagBody,
    FlagList,
)
from api.types import Count, DateTime, Text
from coffre.audit.console import DEFAULT_LIMIT, MAX_LIMIT, ConsoleRow, Filters, Period

router = APIRouter(tags=["console"])

CSV_TYPE = "text/csv; charset=utf-8"
NDJSON_TYPE = "application/x-ndjson"


def _filters(
    structure: Annotated[Text | None, Query(max_length=32)] = None,
    professional: Annotated[Text | None, Query(max_length=32)] = None,
    purpose: Annotated[Text | None, Query(max_length=64)] = None,
    action: Annotated[Text | None, Query(max_length=40)] = None,
    outcome: Annotated[Text | None, Query(max_length=16)] = None,
    person: Annotated[Text | None, Query(max_length=16)] = None,
    start: Annotated[DateTime | None, Query(alias="from")] = None,
    end: Annotated[DateTime | None, Query(alias="to")] = None,
    cursor: Annotated[Count | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Filters:
    return Filters(
        structure_id=structure,
        professional=professional,
        purpose=purpose,
        action=action,
        outcome=outcome,
        period=Period(start, end),
        person=person,
        cursor=cursor,
        limit=limit,
    )


FiltersDep = Annotated[Filters, Depends(_filters)]


def entry_body(row: ConsoleRow) -> ConsoleEntryBody:
    return ConsoleEntryBody(
        seq=row.seq,
        at=row.at,
        action=row.action,
        outcome=row.outcome,
        actor=ConsoleActor(role=row.actor_role, id=row.actor_id, name=row.actor_name),
        person=row.person,
        structure_id=row.structure_id,
        structure_name=row.structure_name,
        object_type=row.object_type,
        object_id=row.object_id,
        purpose=row.purpose,
        purpose_label=row.purpose_label,
        reason=row.reason,
        details=dict(row.details),
    )


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get("/console/entries")
def console_entries(filters: FiltersDep, actor: ActorDep, coffre: CoffreDep) -> ConsolePage:
    page = coffre.console.search(actor, filters)
    return ConsolePage(entries=[entry_body(row) for row in page.rows], next_cursor=page.next_cursor)


@router.get("/console/entries.csv", response_class=StreamingResponse)
def console_entries_csv(
    filters: FiltersDep, actor: ActorDep, coffre: CoffreDep
) -> StreamingResponse:
    """Every entry the filters select (``cursor`` and ``limit`` aside), for a spreadsheet."""
    lines = coffre.console.csv(actor, filters)
    return StreamingResponse(lines, media_type=CSV_TYPE, headers=_attachment("coffre-journal.csv"))


@router.get("/console/flags")
def console_flags(
    actor: ActorDep,
    coffre: CoffreDep,
    start: Annotated[DateTime | None, Query(alias="from")] = None,
    end: Annotated[DateTime | None, Query(alias="to")] = None,
) -> FlagList:
    report = coffre.console.flags(actor, Period(start, end))
    return FlagList(
        period_from=report.start,
        period_to=report.end,
        flags=[
            FlagBody(
                code=flag.code,
                title=flag.title,
                explanation=flag.explanation,
                professional_id=flag.professional_id,
                professional_name=flag.professional_name,
                structure_id=flag.structure_id,
                structure_name=flag.structure_name,
                purpose=flag.purpose,
                purpose_label=flag.purpose_label,
                entries=[entry_body(row) for row in flag.rows],
            )
            for flag in report.flags
        ],
    )


@router.get("/console/log", response_class=StreamingResponse)
def console_log(actor: ActorDep, coffre: CoffreDep) -> StreamingResponse:
    """The verifiable log (JSON lines; ``coffre audit verify --file`` checks it)."""
    lines = coffre.console.signed_log(actor)
    return StreamingResponse(
        lines, media_type=NDJSON_TYPE, headers=_attachment("coffre-journal-signe.jsonl")
    )
