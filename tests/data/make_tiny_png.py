#!/usr/bin/env python3
"""Writes decks/tiny.png (2x2 RGB) and decks/broken.png (not an image)."""
import os, struct, zlib

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "decks")

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

rows = b"".join(b"\x00" + bytes([255, 0, 0, 0, 0, 255]) for _ in range(2))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
with open(os.path.join(here, "tiny.png"), "wb") as f:
    f.write(png)
with open(os.path.join(here, "broken.png"), "wb") as f:
    f.write(b"this is not an image\n")
