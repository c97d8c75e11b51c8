"""Who is who in the demo territory around Clermont-Ferrand: structures, professionals,
persons, their logins and the one public demo passphrase.

The situations come from the seeds (../shared/context/seeds/004_*.txt, journée MAIS du
25 janvier 2018): Monsieur Martin, under a reinforced curatorship, followed by the SPIP,
an addiction-care association, the hospital, the social landlord and his curator, with
nobody holding the thread; M. A., whose MDPH file and request for a résidence accueil
got lost between a hospital, a curator on sick leave and a replacement "qui n'avait pas
eu connaissance"; and a young mother leaving a violent partner with her baby, who needs
a roof (SIAO) and her rights opened (CAF) at once.

Every person, professional, SIRET, telephone number and e-mail here is fictitious; the
structures are the real kinds of the territory (their names are public), with addresses
and numbers made up for the demo. The passphrase is public: it is in this file and in
the README. Never use it, or this territory, for real.
"""

from __future__ import annotations

from dataclasses import dataclass

# Public on purpose (README, "Se connecter à la démo"): every demo account shares it.
DEMO_PASSPHRASE = "demo coffre solidaire public jamais en vrai"  # noqa: S105 - public
TERRITORY = "63"
TERRITORY_NAME = "Département du Puy-de-Dôme (démonstration)"
# The data·inclusion source of the demo's directory file (client/demo/data/services.json).
SOURCE = "coffre-demo"


@dataclass(frozen=True)
class Structure:
    key: str  # the demo's own short name, also the data·inclusion id's suffix
    name: str
    kind: str  # coffre/structures/kinds.py
    siret: str  # fictitious (999… is no real SIREN)
    address: str
    adheres: bool  # signs the demo charter (charters/demo-clermont-ferrand.toml)

    @property
    def directory_id(self) -> str:
        return f"{SOURCE}--{self.key}"


@dataclass(frozen=True)
class Professional:
    login: str
    name: str
    profession: str  # coffre/structures/kinds.py PROFESSIONS
    structure: str  # Structure.key
    admin: bool = False  # the structure's admin (certified by the territory admin)
    role_fr: str = ""  # one line for the README and the demo's summary


@dataclass(frozen=True)
class Person:
    login: str
    name: str  # how the README speaks of them; Coffre knows only the login
    story: str


STRUCTURES: tuple[Structure, ...] = (
    Structure(
        "ccas-clermont",
        "CCAS de Clermont-Ferrand",
        "ccas",
        "99999999900017",
        "10 rue de l'Ange, 63000 Clermont-Ferrand",
        True,
    ),
    Structure(
        "caf-63",
        "CAF du Puy-de-Dôme",
        "caf",
        "99999999900025",
        "3 rue Patrick Depailler, 63000 Clermont-Ferrand",
        True,
    ),
    Structure(
        "siao-63",
        "SIAO 63",
        "siao",
        "99999999900033",
        "20 rue Jean Richepin, 63000 Clermont-Ferrand",
        True,
    ),
    Structure(
        "mdph-63",
        "MDPH du Puy-de-Dôme",
        "mdph",
        "99999999900041",
        "11 rue Vaucanson, 63100 Clermont-Ferrand",
        True,
    ),
    Structure(
        "spip-63",
        "SPIP du Puy-de-Dôme",
        "spip",
        "99999999900058",
        "5 rue Montlosier, 63000 Clermont-Ferrand",
        False,
    ),
    Structure(
        "chu-clermont",
        "CHU Clermont-Ferrand — service social hospitalier",
        "sante",
        "99999999900066",
        "58 rue Montalembert, 63000 Clermont-Ferrand",
        True,
    ),
    Structure(
        "csapa-volcans",
        "CSAPA Les Volcans (association d'addictologie)",
        "association",
        "99999999900074",
        "12 boulevard Gergovia, 63000 Clermont-Ferrand",
        True,
    ),
    Structure(
        "ophis",
        "OPHIS — Office public de l'habitat du Puy-de-Dôme",
        "bailleur",
        "99999999900082",
        "44 avenue de l'Agriculture, 63100 Clermont-Ferrand",
        False,
    ),
    Structure(
        "udaf-63",
        "UDAF 63 — service mandataire judiciaire",
        "mandataire",
        "99999999900090",
        "1 rue du Bois de Cros, 63000 Clermont-Ferrand",
        True,
    ),
)

# Structure admins first: they certify the others of their structure.
PROFESSIONALS: tuple[Professional, ...] = (
    Professional(
        "c.fabre",
        "Claire Fabre",
        "assistant-service-social",
        "ccas-clermont",
        admin=True,
        role_fr="assistante sociale du CCAS, référente de parcours d'Inès",
    ),
    Professional(
        "j.roche",
        "Julien Roche",
        "agent-accueil",
        "ccas-clermont",
        role_fr="agent d'accueil du CCAS (domiciliation)",
    ),
    Professional(
        "t.girard",
        "Thomas Girard",
        "agent-instructeur",
        "caf-63",
        admin=True,
        role_fr="instructeur RSA à la CAF",
    ),
    Professional(
        "s.lambert",
        "Sophie Lambert",
        "assistant-service-social",
        "siao-63",
        admin=True,
        role_fr="assistante sociale du SIAO (hébergement, résidence accueil)",
    ),
    Professional(
        "h.vidal",
        "Hélène Vidal",
        "assistant-service-social",
        "mdph-63",
        admin=True,
        role_fr="évaluatrice à la MDPH",
    ),
    Professional(
        "k.haddad",
        "Karim Haddad",
        "conseiller-penitentiaire",
        "spip-63",
        admin=True,
        role_fr="conseiller pénitentiaire (le SPIP n'adhère pas à la charte)",
    ),
    Professional(
        "e.mercier",
        "Élodie Mercier",
        "assistant-service-social",
        "chu-clermont",
        admin=True,
        role_fr="assistante sociale hospitalière du CHU",
    ),
    Professional(
        "l.perrin",
        "Lucas Perrin",
        "infirmier",
        "csapa-volcans",
        admin=True,
        role_fr="infirmier du CSAPA (addictologie)",
    ),
    Professional(
        "i.roux",
        "Isabelle Roux",
        "conseiller-esf",
        "ophis",
        admin=True,
        role_fr="médiatrice du bailleur (OPHIS n'adhère pas à la charte)",
    ),
    Professional(
        "p.chevalier",
        "Paul Chevalier",
        "mandataire-judiciaire",
        "udaf-63",
        admin=True,
        role_fr="chef de service du mandataire judiciaire (UDAF 63)",
    ),
    Professional(
        "n.benali",
        "Nadia Benali",
        "mandataire-judiciaire",
        "udaf-63",
        role_fr="curatrice et référente de parcours de Monsieur Martin",
    ),
    Professional(
        "l.garnier",
        "Léa Garnier",
        "mandataire-judiciaire",
        "udaf-63",
        role_fr="mandataire qui remplace Nadia Benali pendant son absence",
    ),
)

PERSONS: tuple[Person, ...] = (
    Person(
        "m.martin",
        "Monsieur Martin",
        "39 ans, curatelle renforcée, suivi par le SPIP, le CSAPA, le CHU et sa curatrice ; "
        "dette de loyer après son incarcération",
    ),
    Person(
        "ines.d",
        "Inès",
        "22 ans, un bébé de trois mois, vient de quitter un conjoint violent : un toit "
        "(SIAO) et ses droits (CAF) en même temps",
    ),
    Person(
        "monsieur.a",
        "M. A.",
        "suivi psychiatrique, dossier MDPH en attente d'un certificat, demande de "
        "résidence accueil au SIAO",
    ),
)

TERRITORY_ADMIN_LOGIN = "chef-de-file"
TERRITORY_ADMIN_NAME = "Chef de file du Puy-de-Dôme (démonstration)"
OFFICER_LOGIN = "dpo-63"
OFFICER_NAME = "Référente de la charte (démonstration)"


def structure(key: str) -> Structure:
    return next(s for s in STRUCTURES if s.key == key)


def professional(login: str) -> Professional:
    return next(p for p in PROFESSIONALS if p.login == login)


def person(login: str) -> Person:
    return next(p for p in PERSONS if p.login == login)
