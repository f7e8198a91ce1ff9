#!/usr/bin/env bash
# vmx_concurrent.sh: under Bochs: two self-checking test guests and a negative guest run at once
# beside two MIPS VMs in Tally's one loop. Each test guest's exact counts hold while the others
# run (per-guest CPUID answers), the negative guest is stopped by name, the MIPS outputs are
# exactly SPIM's, and no exit is charged with Tally's own work: the CPUID rows keep a small
# maximum and the host work has its own line.
. tests/boot/lib.sh

G=build/guest
M=guest/mips
TESTGUEST_CHECKS=31
# Measured under Bochs 2.7 (ips=200M): CPUID max 488 cycles (average 358; 279 before the emulated PC's
# injection check and exact quantum were on the exit path) per guest with the MIPS VMs busy and a
# 20-40 ms host-work maximum between entries;
# before the one loop the same row reached 180,482 (a MIPS slice charged to a CPUID exit).
CPUID_MAX_BOUND=2000
# The guests print their check lines through COM1: showing them is the loop's work. Measured:
# IO_INSTRUCTION max 2412 cycles (average 528); before, a flushed line charged its exit ~2.6M.
IO_MAX_BOUND=10000

# vm_lines LOG NAME: a MIPS VM's output lines without the prefix.
vm_lines() { tr -d '\r' <"$1" | sed -n "s/^\[$2\] //p"; }
# line_of LOG REGEX: the number of the first line that matches.
line_of() { tr -d '\r' <"$1" | grep -nE -- "$2" | cut -d: -f1 | head -n1; }
# table_field LOG TABLE ROW-NAME COLUMN: a column of a row of one "Exit statistics:" table.
table_field() {
	tr -d '\r' <"$1" | awk -v t="$2" -v r="$3" -v c="$4" '/^Exit statistics: /{s=(substr($0, 18)==t)} s && $2==r{print $c; exit}'
}

make_iso concurrent "" \
	"$G/testguest.elf" "guest name=alpha mem=16M" \
	"$G/negative-triple.elf" "guest name=triple mem=4M" \
	"$G/testguest.elf" "guest name=beta mem=16M" \
	"$M/fib.s" "mips name=fib slice=2000" \
	"$M/sieve.s" "mips name=sieve slice=20"
boot_bochs concurrent 240
L=$last_log

for g in alpha beta; do
	expect_count "$g: every check passed while the other guests ran" "$TESTGUEST_CHECKS" "^$g: PASS: [0-9]+ "
	expect_not "$g: no check failed" "^$g: FAIL"
	expect "$g: its own 1000 CPUIDs raise its own reason 10 by exactly 1001" "^$g: PASS: [0-9]+ 1000 CPUIDs raise reason 10 by exactly 1001"
	expect "$g: summary" "^$g: $TESTGUEST_CHECKS passed, 0 failed$"
	expect "$g: exit code 0" "^guest $g: exited through port 0xf4 with code 0$"
	max=$(table_field "$L" "$g" CPUID 9)
	if [ -n "$max" ] && [ "$max" -lt "$CPUID_MAX_BOUND" ]; then
		pass "$g: CPUID max $max cycles < $CPUID_MAX_BOUND with the MIPS VMs busy"
	else
		fail "$g: CPUID max '${max}' cycles not below $CPUID_MAX_BOUND"
	fi
	max=$(table_field "$L" "$g" IO_INSTRUCTION 9)
	if [ -n "$max" ] && [ "$max" -lt "$IO_MAX_BOUND" ]; then
		pass "$g: IO_INSTRUCTION max $max cycles < $IO_MAX_BOUND: printing its lines is not charged to its exits"
	else
		fail "$g: IO_INSTRUCTION max '${max}' cycles not below $IO_MAX_BOUND"
	fi
	host=$(table_field "$L" "$g" work 7)
	if [ -n "$host" ] && [ "$host" -gt 0 ]; then
		pass "$g: host work on its own line ($host cycles)"
	else
		fail "$g: no host-work line in its table"
	fi
done
expect "the negative guest is stopped by name" '^guest triple: stopped: triple fault \(exit reason 2 TRIPLE_FAULT\)'
a_start=$(line_of "$L" '^alpha: ') a_end=$(line_of "$L" '^guest alpha: exited')
b_first=$(line_of "$L" '^beta: ')
triple=$(line_of "$L" '^guest triple: stopped')
if [ -n "$a_start" ] && [ -n "$a_end" ] && [ -n "$b_first" ] && [ "$b_first" -lt "$a_end" ] && [ "$a_start" -lt "$(line_of "$L" '^guest beta: exited')" ]; then
	pass "the two test guests' outputs interleave"
else
	fail "the test guests did not run at once (alpha $a_start-$a_end, beta from $b_first)"
fi
if [ -n "$triple" ] && [ -n "$a_end" ] && [ "$triple" -lt "$a_end" ]; then
	pass "the others finished after the negative guest was stopped"
else
	fail "triple was not stopped while alpha ran"
fi
b_end=$(line_of "$L" '^guest beta: exited')
fib_end=$(line_of "$L" "^mips: 'fib' exited") sieve_end=$(line_of "$L" "^mips: 'sieve' exited")
if [ -n "$fib_end" ] && [ -n "$sieve_end" ] && [ -n "$b_end" ] && [ "$fib_end" -gt "$b_end" ] && [ "$sieve_end" -gt "$b_end" ]; then
	pass "both MIPS VMs, started before the guests, were still running when the guests ended"
else
	fail "a MIPS VM ended before the guests (fib $fib_end, sieve $sieve_end, beta $b_end)"
fi
expect_eq "fib's output is exactly SPIM's" "$(cat $M/fib.expected)" "$(vm_lines "$L" fib)"
expect_eq "sieve's output is exactly SPIM's" "$(cat $M/sieve.expected)" "$(vm_lines "$L" sieve)"
all_host=$(table_field "$L" "all guests" work 7)
if [ -n "$all_host" ] && [ "$all_host" -gt 0 ]; then
	pass "the table over all guests has a non-zero host-work line ($all_host cycles)"
else
	fail "no host-work line in the table over all guests"
fi
expect "orderly end" '^Tally: all VMs have ended$'
finish
