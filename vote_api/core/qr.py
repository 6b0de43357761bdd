"""A QR code drawn on the server as inline SVG (nothing fetched from another service).

Shared: the console's authenticator set-up, and the vote page's "open this in WeChat".
"""

from __future__ import annotations

import qrcode
from markupsafe import Markup


def qr_svg(
    text: str, *, size: int = 240, label: str = "二维码", css_class: str = "console-qr"
) -> Markup:
    """An SVG of ``text`` as a QR code (error correction M, quiet zone of four modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    path = "".join(
        f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{Markup.escape(label)}" '
        f'width="{size}" height="{size}" viewBox="0 0 {modules} {modules}" '
        f'shape-rendering="crispEdges" class="{Markup.escape(css_class)}">'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
