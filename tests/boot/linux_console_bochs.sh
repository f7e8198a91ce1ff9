#!/usr/bin/env bash
# linux_console_bochs.sh: `make run-linux` as a user meets it, under Bochs: Tally's console starts in
# the Linux guest's COM1 (console=deb), the guest's busybox shell answers typed commands (arithmetic,
# a timed sleep, which needs the guest's timer interrupts, and Debian's cpuid tool twice, the exit
# count growing between reads), Ctrl-] gives the console back to Tally's shell, `pc deb` shows the
# guest's PC as Linux left it, and `stop deb` ends the guest with its table.
. tests/boot/lib.sh

LINUX_CMDLINE=$(sed -n 's/^LINUX_CMDLINE="\(.*\)"$/\1/p' tests/boot/linux_bochs.sh)
BOCHS_MEGS=512
t=$((300 * ${BOCHS_TIMEOUT_SCALE:-3}))

if [ ! -f build/linux/vmlinuz ] || [ ! -f build/linux/initrd.img ]; then
	tools/fetch-linux.sh >"$TEST_DIR/fetch.log" 2>&1 || { fail "tools/fetch-linux.sh (see $TEST_DIR/fetch.log)"; finish; exit; }
fi
make_iso shell "console=deb exit=shell" \
	build/linux/vmlinuz "linux name=deb mem=128M -- $LINUX_CMDLINE tally_shell=1" \
	build/linux/initrd.img "initrd name=deb"

log=$TEST_DIR/shell.log
last_log=$log
rm -f "$TEST_DIR/keys"
mkfifo "$TEST_DIR/keys"
BOCHS_LOG_COPY=$TEST_DIR/shell.bochs.log tools/run-bochs.sh -i "$TEST_DIR/shell.iso" -t "$t" -m "$BOCHS_MEGS" \
	<"$TEST_DIR/keys" >"$log" 2>&1 &
bochs=$!
exec {keys}>"$TEST_DIR/keys"

# type TEXT MARKER SECONDS: types TEXT and CR once MARKER (a line of the log) has appeared.
step() {
	if wait_for "$log" "$2" "$3"; then
		printf '%s\r' "$1" >&$keys
	else
		fail "no /$2/ within $3 s: '$1' not typed"
	fi
}
wait_for "$log" '^tally-linux: a shell' $((t / 2)) || fail "the guest's shell did not come up"
step 'echo $((6 * 7))' '^/ # ' 30
step 'sleep 1; echo slept' '^42$' 60
step 'cpuid -1 -l 0x4fffffff; cpuid -1 -l 0x4fffffff; echo read-twice' '^slept$' 60
wait_for "$log" '^read-twice$' 60
printf '\035' >&$keys	# Ctrl-]
step 'pc deb' '^console: detached; back to the shell$' 30
step 'stop deb' '^  COM1 ' 30
step 'halt' '^Exit statistics: deb$' 60
wait "$bochs"
exec {keys}>&-

expect "console=deb: the console starts in the guest's COM1" "^console: attached to deb's COM1 \(console=deb\); Ctrl-\] returns to the shell$"
expect "the guest's output is raw while attached" '^tally-linux: a shell; try: cpuid -1 -l 0x4fffffff$'
expect "typed keys reach the guest's shell, which echoes them" '^/ # .*echo \$\(\(6 \* 7\)\)$'
expect "the guest's shell runs a typed command" '^42$'
expect "sleep 1 ends: the guest's timer interrupts arrive" '^slept$'
reads=$(tr -d '\r' <"$log" | sed -n 's/^ *0x4fffffff 0x00: eax=0x\([0-9a-f]\{8\}\) .*/\1/p')
first=$(echo "$reads" | sed -n 1p) second=$(echo "$reads" | sed -n 2p)
if [ -n "$first" ] && [ -n "$second" ] && [ $((16#$second)) -gt $((16#$first)) ]; then
	pass "cpuid typed twice: the exit count grows ($((16#$first)) -> $((16#$second)))"
else
	fail "cpuid typed twice: no growing pair of leaf 0x4fffffff reads ('$first', '$second')"
fi
expect "Ctrl-] gives the console back" '^console: detached; back to the shell$'
expect "pc deb: Linux runs its clock on the xAPIC's timer in TSC-deadline mode" \
	'^  APIC timer TSC-deadline, divide by [0-9]+, initial count 0, [1-9][0-9]* interrupt\(s\) so far'
expect "pc deb: ... with the APIC in xAPIC mode at 0xfee00000, software-enabled" \
	'^  APIC     base 0xfee00900 xAPIC  TPR 0x[0-9a-f]{2} PPR 0x[0-9a-f]{2}  SVR 0x1[0-9a-f]{2} '
expect "pc deb: ... and its PIT's channel 0 stopped (mode 0, no count)" '^  PIT ch0  mode 0, no count written$'
expect "pc deb: COM1 with receive interrupts and OUT2 on" '^  COM1     IER 0x0[1357d]  LCR 0x[0-9a-f]{2}  MCR 0x0[89a-f] '
expect "stop deb ends the guest with its table" '^Exit statistics: deb$'
expect "the guest's HLTs are counted" '^ +12  HLT +[0-9]+ '
expect "orderly power-off" '^Tally: powering off \(halt\)$'
finish
