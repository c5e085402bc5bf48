"""A QR code in the terminal, so a phone on the same network opens a link by scanning the screen."""

from __future__ import annotations

import io

import qrcode  # type: ignore[import-untyped]

from minihost.cli.client import console


def qr_text(data: str) -> str:
    """The QR code of `data` drawn with half blocks (two modules per character row)."""
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    qr.add_data(data)
    qr.make(fit=True)
    out = io.StringIO()
    # Inverted: light modules are drawn, which reads best on the usual dark terminal background.
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def print_qr(data: str) -> None:
    console.print(qr_text(data), markup=False, highlight=False, end="")
