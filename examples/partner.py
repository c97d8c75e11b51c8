"""A CAF agent's loop with the Coffre partner client (client/partner.py).

Every few minutes: list the grants made to the agent, pull the documents not yet in
the inbox folder (each consent receipt verified before anything is decrypted), hand
each grant's documents to the CAF's own processing, and tell the person what came of
it ("droit ouvert", "pièce illisible", "pièce manquante").

Run it with::

    export COFFRE_SERVER=https://coffre.example
    export COFFRE_TOKEN=coffre_pat_...          # from the professional's page, shown once
    export COFFRE_KEY_FILE=/etc/caf/pro.key     # coffre key export -o pro.key
    # the key file's passphrase: `coffre key remember` (OS keyring) or COFFRE_KEY_PASSPHRASE
    python examples/partner.py --inbox /var/lib/caf/coffre --once

The token is read from the environment and never printed; the professional's keys stay
on this machine. Exit code: 0 when the round went through, 1 when a grant was refused
or a check failed (the message says which).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from client.api import ApiError
from client.keyfile import open_key_file
from client.memory import ReaderMemory
from client.partner import Outcome, PartnerClient, PulledDocument
from client.partner_sync import pull_into
from crypto.errors import CryptoError


def examine(documents: list[PulledDocument]) -> Outcome:
    """The CAF's own processing stands here. This example only looks at the files:
    an empty one is unreadable; otherwise the right is opened."""
    if any(document.size == 0 for document in documents):
        return "document_unreadable"
    return "right_opened"


def one_round(coffre: PartnerClient, inbox: Path) -> int:
    """Pull what is new, examine each grant's documents, report the outcome."""
    report = pull_into(coffre, inbox)
    by_grant: dict[str, list[PulledDocument]] = {}
    for document in report.pulled:
        by_grant.setdefault(document.grant_id, []).append(document)
    for grant_id, documents in by_grant.items():
        outcome = examine(documents)
        coffre.report_outcome(grant_id, outcome)
        print(f"partage {grant_id} : {len(documents)} pièce(s), résultat {outcome}")
    for grant_id, document_id, code, message in report.refused:
        print(f"partage {grant_id}, pièce {document_id} refusée : {message} ({code})")
    print(
        f"{len(report.pulled)} pièce(s) récupérée(s), {report.skipped} déjà là, "
        f"{len(report.refused)} refusée(s)"
    )
    return 1 if report.refused else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inbox", type=Path, required=True, help="folder of pulled documents")
    parser.add_argument("--every", type=float, default=300.0, help="seconds between rounds")
    parser.add_argument("--once", action="store_true", help="one round, then stop")
    args = parser.parse_args()

    keys = open_key_file(
        Path(os.environ["COFFRE_KEY_FILE"]), os.environ.get("COFFRE_KEY_PASSPHRASE")
    )
    memory = ReaderMemory(args.inbox / ".coffre-memory.json")  # persons' keys, versions seen
    with PartnerClient(
        os.environ["COFFRE_SERVER"], os.environ["COFFRE_TOKEN"], keys, memory=memory
    ) as coffre:
        while True:
            try:
                status = one_round(coffre, args.inbox)
            except ApiError as exc:  # a refusal, a receipt that does not verify...
                print(f"arrêt : {exc.message} ({exc.code})", file=sys.stderr)
                return 1
            except CryptoError as exc:  # a document that is not the one the person signed
                print(f"arrêt : vérification échouée ({type(exc).__name__})", file=sys.stderr)
                return 1
            if args.once:
                return status
            time.sleep(args.every)


if __name__ == "__main__":
    sys.exit(main())
