"""Load the demo territory into a running Coffre server, through the API and the real
client: keys made here, documents encrypted and bound here, consent receipts and
certificates signed here. Nothing is written around the services.

Every step looks before it acts, so loading twice changes nothing the second time:
structures are found by SIRET, accounts by login (a sign-up answered ``login_taken``
logs in instead) or in their structure's member list, documents by their (decrypted)
file name, grants by professional and purpose, requests by professional, purpose and
category. The territory admin is logged in only when something of theirs is missing.

The one step that cannot go through the API, creating the territory admin (the trust
roots: v2, with its first revocation list), is the operator's command (``coffre
territory bootstrap``); ``coffre demo`` (cli/demo.py) does it before calling ``load``.
The certificates are then v2 ones (they end; the structure admins' signed by the root),
and the load signs a new revocation list whenever the one in force ends within a week.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from client import consent, network, referents, relays
from client.api import ApiError, CoffreClient
from client.demo import cast, story
from client.demo.papers import Paper
from client.demo.totp import TotpBook
from crypto import AccountKeys

DATA = Path(__file__).resolve().parent / "data"
SERVICES_FILE = DATA / "services.json"
# The charter lives with the others (charters/); the demo runs from the repository.
CHARTER_FILE = Path(__file__).resolve().parents[2] / "charters" / "demo-clermont-ferrand.toml"
Say = Callable[[str], None]
# The territory admin signs the next revocation list when the one in force ends within
# this (the server's own notice, coffre/structures/certificates.py LIST_DUE_NOTICE).
LIST_NOTICE = timedelta(days=7)


class DemoRefused(Exception):
    """The demo cannot be loaded on this server; the message says why, in French."""


@dataclass
class Session:
    login: str
    client: CoffreClient
    keys: AccountKeys
    account_id: str


@dataclass
class Summary:
    """What the load did (counts of what it created; zero everywhere the second time)."""

    created: dict[str, int] = field(default_factory=dict)
    refused_as_expected: list[str] = field(default_factory=list)

    def add(self, what: str, count: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + count


class Demo:
    """One load of the demo territory against ``base_url``."""

    def __init__(
        self,
        base_url: str,
        *,
        totp: TotpBook,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        say: Say = print,
        charter_file: Path = CHARTER_FILE,
        services_file: Path = SERVICES_FILE,
    ) -> None:
        self.base_url = base_url
        self.totp = totp
        self.now = now
        self.say = say
        self.charter_file = charter_file
        self.services_file = services_file
        self.summary = Summary()
        self._sessions: dict[str, Session] = {}
        self._structures: dict[str, str] = {}  # demo key -> Coffre structure id
        self._root_pin: str | None = None
        self._service_ids: dict[str, str] = {}  # data·inclusion id -> Coffre service id

    # -- plumbing --------------------------------------------------------------
    def close(self) -> None:
        for session in self._sessions.values():
            session.client.close()
        self._sessions.clear()

    def _client(self) -> CoffreClient:
        return CoffreClient(self.base_url)

    def _open(self, login: str, client: CoffreClient, totp_code: str | None = None) -> Session:
        logged = client.login(login, cast.DEMO_PASSPHRASE, totp_code=totp_code)
        session = Session(login, client, logged.keys, logged.account_id)
        if logged.totp_enrolment_required:
            enrolment = client.enable_totp()
            self.totp.keep(login, enrolment.secret)
            code = self.totp.code(login)
            assert code is not None
            client.confirm_totp(code)
        self._sessions[login] = session
        return session

    def session(self, login: str) -> Session:
        """A logged-in session of a demo account (TOTP from the demo's book if needed)."""
        if login in self._sessions:
            return self._sessions[login]
        client = self._client()
        code = self.totp.code(login)
        try:
            return self._open(login, client, code)
        except ApiError as exc:
            if exc.code == "totp_required" and code is None:
                client.close()
                raise DemoRefused(
                    f"Le compte de démonstration « {login} » demande un code TOTP, et son "
                    f"secret n'est pas dans {self.totp.path}. Repartez d'une base vide "
                    "(supprimez var/) ou donnez le bon fichier avec --state."
                ) from exc
            if exc.code == "invalid_totp":
                # Already used in this 30-second step (replay refusal): the next one.
                return self._open(login, client, self.totp.code(login, steps=1))
            client.close()
            if exc.code == "invalid_credentials" and login == cast.TERRITORY_ADMIN_LOGIN:
                raise DemoRefused(
                    f"Ce serveur a déjà un territoire {cast.TERRITORY}, qui n'est pas celui "
                    "de la démo : la démo ne s'y charge pas."
                ) from exc
            raise

    def exists_with_totp(self, login: str) -> bool:
        """Whether a TOTP account exists, without using a code (``totp_required``)."""
        with self._client() as client:
            try:
                client.login(login, cast.DEMO_PASSPHRASE)
            except ApiError as exc:
                if exc.code == "totp_required":
                    return True
                if exc.code == "invalid_credentials":
                    return False
                raise
            return True  # enrolment not finished: the load finishes it

    def root_pin(self) -> str:
        """The territory root as the demo pins it. The demo runs next to the server it
        has just bootstrapped, so the root the server shows is the one it made; a real
        client compares it with the published pin (SPEC §25)."""
        if self._root_pin is None:
            with self._client() as client:
                self._root_pin = str(client.call("GET", "/trust/root").json()["pin"])
        return self._root_pin

    # -- the load ----------------------------------------------------------------
    def load(self) -> Summary:
        if not self.charter_file.is_file():
            raise DemoRefused(
                f"La charte de la démo ({self.charter_file}) est introuvable : elle est dans "
                "le dépôt (charters/demo-clermont-ferrand.toml) ; lancez la démo depuis le "
                "dépôt."
            )
        self.check_root()
        self.keep_trust()
        admin_work = self._admin_work_left()
        if not admin_work and self._last_step_done():
            self.say("Démo : déjà chargée sur ce serveur, rien à refaire.")
            return self.summary
        if admin_work:
            admin = self.session(cast.TERRITORY_ADMIN_LOGIN)
            self.say("Démo : connexion de l'administrateur·rice du territoire.")
            self.admit_structures(admin)
            self.import_directory(admin)
            self.publish_charter(admin)
            self.structure_admins(admin)
            self.charter_officer(admin)
        else:
            self._structures_by_siret(self.session(cast.PROFESSIONALS[0].login))
        self.professionals()
        self.persons()
        self.consent()
        self.referents()
        self.relays()
        return self.summary

    def check_root(self) -> None:
        with self._client() as client:
            try:
                root = client.call("GET", "/trust/root").json()
            except ApiError as exc:
                raise DemoRefused(
                    "Ce serveur n'a pas encore de territoire : lancez « coffre demo » sur "
                    "le serveur (il crée l'administrateur·rice du territoire de démonstration)."
                ) from exc
        if root["territory"] != cast.TERRITORY:
            raise DemoRefused(
                f"Ce serveur sert le territoire « {root['territory']} », pas le territoire "
                f"de démonstration « {cast.TERRITORY} » : la démo ne s'y charge pas."
            )

    def keep_trust(self) -> None:
        """The territory's v2 root and a revocation list that does not end within the
        week (SPEC §26.3: at most 31 days), so the demo's v2 certificates keep
        verifying on a demo served again weeks later: the territory admin signs the
        next list here, as they would with ``coffre territory revocations sign``. A
        demo loaded before the bootstrap published the v2 root gets it now."""
        with self._client() as client:
            try:
                client.call("GET", "/trust/root/v2")
            except ApiError as exc:
                if exc.code != "trust_root_missing":
                    raise
                published = False
            else:
                published = True
                ends = client.call("GET", "/trust/revocations").json()["next_update"]
                if ends is not None and datetime.fromisoformat(ends) - self.now() > LIST_NOTICE:
                    return
        admin = self.session(cast.TERRITORY_ADMIN_LOGIN)
        if published:
            network.sign_revocations(admin.client, admin.keys, now=self.now())
        else:
            network.publish_root_v2(admin.client, admin.keys, cast.TERRITORY, now=self.now())
        self.summary.add("revocation lists")
        self.say("Démo : liste de révocation signée par la racine du territoire.")

    def _admin_work_left(self) -> bool:
        """Something only the territory admin does is missing: the officer (made last),
        the charter as in the file, or the directory's services."""
        if not self.exists_with_totp(cast.OFFICER_LOGIN):
            return True
        with self._client() as client:
            try:
                current = client.call("GET", "/charters/current").json()
            except ApiError:
                return True
            if current.get("source") != self.charter_file.read_text(encoding="utf-8"):
                return True
            return not self._directory_complete(client)

    def _last_step_done(self) -> bool:
        """The load goes in order and stops at the first error: when the relays of its
        last step are there, everything before is too. One login instead of twenty, so
        a second ``./scripts/serve`` starts at once and adds no login to the persons'
        histories."""
        last = story.ORIENTATIONS[-1]
        author = self.session(last.orienting)
        made = {
            (r["person"]["name"], r["service"]["id"])
            for r in relays.list_relays(author.client, box="outgoing")
        }
        return all(
            (o.person, self.service_id(o.service)) in made
            for o in story.ORIENTATIONS
            if o.orienting == last.orienting
        )

    def _directory_complete(self, client: CoffreClient) -> bool:
        wanted = {s["id"] for s in self._services()["services"]}
        return wanted <= set(self._directory(client))

    def _directory(self, client: CoffreClient) -> dict[str, str]:
        """The demo's services in the directory: data·inclusion id -> Coffre id."""
        found: dict[str, str] = {}
        offset = 0
        while True:
            page = client.call(
                "GET", "/directory/services", params={"limit": 50, "offset": offset}
            ).json()["services"]
            found.update({s["source_id"]: s["id"] for s in page if s["source"] == cast.SOURCE})
            if len(page) < 50:
                return found
            offset += 50

    def service_id(self, source_id: str) -> str:
        if source_id not in self._service_ids:
            with self._client() as client:
                self._service_ids = self._directory(client)
        return self._service_ids[source_id]

    def _services(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.services_file.read_text(encoding="utf-8"))
        return document

    # -- the territory admin's part -------------------------------------------------
    def _structures_by_siret(self, session: Session) -> dict[str, str]:
        listing = session.client.call("GET", "/structures").json()["structures"]
        by_siret = {s["siret"]: s["id"] for s in listing if s.get("siret")}
        for structure in cast.STRUCTURES:
            if structure.siret in by_siret:
                self._structures[structure.key] = by_siret[structure.siret]
        return self._structures

    def admit_structures(self, admin: Session) -> None:
        known = self._structures_by_siret(admin)
        for structure in cast.STRUCTURES:
            if structure.key in known:
                continue
            made = network.admit_structure(
                admin.client,
                name=structure.name,
                kind=structure.kind,
                address=structure.address,
                territory=cast.TERRITORY,
                siret=structure.siret,
            )
            self._structures[structure.key] = str(made["id"])
            self.summary.add("structures")
        self.say(f"Démo : {len(cast.STRUCTURES)} structures admises.")

    def import_directory(self, admin: Session) -> None:
        """The services, through the data·inclusion import (validated by the schema's
        models on the server; idempotent by source id)."""
        report = admin.client.call(
            "POST",
            "/directory/imports",
            content=self.services_file.read_bytes(),
            headers={"Content-Type": "application/json"},
        ).json()
        added = int(report["services_created"])
        self.summary.add("services", added)
        self.say(
            f"Démo : annuaire importé (data·inclusion) : {added} service(s) ajouté(s), "
            f"{report['unchanged']} inchangé(s)."
        )

    def publish_charter(self, admin: Session) -> None:
        text = self.charter_file.read_text(encoding="utf-8")
        try:
            current: dict[str, Any] | None = admin.client.call("GET", "/charters/current").json()
        except ApiError as exc:
            if exc.code != "no_charter_in_force":
                raise
            current = None
        if current is not None and current.get("source") == text:
            return
        try:
            admin.client.call(
                "POST",
                "/charters",
                content=text.encode("utf-8"),
                headers={"Content-Type": "text/plain; charset=utf-8"},
            )
        except ApiError as exc:
            if exc.code == "charter_version_conflict":
                raise DemoRefused(
                    "La charte en vigueur sur ce serveur n'est pas celle de la démo et sa "
                    f"version est au moins celle de {self.charter_file.name} : augmentez "
                    "« version » dans le fichier pour la publier."
                ) from exc
            raise
        self.summary.add("charters")
        self.say(f"Démo : charte publiée ({self.charter_file.name}).")

    def _members(self, by: Session, structure_key: str) -> list[dict[str, Any]]:
        return network.members(by.client, self._structures[structure_key])

    def _join(
        self, by: Session, structure_key: str, pro: cast.Professional, kind: str
    ) -> dict[str, Any]:
        """The member entry of ``pro`` in their structure, invited and joined if missing,
        certified by ``by`` if not yet."""
        structure_id = self._structures[structure_key]
        listing = [
            m
            for m in self._members(by, structure_key)
            if m["display_name"] == pro.name and m["left_at"] is None
        ]
        if not listing:
            invitation = network.invite(by.client, structure_id, kind, pro.name, pro.profession)
            with self._client() as client:
                network.accept_invitation(
                    client, str(invitation["code"]), pro.login, cast.DEMO_PASSPHRASE
                )
            self.summary.add("professionals")
            listing = [
                m
                for m in self._members(by, structure_key)
                if m["display_name"] == pro.name and m["left_at"] is None
            ]
        member = listing[0]
        if not member["certified"]:
            network.certify(by.client, by.account_id, by.keys, structure_id, member)
            self.summary.add("certificates")
        return member

    def structure_admins(self, admin: Session) -> None:
        for pro in cast.PROFESSIONALS:
            if pro.admin:
                self._join(admin, pro.structure, pro, "structure_admin")

    def charter_officer(self, admin: Session) -> None:
        if self.exists_with_totp(cast.OFFICER_LOGIN):
            self.session(cast.OFFICER_LOGIN)  # finishes a TOTP enrolment left halfway
            return
        code = admin.client.call(
            "POST", "/invitations/charter-officer", json={"display_name": cast.OFFICER_NAME}
        ).json()["code"]
        with self._client() as client:
            network.accept_invitation(client, str(code), cast.OFFICER_LOGIN, cast.DEMO_PASSPHRASE)
        self.session(cast.OFFICER_LOGIN)  # enrols TOTP (required for the role)
        self.summary.add("charter officer")

    # -- the structures' part -------------------------------------------------------
    def professionals(self) -> None:
        for pro in cast.PROFESSIONALS:
            if pro.admin:
                continue
            head = next(p for p in cast.PROFESSIONALS if p.admin and p.structure == pro.structure)
            self._join(self.session(head.login), pro.structure, pro, "professional")
        self.say(f"Démo : {len(cast.PROFESSIONALS)} professionnel·les aux clés certifiées.")

    # -- the persons ------------------------------------------------------------------
    def person(self, login: str) -> Session:
        if login not in self._sessions:
            with self._client() as client:
                try:
                    client.signup(login, cast.DEMO_PASSPHRASE)
                    self.summary.add("persons")
                except ApiError as exc:
                    if exc.code != "login_taken":
                        raise
        session = self.session(login)
        session.client.migrate_to_v2(session.keys)  # format v2 (SPEC Part II); idempotent
        return session

    def _documents(self, session: Session) -> dict[str, str]:
        """The person's documents by decrypted file name."""
        entries = session.client.list_documents(session.keys, pinned_root=self.root_pin())
        return {entry.metadata.name: entry.id for entry in entries}

    def _upload(self, session: Session, paper: Paper, folder: Path) -> str:
        path = folder / paper.name
        path.write_bytes(paper.render())
        from client.documents_v2 import upload_v2

        return upload_v2(
            session.client,
            path,
            paper.category,
            session.keys,
            name=paper.name,
            mime=paper.mime,
            expires_on=paper.expires_on(self.now().date()),
        )

    def persons(self) -> None:
        with tempfile.TemporaryDirectory(prefix="coffre-demo-") as tmp:
            for person in cast.PERSONS:
                session = self.person(person.login)
                have = self._documents(session)
                for paper in story.PAPERS[person.login]:
                    if paper.name not in have:
                        self._upload(session, paper, Path(tmp))
                        self.summary.add("documents")
        self.say(f"Démo : {len(cast.PERSONS)} personnes et leurs papiers (chiffrés ici, v2).")

    # -- consent: requests, grants, pulls, a deposit --------------------------------
    def consent(self) -> None:
        for ask in story.ASKS:
            self.ask(ask)
        for share in story.SHARES:
            self.share(share)
        for depositor, person, paper in story.DEPOSITS:
            self.deposit(depositor, person, paper)
        if self.summary.created.get("grants"):
            # Once, with the first shares: a refusal is recorded in the trail too.
            self.refused_share(story.REFUSED_SHARE)
        self.say("Démo : demandes, partages, consultations et dépôt faits.")

    def _request(self, ask: story.Ask) -> dict[str, Any] | None:
        sent = self.session(ask.professional).client.call("GET", "/requests").json()["requests"]
        return next(
            (
                r
                for r in sent
                if r.get("person_login") == ask.person
                and r["purpose"] == ask.purpose
                and r["category"] == ask.category
            ),
            None,
        )

    def ask(self, ask: story.Ask) -> None:
        if self._request(ask) is not None:
            return
        pro = cast.professional(ask.professional)
        consent.ask(
            self.session(ask.professional).client,
            person_login=ask.person,
            structure_id=self._structures[pro.structure],
            purpose=ask.purpose,
            category=ask.category,
            message=ask.message,
        )
        self.summary.add("requests")
        if ask.answer == "decline":
            person = self.person(ask.person)
            inbox = person.client.call("GET", "/requests").json()["requests"]
            for request in inbox:
                if (
                    request["status"] == "pending"
                    and request["professional_id"] == self.session(ask.professional).account_id
                    and request["purpose"] == ask.purpose
                ):
                    consent.decline(person.client, str(request["id"]), "Pas maintenant, merci.")

    def share(self, share: story.Share) -> None:
        person = self.person(share.person)
        pro = self.session(share.professional)
        grants = person.client.call("GET", "/grants").json()["grants"]
        if any(
            g["professional_id"] == pro.account_id and g["purpose"] == share.purpose for g in grants
        ):
            return
        documents = self._documents(person)
        request_id = None
        if share.answers is not None:
            request = self._request(share.answers)
            request_id = None if request is None else str(request["id"])
        granted = consent.share(
            person.client,
            person.keys,
            person_id=person.account_id,
            professional_id=pro.account_id,
            pinned_root=self.root_pin(),
            purpose=share.purpose,
            document_ids=[documents[name] for name in share.papers],
            days=share.days,
            request=request_id,
            now=self.now(),
        )
        self.summary.add("grants")
        if share.pull is not None:
            mine = consent.shared_with_me(pro.client)
            grant = next(g for g in mine if g["id"] == granted["id"])
            consent.pull(
                pro.client,
                pro.keys,
                str(granted["id"]),
                documents[share.pull],
                share.reason,
                grant=grant,
            )
            self.summary.add("pulls")
        if share.revoked:
            consent.revoke(person.client, str(granted["id"]))

    def deposit(self, depositor: str, person_login: str, paper: Paper) -> None:
        person = self.person(person_login)
        if paper.name in self._documents(person):
            return
        pro = self.session(depositor)
        consent.deposit(
            pro.client,
            pro.keys,
            depositor_id=pro.account_id,
            structure_id=self._structures[cast.professional(depositor).structure],
            person_id=person.account_id,
            category=paper.category,
            name=paper.name,
            mime=paper.mime,
            content=paper.render(),
            now=self.now(),
        )
        self.summary.add("deposits")

    # -- the référent de parcours ---------------------------------------------------
    def referents(self) -> None:
        for chosen in story.REFERENTS:
            self.referent(chosen)
        self.say("Démo : référents de parcours choisis, proposés, et un remplacement nommé.")

    def referent(self, chosen: story.Referent) -> None:
        """Done only on a person who never had a référent (the demo's visitors may have
        answered or changed it since: their choice is kept)."""
        person = self.person(chosen.person)
        mine = referents.my_referent(person.client)
        if mine.current or mine.proposals or mine.handover or mine.history:
            return
        pro = self.session(chosen.professional)
        structure_id = self._structures[cast.professional(chosen.professional).structure]
        if chosen.chosen_by == "professional":
            referents.propose(pro.client, person.account_id, structure_id)
            self.summary.add("référent proposals")
            return
        referents.designate(
            person.client,
            pro.account_id,
            structure_id,
            show_expiry_count=chosen.show_expiry_count,
        )
        self.summary.add("référents")
        if chosen.successor is not None:
            successor = self.session(chosen.successor)
            referents.name_successor(
                pro.client,
                from_professional_id=pro.account_id,
                successor_id=successor.account_id,
                reason="absent",
                until=self.now().date() + timedelta(days=chosen.absent_days),
                person_ids=[person.account_id],
            )
            self.summary.add("hand-overs")

    # -- relays between structures -----------------------------------------------------
    def relays(self) -> None:
        for orientation in story.ORIENTATIONS:
            self.relay(orientation)
        self.say("Démo : relais proposés, acceptés, pris avec un retour, déclinés, clos.")

    def relay(self, plan: story.Orientation) -> None:
        """Made once: a relay of the same person to the same service, whatever its
        state now (a visitor may have taken or closed it since), is left as it is."""
        author = self.session(plan.orienting)
        person = self.person(plan.person)
        service_id = self.service_id(plan.service)
        outgoing = relays.list_relays(author.client, box="outgoing")
        if any(
            r["person"]["id"] == person.account_id and r["service"]["id"] == service_id
            for r in outgoing
        ):
            return
        relay = relays.propose(
            author.client,
            author.keys,
            author_id=author.account_id,
            person_id=person.account_id,
            service_id=service_id,
            purpose=plan.purpose,
            categories=plan.categories,
            text=plan.note,
            structure_id=self._structures[cast.professional(plan.orienting).structure],
        )
        self.summary.add("relays")
        if plan.state == "proposed":
            return
        if plan.state == "closed":
            relays.refuse(person.client, relay["id"])  # the person says no: closed
            return
        documents = self._documents(person)
        relay = relays.agree(person.client, relay["id"], [documents[n] for n in plan.papers])
        if plan.state == "agreed" or plan.taker is None:
            return
        taker = self.session(plan.taker)
        if plan.state == "declined":
            relays.decline(taker.client, relay["id"], plan.answer or "")
            return
        relay = relays.take(taker.client, relay["id"])
        # The author seals the note's key to the taker (certified key), the person
        # shares the chosen papers with the taker (a grant scoped to the relay), the
        # taker reads the note, opens one paper and sends the return.
        relays.give_note_to_taker(
            author.client,
            author.keys,
            relays.get(author.client, relay["id"]),
            pinned_root=self.root_pin(),
        )
        relay = relays.get(person.client, relay["id"])
        consent.share(
            person.client,
            person.keys,
            person_id=person.account_id,
            professional_id=taker.account_id,
            pinned_root=self.root_pin(),
            purpose=relay["purpose"],
            document_ids=relay["documents"],
            days=30,
            now=self.now(),
            relay_id=relay["id"],
        )
        self.summary.add("relay grants")
        relay = relays.get(taker.client, relay["id"])
        relays.read_note(taker.client, taker.keys, relay, pinned_root=self.root_pin())
        grant = next(
            g for g in consent.shared_with_me(taker.client) if g.get("relay_id") == relay["id"]
        )
        consent.pull(taker.client, taker.keys, str(grant["id"]), relay["documents"][0], grant=grant)
        relays.send_return(
            taker.client,
            taker.keys,
            relay,
            plan.answer or "",
            author_id=taker.account_id,
            pinned_root=self.root_pin(),
        )

    def refused_share(self, share: story.Share) -> None:
        """A share the charter refuses (OPHIS does not sign it): shown, nothing made."""
        person = self.person(share.person)
        pro = self.session(share.professional)
        documents = self._documents(person)
        try:
            consent.share(
                person.client,
                person.keys,
                person_id=person.account_id,
                professional_id=pro.account_id,
                pinned_root=self.root_pin(),
                purpose=share.purpose,
                document_ids=[documents[name] for name in share.papers],
                days=share.days,
                now=self.now(),
            )
        except ApiError as exc:
            pro_name = cast.professional(share.professional).name
            self.summary.refused_as_expected.append(
                f"un partage de {share.person} avec {pro_name} ({exc.code})"
            )
            return
        raise DemoRefused(
            "La charte de ce serveur laisse partager avec OPHIS : ce n'est pas la charte "
            "de la démo."
        )
