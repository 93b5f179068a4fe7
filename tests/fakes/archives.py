"""Archives built byte by byte, saying what a test wants them to say: a ZIP member's
declared size need not be its real one (a hostile wheel). Used by the tests and by
benchmarks/bombs.py."""

from __future__ import annotations

import io
import struct
from pathlib import Path

# One member: name, its data as stored (deflated or not), the CRC and the unpacked size
# the records declare, and the method (0 stored, 8 deflated).
Member = tuple[str, bytes, int, int, int]


def zip_records(path: Path, members: list[Member]) -> Path:
    """A ZIP file of ``members``, its local headers and central directory saying what
    each member says, true or not (no ZIP64: fewer than 65,536 members)."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size, method in members:
        offset, encoded = out.tell(), name.encode()
        local = (b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0)
        out.write(struct.pack("<4s5H3L2H", *local) + encoded + data)
        entry = (b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(data), size, len(encoded))
        central.append(struct.pack("<4s6H3L5H2L", *entry, 0, 0, 0, 0, 0, offset) + encoded)
    start, directory = out.tell(), b"".join(central)
    count = len(central)
    end = (b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0)
    out.write(directory + struct.pack("<4s4H2LH", *end))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return path
