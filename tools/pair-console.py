#!/usr/bin/env python3
"""pair-console.py: run-pair's terminal: B's console (stdin) passes through byte by byte, A's serial
log (argv[1], followed as it grows) is shown line by line behind "[A] ", and an A line never lands
inside a line of B: it waits until B ends its line, or until B has been quiet for a moment (a
prompt waiting for keys), and then starts on a line of its own."""
import os
import select
import sys
import time

QUIET_S = 0.3  # B silent this long in mid-line: a prompt; A's lines may go below it


def main():
    log = open(sys.argv[1], "rb")
    out = sys.stdout.buffer
    a_pending = b""  # A's bytes after its last complete line
    a_lines = []
    b_midline = False
    b_last = time.monotonic()
    b_open = True
    while b_open or a_lines:
        ready, _, _ = select.select([0] if b_open else [], [], [], 0.05)
        if ready:
            data = os.read(0, 4096)
            if not data:
                b_open = False
            else:
                out.write(data)
                b_midline = not data.endswith(b"\n")
                b_last = time.monotonic()
        a_pending += log.read()
        *complete, a_pending = a_pending.split(b"\n")
        a_lines += complete
        if a_lines and (not b_midline or not b_open or time.monotonic() - b_last >= QUIET_S):
            if b_midline:
                out.write(b"\r\n")
                b_midline = False
            for line in a_lines:
                out.write(b"[A] " + line.rstrip(b"\r") + b"\r\n")
            a_lines = []
        out.flush()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
