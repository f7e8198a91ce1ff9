#!/usr/bin/env bash
# migrate_qemu.sh: live migration under QEMU TCG: Tally to Tally over a socket netdev (a VM that
# computes, one that keeps writing 1 MiB), mipsvm to Tally and back through user-mode networking,
# and the failures: nobody listening, a corrupted byte, a wrong key, the destination killed.
# Every VM's output, source lines then destination lines, must equal mipsvm's uninterrupted run.
. tests/boot/lib.sh

F=tests/boot/fixtures
MIPSVM=build/mipsvm
PROXY=build/tool/faultproxy
port=$((21000 + $$ % 20000)) # per run, so parallel runs on one machine do not collide
NIC=(-device virtio-net-pci,netdev=n0,disable-legacy=on)

# vm_lines LOG NAME: that VM's output lines without the prefix.
vm_lines() { tr -d '\r' <"$1" | sed -n "s/^\[$2\] //p"; }

# program NAME TARGET: the fixture NAME with its MIGRATE aimed at TARGET, as $TEST_DIR/NAME-<tag>.s.
program() { sed "s/@TARGET@/$2/" "$F/$1.s" >"$TEST_DIR/$1.s"; }

# reference NAME: stdout of the uninterrupted run (its MIGRATE goes nowhere: port 1 is closed).
reference() {
	sed "s/@TARGET@/127.0.0.1:1/" "$F/$1.s" >"$TEST_DIR/$1-ref.s"
	$MIPSVM -v "$TEST_DIR/$1-ref.s" 2>/dev/null
}

# wait_for LOG REGEX SECONDS: until a line of LOG matches; false on timeout.
wait_for() {
	for _ in $(seq 1 $(($3 * 10))); do
		tr -d '\r' <"$1" 2>/dev/null | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

# start_qemu NAME SECONDS QEMU-ARGS...: boots $TEST_DIR/NAME.iso in the background; pid in $qpid.
start_qemu() {
	local name=$1 t=$2
	shift 2
	rm -f "$TEST_DIR/$name.log"
	tools/run-qemu.sh --tcg -s "$TEST_DIR/$name.log" -t "$t" "$TEST_DIR/$name.iso" -- "$@" &
	qpid=$!
}

# pair SRC-NAME DST-NAME [SHELL-INPUT]: the two ISOs joined by a socket link (10.0.3.1 -> 10.0.3.2),
# the source's shell typed SHELL-INPUT if given; the destination is stopped once its log shows $stop_at.
pair() {
	port=$((port + 1))
	start_qemu "$2" 90 -netdev socket,id=n0,listen=127.0.0.1:$port "${NIC[0]}" \
		"${NIC[1]},mac=52:54:00:00:03:02"
	local dst=$qpid
	for _ in $(seq 1 50); do
		ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
		sleep 0.1
	done
	local link=(-netdev socket,id=n0,connect=127.0.0.1:$port "${NIC[0]}" "${NIC[1]},mac=52:54:00:00:03:01")
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

# 1. Tally -> Tally: a VM that computes, moved mid-run by its own MIGRATE.
program mig_steps 10.0.3.2
make_iso src1 "ip=10.0.3.1/24" "$TEST_DIR/mig_steps.s" "mips name=mig_steps"
make_iso dst "ip=10.0.3.2/24 exit=shell"
stop_at="^mips: 'mig_steps' exited"
pair src1 dst
S=$TEST_DIR/src1.log D=$TEST_DIR/dst.log
expect "source: the transfer starts" "^migrate: 'mig_steps' to 10\.0\.3\.2: started, [0-9]+ pages; it runs on while they go$" "$S"
expect "source: acknowledged, with rounds, bytes, time, downtime" "^migrate: 'mig_steps' moved to 10\.0\.3\.2: $STATS$" "$S"
expect "source: the VM is migrated, not exited" "^mips: 'mig_steps' migrated after [0-9]+ instructions$" "$S"
expect "destination: the same report" "^migrate: 'mig_steps' received from 10\.0\.3\.1:[0-9]+: $STATS$" "$D"
expect "destination: resumed" "^mips: resumed 'mig_steps' \(from 10\.0\.3\.1:[0-9]+\) at pc 0x[0-9a-f]{8} after [0-9]+ instructions, slice 10000$" "$D"
expect "destination: it finishes" "^mips: 'mig_steps' exited after 21606926 instructions$" "$D"
judge mig_steps "$S" "$D"

# 2. Tally -> Tally: a VM that keeps rewriting its 1 MiB while the pages go.
program mig_writer 10.0.3.2
make_iso src2 "ip=10.0.3.1/24" "$TEST_DIR/mig_writer.s" "mips name=mig_writer"
stop_at="^mips: 'mig_writer' exited"
pair src2 dst
S=$TEST_DIR/src2.log D=$TEST_DIR/dst.log
expect "writer: moved after more than one round" "^migrate: 'mig_writer' moved to 10\.0\.3\.2: ([2-9]|[1-9][0-9]+) rounds, " "$S"
expect "writer: resent pages it dirtied (more than its 260)" "^migrate: 'mig_writer' received from 10\.0\.3\.1:[0-9]+: [0-9]+ rounds, (2[6-9][0-9]|[3-9][0-9]{2}|[0-9]{4,}) pages" "$D"
judge mig_writer "$S" "$D"

# 3. A wrong key: refused at the header; the VM finishes at the source, the destination carries on.
make_iso src3 "ip=10.0.3.1/24 migrate_key=alpha" "$TEST_DIR/mig_steps.s" "mips name=mig_steps"
make_iso dstkey "ip=10.0.3.2/24 exit=shell migrate_key=bravo"
stop_at="^migrate: from 10\.0\.3\.1:[0-9]+: "
pair src3 dstkey
S=$TEST_DIR/src3.log D=$TEST_DIR/dstkey.log
expect "wrong key: the destination refuses" \
	"^migrate: from 10\.0\.3\.1:[0-9]+: refused: authentication failed \(wrong migrate_key\?\); what arrived is discarded$" "$D"
expect "wrong key: the source hears why and keeps the VM" \
	"^migrate: 'mig_steps' to 10\.0\.3\.2 failed: the destination refused the VM: refused: authentication failed \(wrong migrate_key\?\); 'mig_steps' continues here$" "$S"
expect_eq "wrong key: the VM's whole run happens at the source" "$(reference mig_steps)" "$(vm_lines "$S" mig_steps)"
expect "wrong key: the source VM exits normally" "^mips: 'mig_steps' exited after 21606926 instructions$" "$S"

# 4. The destination dies mid-transfer (its QEMU killed as the writer's pages flow).
port=$((port + 1))
cp "$TEST_DIR/dst.iso" "$TEST_DIR/dst4.iso"
make_iso src4 "ip=10.0.3.1/24 migrate_timeout=1000" "$TEST_DIR/mig_writer.s" "mips name=mig_writer"
start_qemu dst4 90 -netdev socket,id=n0,listen=127.0.0.1:$port "${NIC[0]}" "${NIC[1]},mac=52:54:00:00:03:02"
dst=$qpid
for _ in $(seq 1 50); do
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
	sleep 0.1
done
(wait_for "$TEST_DIR/dst4.log" "^migrate: incoming from" 60 && sleep 0.3 && kill $dst) &
killer=$!
boot_qemu src4 90 -netdev socket,id=n0,connect=127.0.0.1:$port "${NIC[0]}" "${NIC[1]},mac=52:54:00:00:03:01"
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
expect "shell migrate: vms listed it running first" "^  mips  ticker +running +[0-9]+ instructions, [0-9]+ pages$" "$S"
expect "shell migrate: the source's VM is migrated" "^mips: 'ticker' migrated after [0-9]+ instructions$" "$S"
last=$(vm_lines "$S" ticker | sed -n 's/^tick \([0-9]*\) of 300.*/\1/p' | tail -n 1)
first=$(vm_lines "$D" ticker | sed -n 's/^tick \([0-9]*\) of 300.*/\1/p' | head -n 1)
[ "${last:-0}" -gt 0 ] && pass "shell migrate: it ticked at the source first ($last ticks)" ||
	fail "shell migrate: no tick at the source before it moved"
expect_eq "shell migrate: the destination's first tick follows the source's last" "$((${last:-0} + 1))" "${first:-none}"

# 5. Nobody listening: slirp's host port is closed, the connection is refused.
closed=$((port + 1))
program mig_steps 10.0.2.2:$closed
make_iso src5 "" "$TEST_DIR/mig_steps.s" "mips name=mig_steps"
boot_qemu src5 60 -netdev user,id=n0 "${NIC[@]}"
expect "nobody listening: refused, the VM continues" \
	"^migrate: 'mig_steps' to 10\.0\.2\.2:$closed failed: connection failed: connection refused; 'mig_steps' continues here$"
expect_eq "nobody listening: the VM's whole run happens at the source" "$(reference mig_steps)" "$(vm_lines "$last_log" mig_steps)"

finish
