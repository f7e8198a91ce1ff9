#!/usr/bin/env bash
# run_scripts.sh: the launchers a user types behind `make run-bochs`, `make run` and `make run-pair`:
# Ctrl-C ends run-bochs.sh (and its Bochs) within a second, as a signal and as the byte typed on its
# raw terminal, which takes Tally's shell and is restored; Tally's own exit code is run-qemu.sh's
# status; run-pair boots both Tallys with the default modules and B's console takes commands.
. tests/boot/lib.sh
set -m	# background jobs get their own process group and keep SIGINT, as under a terminal

# 1. Ctrl-C (SIGINT to the launcher's process group) while Bochs runs.
out=$TEST_DIR/bochs.out
make_iso shell "exit=shell"
tag=run_scripts_$$	# in the environment of everything run-bochs starts: finds our Bochs among others
# A shell started in the background without job control (as CI may start make test) ignores
# SIGINT, and what it starts inherits that: env gives the launcher a user's default disposition.
RUN_SCRIPTS_TAG=$tag env --default-signal=INT tools/run-bochs.sh -i "$TEST_DIR/shell.iso" -t 120 >"$out" 2>&1 &
launcher=$!
if wait_for "$out" '^Tally: the shell stays up' 60; then
	pass "run-bochs shows the serial console"
else
	fail "run-bochs: no shell line within 60 s"
fi
start=$(date +%s%N)
kill -INT -- "-$launcher"
wait "$launcher"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 1000 ] && pass "Ctrl-C ended run-bochs in ${ms} ms" || fail "Ctrl-C took ${ms} ms to end run-bochs"
expect_eq "run-bochs exits with 130 after Ctrl-C" 130 "$rc"
sleep 0.3
ours() {	# our Bochs processes still running
	for p in $(pgrep bochs); do
		ps -o stat= -p "$p" | grep -q Z && continue
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "RUN_SCRIPTS_TAG=$tag" && echo "$p"
	done
}
expect_eq "no Bochs left running" "" "$(ours)"

# 1b. On a terminal (script(1)'s pseudo-terminal), as `make run-bochs` runs: keys reach Tally's
# shell, the terminal is raw but for signals, so the Ctrl-C byte ends run-bochs at once, and the
# terminal's settings are restored.
tty=$TEST_DIR/tty
rm -f "$tty.in"
mkfifo "$tty.in"
# script(1) runs $SHELL: bash, as a user's terminal would (dash dies of the Ctrl-C's SIGINT before its
# echo, and CI's environment has no SHELL).
RUN_SCRIPTS_TAG=$tag SHELL=/bin/bash env --default-signal=INT script -qec "stty -g; tools/run-bochs.sh -i $TEST_DIR/shell.iso -t 120; echo rc=\$?; stty -g" \
	/dev/null <"$tty.in" >"$tty.out" 2>&1 &
term=$!
exec {keys}>"$tty.in"
wait_for "$tty.out" '^Tally: the shell stays up' 60 && printf 'help\r' >&$keys
if wait_for "$tty.out" '^  halt +power off$' 20; then
	pass "keys typed on the terminal reach Tally's shell (help answered)"
else
	fail "no answer to help typed on the terminal"
fi
printf 'hel' >&$keys	# no Enter: a terminal in canonical mode would hold these back
if wait_for "$tty.out" '^tally> hel$' 10; then
	pass "the terminal is raw: keys go out before Enter (Tally echoes 'hel')"
else
	fail "keys typed without Enter did not reach Tally (terminal not raw?)"
fi
start=$(date +%s%N)
printf '\003' >&$keys
wait_for "$tty.out" '^rc=' 10
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 1000 ] && pass "the Ctrl-C byte ended run-bochs in ${ms} ms" || fail "the Ctrl-C byte took ${ms} ms to end run-bochs"
expect "run-bochs exits with 130 after the Ctrl-C byte" '^rc=130$' "$tty.out"
exec {keys}>&-
wait "$term"
settings=$(tr -d '\r' <"$tty.out" | grep -E '^[0-9a-f]+(:[0-9a-f]+){10,}$' | sort -u | wc -l)
expect_eq "the terminal's settings are restored (stty -g before = after)" 1 "$settings"
sleep 0.3
expect_eq "no Bochs left running after the Ctrl-C byte" "" "$(ours)"

# 2. run-qemu.sh, as `make run` calls it (no -s/-t): the shell's halt gives status 0, a guest-less
# Tally's panic selftest (code 3) gives 3.
make_iso halt "exit=shell"
rm -f "$TEST_DIR/halt.in"
mkfifo "$TEST_DIR/halt.in"
timeout 60 tools/run-qemu.sh --tcg "$TEST_DIR/halt.iso" <"$TEST_DIR/halt.in" >"$TEST_DIR/halt.out" 2>&1 &
qemu=$!
exec {keys}>"$TEST_DIR/halt.in"
wait_for "$TEST_DIR/halt.out" '^Shell: ' 30 && printf 'halt\r' >&$keys
wait "$qemu"
expect_eq "halt in the shell: run-qemu.sh exits 0" 0 "$?"
exec {keys}>&-
make_iso panic "selftest=panic"
timeout 60 tools/run-qemu.sh --tcg "$TEST_DIR/panic.iso" </dev/null >"$TEST_DIR/panic.out" 2>&1
expect_eq "a panic (code 3): run-qemu.sh exits 3" 3 "$?"

# 3. make run's port forward when the host port is taken: the next free one, said on the console.
busy=$((30000 + $$ % 20000))
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' \
	"$busy" &
holder=$!
wait_for /dev/null '^$' 1 || sleep 0.5	# let it bind
make_iso fwd "" guest/mips/fib.s "mips name=fib"	# a VM: without one, a listening Tally stays up
timeout 60 tools/run-qemu.sh --tcg --net-fwd "$busy" "$TEST_DIR/fwd.iso" </dev/null >"$TEST_DIR/fwd.out" 2>&1
expect_eq "Tally boots and powers off with the port taken" 0 "$?"
expect "the free port is named" "^run-qemu: host port $busy is taken; 127\.0\.0\.1:$((busy + 1)) reaches Tally's migration port instead" \
	"$TEST_DIR/fwd.out"
expect "Tally has its network" '^net: virtio-net MAC ' "$TEST_DIR/fwd.out"
kill "$holder" 2>/dev/null

# 4. make run-pair, exactly as documented: A's log and B's console (this script's pipe).
rm -f "$TEST_DIR/pair.in"
mkfifo "$TEST_DIR/pair.in"
pport=$((24000 + $$ % 20000))
PAIR_PORT=$pport timeout 90 make --no-print-directory -s run-pair <"$TEST_DIR/pair.in" \
	>"$TEST_DIR/pair.out" 2>&1 &
pair=$!
exec {keys}>"$TEST_DIR/pair.in"
if wait_for "$TEST_DIR/pair.out" '^Shell: ' 60 && wait_for build/pair/a.log '^Shell: ' 30; then
	printf 'vms\r' >&$keys
	wait_for "$TEST_DIR/pair.out" '^  mips  ticker ' 10
	printf 'migrate ticker nosuch\r' >&$keys
	wait_for "$TEST_DIR/pair.out" "^migrate: 'ticker' to nosuch: " 10
	printf 'migrate ticker a\r' >&$keys
	wait_for build/pair/a.log "^mips: resumed 'ticker'" 30
	printf 'halt\r' >&$keys
fi
wait "$pair"
expect_eq "make run-pair ends with B's halt, status 0" 0 "$?"
expect "B got its own module" '^  mips  ticker ' "$TEST_DIR/pair.out"
expect_not "A's lines never land inside B's lines" '.\[A\] ' "$TEST_DIR/pair.out"
expect "B is 10.0.3.2 on the link" '^net: virtio-net MAC [0-9a-f:]+ address 10\.0\.3\.2/24 ' "$TEST_DIR/pair.out"
expect "A booted with the default modules" "^mips: started 'fib' from fib, slice [0-9]+$" build/pair/a.log
expect "A listens for migrations" '^migrate: listening on port 7283' build/pair/a.log
expect "A's command line: its address, the pair's names and exit=shell once" \
	'^Boot loader: .*; command line: "ip=10\.0\.3\.1/24 hosts=a:10\.0\.3\.1,b:10\.0\.3\.2 exit=shell"$' build/pair/a.log
expect "migrate to an unknown name: one line, the VM stays" \
	"^migrate: 'ticker' to nosuch: host name not in hosts=, and no DNS server \(DHCP gave none\); 'ticker' continues here$" "$TEST_DIR/pair.out"
expect "migrate ticker a: B reaches A by its hosts= name" "^migrate: 'ticker' moved to a: " "$TEST_DIR/pair.out"
expect "A resumes the VM from B" "^mips: resumed 'ticker' \(from 10\.0\.3\.2:[0-9]+\)" build/pair/a.log
exec {keys}>&-
sleep 0.5
expect_eq "no QEMU of the pair is left running" "" "$(pgrep -f "127\.0\.0\.1:$pport" || true)"
finish
