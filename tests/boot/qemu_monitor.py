#!/usr/bin/env python3
"""qemu_monitor.py: runs commands on a QEMU human monitor (HMP) listening on a Unix socket.

usage: qemu_monitor.py SOCKET [COMMAND | --type TEXT]...
  COMMAND     one monitor command, e.g. "screendump /tmp/s.ppm"; waits for the next "(qemu) " prompt
  --type TEXT types TEXT on the emulated keyboard with sendkey, one key at a time ("\\n" is Enter;
              "^X" is Ctrl-X); US layout, so shifted characters are typed with Shift held.
Waits up to 10 s for the socket to appear. Exit status 1 when the monitor cannot be reached or
a command answers with an error.
"""
import socket
import sys
import time

PROMPT = b"(qemu) "

# QEMU's qcode names for the characters that are not letters or digits (qapi/ui.json QKeyCode).
PLAIN = {" ": "spc", "-": "minus", "=": "equal", "[": "bracket_left", "]": "bracket_right",
         ";": "semicolon", "'": "apostrophe", "`": "grave_accent", "\\": "backslash",
         ",": "comma", ".": "dot", "/": "slash", "\n": "ret", "\t": "tab"}
SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
           "(": "9", ")": "0", "_": "minus", "+": "equal", "{": "bracket_left",
           "}": "bracket_right", ":": "semicolon", '"': "apostrophe", "~": "grave_accent",
           "|": "backslash", "<": "comma", ">": "dot", "?": "slash"}


def keys_for(text):
    """The sendkey arguments that type text."""
    keys, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "^" and i + 1 < len(text) and text[i + 1].isalpha():
            keys.append("ctrl-" + text[i + 1].lower())
            i += 2
            continue
        if c.isascii() and (c.islower() or c.isdigit()):
            keys.append(c)
        elif c.isascii() and c.isupper():
            keys.append("shift-" + c.lower())
        elif c in PLAIN:
            keys.append(PLAIN[c])
        elif c in SHIFTED:
            keys.append("shift-" + SHIFTED[c])
        else:
            raise SystemExit(f"qemu_monitor.py: no key types {c!r}")
        i += 1
    return keys


class Monitor:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        for _ in range(100):
            try:
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"qemu_monitor.py: no monitor at {path}")
        self.read_to_prompt()

    def read_to_prompt(self):
        buf = b""
        while not buf.endswith(PROMPT):
            data = self.sock.recv(4096)
            if not data:
                raise SystemExit("qemu_monitor.py: the monitor closed")
            buf += data
        return buf.decode(errors="replace")

    def run(self, command):
        self.sock.sendall(command.encode() + b"\n")
        if command == "quit":  # QEMU closes the monitor as it ends
            while self.sock.recv(4096):
                pass
            return ""
        answer = self.read_to_prompt()
        # HMP echoes the command line (with terminal escapes); an error is a line of its own.
        lines = [l for l in answer.replace("\r", "").split("\n")[1:] if l and not l.startswith("(qemu)")]
        for l in lines:
            if l.startswith(("Error", "unknown", "Invalid", "Could not")):
                raise SystemExit(f"qemu_monitor.py: {command}: {l}")
        return "\n".join(lines)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    mon = Monitor(argv[1])
    args = argv[2:]
    while args:
        if args[0] == "--type" and len(args) > 1:
            for key in keys_for(args[1].encode().decode("unicode_escape")):
                mon.run("sendkey " + key)
                time.sleep(0.03)  # a key is held 100 ms by default; this keeps them in order
            args = args[2:]
        else:
            out = mon.run(args[0])
            if out:
                print(out)
            args = args[1:]


if __name__ == "__main__":
    main(sys.argv)
