"""The reference for QRSegnoTests: segno's QR code matrix for each case it reads.

Reads JSON lines {"text": ..., "level": "L"|"M"|"Q"|"H", "version": int, "mask": int} (without
a version or a mask segno chooses it) and prints for each one line: version, level, mask and the
modules row by row as 0 and 1, separated by spaces; or "overflow" when the text does not fit.
Byte mode, UTF-8, no ECI, no error level boost, never a Micro QR code. With --unpatched, segno
as it is (see below).
"""
import json
import sys

import segno
from segno import encoder


def write_padding_bits(buff, version, length):
    # segno 1.6.6 adds eight 0 bits when the bit stream already ends on a codeword boundary,
    # which in byte mode is always (https://github.com/heuer/segno/issues/148); the standard
    # (ISO/IEC 18004:2015, 7.4.10) adds none and goes on with the pad codewords. Decoders read
    # both alike, but the matrices differ; this is the fix proposed in that issue.
    buff.extend([0] * (-length % 8))


if "--unpatched" not in sys.argv:
    encoder.write_padding_bits = write_padding_bits

for line in sys.stdin:
    case = json.loads(line)
    try:
        qr = segno.make(case["text"], error=case["level"], version=case.get("version"), mask=case.get("mask"),
                        mode="byte", encoding="utf-8", boost_error=False, micro=False)
    except segno.DataOverflowError:
        print("overflow")
        continue
    bits = "".join("".join("1" if module else "0" for module in row) for row in qr.matrix)
    print(qr.version, qr.error.upper(), qr.mask, bits)
