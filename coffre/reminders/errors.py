"""Errors of the reminders area (every code is listed in docs/ERRORS.md)."""

from __future__ import annotations

from coffre.errors import Conflict, Invalid, NotFound, TooLarge


class ReminderNotFound(NotFound):
    """An unknown reminder, or another account's: the same answer."""

    code = "reminder_not_found"
    message_fr = "Ce rappel n'existe pas (il a peut-être été supprimé). Rechargez la liste."


class ReminderDateInvalid(Invalid):
    code = "reminder_date_invalid"
    message_fr = (
        "La date du rappel n'est pas lisible : donnez une date et une heure avec le "
        "décalage horaire (par exemple 2027-01-15T09:00:00+01:00), puis recommencez."
    )


class ReminderDatePast(Invalid):
    code = "reminder_date_past"
    message_fr = "La date du rappel est déjà passée. Choisissez une date à venir."


class ReminderDateTooFar(Invalid):
    code = "reminder_date_too_far"
    message_fr = (
        "La date du rappel est trop lointaine (dix ans au plus). Choisissez une date plus proche."
    )


class ReminderRepeatInvalid(Invalid):
    code = "reminder_repeat_invalid"
    message_fr = (
        "La répétition du rappel n'est pas reconnue : choisissez aucune, chaque mois, "
        "chaque trimestre ou chaque année."
    )


class ReminderTextInvalid(Invalid):
    code = "reminder_text_invalid"
    message_fr = "Le texte du rappel est vide ou illisible. Écrivez-le de nouveau."


class ReminderTextTooBig(TooLarge):
    code = "reminder_text_too_big"
    message_fr = "Le texte du rappel est trop long. Raccourcissez-le puis recommencez."


class ReminderLimitReached(Conflict):
    code = "reminder_limit_reached"
    message_fr = (
        "Vous avez déjà le nombre maximal de rappels. Supprimez ceux qui ne servent plus, "
        "puis recommencez."
    )
