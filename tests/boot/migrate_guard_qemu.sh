#!/usr/bin/env bash
# migrate_guard_qemu.sh: Tally's migration receiver under QEMU TCG against what it must refuse, and
# must not be locked out by (issue 20): a VM that does not fit (migrate_mem=, Tally's own memory),
# a name clash and more live VMs than the old fixed table, unknown header flags, bytes after END,
# slow unauthenticated senders, eight authenticated transfers and a ninth, and the time bounds.
# Senders are mipsvm (a real VM, whose whole output must survive a refusal) and
# tests/tools/migcraft.py (crafted streams), both reaching Tally through slirp's forwarded port.
# Judged by exact lines, never by time.
. tests/boot/lib.sh

F=tests/mips
MIPSVM=build/mipsvm
CRAFT=tests/tools/migcraft.py
fport=$((23000 + $$ % 20000)) # per run, so parallel runs on one machine do not collide
NIC=(-device virtio-net-pci,netdev=n0,disable-legacy=on)
WHO='10\.0\.2\.2:[0-9]+' # every sender reaches Tally from slirp's host address
helpers=()

# program SRC NAME TARGET [PAGES]: tests/mips/SRC.s aimed at TARGET, as $TEST_DIR/NAME.s (so the VM
# is called NAME), and its uninterrupted run's stdout in $TEST_DIR/NAME.ref.
program() {
	local pages=${4:-1}
	sed -e "s/@TARGET@/$3/" -e "s/@PAGES@/$pages/g" "$F/$1.s" >"$TEST_DIR/$2.s"
	sed -e 's/^\tMIGRATE @TARGET@$/\tnop/' -e "s/@PAGES@/$pages/g" "$F/$1.s" >"$TEST_DIR/$2-ref.s"
	$MIPSVM --mem 256 -v "$TEST_DIR/$2-ref.s" >"$TEST_DIR/$2.ref" 2>/dev/null
}

# send NAME [mipsvm options]: mipsvm runs $TEST_DIR/NAME.s; stdout NAME.out, stderr NAME.err, status $send_rc.
send() {
	local name=$1
	shift
	send_rc=0
	$MIPSVM "$@" -v "$TEST_DIR/$name.s" >"$TEST_DIR/$name.out" 2>"$TEST_DIR/$name.err" || send_rc=$?
}

# hub NAME CMDLINE MEM [FILE "module cmdline"]...: boots Tally with slirp forwarding 127.0.0.1:$fport
# to its port 7283 and waits until it listens and has its address; QEMU's pid in $hub, log in $H.
hub() {
	local name=$1 cmdline=$2 mem=$3
	shift 3
	fport=$((fport + 1))
	make_iso "$name" "$cmdline" "$@"
	H=$TEST_DIR/$name.log last_log=$H
	rm -f "$H"
	tools/run-qemu.sh --tcg -s "$H" -t 600 -m "$mem" "$TEST_DIR/$name.iso" -- \
		-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$fport-:7283 "${NIC[@]}" &
	hub=$!
	wait_for "$H" "^migrate: listening on port 7283" 60 && wait_for "$H" "^net: .* address 10\.0\.2\.15/24" 30 ||
		fail "$name: Tally listens on its forwarded port"
}

# count LOG REGEX: how many lines of LOG match.
count() { tr -d '\r' <"$1" | grep -Ec -- "$2" || true; }

# wait_count LOG REGEX N SECONDS: until at least N lines of LOG match; false on timeout.
wait_count() {
	for _ in $(seq 1 $(($4 * 10))); do
		[ "$(count "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# craft OUT MODE ARGS...: migcraft.py in the background, its lines in $TEST_DIR/OUT; pid kept.
craft() {
	local out=$TEST_DIR/$1
	shift
	python3 "$CRAFT" "$@" >"$out" 2>&1 &
	helpers+=($!)
}

stop_helpers() {
	for p in "${helpers[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${helpers[@]}"; do wait "$p" 2>/dev/null; done
	helpers=()
}

# vm_lines LOG NAME: that VM's output lines without the prefix.
vm_lines() { tr -d '\r' <"$1" | sed -n "s/^\[$2\] //p"; }

# refused_at_source NAME WHY-REGEX: mipsvm kept its VM, heard WHY, and ran it to the end itself.
refused_at_source() {
	expect "$1: mipsvm hears why and keeps the VM" \
		"^migrate: '$1' to 127\.0\.0\.1:[0-9]+ failed: $2; '$1' continues here$" "$TEST_DIR/$1.err"
	expect_eq "$1: the VM's whole run happens in mipsvm" "$(cat "$TEST_DIR/$1.ref")" "$(cat "$TEST_DIR/$1.out")"
	expect_eq "$1: mipsvm exits 0" 0 "$send_rc"
	expect_not "$1: Tally resumed nothing of it" "^mips: resumed '$1" "$H"
}

# received NAME TALLY-NAME: Tally took the VM (as TALLY-NAME) and ran it to its end; mipsvm's lines
# and Tally's make the uninterrupted run.
received() {
	expect_eq "$1: mipsvm exits 0 once the VM has moved" 0 "$send_rc"
	expect "$1: Tally acknowledged it" "^migrate: '$1' moved to 127\.0\.0\.1:$fport: " "$TEST_DIR/$1.err"
	wait_for "$H" "^mips: resumed '$2' " 30 && wait_for "$H" "^mips: '$2' exited" 120
	expect "$1: Tally resumes it as '$2'" "^mips: resumed '$2' \(from $WHO\) at pc " "$H"
	expect_eq "$1: mipsvm's lines + Tally's lines = the uninterrupted run" "$(cat "$TEST_DIR/$1.ref")" \
		"$(cat "$TEST_DIR/$1.out"; vm_lines "$H" "$2")"
}

printf 'main:\taddiu $t0, $t0, 1\n\tb main\n' >"$TEST_DIR/spin.s" # a VM that is live until Tally stops
mods=("$TEST_DIR/spin.s" "mips name=mig_progress slice=1")
for i in $(seq 1 17); do mods+=("$TEST_DIR/spin.s" "mips name=spin$i slice=1"); done

# 1. Eighteen live VMs (the old table held 16), one of them named like the arriving VM: the VM is
# admitted before the ACK, renamed, and runs to its end.
hub guard "exit=shell migrate_mem=512K migrate_header_timeout=120000" 512M "${mods[@]}"
expect_count "18 VMs run in Tally" 18 "^mips: started '(spin[0-9]+|mig_progress)' from "
program mig_progress mig_progress "127.0.0.1:$fport"
send mig_progress
received mig_progress mig_progress-2

# 2. A VM bigger than migrate_mem=512K: the greeting says so and the sender keeps it.
program mig_big big "127.0.0.1:$fport" 256
send big --mem 2
refused_at_source big "the VM has 10[0-9][0-9] KiB of memory; the destination accepts 512 KiB"

# 3. A VM that outgrows migrate_mem= while it moves (crafted: a header of one page, then 128 pages,
# then one more): refused with a NAK naming the limit, before any ACK.
craft grow.out grow 127.0.0.1 $fport 128
wait "${helpers[@]}"
helpers=()
GROW="refused: the VM needs more than its migrate_mem= limit of 512 KiB here \(516 KiB\)"
expect "grow: Tally refuses it by its limit" "^migrate: from $WHO: $GROW; what arrived is discarded$" "$H"
expect "grow: the NAK names the limit" "^migcraft: NAK $GROW$" "$TEST_DIR/grow.out"
expect_not "grow: no ACK" "^migcraft: ACK" "$TEST_DIR/grow.out"

# 4. Unknown header flag bits.
craft flags.out flags 127.0.0.1 $fport 6
wait "${helpers[@]}"
helpers=()
FLAGS="refused: header flags \(unknown bits\) check failed in record 0"
expect "flags: Tally refuses them" "^migrate: from $WHO: $FLAGS; what arrived is discarded$" "$H"
expect "flags: the NAK says which check" "^migcraft: NAK $FLAGS$" "$TEST_DIR/flags.out"

# 5. One byte after the END record (a proxy adds it): refused before the ACK, the VM stays.
craft proxy.out tail 0 127.0.0.1 $fport
wait_for "$TEST_DIR/proxy.out" "^migcraft: listening on " 10
pport=$(sed -n "s/^migcraft: listening on 127\.0\.0\.1://p" "$TEST_DIR/proxy.out")
program mig_progress tail "127.0.0.1:$pport"
send tail
stop_helpers
expect "tail: the proxy added a byte after END" "^migcraft: appended 1 byte after the END record at byte [0-9]+$" \
	"$TEST_DIR/proxy.out"
TAIL="refused: nothing after the end record check failed in record [0-9]+"
expect "tail: Tally refuses the stream" "^migrate: from $WHO: $TAIL; what arrived is discarded$" "$H"
refused_at_source tail "the destination refused the VM: $TAIL"

# 6. Eight senders trickle a byte a second and never authenticate (their header bound is 120 s
# here, so only eviction can free a slot): a real sender still gets in, evicting the oldest.
before=$(count "$H" "^migrate: incoming from ")
for i in $(seq 1 8); do craft "trickle$i.out" trickle 127.0.0.1 $fport; done
wait_count "$H" "^migrate: incoming from " $((before + 8)) 60 || fail "trickle: Tally took all eight"
program mig_progress slow_ok "127.0.0.1:$fport"
send slow_ok
received slow_ok slow_ok
EVICT="refused: evicted for a newer sender: not authenticated after [0-9]+ ms while every slot is taken"
expect_count "trickle: exactly one trickler is evicted for it" 1 "^migrate: from $WHO: $EVICT; what arrived is discarded$"
heard() { cat "$TEST_DIR"/trickle*.out | grep -Ec "^migcraft: NAK $EVICT$"; }
for _ in $(seq 1 100); do	# the trickler reads its NAK at its next byte, up to a second after Tally's line
	[ "$(heard)" -ge 1 ] && break
	sleep 0.1
done
expect_eq "trickle: the evicted trickler hears why" 1 "$(heard)"
stop_helpers

# 7. Eight authenticated transfers kept alive by their trickle hold every slot: a ninth sender is
# told busy with a NAK and keeps its VM; the eight are not disturbed.
before=$(count "$H" "^migrate: from $WHO: authenticated; receiving$")
for i in $(seq 1 8); do craft "stall$i.out" stall 127.0.0.1 $fport "stall$i"; done
wait_count "$H" "^migrate: from $WHO: authenticated; receiving$" $((before + 8)) 60 ||
	fail "busy: eight senders authenticated"
program mig_progress busy "127.0.0.1:$fport"
send busy
BUSY="refused: busy: 8 transfers in progress, the most at once here; try again later"
expect "busy: Tally says so" "^migrate: from $WHO: $BUSY$" "$H"
refused_at_source busy "the destination refused the VM: $BUSY"
expect_eq "busy: the eight are still receiving" 0 "$(cat "$TEST_DIR"/stall*.out | grep -c "^migcraft: NAK")"
stop_helpers
kill "$hub" 2>/dev/null
wait "$hub" 2>/dev/null

# 8. Tally's own memory runs out first (40 MiB of RAM, migrate_mem=1G): the NAK says it was Tally's
# free memory, not the VM's limit; what arrived is freed, so a VM that fits is taken afterwards.
hub small "exit=shell migrate_mem=1G" 40M
program mig_big huge "127.0.0.1:$fport" 12288
send huge --mem 128
OOM="refused: Tally's free memory ran out at [0-9]+ KiB of the VM \(not its migrate_mem= limit of 1048576 KiB\)"
expect "huge: Tally names its own memory" "^migrate: from $WHO: $OOM; what arrived is discarded$" "$H"
refused_at_source huge "the destination refused the VM: $OOM"
program mig_big fits "127.0.0.1:$fport" 2048
send fits --mem 128
received fits fits
kill "$hub" 2>/dev/null
wait "$hub" 2>/dev/null

# 9. The time bounds as kernel options: a trickler is refused at migrate_header_timeout=, an
# authenticated sender kept alive by its trickle at migrate_total_timeout=; each hears why.
hub bounds "exit=shell migrate_header_timeout=1500 migrate_total_timeout=4000" 512M
craft late.out trickle 127.0.0.1 $fport
craft long.out stall 127.0.0.1 $fport long
wait_for "$TEST_DIR/late.out" "^migcraft: closed$" 60
wait_for "$TEST_DIR/long.out" "^migcraft: closed$" 60
stop_helpers
LATE="refused: not authenticated within 1500 ms"
LONG="refused: the transfer took longer than 4000 ms"
expect "bounds: Tally refuses the trickler at migrate_header_timeout=" "^migrate: from $WHO: $LATE; what arrived is discarded$" "$H"
expect "bounds: the trickler hears why" "^migcraft: NAK $LATE$" "$TEST_DIR/late.out"
expect "bounds: Tally refuses the long transfer at migrate_total_timeout=" "^migrate: from $WHO: $LONG; what arrived is discarded$" "$H"
expect "bounds: the long sender hears why" "^migcraft: NAK $LONG$" "$TEST_DIR/long.out"
kill "$hub" 2>/dev/null
wait "$hub" 2>/dev/null

finish
