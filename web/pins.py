"""The territory root's v2 pin as the pages show it (crypto/SPEC.md §25).

The spoken form (27 characters in 9 groups of 3, read aloud or typed) and the QR
code of the full 256-bit payload (alphanumeric mode, what a camera scans), both
computed from the root statement's own sign key. The v1 fingerprint (SPEC §12)
stays in the format and its vectors, but no page shows it any more.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import segno

from coffre.container import Coffre
from coffre.errors import NotFound
from crypto import b64decode
from crypto.pins import pin_qr_payload, pin_spoken


@dataclass(frozen=True)
class RootPin:
    spoken: str
    qr_payload: str
    qr_svg: str
    v2: bool = False  # a v2 root (SPEC §26.1) is published: the page follows its rotations
    territory: str = ""  # the root statement's territory code (SPEC §26.1)

    def poster_svg(self) -> str:
        """The same QR code for the printed desk poster (/charte/affiche): no fixed size,
        a viewBox only, so the print stylesheet makes it as large as the page allows."""
        return _qr_svg(self.qr_payload, scale=1, sized=False)


def root_pin(coffre: Coffre) -> RootPin | None:
    """The pin of the territory's root in force, or None before it is published: the
    v2 root after its rotations (SPEC §26.5) once one is published, else the root."""
    v2 = True
    try:
        statement = coffre.certificates.root_chain().root["statement"]
    except NotFound:
        v2 = False
        try:
            root = coffre.structures.trust_root()
        except NotFound:
            return None
        statement = json.loads(root.statement)["statement"]
    key = b64decode(str(statement["sign_public_key"]))
    payload = pin_qr_payload(key)
    return RootPin(
        spoken=pin_spoken(key),
        qr_payload=payload,
        qr_svg=_qr_svg(payload),
        v2=v2,
        territory=str(statement.get("territory", "")),
    )


def _qr_svg(payload: str, scale: int = 4, *, sized: bool = True) -> str:
    # Every character of the payload is in the QR alphanumeric set (SPEC §25.2). The
    # quiet zone (4 modules) is part of the code: a camera needs it to find the corners.
    qr = segno.make(payload, error="m", mode="alphanumeric")
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=scale,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        omitsize=not sized,
    )
    return out.getvalue().decode()
