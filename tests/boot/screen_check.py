#!/usr/bin/env python3
"""screen_check.py: reads text back from a QEMU screen dump, and says what a screen console should show.

usage:
  screen_check.py decode FONT.psf[.gz] DUMP.ppm
      Prints the screen's text, one line per character row (trailing blanks dropped), after a first
      line "screen: COLSxROWS cells of WxH". Each cell is matched pixel for pixel against the font's
      glyphs (drawn light on dark, or dark on light as in a status line, with or without an underline
      cursor); a cell that matches no glyph reads as "\ufffd". Works for VGA text mode (cells one
      pixel wider than the glyphs) and for framebuffers.
  screen_check.py tail SERIAL.log COLS ROWS
      Prints the ROWS lines a COLS-wide console shows at the end of the serial log, from Tally's
      banner on: printable bytes wrap at COLS, \\n starts a line, \\r returns, \\b backs up, \\t tabs to
      a multiple of 8, escape sequences draw nothing.
The PSF reader, the PPM reader and the console model are this file's own (Python standard library
only), independent of the kernel's.
"""
import gzip
import re
import struct
import sys

REPLACEMENT = "\ufffd"


def read_psf(path):
    """(width, height, {code point: glyph rows as ints, MSB = leftmost pixel})."""
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:2] == b"\x36\x04":
        mode, height = data[2], data[3]
        count, width, row_bytes, header = (512 if mode & 1 else 256), 8, 1, 4
        has_table, utf8 = bool(mode & 6), False
    elif data[:4] == b"\x72\xb5\x4a\x86":
        _, _, header, flags, count, size, height, width = struct.unpack_from("<8I", data)
        row_bytes, has_table, utf8 = (width + 7) // 8, bool(flags & 1), True
        assert size == row_bytes * height, "PSF2 glyph size"
    else:
        raise SystemExit(f"screen_check.py: {path} is not a PSF font")
    size = row_bytes * height
    glyphs = [data[header + g * size: header + (g + 1) * size] for g in range(count)]
    rows = [[int.from_bytes(g[r * row_bytes:(r + 1) * row_bytes], "big") >> (row_bytes * 8 - width)
             for r in range(height)] for g in glyphs]
    codes = {}
    if not has_table:
        for g in range(min(count, 256)):
            codes.setdefault(g, rows[g])
        return width, height, codes
    table, g = data[header + count * size:], 0
    if utf8:
        for entry in table.split(b"\xff")[:count]:
            for ch in entry.split(b"\xfe")[0].decode("utf-8"):
                codes.setdefault(ord(ch), rows[g])
            g += 1
    else:
        units = struct.unpack_from(f"<{len(table) // 2}H", table)
        in_seq = False
        for u in units:
            if u == 0xFFFF:
                g, in_seq = g + 1, False
            elif u == 0xFFFE:
                in_seq = True
            elif not in_seq and g < count:
                codes.setdefault(u, rows[g])
    return width, height, codes


def read_ppm(path):
    """(width, height, list of rows; each row a bytes of 0/1: pixel lighter than mid-grey)."""
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m or m.group(3) != b"255":
        raise SystemExit(f"screen_check.py: {path} is not an 8-bit binary PPM")
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    if len(px) < w * h * 3:
        raise SystemExit(f"screen_check.py: {path} is truncated")
    # The console draws grey on black or black on grey: the green channel tells them apart.
    light = bytes(1 if v > 0x60 else 0 for v in range(256))
    green = px[1:w * h * 3:3].translate(light)
    return w, h, [green[y * w:(y + 1) * w] for y in range(h)]


def cell_patterns(width, height, cell_w, codes):
    """Every way a printable ASCII character may look in a cell: {tuple of row bytes: char}."""
    full = (1 << cell_w) - 1
    patterns = {}
    for code in range(0x7e, 0x1f, -1):  # ASCII last, so it wins when glyphs coincide
        glyph = codes.get(code)
        if glyph is None:
            continue
        rows = [r << (cell_w - width) for r in glyph]
        underlined = rows[:-2] + [full, full]
        for variant in (rows, [full ^ r for r in rows], underlined):
            key = tuple(bytes((v >> (cell_w - 1 - x)) & 1 for x in range(cell_w)) for v in variant)
            patterns[key] = chr(code)
    return patterns


def decode(font, dump):
    width, height, codes = read_psf(font)
    w, h, pixels = read_ppm(dump)
    # VGA text mode draws 9-pixel cells (80 x 9 = 720); framebuffers use the glyph width.
    cell_w = width + 1 if w % (width + 1) == 0 and w // (width + 1) in (40, 80, 132) else width
    patterns = cell_patterns(width, height, cell_w, codes)
    cols, rows = w // cell_w, h // height
    print(f"screen: {cols}x{rows} cells of {cell_w}x{height}")
    for r in range(rows):
        text = []
        for c in range(cols):
            x = c * cell_w
            key = tuple(pixels[r * height + y][x:x + cell_w] for y in range(height))
            text.append(patterns.get(key, REPLACEMENT))
        print("".join(text).rstrip())


def tail(log, cols, rows):
    data = open(log, "rb").read()
    m = re.search(rb"\r?\nTally [^\r\n]*: a type-1 hypervisor", data)
    if not m:
        raise SystemExit(f"screen_check.py: no Tally banner in {log}")
    lines, line, col, esc = [], [], 0, 0
    def newline():
        nonlocal line, col
        lines.append("".join(line).rstrip())
        line, col = [], 0
    def put(ch):
        nonlocal col
        if col == cols:
            newline()
        if col < len(line):
            line[col] = ch
        else:
            line.extend(" " * (col - len(line)))
            line.append(ch)
        col += 1
    for b in data[m.start():]:
        if b == 0x1b:
            esc = 1
        elif esc == 1:
            esc = 2 if b == ord("[") else 0
        elif esc == 2:
            esc = 0 if 0x40 <= b <= 0x7e else 2
        elif b == ord("\n"):
            newline()
        elif b == ord("\r"):
            col = 0
        elif b == 8:
            col = max(col - 1, 0)
        elif b == ord("\t"):
            put(" ")
            while col % 8 and col < cols:
                put(" ")
        elif b >= 0x20 and b != 0x7f:
            put(chr(b) if b < 0x7f else REPLACEMENT)
    lines.append("".join(line).rstrip())
    for text in lines[-rows:]:
        print(text)


def main(argv):
    if len(argv) == 4 and argv[1] == "decode":
        decode(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "tail":
        tail(argv[2], int(argv[3]), int(argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
