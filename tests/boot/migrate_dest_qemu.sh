#!/usr/bin/env bash
# migrate_dest_qemu.sh: a Tally booted without VMs, default exit= (poweroff), is a migration
# destination: it says so and stays up; a short MIGRATE program sent twice from mipsvm (through
# QEMU's forwarded port) arrives, finishes there each time, and the Tally is still up after both.
. tests/boot/lib.sh

MIPSVM=build/mipsvm
fport=$((23000 + $$ % 20000))
NIC=(-device virtio-net-pci,netdev=n0,disable-legacy=on)

make_iso dest ""
D=$TEST_DIR/dest.log
rm -f "$D"
tools/run-qemu.sh --tcg -s "$D" -t 120 "$TEST_DIR/dest.iso" -- \
	-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$fport-:7283 "${NIC[@]}" &
qemu=$!
wait_for "$D" "^migrate: listening on port 7283" 60 && wait_for "$D" '^net: .* address 10\.0\.2\.15/24' 30
expect "booted without VMs, it says it stays up" \
	"^Tally: booted without VMs: stays up to receive migrations; 'halt' in the shell powers off$" "$D"

sed "s/@TARGET@/127.0.0.1:$fport/" tests/mips/mig_short.s >"$TEST_DIR/mig_short.s"
for round in 1 2; do
	"$MIPSVM" -v "$TEST_DIR/mig_short.s" >"$TEST_DIR/src$round.out" 2>"$TEST_DIR/src$round.err"
	expect_eq "round $round: mipsvm exits 0 once the VM has moved" 0 $?
	expect "round $round: mipsvm reports the move" "^migrate: 'mig_short' moved to 127\.0\.0\.1:$fport: " "$TEST_DIR/src$round.err"
	wait_for "$D" "^(\[mig_short\] ok|mips: 'mig_short' exited after [0-9]+ instructions)$" 60 >/dev/null
	n=0
	for _ in $(seq 1 600); do
		n=$(tr -d '\r' <"$D" | grep -cE "^mips: 'mig_short' exited after [0-9]+ instructions$")
		[ "$n" -ge "$round" ] && break
		sleep 0.1
	done
	expect_eq "round $round: the VM finishes at the destination" "$round" "$n"
done
oks=$(cat "$TEST_DIR/src1.out" "$TEST_DIR/src2.out"; tr -d '\r' <"$D" | sed -n 's/^\[mig_short\] //p')
expect_eq "each VM printed its ok once, at the source or the destination" "ok
ok" "$oks"
if kill -0 "$qemu" 2>/dev/null; then pass "after both VMs ended the destination is still up"; else fail "the destination is gone after its VMs ended"; fi
expect_not "it never powered off or said all VMs ended" '^Tally: (powering off|all VMs have ended)' "$D"
kill "$qemu" 2>/dev/null
wait "$qemu" 2>/dev/null

# A name DNS cannot resolve (QEMU's user network gives Tally its DNS server by DHCP), typed into
# the shell once DHCP has answered: one line naming the failure, and the VM goes on where it is.
make_iso dns "exit=shell" guest/mips/ticker.s "mips name=ticker"
L=$TEST_DIR/dns.log fifo=$TEST_DIR/dns.serial
rm -f "$L" "$fifo.in" "$fifo.out"
mkfifo "$fifo.in" "$fifo.out"
tools/run-qemu.sh --tcg --serial-pipe "$fifo" -t 120 "$TEST_DIR/dns.iso" -- -netdev user,id=n0 "${NIC[@]}" &
qemu=$!
cat "$fifo.out" >"$L" &
reader=$!
exec {keys}>"$fifo.in"
if wait_for "$L" '^net: .* address 10\.0\.2\.15/24 .*\(DHCP\)$' 60 && wait_for "$L" '^Shell: ' 30; then
	printf 'migrate ticker nosuch.invalid\r' >&$keys
	wait_for "$L" "^migrate: 'ticker' to nosuch\.invalid" 60
fi
printf 'vms\r' >&$keys
wait_for "$L" '^  mips  ticker ' 10
printf 'halt\r' >&$keys
wait "$qemu"
exec {keys}>&-
wait "$reader" 2>/dev/null
expect "an unknown DNS name: one line, the VM continues here" \
	"^migrate: 'ticker' to nosuch\.invalid failed: connection failed: host name not found \(not in hosts=, and DNS did not resolve it\); 'ticker' continues here$" "$L"
expect "... and it is still running here" '^  mips  ticker +(running|blocked|runnable)' "$L"
finish
