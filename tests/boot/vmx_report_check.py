#!/usr/bin/env python3
"""vmx_report_check.py LOG: judges the last `vmx` capability report in a serial log against itself.

Every control table prints its MSRs' raw values in its header; this checks that each row's "may be 0"
and "may be 1" columns are what those values say (Intel SDM Vol. 3D, A.2-A.5: bits 31:0 set = must
be 1, bits 63:32 clear = must be 0; "TRUE_ only" = must be 1 in the plain MSR, may be 0 in the TRUE_
one), that every bit set in either half has a row, and that every control Tally uses (or turns on
at times) and every EPT/VPID capability it needs or uses is offered. Prints PASS:/FAIL: lines.
"""
import re
import sys

HEADER = re.compile(r"^  (IA32_VMX_\w+) \(0x[0-9a-f]+\) = 0x([0-9a-f]{16})(?:, (IA32_VMX_TRUE_\w+) \(0x[0-9a-f]+\) = 0x([0-9a-f]{16}))?$")
ROW = re.compile(r"^  +(\d+)  (.{40}) (yes|no|TRUE_ only) +(yes|no) +(uses|at times|-)$")
EPT_ROW = re.compile(r"^  +(\d+)  (.{52}) (yes|no) +(needs|uses|-)$")
ALLOWED1_ONLY = {"IA32_VMX_PROCBASED_CTLS3", "IA32_VMX_EXIT_CTLS2", "IA32_VMX_VMFUNC"}


def report_lines(path):
    text = open(path, encoding="utf-8", errors="replace").read().replace("\r", "")
    lines = text.split("\n")
    starts = [i for i, l in enumerate(lines) if l.startswith("VT-x capability report")]
    if not starts:
        return []
    out = []
    for l in lines[starts[-1]:]:
        if l.startswith("tally> "):
            break
        out.append(l)
    return out


def check_table(name, plain, true, rows, fails):
    """rows: (bit, may0, may1, tally) from one control table."""
    seen = set()
    width = 64 if name in ALLOWED1_ONLY else 32
    for bit, may0, may1, tally in rows:
        seen.add(bit)
        if width == 64:
            want0, want1 = "yes", "yes" if plain >> bit & 1 else "no"
        else:
            must1, true_must1 = plain >> bit & 1, true >> bit & 1
            want0 = "no" if true_must1 else "TRUE_ only" if must1 else "yes"
            want1 = "yes" if plain >> (32 + bit) & 1 else "no"
        if (may0, may1) != (want0, want1):
            fails.append(f"{name} bit {bit}: row says may be 0 {may0}, may be 1 {may1}; the MSR says {want0}, {want1}")
        if tally != "-" and may1 != "yes":
            fails.append(f"{name} bit {bit}: Tally {tally} a control the CPU does not allow")
    for bit in range(width):
        set_somewhere = plain >> bit & 1 or (width == 32 and (plain >> (32 + bit) & 1 or true >> bit & 1))
        if set_somewhere and bit not in seen:
            fails.append(f"{name} bit {bit} is set in the MSR but has no row")


def main():
    lines = report_lines(sys.argv[1])
    if not lines:
        print("FAIL: no capability report in the log")
        return
    tables, ept, current = [], [], None
    for l in lines:
        m = HEADER.match(l)
        if m:
            current = [m.group(1), int(m.group(2), 16), int(m.group(4) or m.group(2), 16), []]
            tables.append(current)
            continue
        m = ROW.match(l)
        if m and current:
            current[3].append((int(m.group(1)), m.group(3), m.group(4), m.group(5)))
            continue
        m = EPT_ROW.match(l)
        if m:
            ept.append((int(m.group(1)), m.group(2).strip(), m.group(3), m.group(4)))
    names = [t[0] for t in tables]
    fails = []
    for want in ("IA32_VMX_PINBASED_CTLS", "IA32_VMX_PROCBASED_CTLS", "IA32_VMX_PROCBASED_CTLS2",
                 "IA32_VMX_EXIT_CTLS", "IA32_VMX_ENTRY_CTLS"):
        if want not in names:
            fails.append(f"no table for {want}")
    rows = 0
    for name, plain, true, trows in tables:
        rows += len(trows)
        check_table(name, plain, true, trows, fails)
    used = sum(1 for t in tables for r in t[3] if r[3] != "-")
    if fails:
        for f in fails[:20]:
            print(f"FAIL: {f}")
    else:
        print(f"PASS: {len(tables)} control MSRs, {rows} rows: every row's may-be-0/may-be-1 is what the MSR's raw value says")
        print(f"PASS: the {used} controls Tally uses (or turns on at times) all say may be 1")
    bad = [f"bit {b} {n}" for b, n, offered, tally in ept if tally != "-" and offered != "yes"]
    if not ept:
        print("FAIL: no EPT/VPID rows")
    elif bad:
        print(f"FAIL: EPT/VPID capabilities Tally needs or uses but the CPU does not offer: {', '.join(bad)}")
    else:
        print(f"PASS: every EPT/VPID capability Tally needs or uses is offered ({len(ept)} rows)")


main()
