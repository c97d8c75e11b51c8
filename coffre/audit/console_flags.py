"""What the charter officer's console flags for a look: five patterns in the trail.

Each detector reads facts taken from trail entries (pulls, declined requests) and
returns findings: a stable code, the entries involved, and the numbers its plain
French explanation gives. A flag is a reason to look, never a verdict: the officer
asks the structure, and the persons' consent stays the rule (DESIGN.md, "Traceability";
the network must not become a net).

The thresholds are constants, not settings: they are part of what the charter officer
and the structures agree to watch, and changing them is a reviewed change of this file.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from coffre.audit.models import AuditEntry
from coffre.consent.charter import Charter
from coffre.consent.service import TERRITORY_ZONE

# (b) The last hours of a grant. A professional finishing a file opens a document or
# two before the person's consent ends; opening five or more in the last day of the
# grants looks like keeping copies beyond the time the persons agreed to. A grant no
# longer than the window is all "last hours": its pulls do not count.
LATE_WINDOW = timedelta(hours=24)
LATE_PULLS_MIN = 5

# (c) One accompaniment is one person at a time: documents of 8 different persons
# opened within one hour is more than a desk or a home visit round produces, and is
# what a search through files "just in case" looks like.
BURST_WINDOW = timedelta(hours=1)
BURST_PERSONS_MIN = 8

# (d) A person may decline a request; three declined requests from one professional
# in the period may mean insisting, or asking for what the charter does not justify.
DECLINES_MIN = 3

# (e) Purposes a structure rarely uses: below 5 % of its pulls in the period. Only
# measured from 20 pulls up, where one pull is at most 5 % (a small structure's few
# pulls say nothing about its habits).
UNUSUAL_SHARE = 0.05
UNUSUAL_MIN_PULLS = 20

# (f) Asking for documents that are not one's own, or pulling through a grant made to
# someone else, is refused and looks like "not found" (coffre.audit.refusals). A
# stale link or a typing mistake does it once or twice; five refusals in the period
# look like trying ids, or like someone using another account's session.
REFUSALS_MIN = 5

STRUCTURE_OUTSIDE_CHARTER = "structure_outside_charter"
PULLS_BEFORE_EXPIRY = "pulls_before_expiry"
MANY_PERSONS = "many_persons"
REQUESTS_DECLINED = "requests_declined"
UNUSUAL_PURPOSE = "unusual_purpose"
REPEATED_REFUSALS = "repeated_refusals"
CODES = (
    STRUCTURE_OUTSIDE_CHARTER,
    PULLS_BEFORE_EXPIRY,
    MANY_PERSONS,
    REQUESTS_DECLINED,
    UNUSUAL_PURPOSE,
    REPEATED_REFUSALS,
)
REFUSED_ACCESS = "document.access"  # coffre.audit.refusals.ACTION
ACTIONS = ("grant.pull", "request.decline", REFUSED_ACCESS)


@dataclass(frozen=True)
class PullFact:
    """One ``grant.pull`` entry (``ok`` or ``refused``) as the detectors read it."""

    seq: int
    at: datetime
    ok: bool
    professional_id: str | None
    person_id: str | None
    structure_id: str | None
    purpose: str | None
    grant_id: str | None  # details.grant
    not_after: datetime | None  # the grant's end (details.not_after); None after retention


@dataclass(frozen=True)
class DeclineFact:
    """One ``request.decline`` entry: a person declined a professional's request."""

    seq: int
    at: datetime
    professional_id: str | None  # details.professional
    structure_id: str | None


@dataclass(frozen=True)
class RefusalFact:
    """One refused attempt on documents that were not the actor's to read."""

    seq: int
    at: datetime
    actor_id: str | None
    actor_is_person: bool
    structure_id: str | None


@dataclass(frozen=True)
class Finding:
    code: str
    seqs: tuple[int, ...]
    professional_id: str | None = None
    person_actor_id: str | None = None  # a person acting (shown by reference only)
    structure_id: str | None = None
    purpose: str | None = None
    numbers: Mapping[str, Any] = field(default_factory=dict)


# -- facts ----------------------------------------------------------------------


def details_of(entry: AuditEntry) -> dict[str, Any]:
    # The body goes when its retention ends: the columns stay, the details do not.
    if entry.body is None:
        return {}
    try:
        event = json.loads(entry.body)
    except ValueError:
        return {}
    details = event.get("details") if isinstance(event, dict) else None
    return details if isinstance(details, dict) else {}


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def facts_of(entries: Iterable[AuditEntry]) -> tuple[list[PullFact], list[DeclineFact]]:
    pulls: list[PullFact] = []
    declines: list[DeclineFact] = []
    for entry in entries:
        details = details_of(entry)
        if entry.action == "grant.pull":
            pulls.append(
                PullFact(
                    seq=entry.seq,
                    at=entry.at,
                    ok=entry.outcome == "ok",
                    professional_id=entry.actor_id,
                    person_id=entry.person_id,
                    structure_id=entry.structure_id,
                    purpose=entry.purpose,
                    grant_id=_text(details.get("grant")),
                    not_after=_instant(details.get("not_after")),
                )
            )
        elif entry.action == "request.decline" and entry.outcome == "ok":
            declines.append(
                DeclineFact(
                    seq=entry.seq,
                    at=entry.at,
                    professional_id=_text(details.get("professional")),
                    structure_id=entry.structure_id,
                )
            )
    return pulls, declines


def refusals_of(entries: Iterable[AuditEntry]) -> list[RefusalFact]:
    return [
        RefusalFact(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_is_person=entry.actor_role == "person",
            structure_id=entry.structure_id,
        )
        for entry in entries
        if entry.action == REFUSED_ACCESS and entry.outcome == "refused"
    ]


# -- the charter as it stood at each pull ----------------------------------------


@dataclass(frozen=True)
class PublishedVersion:
    charter: Charter
    published_seq: int | None  # seq of its ``charter.publish`` entry, when the trail has it
    published_at: datetime


class CharterTimeline:
    """Which charter version was in force for a pull, and whether a structure adhered.

    As the server decided it then: the highest version already published (its
    publication entry comes before the pull's) whose effective date had come, on the
    territory's calendar. A version published later never changes an old answer.
    """

    def __init__(self, versions: Iterable[PublishedVersion], sirets: Mapping[str, str | None]):
        self._versions = sorted(versions, key=lambda v: v.charter.version, reverse=True)
        self._sirets = sirets

    def in_force(self, at: datetime, seq: int) -> Charter | None:
        day = at.astimezone(TERRITORY_ZONE).date()
        for version in self._versions:
            known = (
                version.published_seq < seq
                if version.published_seq is not None
                else version.published_at <= at
            )
            if known and version.charter.effective_on <= day:
                return version.charter
        return None

    def adheres(self, structure_id: str, at: datetime, seq: int) -> bool:
        charter = self.in_force(at, seq)
        day = at.astimezone(TERRITORY_ZONE).date()
        siret = self._sirets.get(structure_id)
        return charter is not None and charter.adheres(structure_id, day, siret=siret)


# -- the detectors ------------------------------------------------------------------


def outside_charter(pulls: Sequence[PullFact], timeline: CharterTimeline) -> list[Finding]:
    """(a) Pulls, allowed or refused, for a structure that did not adhere to the charter
    in force at that moment (it left, or never joined the version in force)."""
    found: dict[tuple[str | None, str], list[PullFact]] = defaultdict(list)
    for pull in pulls:
        if pull.structure_id is None:
            continue
        if not timeline.adheres(pull.structure_id, pull.at, pull.seq):
            found[(pull.professional_id, pull.structure_id)].append(pull)
    return [
        Finding(
            STRUCTURE_OUTSIDE_CHARTER,
            tuple(p.seq for p in involved),
            professional_id=professional,
            structure_id=structure,
            numbers={
                "ok": sum(1 for p in involved if p.ok),
                "refused": sum(1 for p in involved if not p.ok),
            },
        )
        for (professional, structure), involved in found.items()
    ]


def before_expiry(pulls: Sequence[PullFact], grant_starts: Mapping[str, datetime]) -> list[Finding]:
    """(b) At least LATE_PULLS_MIN documents opened by one professional, each within the
    last LATE_WINDOW of a grant that lasted longer than that (``grant_starts``: when
    each grant was made, from its ``grant.create`` entry)."""
    late: dict[str, list[PullFact]] = defaultdict(list)
    for pull in pulls:
        if not pull.ok or pull.professional_id is None or pull.not_after is None:
            continue
        start = grant_starts.get(pull.grant_id or "")
        if start is not None and pull.not_after - start <= LATE_WINDOW:
            continue
        left = pull.not_after - pull.at
        if timedelta(0) < left <= LATE_WINDOW:
            late[pull.professional_id].append(pull)
    return [
        Finding(
            PULLS_BEFORE_EXPIRY,
            tuple(p.seq for p in involved),
            professional_id=professional,
            structure_id=_most_common(p.structure_id for p in involved),
            numbers={"count": len(involved), "hours": int(LATE_WINDOW / timedelta(hours=1))},
        )
        for professional, involved in late.items()
        if len(involved) >= LATE_PULLS_MIN
    ]


def many_persons(pulls: Sequence[PullFact]) -> list[Finding]:
    """(c) Documents of at least BURST_PERSONS_MIN different persons opened by one
    professional within a sliding window of BURST_WINDOW."""
    by_professional: dict[str, list[PullFact]] = defaultdict(list)
    for pull in pulls:
        if pull.ok and pull.professional_id is not None and pull.person_id is not None:
            by_professional[pull.professional_id].append(pull)
    findings = []
    for professional, own in by_professional.items():
        own.sort(key=lambda p: (p.at, p.seq))
        involved: set[int] = set()
        best: tuple[int, datetime, datetime] | None = None
        persons: Counter[str] = Counter()
        left = 0
        for right, pull in enumerate(own):
            persons[pull.person_id or ""] += 1
            while pull.at - own[left].at >= BURST_WINDOW:
                gone = own[left].person_id or ""
                persons[gone] -= 1
                if persons[gone] == 0:
                    del persons[gone]
                left += 1
            if len(persons) >= BURST_PERSONS_MIN:
                involved.update(p.seq for p in own[left : right + 1])
                if best is None or len(persons) > best[0]:
                    best = (len(persons), own[left].at, pull.at)
        if best is not None:
            window = [p for p in own if p.seq in involved]
            findings.append(
                Finding(
                    MANY_PERSONS,
                    tuple(p.seq for p in window),
                    professional_id=professional,
                    structure_id=_most_common(p.structure_id for p in window),
                    numbers={"persons": best[0], "start": best[1], "end": best[2]},
                )
            )
    return findings


def declined_requests(declines: Sequence[DeclineFact]) -> list[Finding]:
    """(d) At least DECLINES_MIN requests of one professional declined in the period."""
    by_professional: dict[str, list[DeclineFact]] = defaultdict(list)
    for decline in declines:
        if decline.professional_id is not None:
            by_professional[decline.professional_id].append(decline)
    return [
        Finding(
            REQUESTS_DECLINED,
            tuple(d.seq for d in involved),
            professional_id=professional,
            structure_id=_most_common(d.structure_id for d in involved),
            numbers={"count": len(involved)},
        )
        for professional, involved in by_professional.items()
        if len(involved) >= DECLINES_MIN
    ]


def unusual_purposes(pulls: Sequence[PullFact]) -> list[Finding]:
    """(e) A structure's pulls for a purpose under UNUSUAL_SHARE of its pulls in the
    period, once it has at least UNUSUAL_MIN_PULLS."""
    by_structure: dict[str, list[PullFact]] = defaultdict(list)
    for pull in pulls:
        if pull.ok and pull.structure_id is not None and pull.purpose is not None:
            by_structure[pull.structure_id].append(pull)
    findings = []
    for structure, own in by_structure.items():
        total = len(own)
        if total < UNUSUAL_MIN_PULLS:
            continue
        counts = Counter(p.purpose for p in own)
        for purpose, count in sorted(counts.items(), key=lambda item: (item[1], item[0] or "")):
            if count / total < UNUSUAL_SHARE:
                involved = [p for p in own if p.purpose == purpose]
                findings.append(
                    Finding(
                        UNUSUAL_PURPOSE,
                        tuple(p.seq for p in involved),
                        structure_id=structure,
                        purpose=purpose,
                        numbers={"count": count, "total": total},
                    )
                )
    return findings


def repeated_refusals(refusals: Sequence[RefusalFact]) -> list[Finding]:
    """(f) At least REFUSALS_MIN refused attempts by one account in the period."""
    by_actor: dict[tuple[str, bool], list[RefusalFact]] = defaultdict(list)
    for refusal in refusals:
        if refusal.actor_id is not None:
            by_actor[(refusal.actor_id, refusal.actor_is_person)].append(refusal)
    return [
        Finding(
            REPEATED_REFUSALS,
            tuple(r.seq for r in involved),
            professional_id=None if is_person else actor,
            person_actor_id=actor if is_person else None,
            structure_id=_most_common(r.structure_id for r in involved),
            numbers={"count": len(involved)},
        )
        for (actor, is_person), involved in by_actor.items()
        if len(involved) >= REFUSALS_MIN
    ]


def find_all(
    pulls: Sequence[PullFact],
    declines: Sequence[DeclineFact],
    timeline: CharterTimeline,
    grant_starts: Mapping[str, datetime],
    refusals: Sequence[RefusalFact] = (),
) -> list[Finding]:
    """Every finding of the six detectors, in the order of ``CODES``, busiest first."""
    findings = [
        *outside_charter(pulls, timeline),
        *before_expiry(pulls, grant_starts),
        *many_persons(pulls),
        *declined_requests(declines),
        *unusual_purposes(pulls),
        *repeated_refusals(refusals),
    ]
    return sorted(findings, key=lambda f: (CODES.index(f.code), -len(f.seqs), f.seqs))


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v is not None)
    return counts.most_common(1)[0][0] if counts else None


# -- in plain French ---------------------------------------------------------------

TITLES = {
    STRUCTURE_OUTSIDE_CHARTER: "Consultations pour une structure hors de la charte",
    PULLS_BEFORE_EXPIRY: "Consultations en nombre juste avant la fin des partages",
    MANY_PERSONS: "Documents de nombreuses personnes en peu de temps",
    REQUESTS_DECLINED: "Demandes refusées à répétition",
    UNUSUAL_PURPOSE: "Finalité inhabituelle pour la structure",
    REPEATED_REFUSALS: "Tentatives d'accès refusées à répétition",
}


def _when(value: object) -> str:
    if not isinstance(value, datetime):
        return "?"
    return value.astimezone(TERRITORY_ZONE).strftime("%d/%m/%Y %H:%M")


def _window_fr(window: timedelta) -> str:
    minutes = int(window / timedelta(minutes=1))
    if minutes % 60 == 0:
        hours = minutes // 60
        return "une heure" if hours == 1 else f"{hours} heures"
    return f"{minutes} minutes"


def explain(finding: Finding, who: str, structure: str, purpose_label: Callable[[str], str]) -> str:
    """Why the finding deserves a look, in plain French, with its numbers."""
    n = finding.numbers
    at = f"{who} ({structure})" if who and structure else (who or structure)
    if finding.code == STRUCTURE_OUTSIDE_CHARTER:
        total = int(n.get("ok", 0)) + int(n.get("refused", 0))
        text = (
            f"{at} a voulu ouvrir {total} document(s) alors que la structure n'adhérait pas "
            "à la charte en vigueur à ce moment-là"
        )
        if n.get("refused"):
            text += f" ; {n['refused']} tentative(s) ont été refusées par le serveur"
        if n.get("ok"):
            text += (
                f" ; {n['ok']} consultation(s) ont pourtant abouti, ce qui ne devrait jamais "
                "arriver : signalez-le à l'exploitant du service"
            )
        return text + (
            ". Une structure qui ne fait plus partie de la charte ne doit plus consulter de "
            "documents : vérifiez que les partages qui lui restent sont retirés et que ses "
            "professionnel·les le savent."
        )
    if finding.code == PULLS_BEFORE_EXPIRY:
        return (
            f"{at} a ouvert {n['count']} documents dans les {n['hours']} heures précédant la "
            "fin des partages concernés. Ouvrir beaucoup de documents juste avant que l'accès "
            "se ferme peut vouloir dire que des copies sont gardées au-delà de la durée "
            "acceptée par les personnes : vérifiez que chaque consultation répondait à une "
            "démarche en cours."
        )
    if finding.code == MANY_PERSONS:
        return (
            f"{at} a ouvert des documents de {n['persons']} personnes différentes en moins "
            f"d'{_window_fr(BURST_WINDOW)} (du {_when(n.get('start'))} au {_when(n.get('end'))}, "
            "heure de Paris). Un accompagnement se fait personne par personne : un tel volume "
            "peut signaler une consultation en série, sans démarche pour chacune. Vérifiez-en "
            "la raison avec la structure."
        )
    if finding.code == REQUESTS_DECLINED:
        return (
            f"{n['count']} demandes de {at} ont été refusées par les personnes sur la "
            "période. Des demandes répétées puis refusées peuvent signaler une insistance, ou "
            "des demandes que la charte ne justifie pas : une personne doit pouvoir refuser "
            "sans pression."
        )
    if finding.code == UNUSUAL_PURPOSE:
        share = f"{100 * int(n['count']) / int(n['total']):.1f}".replace(".", ",")
        label = purpose_label(finding.purpose or "")
        return (
            f"{structure} a ouvert {n['count']} document(s) pour « {label} », soit {share} % "
            f"de ses {n['total']} consultations sur la période. Vérifiez que cette finalité "
            "fait partie des missions de la structure et que ces consultations la "
            "justifiaient."
        )
    if finding.code == REPEATED_REFUSALS:
        return (
            f"{at or 'Un compte'} a demandé {n['count']} fois sur la période des documents qui "
            "n'étaient pas à lui ou pas partagés avec lui (ou qui n'existent pas) : chaque "
            "demande a été refusée. Une erreur arrive une fois ou deux ; autant de refus "
            "peuvent signaler quelqu'un qui essaie des adresses au hasard, ou qui se sert du "
            "compte d'une autre personne. Vérifiez-en la raison."
        )
    raise ValueError(f"unknown flag code {finding.code!r}")
