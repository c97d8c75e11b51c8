"""The texts of the page as an installed app (issue 19), translated on the server: the
upload that waits for the network (web/static/js/offline-queue.js) and what the page
says about it. Merged into the vault page's strings (web/page_strings.py). Plain
French, no technical word: the person reads "il attend la connexion", never "file
d'attente" or "hors ligne"."""

from __future__ import annotations

from collections.abc import Callable


def installed_app_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        # A document made while the phone has no connection: ready, protected, waiting.
        "queue_waiting_one": _(
            "Pas de connexion. Votre document est prêt et protégé. Il attend sur ce "
            "téléphone et partira tout seul dans votre coffre dès que le téléphone sera "
            "connecté."
        ),
        "queue_waiting_many": _(
            "Pas de connexion. Vos documents sont prêts et protégés. Ils attendent sur ce "
            "téléphone et partiront tout seuls dans votre coffre dès que le téléphone sera "
            "connecté."
        ),
        "queue_sending": _("Envoi du document qui attendait : {n} %"),
        "queue_sent": _("Le document qui attendait est arrivé dans votre coffre."),
        "queue_refused": _(
            "Le document qui attendait n'a pas pu aller dans votre coffre. Il est effacé de "
            "ce téléphone. Ajoutez-le à nouveau."
        ),
    }
