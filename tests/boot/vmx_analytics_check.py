#!/usr/bin/env python3
"""vmx_analytics_check.py LOG ELF: judges the test guest's exit analytics export in LOG (made by
tests/boot/vmx_analytics_bochs.sh) against what the guest read last, its symbol table (nm) and its
instructions (objdump). Prints PASS:/FAIL: lines; the calling script counts them."""

import json
import re
import subprocess
import sys

FINAL = re.compile(r"^testguest: final: total (\d+) (\d+)/(\d+)((?: \d+=\d+)+)$")
SHELL_TRACE = re.compile(r"^  #(\d+) tsc (\d+) reason (\d+) (\S+) rip (0x[0-9a-f]+) qual (0x[0-9a-f]+) cycles (\d+|-)$")
EXIT_REASON_CPUID, EXIT_REASON_IO = 10, 30
# Every reason Tally counts (the SDM's and its own), as vmx/exit_reasons.h defines them.
REASONS = int(re.search(r"#define VMX_EXIT_REASON_COUNT (\d+)", open("vmx/exit_reasons.h").read()).group(1))
EXIT_PORT = 0xF4


def report(ok, what):
    print(("PASS: " if ok else "FAIL: ") + what)
    return ok


def blocks_of(lines):
    out, cur = [], None
    for line in lines:
        if line.startswith("tally-export-begin "):
            cur = []
        elif line.startswith("tally-export-end ") and cur is not None:
            n = int(line.rsplit("lines=", 1)[1])
            out.append((cur, n))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def symbols(elf):
    """(start, end, name) of every sized function symbol."""
    syms = []
    for line in subprocess.run(["nm", "-S", "--defined-only", elf], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            start, size = int(parts[0], 16), int(parts[1], 16)
            syms.append((start, start + size, parts[3]))
    return syms


def function_at(syms, addr):
    for start, end, name in syms:
        if start <= addr < end:
            return name
    return None


def instructions(elf):
    """address -> mnemonic of every instruction objdump decodes."""
    out = {}
    for line in subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        m = re.match(r"^ *([0-9a-f]+):\s+(\S+)", line)
        if m:
            out[int(m.group(1), 16)] = m.group(2)
    return out


def main(log, elf):
    with open(log, "rb") as f:
        lines = [l.rstrip("\r") for l in f.read().decode("utf-8", "replace").splitlines()]
    blocks = blocks_of(lines)
    if not report(len(blocks) == 2, f"two complete export blocks in the log (found {len(blocks)})"):
        return
    report(all(len(b) == n for b, n in blocks), "each block holds the number of lines its end marker says")
    report(blocks[0][0] == blocks[1][0], "the export at the guest's end and the shell's are the same")
    objs = [json.loads(l) for l in blocks[1][0]]
    guest = next(o for o in objs if o["kind"] == "guest")
    reasons = {o["reason"]: o for o in objs if o["kind"] == "reason"}
    hists = {o["reason"]: o["buckets"] for o in objs if o["kind"] == "hist"}
    buckets = [o for o in objs if o["kind"] == "bucket"]
    timeline = next(o for o in objs if o["kind"] == "timeline")
    trace = [o for o in objs if o["kind"] == "trace"]
    report(guest["state"] == "ended", f"the guest's export says it ended ({guest['state']})")
    report(sum(r["exits"] for r in reasons.values()) == guest["exits"],
           f"the reasons' exits add up to the guest's {guest['exits']}")

    finals = [FINAL.match(l) for l in lines if FINAL.match(l)]
    if not report(len(finals) == 1, "the guest printed its final figures once"):
        return
    m = finals[0]
    total_read = int(m.group(1))
    report(m.group(2) == m.group(3), f"its final reads were undisturbed ({m.group(2)}/{m.group(3)})")
    read = {int(r): int(n) for r, n in (kv.split("=") for kv in m.group(4).split())}

    # The trace from the CPUID that read the final total (exit number total_read, seq total_read-1) on.
    seqs = [t["seq"] for t in trace]
    contiguous = seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False
    report(contiguous and seqs[-1] == guest["exits"] - 1, f"the trace is contiguous and ends with exit "
           f"#{guest['exits'] - 1} (holds #{seqs[0] if seqs else '-'}..#{seqs[-1] if seqs else '-'})")
    first_read = total_read - REASONS - 2  # seq of the CPUID that read the total before the reasons
    if not report(seqs and seqs[0] <= first_read, f"the trace reaches back to the guest's final reads "
                  f"(exit #{first_read})"):
        return
    by_seq = {t["seq"]: t for t in trace}
    after = [by_seq[s] for s in range(total_read, guest["exits"])]
    tail = {}
    for t in after:
        tail[t["reason"]] = tail.get(t["reason"], 0) + 1

    # Every reason: what the guest read, the CPUID reads after its own, the exits after the last read.
    bad = []
    for r in sorted(set(reasons) | set(read)):
        later_reads = (REASONS - 1 - r) + 1 if r == EXIT_REASON_CPUID else 0
        want = read.get(r, 0) + later_reads + tail.get(r, 0)
        got = reasons[r]["exits"] if r in reasons else 0
        if want != got:
            bad.append(f"reason {r}: exported {got}, read {read.get(r, 0)} + {later_reads} + {tail.get(r, 0)}")
    report(not bad, f"exported counts of {len(reasons)} reasons = what the guest read + the exits after its reads "
           f"({', '.join(f'{r}:{t}' for r, t in sorted(tail.items()))} after){': ' + '; '.join(bad) if bad else ''}")
    report(total_read + len(after) == guest["exits"], f"exported total {guest['exits']} = read {total_read} + "
           f"{len(after)} exits after it")

    bad = [r for r, o in reasons.items() if sum(b[2] for b in hists.get(r, [])) != o["exits"] or o["timed"] != o["exits"]]
    report(not bad, f"each reason's histogram buckets add up to its exits (all timed){': not ' + str(bad) if bad else ''}")
    ordered = all(b[0] <= b[1] and (i == 0 or hists[r][i - 1][1] < b[0])
                  for r in hists for i, b in enumerate(hists[r]) if b[1] is not None)
    report(ordered, "histogram buckets are ordered and disjoint")
    pct_ok = all(o["min"] <= o["p50"] <= o["p90"] <= o["p99"] <= o["max"] for o in reasons.values())
    report(pct_ok, "min <= p50 <= p90 <= p99 <= max for every reason")
    per_reason = {}
    for b in buckets:
        for r, n in b["exits"].items():
            per_reason[int(r)] = per_reason.get(int(r), 0) + n
    bad = [r for r in set(per_reason) | set(reasons) if per_reason.get(r, 0) != reasons.get(r, {}).get("exits", 0)]
    report(len(buckets) == timeline["buckets"] and not bad,
           f"the {len(buckets)} timeline buckets add up to each reason's exits{': not ' + str(bad) if bad else ''}")
    report([b["index"] for b in buckets] == list(range(len(buckets))) and
           all(b["start_ns"] == i * timeline["bucket_ns"] or abs(b["start_ns"] - i * timeline["bucket_ns"]) <= i
               for i, b in enumerate(buckets)), "timeline buckets are numbered in order, bucket_ns apart")

    # RIPs: the guest's own functions, and the very instructions that exit.
    syms, insns = symbols(elf), instructions(elf)
    rip = lambda t: int(t["rip"], 16)
    want_fn = {first_read: "stat_total_exits", total_read - 1: "stat_total_exits"}
    want_fn.update({s: "stat_reason_exits" for s in range(first_read + 1, total_read - 1)})
    bad = [f"#{s} in {function_at(syms, rip(by_seq[s]))}" for s, fn in want_fn.items()
           if function_at(syms, rip(by_seq[s])) != fn or insns.get(rip(by_seq[s])) != "cpuid" or
           by_seq[s]["reason"] != EXIT_REASON_CPUID]
    report(not bad, f"the guest's {REASONS + 2} final reads are CPUID exits at the cpuid of stat_total_exits / "
           f"stat_reason_exits{': ' + ', '.join(bad[:5]) if bad else ''}")
    io = [t for t in after if t["reason"] == EXIT_REASON_IO]
    bad = [f"{t['rip']} ({insns.get(rip(t))})" for t in io if not insns.get(rip(t), "").startswith(("in", "out"))]
    report(io and not bad, f"the {len(io)} I/O exits after them are at IN/OUT instructions{': ' + ', '.join(bad[:5]) if bad else ''}")
    bad = [t["rip"] for t in after if function_at(syms, rip(t)) is None]
    report(not bad, f"every traced exit after them is in a function of the guest's symbol table{': not ' + ', '.join(bad[:5]) if bad else ''}")
    last = trace[-1]
    qual = int(last["qual"], 16)
    report(last["reason"] == EXIT_REASON_IO and function_at(syms, rip(last)) == "guest_exit" and
           insns.get(rip(last), "").startswith("out") and (qual >> 16) == EXIT_PORT and not qual & 8,
           f"the last exit is guest_exit's OUT to port 0x{EXIT_PORT:x} (RIP {last['rip']} in "
           f"{function_at(syms, rip(last))}, qualification {last['qual']})")
    report(all(t["cycles"] is not None for t in trace), "every traced exit was timed")

    # The shell's `trace testguest 8`: the export's last 8 entries.
    shown = [SHELL_TRACE.match(l) for l in lines if SHELL_TRACE.match(l)]
    want = [(str(t["seq"]), str(t["tsc"]), str(t["reason"]), t["name"], t["rip"], t["qual"], str(t["cycles"]))
            for t in trace[-8:]]
    report([s.groups() for s in shown] == want, f"`trace testguest 8` shows the export's last 8 exits "
           f"({len(shown)} lines)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
