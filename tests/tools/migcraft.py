#!/usr/bin/env python3
# migcraft.py: hand-made migration streams for the receiver's guard tests (format: mips/mig_int.h).
# Each mode prints what it did and what the receiver answered, one "migcraft: ..." line each:
#   trickle HOST PORT       greeted, then one byte of a header a second: never authenticated
#   stall HOST PORT NAME    a valid header and round 0, then one byte of its page a second:
#                           authenticated, and kept alive by the trickle
#   flags HOST PORT BITS    a valid header whose flags word is BITS (unknown bits set)
#   grow HOST PORT PAGES    a header of one page, round 0 with PAGES pages, round 1 with one more:
#                           a VM growing while it moves
#   tail LPORT HOST PORT    a proxy for one sender: adds one byte right after its END record
# A record is tag u32, length u32, payload, CRC-32 of tag+length+payload (mips/wire.h).
import hashlib
import hmac
import select
import socket
import struct
import sys
import time
import zlib

VERSION = 3
GREET_SIZE = 40
TEXT_BASE = 0x00400000
DATA_BASE = 0x10010000


def say(*words):
    print("migcraft:", *words, flush=True)


def record(tag, payload):
    head = tag.encode() + struct.pack("<I", len(payload))
    return head + payload + struct.pack("<I", zlib.crc32(head + payload))


def greeting(s):
    g = b""
    while len(g) < GREET_SIZE:
        part = s.recv(GREET_SIZE - len(g))
        if not part:
            sys.exit(say("closed before the greeting's end") or 1)
        g += part
    if g[:8] != b"TALLYMIG" or struct.unpack("<I", g[36:40])[0] != zlib.crc32(g[:36]):
        sys.exit(say("not a greeting") or 1)
    return g[20:36]


def header(nonce, name, flags=0, pages=1, key=b""):
    fixed = struct.pack("<IIQIIII", VERSION, flags, 0, TEXT_BASE + 16, TEXT_BASE + 8, pages, len(name))
    body = fixed + name.encode()
    auth = hmac.new(key, b"TALLYMIG-HDR" + nonce + body, hashlib.sha256).digest()
    return record("MHDR", body + auth)


def answer(s, wait):
    """The receiver's reply records until it closes or wait seconds pass; one line each."""
    buf, end = b"", time.monotonic() + wait
    s.setblocking(False)
    while time.monotonic() < end:
        if not select.select([s], [], [], 0.2)[0]:
            continue
        try:
            part = s.recv(4096)
        except OSError as e:
            say("connection", e.strerror)
            return
        if not part:
            break
        buf += part
    while len(buf) >= 12:
        tag, n = buf[:4].decode("latin-1"), struct.unpack("<I", buf[4:8])[0]
        if len(buf) < 12 + n:
            break
        say(tag.strip(), buf[8:8 + n].decode("latin-1"))
        buf = buf[12 + n:]
    say("closed" if time.monotonic() < end else "still open")


def drip(s, data, every):
    """Sends data one byte every `every` seconds; stops at the first failure (a refusal's reset)."""
    for i in range(len(data)):
        if select.select([s], [], [], 0)[0]:
            return i
        try:
            s.send(data[i:i + 1])
        except OSError:
            return i
        time.sleep(every)
    return len(data)


def trickle(host, port):
    s = socket.create_connection((host, int(port)))
    nonce = greeting(s)
    say("greeted; trickling a header")
    data = header(nonce, "trickler")
    sent = drip(s, data[:-1], 1.0)	# never the whole header
    say("sent", sent, "bytes")
    answer(s, 5)


def stall(host, port, name):
    s = socket.create_connection((host, int(port)))
    nonce = greeting(s)
    s.sendall(header(nonce, name) + record("ROND", struct.pack("<IIIQ", 0, 1, 0, 0)))
    say("authenticated; trickling a page")
    sent = drip(s, record("PAGE", struct.pack("<I", TEXT_BASE) + bytes(4096))[:-1], 1.0)
    say("sent", sent, "bytes of the page")
    answer(s, 5)


def flags(host, port, bits):
    s = socket.create_connection((host, int(port)))
    nonce = greeting(s)
    s.sendall(header(nonce, "flagged", flags=int(bits, 0)))
    say("sent a header with flags", bits)
    answer(s, 10)


def grow(host, port, pages):
    s = socket.create_connection((host, int(port)))
    nonce = greeting(s)
    out = header(nonce, "grower")
    for rnd, first, n in ((0, 0, int(pages)), (1, int(pages), 1)):
        out += record("ROND", struct.pack("<IIIQ", rnd, n, 0, 0))
        for i in range(first, first + n):
            out += record("PAGE", struct.pack("<I", DATA_BASE + i * 4096) + bytes(4096))
    s.sendall(out)
    say("sent %d pages in two rounds" % (int(pages) + 1))
    answer(s, 10)


def tail(lport, host, port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", int(lport)))
    ls.listen(1)
    say("listening on 127.0.0.1:%d" % ls.getsockname()[1])
    c, _ = ls.accept()
    s = socket.create_connection((host, int(port)))
    pending, up, ended = b"", 0, False
    s.setblocking(False)
    c.setblocking(False)
    while True:
        r = select.select([c, s], [], [], 30)[0]
        if not r:
            break
        if s in r:
            data = s.recv(65536)
            if not data:
                break
            c.sendall(data)
        if c in r:
            data = c.recv(65536)
            if not data:
                break
            pending += data
            while len(pending) >= 12 and not ended:	# pass whole records; the END one with a byte more
                n = 12 + struct.unpack("<I", pending[4:8])[0]
                if len(pending) < n:
                    break
                rec, pending = pending[:n], pending[n:]
                up += n
                if rec[:4] == b"END ":
                    s.setblocking(True)
                    s.sendall(rec + b"\0")
                    s.setblocking(False)
                    say("appended 1 byte after the END record at byte", up)
                    ended = True
                else:
                    s.sendall(rec)
    c.close()
    s.close()


MODES = {"trickle": trickle, "stall": stall, "flags": flags, "grow": grow, "tail": tail}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in MODES:
        sys.exit("usage: migcraft.py trickle|stall|flags|grow|tail ARGS (see the head of the file)")
    MODES[sys.argv[1]](*sys.argv[2:])
