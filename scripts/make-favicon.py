"""Draw heard's favicon (a speech bubble on the accent colour) as SVG and as a PNG-in-ICO.

Run `python scripts/make-favicon.py` after changing the design; it writes
src/heard/static/heard/favicon.svg and favicon.ico. Needs only the standard library.
"""

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "heard" / "static" / "heard"
BLUE = (0x0B, 0x5C, 0xAD)
WHITE = (0xFF, 0xFF, 0xFF)
SIZE = 32

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#0b5cad"/>
<ellipse cx="16" cy="14" rx="10" ry="8" fill="#fff"/>
<path d="M9 19 L7 27 L15 21 Z" fill="#fff"/>
<circle cx="11.5" cy="14" r="1.6" fill="#0b5cad"/><circle cx="16" cy="14" r="1.6" fill="#0b5cad"/><circle cx="20.5" cy="14" r="1.6" fill="#0b5cad"/>
</svg>
"""


def _inside_triangle(x, y, a, b, c):
    def side(p, q):
        return (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def _pixel(x, y):
    cx, cy = x + 0.5, y + 0.5
    r = 7
    # Rounded square corners are transparent: in a corner square, outside its quarter circle.
    if (cx < r or cx > SIZE - r) and (cy < r or cy > SIZE - r):
        if math.hypot(cx - (r if cx < r else SIZE - r), cy - (r if cy < r else SIZE - r)) > r:
            return (0, 0, 0, 0)
    if any(math.hypot(cx - dx, cy - 14) <= 1.6 for dx in (11.5, 16, 20.5)):
        return (*BLUE, 255)
    if ((cx - 16) / 10) ** 2 + ((cy - 14) / 8) ** 2 <= 1 or _inside_triangle(cx, cy, (9, 19), (7, 27), (15, 21)):
        return (*WHITE, 255)
    return (*BLUE, 255)


def _png() -> bytes:
    raw = b"".join(b"\x00" + b"".join(bytes(_pixel(x, y)) for x in range(SIZE)) for y in range(SIZE))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _ico(png: bytes) -> bytes:
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(png), 6 + 16)
    return directory + entry + png


if __name__ == "__main__":
    (OUT / "favicon.svg").write_text(SVG)
    (OUT / "favicon.ico").write_bytes(_ico(_png()))
    print(f"Wrote {OUT / 'favicon.svg'} and {OUT / 'favicon.ico'}")
