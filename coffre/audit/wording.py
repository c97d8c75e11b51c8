"""One sentence per history item, in plain French, for the person it concerns.

The sentence names the document by its category ("votre document « Identité »"):
the server cannot read titles. The date is not in the sentence; the page and the
CLI show it next to it, in the person's time zone. Only the page translates (web/
locale); these sentences are the API's and the export's, in French like every
message of the domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coffre.consent.service import TERRITORY_ZONE

if TYPE_CHECKING:
    from coffre.audit.history import HistoryItem, Party

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

REFUSALS = {
    "revoked": "vous aviez retiré ce partage",
    "expired": "le partage avait expiré",
    "exhausted": "le nombre de consultations prévu était atteint",
    "conditions": "ce·tte professionnel·le ou sa structure ne remplissait plus la charte",
}


# What the grantee reported came of a grant (coffre/consent/received.py, OUTCOMES), in
# the words the person reads, and what they may do next.
OUTCOME_WORDS = {
    "right_opened": "droit ouvert",
    "document_unreadable": "pièce illisible",
    "document_missing": "pièce manquante",
}
OUTCOME_NEXT = {
    "document_unreadable": " Vous pouvez lui partager une copie plus nette.",
    "document_missing": " Vous pouvez lui partager la pièce qui manque.",
}


def _someone(party: Party | None) -> str:
    if party is None:
        return "un·e professionnel·le"
    if party.structure_name:
        return f"{party.name} ({party.structure_name})"
    return party.name


def _document(item: HistoryItem) -> str:
    if len(item.documents) > 1:
        labels = ", ".join(f"« {d.category_label} »" for d in item.documents)
        return f"{len(item.documents)} documents ({labels})"
    if item.category_label:
        return f"votre document « {item.category_label} »"
    return "un de vos documents"


def _purpose(item: HistoryItem) -> str:
    return f" pour « {item.purpose_label} »" if item.purpose_label else ""


def _day(item: HistoryItem) -> str:
    if item.until is None:
        return ""
    day = item.until.astimezone(TERRITORY_ZONE)
    return f", jusqu'au {day.day} {MONTHS[day.month - 1]} {day.year}"


def describe(item: HistoryItem) -> str:
    """The item as the person reads it."""
    pro = _someone(item.professional)
    who = _someone(item.who) if item.who.kind != "self" else "Vous"
    doc = _document(item)
    action = item.action
    if action == "grant.pull":
        if item.outcome == "ok":
            text = f"{pro} a ouvert {doc}{_purpose(item)}."
            return text + (f" Motif indiqué : « {item.reason} »." if item.reason else "")
        refusal = REFUSALS.get(item.refusal or "", REFUSALS["conditions"])
        return f"{pro} a essayé d'ouvrir {doc} : c'est refusé, {refusal}."
    if action == "grant.create":
        return f"Vous avez partagé {doc} avec {pro}{_purpose(item)}{_day(item)}."
    if action == "grant.revoke":
        return f"Vous avez retiré le partage fait à {pro}{_purpose(item)}."
    if action == "grant.outcome":
        word = OUTCOME_WORDS.get(item.report or "", "suite donnée")
        return (
            f"{pro} a indiqué la suite donnée à votre partage{_purpose(item)} : {word}."
            + OUTCOME_NEXT.get(item.report or "", "")
        )
    if action == "grant.key_revoked":
        return (
            f"{pro} n'a plus accès au coffre (départ, téléphone perdu ou volé). "
            "Vos papiers partagés avec cette personne ne s'ouvrent plus pour elle. "
            "Vous pourrez les partager de nouveau quand sa structure lui aura redonné accès."
        )
    if action == "document.deposit":
        kind = f"« {item.category_label} »" if item.category_label else ""
        return f"{pro} a déposé un document {kind} dans votre coffre.".replace("  ", " ")
    if action == "request.create":
        kind = f"« {item.category_label} »" if item.category_label else ""
        return f"{pro} vous a demandé un document {kind}{_purpose(item)}.".replace("  ", " ")
    if action == "request.decline":
        return f"Vous avez refusé la demande de {pro}{_purpose(item)}."
    if action.startswith("referent."):
        return _referent(action, pro)
    if action.startswith("relay."):
        return _relay(item, pro, doc)
    if action.startswith("reminder."):
        return _reminder(item, pro, doc)
    return _own(item, who, doc)


def _on(item: HistoryItem) -> str:
    if item.until is None:
        return ""
    day = item.until.astimezone(TERRITORY_ZONE)
    return f" le {day.day} {MONTHS[day.month - 1]} {day.year}"


def _reminder(item: HistoryItem, pro: str, doc: str) -> str:
    """A reminder Coffre sent the person (coffre/reminders/, docs/REMINDERS.md)."""
    kind = f" « {item.category_label} »" if item.category_label else ""
    sentences = {
        "reminder.own": "Coffre vous a envoyé un de vos rappels.",
        "reminder.document_expiring": (
            f"Coffre vous a rappelé que {doc} arrive à sa date de fin{_on(item)}."
        ),
        "reminder.grant_ending": (
            f"Coffre vous a rappelé que votre partage avec {pro}{_purpose(item)} se "
            f"termine{_on(item)}."
        ),
        "reminder.request_waiting": (
            f"Coffre vous a rappelé que {pro} attend votre réponse à sa demande de document{kind}."
        ),
    }
    return sentences.get(item.action, item.action)


def _relay(item: HistoryItem, pro: str, doc: str) -> str:
    """A relay between structures (prise de relais): one sentence per change."""
    purpose = _purpose(item)
    reason = f" Motif : « {item.reason} »." if item.reason else ""
    sentences = {
        "relay.proposed": (
            f"{pro} vous oriente vers une autre structure{purpose}. Rien n'est transmis "
            "sans votre accord."
        ),
        "relay.agreed": (
            f"Vous avez accepté le relais proposé par {pro}{purpose}"
            + (f" et choisi {doc}." if item.documents else ".")
        ),
        "relay.refused": f"Vous avez refusé le relais proposé par {pro}{purpose}.",
        "relay.taken": f"{pro} a pris le relais{purpose}.",
        "relay.declined": f"{pro} n'a pas pris le relais{purpose}.{reason}",
        "relay.reminded": f"Le relais{purpose} n'est pas encore pris : {pro} a reçu un rappel.",
        "relay.expired": f"Le relais{purpose} n'a pas été pris à temps : il a expiré.",
        "relay.closed": f"Le relais{purpose} est clos.",
        "relay.returned": f"{pro} a envoyé un retour sur le relais{purpose}.",
    }
    return sentences.get(item.action, item.action)


def _referent(action: str, pro: str) -> str:
    """The référent de parcours (coffre/referents/): ``pro`` is the professional concerned
    (for a hand-over accepted or refused, the successor)."""
    sentences = {
        "referent.proposed": (
            f"{pro} vous propose d'être votre référent·e de parcours. Vous pouvez accepter ou "
            "refuser."
        ),
        "referent.designated": f"{pro} est votre référent·e de parcours : vous l'avez choisi·e.",
        "referent.declined": f"Vous avez refusé que {pro} soit votre référent·e de parcours.",
        "referent.ended": f"Vous avez mis fin au suivi de {pro} comme référent·e de parcours.",
        "referent.expiry_count_shown": (
            f"Vous avez permis à {pro} de voir combien de vos documents arrivent à expiration "
            "(le nombre seulement)."
        ),
        "referent.expiry_count_hidden": (
            f"{pro} ne voit plus combien de vos documents arrivent à expiration."
        ),
        "referent.handover_named": (
            f"{pro} a proposé un·e autre référent·e de parcours pour vous. Rien ne change sans "
            "votre accord."
        ),
        "referent.handover_accepted": (
            f"Vous avez accepté que {pro} devienne votre référent·e de parcours."
        ),
        "referent.membership_ended": (
            f"{pro} ne fait plus partie de cette structure : ce n'est plus votre référent·e de "
            "parcours. Vous pouvez en choisir un·e autre."
        ),
        "referent.absence_ended": (
            f"L'absence de {pro} est finie : voulez-vous qu'il ou elle redevienne votre "
            "référent·e de parcours ? Rien ne change sans votre accord."
        ),
        "referent.handover_refused": (
            f"Vous avez refusé que {pro} devienne votre référent·e de parcours : rien n'a changé."
        ),
    }
    return sentences.get(action, action)


def _own(item: HistoryItem, who: str, doc: str) -> str:
    """What the person did to their vault or account (or someone did to the account)."""
    sentences = {
        "document.upload": f"Vous avez ajouté {doc}.",
        "document.download": f"Vous avez téléchargé {doc}.",
        "document.update": f"Vous avez modifié le nom ou la date de {doc}.",
        "document.reencrypt": (
            f"Vous avez re-chiffré {doc} : les clés données avant ne l'ouvrent plus."
        ),
        "document.delete": f"Vous avez supprimé {doc}.",
        "account.export": "Vous avez exporté tout votre coffre (documents et historique).",
        "account.signup": "Votre coffre a été créé.",
        "account.passphrase": "Vous avez changé votre phrase secrète.",
        "account.recovery_code": (
            "Vous avez refait votre kit de récupération. L'ancien code ne marche plus."
        ),
        "account.recover": (
            "Vous avez choisi une nouvelle phrase secrète avec votre code de récupération."
        ),
        "account.reset_code": f"{who} a créé un code de réinitialisation pour votre compte.",
        "account.reset_request": (
            "Un code de réinitialisation a été utilisé : votre coffre sera remplacé par un "
            "coffre vide à la fin du délai d'attente, sauf si vous annulez."
        ),
        "account.reset_cancel": "Vous avez annulé la réinitialisation de votre compte.",
        "account.reset": (
            "Votre coffre a été réinitialisé avec un code, après le délai d'attente : les "
            "anciens documents ont été détruits."
        ),
        "contact.name": (
            "Vous avez choisi une personne de confiance : avec votre accord ou après le délai "
            "sans réponse de votre part, elle pourra ouvrir tout votre coffre."
        ),
        "contact.remove": "Vous avez retiré votre personne de confiance.",
        "contact.request": (
            "Votre personne de confiance a demandé l'accès de secours à votre coffre. Vous "
            "pouvez refuser tant que le délai n'est pas passé."
        ),
        "contact.refuse": "Vous avez refusé la demande d'accès de secours.",
        "contact.release": (
            "Le délai est passé sans refus : l'accès de secours est ouvert à votre personne "
            "de confiance."
        ),
        "account.contact_recover": (
            "Avec votre personne de confiance, une nouvelle phrase secrète et un nouveau code "
            "de récupération ont été choisis. Toutes vos connexions ont été fermées."
        ),
        "account.totp_on": "Vous avez activé la double authentification.",
        "account.totp_off": "Vous avez désactivé la double authentification.",
    }
    if item.action == "account.reset_code" and item.outcome != "ok":
        return (
            f"{who} a demandé un code de réinitialisation pour votre compte. Refusé : "
            "vous ne lui partagez rien en ce moment."
        )
    if item.action == "account.login":
        if item.outcome == "ok":
            return "Connexion à votre compte."
        return "Une connexion à votre compte a été refusée (phrase secrète ou code faux)."
    return sentences.get(item.action, item.action)
