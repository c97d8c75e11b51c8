"""The console's five detectors at their thresholds, on facts made by hand (no database):
just under a threshold nothing fires, at it the finding names exactly the entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coffre.audit import console_flags as flags
from coffre.audit.console import _csv_line
from coffre.audit.console_flags import CharterTimeline, DeclineFact, PublishedVersion, PullFact
from coffre.consent.charter_file import read_charter
from tests.consent.world import MDPH, RSA, consent_charter

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
A, B = "a" * 32, "b" * 32
PRO, OTHER = "1" * 32, "2" * 32


def pull(
    seq: int,
    *,
    minutes: float = 0,
    person: str = "p0",
    pro: str = PRO,
    ok: bool = True,
    structure: str = A,
    purpose: str = RSA,
    grant: str | None = None,
    left: timedelta | None = None,
) -> PullFact:
    at = T0 + timedelta(minutes=minutes)
    return PullFact(
        seq=seq,
        at=at,
        ok=ok,
        professional_id=pro,
        person_id=person,
        structure_id=structure,
        purpose=purpose,
        grant_id=grant,
        not_after=at + left if left is not None else at + timedelta(days=20),
    )


def test_many_persons_fires_at_eight_persons_within_the_hour_only() -> None:
    seven = [pull(i, minutes=5 * i, person=f"p{i}") for i in range(7)]
    assert flags.many_persons(seven) == []
    eight = [*seven, pull(7, minutes=59, person="p7")]
    [finding] = flags.many_persons(eight)
    assert finding.seqs == tuple(range(8)) and finding.numbers["persons"] == 8
    # The same eight persons over more than an hour, or one person many times: nothing.
    spread = [pull(i, minutes=9 * i, person=f"p{i}") for i in range(8)]
    assert flags.many_persons(spread) == []
    assert flags.many_persons([pull(i, minutes=i) for i in range(30)]) == []
    # Refused attempts are not openings.
    assert flags.many_persons([*seven, pull(7, minutes=59, person="p7", ok=False)]) == []


def test_before_expiry_counts_five_late_pulls_of_grants_longer_than_the_window() -> None:
    late = timedelta(hours=3)
    four = [pull(i, grant=f"g{i}", left=late) for i in range(4)]
    assert flags.before_expiry(four, {}) == []
    five = [*four, pull(4, grant="g4", left=late)]
    [finding] = flags.before_expiry(five, {f"g{i}": T0 - timedelta(days=9) for i in range(5)})
    assert finding.seqs == (0, 1, 2, 3, 4)
    # A one-day grant is all "last hours": its pulls say nothing.
    one_day = {f"g{i}": T0 - timedelta(hours=21) for i in range(5)}
    assert flags.before_expiry(five, one_day) == []
    # Early pulls, refused pulls, pulls after the end: nothing.
    assert flags.before_expiry([pull(i, left=timedelta(days=2)) for i in range(9)], {}) == []
    assert flags.before_expiry([pull(i, left=late, ok=False) for i in range(9)], {}) == []
    assert flags.before_expiry([pull(i, left=-late) for i in range(9)], {}) == []


def test_declined_requests_fire_from_three_for_one_professional() -> None:
    def decline(seq: int, pro: str) -> DeclineFact:
        return DeclineFact(seq, T0, pro, A)

    assert flags.declined_requests([decline(1, PRO), decline(2, PRO), decline(3, OTHER)]) == []
    [finding] = flags.declined_requests([decline(1, PRO), decline(2, PRO), decline(4, PRO)])
    assert finding.professional_id == PRO and finding.seqs == (1, 2, 4)


def test_an_unusual_purpose_needs_twenty_pulls_and_under_five_percent() -> None:
    def structure_pulls(usual: int) -> list[PullFact]:
        return [*(pull(i) for i in range(usual)), pull(100, purpose=MDPH)]

    assert flags.unusual_purposes(structure_pulls(18)) == []  # 19 pulls: too few to say
    assert flags.unusual_purposes(structure_pulls(19)) == []  # 1 in 20 is 5 %: not under
    [finding] = flags.unusual_purposes(structure_pulls(20))  # 1 in 21
    assert (finding.structure_id, finding.purpose, finding.seqs) == (A, MDPH, (100,))
    assert finding.numbers == {"count": 1, "total": 21}


def _timeline(*versions: tuple[int, int | None, str]) -> CharterTimeline:
    made = []
    for version, seq, until in versions:
        extra = f'\n[[structures]]\nidentifiant = "{B}"\nnom = "Relais"\nadhesion = 2026-01-01\n'
        text = consent_charter(A, version=version, extra=extra + until)
        made.append(PublishedVersion(read_charter(text), seq, T0 - timedelta(days=1)))
    return CharterTimeline(made, {A: None, B: None})


def test_outside_the_charter_reads_the_charter_as_it_stood_at_each_pull() -> None:
    timeline = _timeline((1, 10, ""), (2, 50, "fin = 2026-02-01\n"))
    pulls = [
        pull(20, structure=B, ok=True),  # before version 2 was published: B adhered
        pull(60, structure=B, ok=False),  # after: refused, flagged
        pull(61, structure=B, ok=True),  # after, and yet allowed: flagged, said plainly
        pull(62, structure=A),  # A adheres throughout
    ]
    [finding] = flags.outside_charter(pulls, timeline)
    assert finding.seqs == (60, 61) and finding.structure_id == B
    assert finding.numbers == {"ok": 1, "refused": 1}
    text = flags.explain(finding, "M. Martin", "Relais", lambda code: code)
    assert "1 tentative(s) ont été refusées" in text and "signalez-le à l'exploitant" in text
    # No charter published yet at the time of a pull: no structure adhered.
    assert len(flags.outside_charter([pull(5, structure=A)], timeline)[0].seqs) == 1


def test_a_csv_cell_that_a_spreadsheet_would_run_stays_text() -> None:
    line = _csv_line(["12", '=HYPERLINK("http://x")', "-2+3", "Dossier ; RSA", "@SUM(A1)"])
    assert line == '12;"\'=HYPERLINK(""http://x"")";\'-2+3;"Dossier ; RSA";\'@SUM(A1)\r\n'


def _refusal(seq: int, actor: str = PRO, *, person: bool = False) -> flags.RefusalFact:
    return flags.RefusalFact(
        seq=seq,
        at=T0 + timedelta(minutes=seq),
        actor_id=actor,
        actor_is_person=person,
        structure_id=None,
    )


def test_repeated_refusals_fire_at_five_refused_attempts_by_one_account_only() -> None:
    four = [_refusal(i) for i in range(4)]
    assert flags.repeated_refusals(four) == []
    assert flags.repeated_refusals([*four, _refusal(4, OTHER)]) == []
    [finding] = flags.repeated_refusals([*four, _refusal(4)])
    assert finding.code == flags.REPEATED_REFUSALS
    assert finding.professional_id == PRO and finding.person_actor_id is None
    assert finding.seqs == (0, 1, 2, 3, 4)
    [by_person] = flags.repeated_refusals([_refusal(i, OTHER, person=True) for i in range(5)])
    assert by_person.professional_id is None and by_person.person_actor_id == OTHER
    text = flags.explain(by_person, "La personne p-0123456789", "", lambda code: code)
    assert text.startswith("La personne p-0123456789 a demandé 5 fois")
