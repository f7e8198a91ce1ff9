#!/usr/bin/env python3
"""cputime.py RUNS OUT CMD...: runs CMD RUNS times and prints the least CPU time (user + system
seconds) one run took; the last run's standard output goes to OUT. CPU time rather than wall time:
on a shared machine a run waits for the CPU, and what it waits is not its own work."""
import resource
import subprocess
import sys


def main():
    runs, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    best = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(out, "wb") as f:
            subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = t if best is None else min(best, t)
    print("%.6f" % best)


main()
