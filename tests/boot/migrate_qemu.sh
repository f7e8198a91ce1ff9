#!/usr/bin/env bash
# migrate_qemu.sh: live migration under QEMU TCG: Tally to Tally over a socket netdev (a VM that
# computes, one that keeps writing 1 MiB), mipsvm to Tally and back through user-mode networking,
# and the failures: nobody listening, a corrupted byte, a wrong key, the destination killed.
# Every VM's output, source lines then destination lines, must equal mipsvm's uninterrupted run.
. tests/boot/lib.sh

F=tests/mips
MIPSVM=build/mipsvm
PROXY=build/tool/faultproxy
port=$((21000 + $$ % 20000)) # per run, so parallel runs on one machine do not collide
NIC=(-device virtio-net-pci,netdev=n0,disable-legacy=on)

# vm_lines LOG NAME: that VM's output lines without the prefix.
vm_lines() { tr -d '\r' <"$1" | sed -n "s/^\[$2\] //p"; }

# program NAME TARGET: tests/mips/NAME.s with its MIGRATE aimed at TARGET, as $TEST_DIR/NAME.s.
program() { sed "s/@TARGET@/$2/" "$F/$1.s" >"$TEST_DIR/$1.s"; }

# reference NAME: stdout of the uninterrupted run (MIGRATE, one word, replaced by a nop).
reference() {
	sed 's/^\tMIGRATE @TARGET@$/\tnop/' "$F/$1.s" >"$TEST_DIR/$1-ref.s"
	$MIPSVM -v "$TEST_DIR/$1-ref.s" 2>/dev/null
}

# instructions NAME: how many instructions the uninterrupted run executes, exit included.
instructions() {
	$MIPSVM --stats -v "$TEST_DIR/$1-ref.s" 2>&1 >/dev/null | sed -nE 's/.*: ([0-9]+) instructions in .*/\1/p'
}

# start_qemu NAME SECONDS QEMU-ARGS...: boots $TEST_DIR/NAME.iso in the background; pid in $qpid.
start_qemu() {
	local name=$1 t=$2
	shift 2
	rm -f "$TEST_DIR/$name.log"
	tools/run-qemu.sh --tcg -s "$TEST_DIR/$name.log" -t "$t" "$TEST_DIR/$name.iso" -- "$@" &
	qpid=$!
}

# link SIDE: QEMU arguments for one end (src 10.0.3.1, dst 10.0.3.2) of a UDP socket link on
# loopback ports $port and $port+1. UDP, not the TCP socket netdev: QEMU does not set TCP_NODELAY
# there, and Nagle on the host's socket holds small frames for a delayed ACK (40 ms).
link() {
	local me=$port peer=$((port + 1)) mac=01
	[ "$1" = dst ] && me=$((port + 1)) peer=$port mac=02
	echo "-netdev socket,id=n0,udp=127.0.0.1:$peer,localaddr=127.0.0.1:$me ${NIC[0]} ${NIC[1]},mac=52:54:00:00:03:$mac"
}

# pair SRC-NAME DST-NAME [SHELL-INPUT]: the two ISOs joined by a socket link (10.0.3.1 -> 10.0.3.2),
# the source's shell typed SHELL-INPUT if given; the destination is stopped once its log shows $stop_at.
pair() {
	port=$((port + 2))
	# shellcheck disable=SC2046
	start_qemu "$2" 90 $(link dst)
	local dst=$qpid
	# shellcheck disable=SC2207
	local link=($(link src))
	if [ $# -ge 3 ]; then
		boot_qemu_shell "$1" 90 "$3" "${link[@]}"
	else
		boot_qemu "$1" 90 "${link[@]}"
	fi
	wait_for "$TEST_DIR/$2.log" "$stop_at" 30 || true
	kill "$dst" 2>/dev/null
	wait "$dst" 2>/dev/null
}

# judge NAME SRC-LOG DST-LOG: both halves, in order, equal the uninterrupted run.
judge() {
	local ref
	ref=$(reference "$1")
	expect_eq "$1: source lines + destination lines = the uninterrupted run" "$ref" \
		"$(vm_lines "$2" "$1"; vm_lines "$3" "$1")"
	local n
	n=$(vm_lines "$2" "$1" | wc -l)
	[ "$n" -gt 0 ] && [ "$n" -lt "$(wc -l <<<"$ref")" ] && pass "$1: it ran on both sides ($n lines on the source)" ||
		fail "$1: it did not run on both sides ($n lines on the source)"
}

STATS='[0-9]+ rounds?, [0-9]+ pages \([0-9]+ in the paused round\), [0-9]+ bytes, total [0-9.]+ ms, downtime [0-9.]+ ms, [0-9.]+ MB/s'

# 1. Tally -> Tally: a VM that computes, moved mid-run by its own MIGRATE. Interpreted at the
# source: translated, it runs its remaining lines before the pages have gone, and the move happens
# at its exit (the destination prints nothing, and "ran on both sides" has nothing to see).
program mig_progress 10.0.3.2
make_iso src1 "ip=10.0.3.1/24" "$TEST_DIR/mig_progress.s" "mips name=mig_progress engine=interp"
make_iso dst "ip=10.0.3.2/24 exit=shell"
stop_at="^mips: 'mig_progress' exited"
pair src1 dst
S=$TEST_DIR/src1.log D=$TEST_DIR/dst.log
expect "source: the transfer starts" "^migrate: 'mig_progress' to 10\.0\.3\.2: started, [0-9]+ pages; it runs on while they go$" "$S"
expect "source: acknowledged, with rounds, bytes, time, downtime" "^migrate: 'mig_progress' moved to 10\.0\.3\.2: $STATS$" "$S"
expect "source: the VM is migrated, not exited" "^mips: 'mig_progress' migrated after [0-9]+ instructions$" "$S"
expect "destination: the same report" "^migrate: 'mig_progress' received from 10\.0\.3\.1:[0-9]+: $STATS$" "$D"
expect "destination: resumed" "^mips: resumed 'mig_progress' \(from 10\.0\.3\.1:[0-9]+\) at pc 0x[0-9a-f]{8} after [0-9]+ instructions, slice 10000$" "$D"
judge mig_progress "$S" "$D"
expect "destination: it finishes, after as many instructions as the uninterrupted run" \
	"^mips: 'mig_progress' exited after $(instructions mig_progress) instructions$" "$D"

# 2. Tally -> Tally: a VM that keeps rewriting its 1 MiB while the pages go.
program mig_writer 10.0.3.2
make_iso src2 "ip=10.0.3.1/24" "$TEST_DIR/mig_writer.s" "mips name=mig_writer"
stop_at="^mips: 'mig_writer' exited"
pair src2 dst
S=$TEST_DIR/src2.log D=$TEST_DIR/dst.log
expect "writer: moved after more than one round" "^migrate: 'mig_writer' moved to 10\.0\.3\.2: ([2-9]|[1-9][0-9]+) rounds, " "$S"
resident=$(tr -d '\r' <"$S" | sed -n "s/^migrate: 'mig_writer' to .*: started, \([0-9]*\) pages.*/\1/p")
sent=$(tr -d '\r' <"$D" | sed -n "s/^migrate: 'mig_writer' received from .*: [0-9]* rounds, \([0-9]*\) pages.*/\1/p")
[ "${resident:-0}" -ge 256 ] && [ "${sent:-0}" -gt "$resident" ] &&
	pass "writer: resent pages it dirtied ($sent pages for $resident resident)" ||
	fail "writer: resent pages it dirtied ($sent pages for $resident resident)"
judge mig_writer "$S" "$D"

# 3. A wrong key: refused at the header; the VM finishes at the source, the destination carries on.
make_iso src3 "ip=10.0.3.1/24 migrate_key=alpha" "$TEST_DIR/mig_progress.s" "mips name=mig_progress"
make_iso dstkey "ip=10.0.3.2/24 exit=shell migrate_key=bravo"
stop_at="^migrate: from 10\.0\.3\.1:[0-9]+: "
pair src3 dstkey
S=$TEST_DIR/src3.log D=$TEST_DIR/dstkey.log
expect "wrong key: the destination refuses" \
	"^migrate: from 10\.0\.3\.1:[0-9]+: refused: authentication failed \(wrong migrate_key\?\); what arrived is discarded$" "$D"
expect "wrong key: the source hears why and keeps the VM" \
	"^migrate: 'mig_progress' to 10\.0\.3\.2 failed: the destination refused the VM: refused: authentication failed \(wrong migrate_key\?\); 'mig_progress' continues here$" "$S"
expect_eq "wrong key: the VM's whole run happens at the source" "$(reference mig_progress)" "$(vm_lines "$S" mig_progress)"
expect "wrong key: the source VM exits normally" "^mips: 'mig_progress' exited after $(instructions mig_progress) instructions$" "$S"

# 4. The destination dies mid-transfer (its QEMU killed as the writer's pages flow).
port=$((port + 2))
cp "$TEST_DIR/dst.iso" "$TEST_DIR/dst4.iso"
make_iso src4 "ip=10.0.3.1/24 migrate_timeout=1000" "$TEST_DIR/mig_writer.s" "mips name=mig_writer"
# shellcheck disable=SC2046
start_qemu dst4 90 $(link dst)
dst=$qpid
(wait_for "$TEST_DIR/dst4.log" "^migrate: incoming from" 60 && kill $dst) &
killer=$!
# shellcheck disable=SC2046
boot_qemu src4 90 $(link src)
wait $killer $dst 2>/dev/null
S=$TEST_DIR/src4.log
expect "killed destination: it was receiving" "^migrate: incoming from 10\.0\.3\.1:[0-9]+$" "$TEST_DIR/dst4.log"
expect_not "killed destination: it had not resumed the VM" "^mips: resumed" "$TEST_DIR/dst4.log"
expect "killed destination: the source gives up and keeps the VM" \
	"^migrate: 'mig_writer' to 10\.0\.3\.2 failed: (connection failed: )?timed out.*; 'mig_writer' continues here$" "$S"
expect_eq "killed destination: the VM's whole run happens at the source" "$(reference mig_writer)" "$(vm_lines "$S" mig_writer)"

# 6. The shell's migrate command moves a running VM: it counts on at the destination from the
# tick after the source's last.
make_iso src6 "ip=10.0.3.1/24" guest/mips/ticker.s "mips name=ticker"
printf 'vms\nvms\nvms\nvms\nmigrate ticker 10.0.3.2\n' >"$TEST_DIR/src6.in" # a few ticks first
stop_at='^\[ticker\] tick [0-9]+ of 300'
pair src6 dst "$TEST_DIR/src6.in"
S=$TEST_DIR/src6.log D=$TEST_DIR/dst.log
expect "shell migrate: the transfer starts" "^migrate: 'ticker' to 10\.0\.3\.2: started, [0-9]+ pages; it runs on while they go$" "$S"
expect "shell migrate: moved" "^migrate: 'ticker' moved to 10\.0\.3\.2: $STATS$" "$S"
expect "shell migrate: vms listed it running first" "^  mips  ticker +running +[0-9]+ instructions, [0-9]+ pages, (translated|interpreted), [0-9]+ us running \([0-9]+ M/s\)$" "$S"
expect "shell migrate: the source's VM is migrated" "^mips: 'ticker' migrated after [0-9]+ instructions$" "$S"
last=$(vm_lines "$S" ticker | sed -n 's/^tick \([0-9]*\) of 300.*/\1/p' | tail -n 1)
first=$(vm_lines "$D" ticker | sed -n 's/^tick \([0-9]*\) of 300.*/\1/p' | head -n 1)
[ "${last:-0}" -gt 0 ] && pass "shell migrate: it ticked at the source first ($last ticks)" ||
	fail "shell migrate: no tick at the source before it moved"
expect_eq "shell migrate: the destination's first tick follows the source's last" "$((${last:-0} + 1))" "${first:-none}"

# 5. Nobody listening: slirp's host port is closed, the connection is refused.
closed=$((port + 2))
program mig_progress 10.0.2.2:$closed
make_iso src5 "" "$TEST_DIR/mig_progress.s" "mips name=mig_progress"
boot_qemu src5 60 -netdev user,id=n0 "${NIC[@]}"
expect "nobody listening: refused, the VM continues" \
	"^migrate: 'mig_progress' to 10\.0\.2\.2:$closed failed: connection failed: connection refused; 'mig_progress' continues here$"
expect_eq "nobody listening: the VM's whole run happens at the source" "$(reference mig_progress)" "$(vm_lines "$last_log" mig_progress)"

# 7. Linux -> Tally through the forwarded port: first a stream with one byte corrupted (via
# faultproxy), refused; then, to the same Tally, a clean one.
fport=$((port + 3))
make_iso hub "exit=shell"
start_qemu hub 90 -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$fport-:7283 "${NIC[@]}"
hub=$qpid
H=$TEST_DIR/hub.log
wait_for "$H" "^migrate: listening on port 7283" 30
wait_for "$H" "^net: .* address 10\.0\.2\.15/24" 30
$PROXY --once --corrupt-at 2180 0 127.0.0.1:$fport >"$TEST_DIR/proxy7.out" &
proxy=$!
wait_for "$TEST_DIR/proxy7.out" "^faultproxy: listening on " 10
pport=$(sed -n 's/^faultproxy: listening on 127\.0\.0\.1://p' "$TEST_DIR/proxy7.out")
program mig_progress 127.0.0.1:$pport
$MIPSVM -v "$TEST_DIR/mig_progress.s" >"$TEST_DIR/linux7a.out" 2>"$TEST_DIR/linux7a.err"
wait $proxy
expect "corrupted byte: faultproxy flipped byte 2180" "^faultproxy: corrupted byte 2180 " "$TEST_DIR/proxy7.out"
wait_for "$H" "^migrate: from 10\.0\.2\.2:[0-9]+: " 10
expect "corrupted byte: Tally refuses the stream" \
	"^migrate: from 10\.0\.2\.2:[0-9]+: the source sent a record with a bad CRC; what arrived is discarded$" "$H"
expect "corrupted byte: mipsvm hears the refusal" \
	"^migrate: 'mig_progress' to 127\.0\.0\.1:$pport failed: the destination refused the VM: the source sent a record with a bad CRC; 'mig_progress' continues here$" \
	"$TEST_DIR/linux7a.err"
expect_eq "corrupted byte: the VM's whole run happens in mipsvm" "$(reference mig_progress)" "$(cat "$TEST_DIR/linux7a.out")"
program mig_progress 127.0.0.1:$fport
$MIPSVM -v "$TEST_DIR/mig_progress.s" >"$TEST_DIR/linux7b.out" 2>"$TEST_DIR/linux7b.err"
expect_eq "Linux -> Tally: mipsvm exits 0 once the VM has moved" 0 $?
wait_for "$H" "^mips: 'mig_progress' exited" 60
kill $hub 2>/dev/null
wait $hub 2>/dev/null
expect "Linux -> Tally: mipsvm reports the move" "^migrate: 'mig_progress' moved to 127\.0\.0\.1:$fport: $STATS$" "$TEST_DIR/linux7b.err"
expect "Linux -> Tally: the same Tally, still up, takes it" "^migrate: 'mig_progress' received from 10\.0\.2\.2:[0-9]+: $STATS$" "$H"
expect_eq "Linux -> Tally: mipsvm's lines + Tally's lines = the uninterrupted run" "$(reference mig_progress)" \
	"$(cat "$TEST_DIR/linux7b.out"; vm_lines "$H" mig_progress)"

# 8. Tally -> Linux: mipsvm --listen takes the VM from Tally (10.0.2.2 is the host's loopback).
$MIPSVM --listen 127.0.0.1:0 --once >"$TEST_DIR/linux8.out" 2>"$TEST_DIR/linux8.err" &
listener=$!
wait_for "$TEST_DIR/linux8.err" "^mipsvm: listening on 127\.0\.0\.1:[0-9]+$" 10
lport=$(sed -n 's/^mipsvm: listening on 127\.0\.0\.1://p' "$TEST_DIR/linux8.err")
program mig_progress 10.0.2.2:$lport
make_iso src8 "" "$TEST_DIR/mig_progress.s" "mips name=mig_progress"
boot_qemu src8 60 -netdev user,id=n0 "${NIC[@]}"
wait $listener
expect_eq "Tally -> Linux: mipsvm --once exits 0 after the VM ends" 0 $?
expect "Tally -> Linux: Tally reports the move" "^migrate: 'mig_progress' moved to 10\.0\.2\.2:$lport: $STATS$"
expect "Tally -> Linux: mipsvm reports the arrival" "^migrate: 'mig_progress' received from 127\.0\.0\.1:[0-9]+: $STATS$" \
	"$TEST_DIR/linux8.err"
expect_eq "Tally -> Linux: Tally's lines + mipsvm's lines = the uninterrupted run" "$(reference mig_progress)" \
	"$(vm_lines "$last_log" mig_progress; sed 's/^mig_progress: //' "$TEST_DIR/linux8.out")"

finish
