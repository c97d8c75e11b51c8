"""The texts of the person's two checks, for the page's scripts (translated on the
server, like web/strings.py): the territory's QR code scanned on the trust screen
(web/static/js/trust-scan.js) and the passphrase's strength meter with its suggestion
of everyday words (web/static/js/passphrase-meter.js). Plain French, one idea a sentence.
"""

from __future__ import annotations

from collections.abc import Callable


def check_strings(_: Callable[[str], str]) -> dict[str, str]:
    return {
        # The trust screen's scan (trust-scan.js).
        "trust_scan_aim": _("Visez le QR code de l'affiche ou de la page de la charte."),
        "trust_scan_good": _("C'est le bon coffre. Vous pouvez continuer."),
        "trust_scan_wrong": _(
            "Ce n'est pas le code de votre territoire. Ne partagez rien et parlez-en à "
            "votre structure."
        ),
        "trust_scan_other": _(
            "Ce QR code n'est pas un code Coffre. Visez le QR code de l'affiche ou de la "
            "page de la charte."
        ),
        "trust_scan_refused": _(
            "L'appareil photo n'est pas autorisé. Vous pouvez prendre une photo du QR code, "
            "ou comparer le code écrit."
        ),
        "trust_scan_no_camera": _(
            "Pas d'appareil photo ici. Vous pouvez prendre une photo du QR code, ou "
            "comparer le code écrit."
        ),
        "trust_scan_unreadable": _(
            "Le QR code n'a pas pu être lu sur cette photo. Reprenez-la de plus près, bien "
            "droite, avec de la lumière."
        ),
        "trust_scan_unavailable": _(
            "Le lecteur de QR code n'a pas pu se charger. Vérifiez votre connexion, ou "
            "comparez le code écrit."
        ),
        # The passphrase meter (passphrase-meter.js): it informs, the minimum rule decides.
        "meter_label": _("Votre phrase secrète est :"),
        "meter_weak": _("Faible"),
        "meter_medium": _("Moyenne"),
        "meter_strong": _("Solide"),
        "meter_weak_advice": _(
            "Elle est facile à deviner. Ajoutez des mots de tous les jours, sans lien entre eux."
        ),
        "meter_medium_advice": _("Ajoutez encore un ou deux mots, et elle sera solide."),
        "meter_strong_advice": _("Elle est difficile à deviner. Ne la donnez à personne."),
        "meter_suggest": _("Me proposer des mots"),
        "meter_suggest_again": _("Me proposer d'autres mots"),
        "meter_suggestion": _(
            "Par exemple : {words}. Si ces mots vous plaisent, écrivez-les vous-même dans "
            "la case. Vous pouvez en changer."
        ),
    }
