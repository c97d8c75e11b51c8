"""The texts of the professional's network screens (issue 16), translated on the server:
"Personnes suivies" (web/static/js/pro-followed.js), naming a successor
(pro-handover.js), orienting a person from a service (pro-orient.js) and the relays
(pro-relays.js, pro-relay-notes.js). Merged into the vault page's strings
(web/pages/app.py); sentences carry {names} the script fills in."""

from __future__ import annotations

from collections.abc import Callable

from coffre.structures.kinds import PROFESSIONS


def pro_network_strings(_: Callable[[str], str]) -> dict[str, str]:
    # A profession's words by its code ("profession_<code>"): the référent's view names
    # the professionals of the person's network by their profession.
    professions = {f"profession_{code}": _(label) for code, label in PROFESSIONS.items()}
    return professions | {
        # Personnes suivies
        "followed_none": _("Personne ne vous a encore choisi·e comme référent·e de parcours."),
        "followed_since": _("Référent·e depuis le {date}"),
        "followed_open": _("Voir le suivi de {person}"),
        "followed_grants": _("Partages en cours"),
        "followed_grants_ending": _("Dont finissant dans les 7 jours"),
        "followed_requests": _("Demandes en attente"),
        "followed_expiring": _("Papiers bientôt périmés"),
        "followed_relays": _("Relais en cours"),
        "followed_grant_line": _("{professional}, {structure} : {purpose}, jusqu'au {date}."),
        "followed_ending_soon": _("Finit bientôt."),
        "followed_request_line": _("{professional}, {structure}, demande un document : {purpose}."),
        "followed_request_due": _("Souhaité avant le {date}."),
        "followed_expiring_line": _("{category} : valable jusqu'au {date}."),
        "followed_expiring_count": _(
            "En tout, {n} papiers de la personne sont bientôt périmés (elle a accepté que vous "
            "voyiez ce nombre)."
        ),
        "followed_relay_line": _("{structure}, {purpose}, proposé le {date} : {state}"),
        "followed_network_line": _("{professional}{profession}, {structure}"),
        "followed_no_grants": _("Aucun partage en cours."),
        "followed_no_requests": _("Aucune demande en attente."),
        "followed_no_expiring": _("Aucun papier partagé avec vous ne se périme bientôt."),
        "followed_no_relays": _("Aucun relais."),
        "followed_no_network": _("La personne ne partage rien en ce moment."),
        "pro_person_missing": _("Choisissez d'abord la personne."),
        "pro_referent_proposed": _(
            "C'est envoyé : {person} verra votre proposition dans son coffre et décidera."
        ),
        # Naming a successor
        "pro_handover_myself": _("Moi-même"),
        "pro_handover_nobody": _("Aucun·e professionnel·le ne correspond. Essayez un autre mot."),
        "pro_handover_more": _("Et {n} autres : précisez la recherche."),
        "pro_handover_from_missing": _("Choisissez le ou la professionnel·le qui s'en va."),
        "pro_handover_successor_missing": _("Choisissez le ou la remplaçant·e."),
        "pro_handover_summary_mine": _("Vous passez le relais à {successor}, {structure}."),
        "pro_handover_summary_for": _("{professional} passe le relais à {successor}, {structure}."),
        "pro_handover_reason_missing": _("Choisissez la raison."),
        "pro_handover_until_missing": _(
            "Écrivez jusqu'à quand dure l'absence : une date dans l'année à venir."
        ),
        "pro_handover_scope_missing": _("Choisissez pour quelles personnes."),
        "pro_handover_persons_missing": _("Cochez au moins une personne."),
        "pro_handover_sent": _(
            "C'est envoyé. Personnes prévenues : {n}. Chacune décidera dans son coffre si "
            "{successor} devient son ou sa référent·e."
        ),
        # Orienting a person
        "orient_search_missing": _("Écrivez un besoin ou un lieu."),
        "orient_nothing_found": _("Aucun service ne correspond."),
        "orient_results": _("Services trouvés"),
        "orient_found": _("Services trouvés : {n}."),
        "orient_this_service": _("Orienter une personne vers ce service"),
        "orient_not_in_coffre": _(
            "Cette structure n'a pas signé la charte du territoire : pas de relais par Coffre. "
            "Orientez la personne directement."
        ),
        "orient_to": _("Vers : {service}, {structure}"),
        "orient_no_purpose": _(
            "La charte du territoire ne prévoit aucune démarche pour un relais. Voyez avec le "
            "ou la référent·e de la charte."
        ),
        "orient_purpose_first": _("Choisissez d'abord la démarche."),
        "orient_categories_missing": _("Cochez au moins un papier dont le service a besoin."),
        "orient_note_missing": _("Écrivez la fiche de liaison : quelques mots pour le service."),
        "orient_sent": _(
            "Relais proposé pour {person} vers {structure}. La personne doit donner son accord "
            "dans son coffre : la structure ne voit rien avant."
        ),
        # Relays
        "pro_relays_no_incoming": _("Aucun relais reçu."),
        "pro_relays_no_outgoing": _("Vous n'avez orienté personne."),
        "pro_relay_from": _("Orienté·e par {professional}, {structure}"),
        "pro_relay_for": _("Pour {person}, vers {structure}"),
        "pro_relay_purpose": _("{purpose}, proposé le {date}"),
        "pro_relay_open": _("Voir le relais : {structure}"),
        "pro_relay_title": _("Relais de {person} vers {structure}"),
        "pro_relay_waiting_person": _("En attente de l'accord de la personne"),
        "pro_relay_waiting_take": _("Accepté par la personne, en attente d'être pris"),
        "pro_relay_taken": _("Pris par {professional} le {date}"),
        "pro_relay_taken_plain": _("Pris"),
        "pro_relay_declined": _("Refusé : « {reason} »"),
        "pro_relay_declined_plain": _("Refusé"),
        "pro_relay_expired": _("Expiré sans être pris"),
        "pro_relay_closed": _("Fermé"),
        "pro_relay_closed_refused": _("La personne a refusé"),
        "pro_relay_closed_orienting": _("Arrêté par le ou la professionnel·le qui l'a proposé"),
        "pro_relay_closed_person": _("Arrêté par la personne"),
        "pro_relay_closed_done": _("Terminé"),
        "pro_relay_fact_person": _("Personne"),
        "pro_relay_fact_service": _("Service"),
        "pro_relay_fact_purpose": _("Démarche"),
        "pro_relay_fact_papers": _("Papiers demandés"),
        "pro_relay_fact_orienting": _("Orienté·e par"),
        "pro_relay_fact_created": _("Proposé le"),
        "pro_relay_fact_expires": _("Expire le"),
        "pro_relay_note": _("Fiche de liaison"),
        "pro_relay_note_not_yet": _(
            "La fiche de liaison sera lisible dès que la personne ou le ou la professionnel·le "
            "qui l'a écrite vous l'aura transmise (à sa prochaine visite)."
        ),
        "pro_relay_return_not_yours": _("Un retour a été envoyé ; il ne vous est pas adressé."),
        "pro_relay_note_refused": _(
            "Ce message ne peut pas être ouvert : il a été modifié, ou il ne vient pas de la "
            "personne qui l'a signé. Prévenez votre structure."
        ),
        "pro_relay_key_not_certified": _(
            "La clé de ce ou cette professionnel·le n'est pas certifiée par le territoire : rien "
            "ne lui est envoyé. Prévenez votre structure."
        ),
        "pro_relay_note_too_long": _("Le message est trop long : 2 000 signes au plus."),
        "pro_relay_documents": _("Papiers partagés pour ce relais"),
        "pro_relay_documents_not_yet": _(
            "La personne n'a pas encore partagé ses papiers avec vous. Elle y sera invitée à sa "
            "prochaine visite."
        ),
        "pro_relay_take": _("Prendre le relais"),
        "pro_relay_decline": _("Refuser"),
        "pro_relay_taken_done": _(
            "Vous avez pris le relais. {person} et le ou la professionnel·le qui l'a orientée "
            "sont prévenus."
        ),
        "pro_relay_declined_done": _(
            "Relais refusé. La personne et le ou la professionnel·le sont prévenus."
        ),
        "pro_relay_send_return": _("Envoyer un retour"),
        "pro_relay_return_to": _("À : {professional}"),
        "pro_relay_return_missing": _("Écrivez votre retour."),
        "pro_relay_return_sent": _("Votre retour est envoyé."),
        "pro_relay_return_of": _("Retour de {professional}"),
        "pro_relay_stop": _("Arrêter ce relais"),
        "pro_relay_stop_title": _("Arrêter ce relais ?"),
        "pro_relay_stop_yes": _("Oui, arrêter le relais"),
        "pro_relay_stop_done": _(
            "Le relais est arrêté. La personne et la structure sont prévenues."
        ),
        "pro_relay_done": _("Le besoin est couvert : fermer le relais"),
        "pro_relay_done_title": _("Le besoin est couvert ?"),
        "pro_relay_done_yes": _("Oui, fermer le relais"),
        "pro_relay_done_done": _("Le relais est fermé : le besoin est couvert."),
        # The professional's notifications (pro-notifications.js)
        "pro_notice_referent_designated": _(
            "Le {date} à {time}, {person} vous a choisi·e comme référent·e de parcours."
        ),
        "pro_notice_referent_handover": _(
            "Le {date} à {time}, {person} a accepté que vous preniez la suite de son ou sa "
            "référent·e de parcours."
        ),
        "pro_notice_referent_declined": _(
            "Le {date} à {time}, {person} a répondu non à votre proposition d'être son ou sa "
            "référent·e."
        ),
        "pro_notice_referent_ended": _(
            "Le {date} à {time}, {person} a arrêté avec vous comme référent·e de parcours."
        ),
        "pro_notice_relay": _(
            "Le {date} à {time}, relais pour « {purpose} » : {event}. Voir « Relais »."
        ),
        "pro_notice_relay_proposed": _("une personne est orientée"),
        "pro_notice_relay_agreed": _("la personne a donné son accord"),
        "pro_notice_relay_refused": _("la personne a dit non"),
        "pro_notice_relay_taken": _("le relais est pris"),
        "pro_notice_relay_declined": _("la structure a refusé le relais"),
        "pro_notice_relay_expired": _("le relais a expiré sans être pris"),
        "pro_notice_relay_closed": _("le relais est fermé"),
        "pro_notice_relay_returned": _("un retour est arrivé"),
        "pro_notice_relay_reminded": _("le relais n'est toujours pas pris"),
        "pro_notice_relay_other": _("il a changé"),
        # The directory's entries to check (a structure admin, pro-directory-verify.js)
        "directory_verify_last": _("Dernière vérification : {date}"),
        "directory_verify_guide": _("Voir la fiche « {service} » sur le guide"),
        "directory_verify_confirm": _("Les informations sont toujours justes"),
        "directory_verify_done": _(
            "Merci : la fiche « {service} » est marquée vérifiée aujourd'hui."
        ),
        "directory_verify_none": _("Toutes les fiches de votre structure sont à jour."),
        "pro_notice_relay_reminder": _(
            "Le {date} à {time}, rappel : le relais pour « {purpose} » n'est toujours pas pris. "
            "Vous en restez responsable : relancez la structure ou voyez avec la personne."
        ),
    }
