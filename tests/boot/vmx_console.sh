#!/usr/bin/env bash
# vmx_console.sh: under Bochs, typing through run-bochs.sh's console bridge: `console echo` joins
# the terminal to the echo guest's COM1 (a typed line comes back as "echo: <line>"), Ctrl-] returns
# to the shell, which answers `vms`; "quit" ends the guest. The CR8 guest set CR8=15 and ended at
# boot: once every guest has ended, Tally idles (a host TPR of 15 would mask its wake-ups) and still
# answers the shell.
. tests/boot/lib.sh

G=build/guest
line_of() { tr -d '\r' <"$1" | grep -nE -- "$2" | cut -d: -f1 | head -n1; }
last_line_of() { tr -d '\r' <"$1" | grep -nE -- "$2" | cut -d: -f1 | tail -n1; }

make_iso console "exit=shell" \
	"$G/echo.elf" "guest name=echo mem=4M" \
	"$G/negative-cr8.elf" "guest name=cr8 mem=4M"
printf '%s\n' "console echo" "hello tally" $'\x1d' "vms" "console echo" "quit" "vms" "halt" >"$TEST_DIR/console.keys"
boot_bochs_shell console 60 "$TEST_DIR/console.keys"
L=$last_log

expect "the echo guest waits for input" '^echo: ready: type lines, .quit. ends$'
expect "the CR8 guest set CR8=15 and read 15 back" '^guest cr8: exited through port 0xf4 with code 0$'
expect_count "console attached twice" 2 "^console: attached to echo's COM1; Ctrl-\] returns to the shell$"
expect "the typed line came back raw from the guest" '^echo: hello tally$'
expect_not "the guest's console output is not prefixed" '^echo: echo: hello tally$'
expect_count "the console detached twice (Ctrl-], then the guest's end)" 2 '^console: detached; back to the shell$'
first_detach=$(line_of "$L" '^console: detached;')
running=$(line_of "$L" '^  vmx   echo +running ')
if [ -n "$first_detach" ] && [ -n "$running" ] && [ "$running" -gt "$first_detach" ]; then
	pass "after Ctrl-] the shell answers vms while the echo guest runs on"
else
	fail "no vms answer after Ctrl-] (detach line ${first_detach:-none}, running line ${running:-none})"
fi
expect "quit reached the guest" '^echo: quit$'
expect "the echo guest ended through port 0xf4 with code 0" '^guest echo: exited through port 0xf4 with code 0$'
stays=$(line_of "$L" '^Tally: the shell stays up \(exit=shell\)')
ended=$(last_line_of "$L" '^  vmx   cr8 +ended ')
echo_ended=$(last_line_of "$L" '^  vmx   echo +ended ')
if [ -n "$stays" ] && [ -n "$ended" ] && [ -n "$echo_ended" ] && [ "$ended" -gt "$stays" ] && [ "$echo_ended" -gt "$stays" ]; then
	pass "after CR8=15 and every guest's end, idle Tally still answers the shell (vms)"
else
	fail "the shell did not answer vms once all guests had ended (stays-up line ${stays:-none}, vms line ${ended:-none})"
fi
expect "halt powers off" '^Tally: powering off \(halt\)$'
finish
