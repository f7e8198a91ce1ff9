#!/usr/bin/env bash
# vmx_analytics_off_bochs.sh: under Bochs with exit_analytics=off (the baseline make bench-vmx
# measures the analytics against), the test guest's exits are still counted and timed exactly (its
# own checks read them through CPUID), while the views of what is no longer kept say so: the
# table's percentile columns are "-", `trace` and `--export` answer with one line each, and
# stats_export=on is reported at boot as exporting nothing.
. tests/boot/lib.sh

ELF=build/guest/testguest.elf
make_iso off "exit=shell exit_analytics=off stats_export=on" "$ELF" "guest name=testguest mem=16M"
printf '%s\n' "trace testguest" "stats testguest --export" "stats testguest" "halt" >"$TEST_DIR/off.keys"
SHELL_AFTER='^Tally: the shell stays up' boot_bochs_shell off 120 "$TEST_DIR/off.keys"

expect "stats_export=on is reported as exporting nothing" \
	'^warning: command line: stats_export=on exports nothing under exit_analytics=off$'
expect "the test guest passed its checks (counts and cycles through CPUID)" '^testguest: [0-9]+ passed, 0 failed$'
expect "the guest ended through port 0xf4" '^guest testguest: exited through port 0xf4 with code 0$'
expect "the table's CPUID row has counts and cycles but no percentiles" \
	'^ +10  CPUID +[0-9]+ +[0-9.]+% +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +- +- +-$'
expect "the book row: recording is cheaper but still counted" '^  book  recording the exits +[0-9]+ +- +[0-9]+ +[0-9]+ +[0-9]+$'
expect "trace says nothing is traced" '^trace: testguest: no exits are traced under exit_analytics=off$'
expect_count "--export from the shell says there is nothing to export (once: not at the end)" 1 \
	'^stats: testguest: nothing to export: exit_analytics=off keeps no histograms, timeline or trace$'
expect_count "no export block at all (neither at the guest's end nor from the shell)" 0 '^tally-export-begin'
finish
