"""The texts of "Mon carnet" (issue 19), the person's notes, contacts and appointments
(web/static/js/person-organiser.js, organiser-contacts.js, organiser-appointments.js),
translated on the server. Merged into the vault page's strings (web/page_strings.py);
sentences carry {names} the script fills in. Plain words: a person on a small phone
reads them (tests/web/test_plain_words.py)."""

from __future__ import annotations

from collections.abc import Callable


def organiser_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        # Saving, and what is never lost.
        "organiser_saved": _("C'est enregistré."),
        "organiser_not_saved": _("Ce n'est pas enregistré : {why} Votre texte est toujours là."),
        "organiser_draft_back": _("Votre texte pas encore enregistré est revenu."),
        "organiser_unreadable": _("Une partie de votre carnet ne s'ouvre pas. Le reste est là."),
        "organiser_change": _("Modifier"),
        "organiser_delete": _("Supprimer"),
        "organiser_deleted": _("C'est supprimé."),
        "organiser_delete_note": _("Supprimer cette note ?"),
        "organiser_delete_contact": _("Supprimer ce contact ?"),
        "organiser_delete_appointment": _("Supprimer ce rendez-vous ?"),
        # Changed elsewhere meanwhile (another phone or tab).
        "organiser_conflict_gone": _("(Il a été supprimé ailleurs.)"),
        "organiser_kept_both": _("Les deux textes sont gardés."),
        "organiser_kept_theirs": _("Le texte enregistré est gardé. Le vôtre est effacé."),
        # Notes.
        "organiser_no_notes": _("Vous n'avez pas encore de note."),
        "organiser_note_empty": _("(Note vide)"),
        "organiser_note_missing": _("Écrivez quelque chose avant d'enregistrer."),
        "organiser_note_new_title": _("Écrire une note"),
        "organiser_note_change_title": _("Modifier la note"),
        "organiser_written_on": _("Écrite le {date}"),
        # Contacts.
        "organiser_no_contacts": _("Vous n'avez pas encore de contact."),
        "organiser_contact_new_title": _("Ajouter un contact"),
        "organiser_contact_change_title": _("Modifier le contact"),
        "organiser_contact_name_missing": _("Écrivez le nom de la personne."),
        "organiser_contact_relation_missing": _("Dites qui est cette personne."),
        "organiser_phone_wrong": _(
            "Ce numéro de téléphone n'est pas bon. Écrivez seulement les chiffres, "
            "par exemple 06 12 34 56 78."
        ),
        "organiser_relation_family": _("Ma famille"),
        "organiser_relation_friend": _("Un ami, une amie"),
        "organiser_relation_volunteer": _("Un ou une bénévole"),
        "organiser_relation_professional": _("Un professionnel"),
        "organiser_relation_other": _("Autre"),
        "organiser_call": _("Appeler le {phone}"),
        "organiser_add_to_contacts": _("Ajouter à mes contacts"),
        "organiser_pro_referent": _("Votre référent, {structure}"),
        # Appointments.
        "organiser_no_appointments": _("Vous n'avez pas de rendez-vous à venir."),
        "organiser_past": _("Rendez-vous passés"),
        "organiser_appointment_new_title": _("Ajouter un rendez-vous"),
        "organiser_appointment_change_title": _("Modifier le rendez-vous"),
        "organiser_date_missing": _("Choisissez le jour du rendez-vous."),
        "organiser_time_missing": _("Choisissez l'heure du rendez-vous."),
        "organiser_when_at": _("{weekday} {date} à {time}"),
        "organiser_place": _("Lieu : {place}"),
        "organiser_with": _("Avec : {who}"),
        "organiser_reminder_on": _("Rappel la veille"),
        # The reminder's own text, sealed: only the person's page opens it.
        "organiser_reminder_text": _("Rendez-vous {when}"),
        "organiser_reminder_too_late": _(
            "C'est enregistré. Le rendez-vous est trop proche pour un rappel la veille."
        ),
        "organiser_reminder_not_changed": _(
            "C'est enregistré, mais le rappel n'a pas pu être changé. Ouvrez « Mes rappels » "
            "pour le vérifier."
        ),
    }
