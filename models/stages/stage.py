#!/usr/bin/env python3
"""stage.py: an example co-process CPU stage for `exifbench run --stage-cmd` (standard library
only), speaking the length-prefixed protocol of models/core/stage_cmd.h on stdin/stdout:

    request:  LEN (4 bytes, big-endian), then LEN bytes: the input image
    response: STATUS, LEN (4 bytes each, big-endian), then LEN bytes: STATUS 0 and the
              output image (LEN 0: keep the input), or STATUS 1 and a one-line error

It answers until its stdin ends. What it does per image, by its arguments:

    stage.py [--spin-ms MS] [--fail-odd] [--crash-odd]

--spin-ms burns MS milliseconds of this process's CPU time (time.process_time) hashing the
image, as a Python step would cost; --fail-odd answers an error for images of odd size;
--crash-odd exits (status 3) on them, to show a dead co-process being restarted. With no
argument it keeps the input: the protocol's cost alone.
"""
import argparse
import hashlib
import struct
import sys
import time


def read_exact(f, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spin-ms", type=float, default=0.0)
    ap.add_argument("--fail-odd", action="store_true")
    ap.add_argument("--crash-odd", action="store_true")
    args = ap.parse_args()
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        hdr = read_exact(inp, 4)
        if hdr is None:
            return 0
        image = read_exact(inp, struct.unpack(">I", hdr)[0])
        if image is None:
            return 0
        odd = len(image) % 2 == 1
        if odd and args.crash_odd:
            return 3
        if args.spin_ms > 0:
            end = time.process_time() + args.spin_ms / 1000.0
            h = hashlib.sha256(image)
            while time.process_time() < end:
                h.update(h.digest())
        if odd and args.fail_odd:
            msg = b"odd size %d" % len(image)
            out.write(struct.pack(">II", 1, len(msg)) + msg)
        else:
            out.write(struct.pack(">II", 0, 0))
        out.flush()


if __name__ == "__main__":
    sys.exit(main())
