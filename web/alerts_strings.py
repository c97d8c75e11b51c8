"""The texts of the alerts screens (issue 19), translated on the server: the person's
"Être prévenu" (web/static/js/person-alerts.js) and "Mes rappels" (person-reminders.js),
the new notices in "Historique" (person-notifications.js), the delivery log in plain
words (alerts-common.js) and the professional's e-mail settings (pro-alerts.js).
Merged into the vault page's strings (web/page_strings.py); sentences carry {names}
the script fills in. Plain French, one idea a sentence, no technical word."""

from __future__ import annotations

from collections.abc import Callable


def alerts_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        # "Être prévenu": what the person chose so far, one line a way of being told.
        "alerts_phone_on": _("Sur ce téléphone : oui."),
        "alerts_phone_off": _("Sur ce téléphone : non."),
        "alerts_phone_denied": _(
            "Sur ce téléphone : non. Le téléphone refuse les messages de Coffre. Vous pouvez "
            "changer cela dans les réglages du navigateur."
        ),
        "alerts_phone_unsupported": _("Ce téléphone ne peut pas recevoir les messages de Coffre."),
        "alerts_sms_on": _("Par SMS au {phone} : oui."),
        "alerts_sms_off": _("Par SMS au {phone} : non."),
        "alerts_sms_to": _("Votre numéro : {phone}."),
        "alerts_sms_unset": _("Par SMS au {phone} : pas encore choisi."),
        "alerts_quiet_night": _("Pas de message entre {from} h et {to} h."),
        "alerts_quiet_none": _("Les messages peuvent arriver à toute heure."),
        "alerts_quiet_unset": _("Heures sans message : pas encore choisi."),
        "alerts_language": _("Langue des messages : {language}, la langue de cette page."),
        "alerts_saved": _("C'est enregistré."),
        "alerts_phone_done": _("C'est fait : ce téléphone recevra les messages de Coffre."),
        "alerts_phone_stopped": _(
            "C'est fait : ce téléphone ne recevra plus de message de Coffre."
        ),
        "alerts_phone_failed": _(
            "Le téléphone n'a pas pu s'inscrire. Vérifiez le réseau et réessayez."
        ),
        "alerts_choose_sms": _("Choisissez oui ou non, puis « Enregistrer »."),
        "alerts_choose_quiet": _(
            "Choisissez quand vous ne voulez pas de message, puis « Enregistrer »."
        ),
        "alerts_same_hours": _("Choisissez deux heures différentes."),
        "alerts_choose_reminders": _(
            "Répondez oui ou non pour au moins un rappel, puis « Enregistrer »."
        ),
        "alerts_hour": _("{hour} h"),
        "alerts_hour_pick": _("Choisir l'heure"),
        "alerts_choose_hours": _("Choisissez les deux heures, puis « Enregistrer »."),
        # The delivery log in plain words (alerts-common.js).
        "alerts_log_empty": _("Coffre ne vous a encore rien envoyé."),
        "alerts_log_line": _("Le {date} à {time} : {what}, {channel}. {state}"),
        "alerts_log_push": _("sur le téléphone"),
        "alerts_log_sms": _("par SMS"),
        "alerts_log_email": _("par e-mail"),
        "alerts_log_other": _("par un autre moyen"),
        "alerts_log_sent": _("Envoyé."),
        "alerts_log_waiting": _("Pas encore envoyé : Coffre réessaie plus tard."),
        "alerts_log_given_up": _("Pas envoyé : Coffre a arrêté d'essayer."),
        "alerts_log_gone": _("Pas envoyé : ce téléphone ne reçoit plus les messages."),
        "alerts_what_pulled": _("un professionnel a ouvert un document"),
        "alerts_what_reminder": _("un rappel"),
        "alerts_what_expiring": _("un papier bientôt plus valable"),
        "alerts_what_ending": _("un partage qui finit bientôt"),
        "alerts_what_request": _("une demande qui attend"),
        "alerts_what_digest": _("le résumé du jour"),
        "alerts_what_other": _("une nouvelle"),
        # "Mes rappels" (person-reminders.js).
        "reminders_empty": _("Vous n'avez pas encore de rappel."),
        "reminder_when": _("Le {date}"),
        "reminder_repeat_none": _("Une seule fois."),
        "reminder_repeat_monthly": _("Tous les mois."),
        "reminder_repeat_quarterly": _("Tous les 3 mois."),
        "reminder_repeat_yearly": _("Tous les ans."),
        "reminder_off": _("Arrêté : Coffre ne vous préviendra pas."),
        "reminder_done": _("Passé : le message est parti ce jour-là."),
        "reminder_unreadable": _("Ce rappel ne s'ouvre pas sur cette page."),
        "reminder_stop": _("Arrêter ce rappel"),
        "reminder_restart": _("Remettre ce rappel"),
        "reminder_delete": _("Supprimer"),
        "reminder_stopped": _("C'est fait : ce rappel est arrêté."),
        "reminder_restarted": _("C'est fait : ce rappel est remis."),
        "reminder_deleted": _("C'est fait : le rappel est supprimé."),
        "reminder_added": _("C'est fait : Coffre vous préviendra le {date}."),
        "reminder_caf_text": _("Faire ma déclaration de ressources à la CAF"),
        "reminder_need_text": _("Écrivez de quoi vous voulez vous souvenir."),
        "reminder_need_date": _("Choisissez le jour du rappel."),
        "reminder_past_date": _("Choisissez un jour à partir de demain."),
        "reminder_need_repeat": _("Choisissez si le rappel revient, puis « Enregistrer »."),
        "reminder_delete_what": _("Le rappel « {text} » sera supprimé."),
        # New notices in "Historique" (person-notifications.js): the page names what the
        # message on the phone could not.
        "notice_reminder": _("Le {date} à {time}, votre rappel : « {text} »."),
        "notice_reminder_gone": _("Le {date} à {time}, un rappel que vous avez supprimé depuis."),
        "notice_reminder_unreadable": _(
            "Le {date} à {time}, un de vos rappels. Son texte ne s'ouvre pas sur cette page."
        ),
        "notice_expiring": _(
            "Le {date} à {time} : « {document} » ne sera plus valable le {until}. "
            "Pensez à le refaire."
        ),
        "notice_expiring_other": _(
            "Le {date} à {time} : un de vos papiers ne sera plus valable le {until}. "
            "Pensez à le refaire."
        ),
        "notice_grant_ending": _(
            "Le {date} à {time} : un de vos partages finit le {until}. "
            "Vous le voyez dans « Partages »."
        ),
        "notice_request_waiting": _(
            "Le {date} à {time} : une demande de document attend votre réponse, dans « Partages »."
        ),
        # The professional's e-mail settings (pro-alerts.js).
        "pro_alerts_need_email": _("Écrivez votre adresse e-mail, par exemple nom@structure.fr."),
        "pro_alerts_bad_email": _(
            "Cette adresse e-mail n'est pas complète. Exemple : nom@structure.fr."
        ),
        "pro_alerts_choose_rhythm": _(
            "Choisissez : un e-mail à chaque nouvelle, ou un résumé par jour."
        ),
        "pro_alerts_saved_each": _("C'est enregistré : un e-mail à chaque nouvelle, à {email}."),
        "pro_alerts_saved_daily": _("C'est enregistré : un résumé par jour, à {email}."),
    }
