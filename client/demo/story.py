"""What happened in the demo territory: the persons' papers, what they shared with whom,
what professionals asked for, deposited and opened (client/demo/build.py plays it).

Written as data so that the README, the tests and the build read the same story.
Purposes and categories are the demo charter's (charters/demo-clermont-ferrand.toml).
"""

from __future__ import annotations

from dataclasses import dataclass

from client.demo.papers import Paper

PAPERS: dict[str, tuple[Paper, ...]] = {
    "m.martin": (
        Paper(
            "carte-identite.pdf",
            "identite",
            "Carte nationale d'identité",
            (
                "Nom : MARTIN (personne fictive)",
                "Prénom : Jean",
                "Né le 12/03/1987 à Clermont-Ferrand",
                "N° : DEMO-0000-0001",
            ),
            expires_in_days=25,
        ),
        Paper(
            "jugement-curatelle-renforcee.pdf",
            "justice",
            "Jugement — curatelle renforcée",
            (
                "Tribunal judiciaire de Clermont-Ferrand (exemple)",
                "Juge des contentieux de la protection",
                "Mesure : curatelle renforcée, depuis 2012",
                "Curateur : UDAF 63, service mandataire",
            ),
        ),
        Paper(
            "avis-imposition-2026.pdf",
            "impots",
            "Avis d'impôt 2026 sur les revenus 2025",
            ("Revenu fiscal de référence : 8 412 € (exemple)", "Nombre de parts : 1"),
        ),
        Paper(
            "attestation-employeur.pdf",
            "ressources",
            "Attestation de l'employeur",
            (
                "Clermont Auvergne Métropole (exemple)",
                "M. Jean MARTIN est agent territorial titulaire.",
                "Traitement suspendu du 02/2026 au 08/2026.",
            ),
        ),
        Paper(
            "echeancier-dette-loyer.png",
            "logement",
            "Plan d'apurement de la dette locative",
            (
                "Bailleur : OPHIS (exemple)",
                "Dette : 2 340 € — 18 mensualités de 130 €",
                "Signé par le locataire et sa curatrice",
            ),
        ),
    ),
    "ines.d": (
        Paper(
            "carte-identite.png",
            "identite",
            "Carte nationale d'identité",
            ("Nom : D. (personne fictive)", "Prénom : Inès", "Née le 04/07/2004 à Thiers"),
        ),
        Paper(
            "livret-de-famille.pdf",
            "famille",
            "Livret de famille (extrait)",
            ("Mère : Inès D. (fictive)", "Enfant : Lina, née le 02/09/2026 à Clermont-Ferrand"),
        ),
        Paper(
            "attestation-caf.pdf",
            "caf",
            "Attestation de paiement CAF",
            ("Allocataire n° DEMO-63-0042 (exemple)", "Prestation d'accueil du jeune enfant"),
        ),
    ),
    "monsieur.a": (
        Paper(
            "carte-identite.pdf",
            "identite",
            "Carte nationale d'identité",
            ("Nom : A. (personne fictive)", "Né le 21/11/1979 à Vichy"),
            expires_in_days=300,
        ),
        Paper(
            "certificat-medical-mdph.pdf",
            "sante",
            "Certificat médical pour la MDPH",
            (
                "Rempli par un médecin psychiatre (exemple)",
                "Demande : orientation SAVS",
                "Contenu médical non reproduit dans la démo",
            ),
            expires_in_days=180,
        ),
        Paper(
            "attestation-domiciliation.pdf",
            "domicile",
            "Attestation d'élection de domicile",
            ("CCAS de Clermont-Ferrand (exemple)", "Valable jusqu'au 30/06/2027"),
            expires_in_days=206,
        ),
    ),
}

# A deposit: a professional writes a signed document into a person's vault.
DEPOSITS: tuple[tuple[str, str, Paper], ...] = (
    (
        "c.fabre",
        "ines.d",
        Paper(
            "attestation-election-domicile.pdf",
            "domicile",
            "Attestation d'élection de domicile",
            (
                "Le CCAS de Clermont-Ferrand atteste que",
                "Mme Inès D. (personne fictive) est domiciliée",
                "à l'adresse du CCAS pour un an.",
            ),
            expires_in_days=365,
        ),
    ),
)


@dataclass(frozen=True)
class Ask:
    """A request: a professional asks a person for a document of one category."""

    professional: str
    person: str
    purpose: str
    category: str
    message: str
    answer: str  # "grant" (answered by a share), "decline" or "wait"


@dataclass(frozen=True)
class Share:
    """A grant: a person shares documents (by file name) with a named professional."""

    person: str
    professional: str
    purpose: str
    papers: tuple[str, ...]
    days: int
    answers: Ask | None = None  # the request it answers
    pull: str | None = None  # a document the professional opens (the person sees it)
    reason: str | None = None  # the reason given at the pull, when the charter asks one
    revoked: bool = False  # then withdrawn by the person


MDPH_CERTIFICATE = Ask(
    "h.vidal",
    "monsieur.a",
    "dossier-mdph",
    "sante",
    "Le certificat médical manque à votre dossier MDPH (orientation SAVS).",
    "grant",
)
ASKS: tuple[Ask, ...] = (
    MDPH_CERTIFICATE,
    Ask(
        "t.girard",
        "ines.d",
        "ouverture-droits-rsa",
        "domicile",
        "Pour ouvrir vos droits : un justificatif de domicile ou votre domiciliation.",
        "wait",
    ),
    Ask(
        "s.lambert",
        "m.martin",
        "demande-logement-siao",
        "logement",
        "Souhaitez-vous une demande de logement accompagné ?",
        "decline",
    ),
)

SHARES: tuple[Share, ...] = (
    Share(
        "m.martin",
        "n.benali",
        "mesure-protection",
        (
            "carte-identite.pdf",
            "jugement-curatelle-renforcee.pdf",
            "avis-imposition-2026.pdf",
            "echeancier-dette-loyer.png",
        ),
        180,
        pull="echeancier-dette-loyer.png",
        reason="Point budget avec M. Martin avant l'audience de surendettement",
    ),
    Share(
        "ines.d",
        "c.fabre",
        "ouverture-droits-rsa",
        ("carte-identite.png", "livret-de-famille.pdf", "attestation-caf.pdf"),
        90,
        pull="livret-de-famille.pdf",
    ),
    Share(
        "ines.d",
        "j.roche",
        "domiciliation",
        ("carte-identite.png",),
        7,
        revoked=True,
    ),
    Share(
        "monsieur.a",
        "h.vidal",
        "dossier-mdph",
        ("carte-identite.pdf", "certificat-medical-mdph.pdf"),
        60,
        answers=MDPH_CERTIFICATE,
        pull="certificat-medical-mdph.pdf",
        reason="Évaluation de la demande d'orientation SAVS",
    ),
    Share(
        "monsieur.a",
        "e.mercier",
        "demande-logement-siao",
        ("carte-identite.pdf", "attestation-domiciliation.pdf"),
        90,
    ),
)

# Shown, and refused by the server: OPHIS does not sign the charter.
REFUSED_SHARE = Share(
    "m.martin", "i.roux", "demande-logement-siao", ("echeancier-dette-loyer.png",), 30
)


@dataclass(frozen=True)
class Referent:
    """A référent de parcours: chosen by the person, or proposed by the professional
    (and left for the person to answer); ``successor``: then the référent, absent for
    ``absent_days``, names a successor, and the person is asked (left pending, so the
    one-tap prompt is there to see)."""

    person: str
    professional: str
    chosen_by: str  # "person" | "professional" (a proposal left pending)
    show_expiry_count: bool = False
    successor: str | None = None
    absent_days: int = 0


REFERENTS: tuple[Referent, ...] = (
    # Monsieur Martin: "Qui peut en être référent ? Pourrait-on désigner quelqu'un ?"
    # He chooses his curator; she is then on sick leave and names her replacement,
    # who this time knows what is pending once Monsieur Martin agrees.
    Referent("m.martin", "n.benali", "person", successor="l.garnier", absent_days=30),
    # M. A.: the hospital's social worker holds the thread between CHU, MDPH and SIAO;
    # he lets her see how many of his papers are about to expire.
    Referent("monsieur.a", "e.mercier", "person", show_expiry_count=True),
    # Inès: the CCAS social worker offers to be her référente; Inès has not answered.
    Referent("ines.d", "c.fabre", "professional"),
)


@dataclass(frozen=True)
class Orientation:
    """A relay: a professional orients a person to a directory service (by its
    data·inclusion id) for one purpose, with a liaison note. ``state`` is where the demo
    leaves it: ``proposed`` (the person has not answered), ``agreed`` (agreed with
    ``papers``, waiting to be taken), ``taken`` (then the person shares the papers with
    the taker, who opens one and sends ``answer`` back as the return), ``declined``
    (``answer`` is the reason), ``closed`` (the person refused)."""

    key: str
    orienting: str
    person: str
    service: str  # data·inclusion id in client/demo/data/services.json
    purpose: str
    categories: tuple[str, ...]
    note: str
    state: str
    papers: tuple[str, ...] = ()
    taker: str | None = None
    answer: str | None = None


ORIENTATIONS: tuple[Orientation, ...] = (
    # Monsieur Martin's income stopped with his incarceration: his curator orients him
    # to the CAF to reopen his RSA; the CAF takes it and says so.
    Orientation(
        "martin-caf",
        "n.benali",
        "m.martin",
        "coffre-demo--caf-63--rsa",
        "ouverture-droits-rsa",
        ("identite", "ressources"),
        "M. Martin est sorti de détention en août ; son traitement d'agent territorial "
        "est suspendu depuis février. Réexamen du RSA demandé. Il oublie parfois ses "
        "rendez-vous : merci de me mettre en copie des convocations.",
        "taken",
        papers=("carte-identite.pdf", "attestation-employeur.pdf"),
        taker="t.girard",
        answer="Demande enregistrée le jour même ; droits RSA rouverts, premier "
        "versement le 5 du mois prochain. Convocation envoyée en copie à la curatrice.",
    ),
    # He says no to emergency aid from the CCAS: his choice, the relay is closed.
    Orientation(
        "martin-ccas",
        "n.benali",
        "m.martin",
        "coffre-demo--ccas-clermont--secours",
        "ouverture-droits-rsa",
        ("ressources",),
        "Demande d'aide d'urgence en attendant le RSA (alimentation).",
        "closed",
    ),
    # Inès needs a roof tonight: the CCAS orients her to the 115 (SIAO); she agreed
    # on her phone, the SIAO has not taken it yet.
    Orientation(
        "ines-siao",
        "c.fabre",
        "ines.d",
        "coffre-demo--siao-63--115",
        "demande-logement-siao",
        ("identite", "famille"),
        "Mme D., 22 ans, avec sa fille de trois mois, a quitté le domicile conjugal "
        "(violences). Sans solution ce soir. Joignable par le CCAS.",
        "agreed",
        papers=("carte-identite.png", "livret-de-famille.pdf"),
    ),
    # And to the CAF's social worker: proposed, Inès has not answered yet.
    Orientation(
        "ines-caf",
        "c.fabre",
        "ines.d",
        "coffre-demo--caf-63--separation",
        "ouverture-droits-rsa",
        ("identite", "caf"),
        "Séparation récente, naissance en septembre : faire le point sur ses droits "
        "(RSA majoré, PAJE).",
        "proposed",
    ),
    # M. A.'s résidence accueil: the request the seeds lost. Agreed, not taken: the
    # hospital's social worker stays responsible, is reminded after 10 days, and the
    # relay expires after 30 if nobody takes it.
    Orientation(
        "a-siao",
        "e.mercier",
        "monsieur.a",
        "coffre-demo--siao-63--insertion",
        "demande-logement-siao",
        ("identite", "domicile"),
        "Demande de place en résidence accueil, hors centre-ville, pour M. A. (suivi "
        "psychiatrique, curatelle). Sortie d'hospitalisation prévue fin du mois.",
        "agreed",
        papers=("carte-identite.pdf", "attestation-domiciliation.pdf"),
    ),
    # The MDPH declines a second file: the first one is already open there.
    Orientation(
        "a-mdph",
        "e.mercier",
        "monsieur.a",
        "coffre-demo--mdph-63--dossier",
        "dossier-mdph",
        ("identite", "sante"),
        "Dossier MDPH pour une orientation SAVS ; certificat médical joint.",
        "declined",
        papers=("carte-identite.pdf", "certificat-medical-mdph.pdf"),
        taker="h.vidal",
        answer="Le dossier de M. A. est déjà ouvert à la MDPH (certificat reçu) : pas de "
        "second dossier, passage en commission le mois prochain.",
    ),
)
