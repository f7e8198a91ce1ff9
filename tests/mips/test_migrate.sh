#!/usr/bin/env bash
# test_migrate.sh: mipsvm live migration over TCP on 127.0.0.1: Linux to Linux with output equal to
# the uninterrupted run, a VM rewriting 1 MiB while it moves, nobody listening, a wrong key, single
# bytes corrupted and a stream cut by faultproxy, a killed destination, a shared key, two VMs
# arriving at one server at once, a float computation moved mid-way. Programs: tests/mips/mig_progress.s,
# mig_writer.s and mig_float.s.
cd "$(dirname "$0")/../.." || exit 1
. tests/mips/lib.sh
PROXY=build/tool/faultproxy
NAME=mig_progress
IP='127\.0\.0\.1'
STATS='[0-9]+ rounds?, [0-9]+ pages \([0-9]+ in the paused round\), [0-9]+ bytes, total [0-9]+\.[0-9] ms, downtime [0-9]+\.[0-9] ms, [0-9]+\.[0-9]{2} MB/s'

# wait_line FILE REGEX: prints the first line of FILE matching REGEX, waiting up to 10 s for it.
wait_line() {
	for _ in $(seq 200); do
		grep -Em1 -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# prog PROGRAM TARGET DIR: $TMP/DIR/PROGRAM.s with MIGRATE's target filled in (the file name is
# the VM's name, the same in every case).
prog() {
	mkdir -p "$TMP/$3"
	sed "s/@TARGET@/$2/" "tests/mips/$1.s" >"$TMP/$3/$1.s"
}

# dest CASE [options]: a mipsvm --listen 127.0.0.1:0 in the background (output in
# $TMP/CASE.dst.out and .err); sets DPID and DPORT from its "listening on" line.
dest() {
	local c=$1
	shift
	"$MIPSVM" --listen 127.0.0.1:0 "$@" >"$TMP/$c.dst.out" 2>"$TMP/$c.dst.err" &
	DPID=$!
	DPORT=$(wait_line "$TMP/$c.dst.err" '^mipsvm: listening on 127\.0\.0\.1:[0-9]+$' | sed 's/.*://')
}

# proxy CASE [faultproxy options]: faultproxy --once to the destination DPORT; sets PPORT.
proxy() {
	local c=$1
	shift
	"$PROXY" --once "$@" 0 "127.0.0.1:$DPORT" >"$TMP/$c.proxy" 2>&1 &
	PPORT=$(wait_line "$TMP/$c.proxy" '^faultproxy: listening on ' | sed 's/.*://')
}

# src CASE PROGRAM DIR [options]: runs the source in the foreground; SRC_RC is its status.
src() {
	local c=$1 p=$2 d=$3
	shift 3
	"$MIPSVM" "$@" -v "$TMP/$d/$p.s" >"$TMP/$c.src.out" 2>"$TMP/$c.src.err"
	SRC_RC=$?
}

# joined CASE PROGRAM: the source's output, then the destination's without the VM's prefix.
joined() { cat "$TMP/$1.src.out"; sed "s/^$2: //" "$TMP/$1.dst.out"; }

# expect_lines DESCRIPTION FILE N: FILE has exactly N lines.
expect_lines() { expect_eq "$1" "$3" "$(wc -l <"$2")"; }

# The uninterrupted runs: MIGRATE (one word) replaced by a nop.
for p in mig_progress mig_writer mig_float; do
	mkdir -p "$TMP/ref"
	sed 's/^\tMIGRATE @TARGET@$/\tnop/' "tests/mips/$p.s" >"$TMP/ref/$p.s"
	"$MIPSVM" -v "$TMP/ref/$p.s" >"$TMP/$p.ref" 2>&1
done
expect "the uninterrupted run ends with its DUMP_PROCESSOR_STATE" '^instructions = [0-9]+$' "$TMP/mig_progress.ref"

# a. Linux to Linux: the source's lines, then the destination's, are the uninterrupted run's.
dest a --once
prog $NAME "127.0.0.1:$DPORT" a
src a $NAME a
wait "$DPID"
drc=$?
expect_eq "a: the source exits 0 once its VM moved" 0 "$SRC_RC"
expect_eq "a: the destination (--once) exits 0 once the VM it received exited" 0 "$drc"
check "a: source output + destination output = the uninterrupted run, final dump included" \
	cmp -s <(joined a $NAME) "$TMP/$NAME.ref"
expect_eq "a: every destination line carries the VM's prefix" 0 "$(grep -vc "^$NAME: " "$TMP/a.dst.out")"
expect_lines "a: the source says two things" "$TMP/a.src.err" 2
expect "a: ... started" "^migrate: '$NAME' to $IP:$DPORT: started, 3 pages; it runs on while they go$" "$TMP/a.src.err"
expect "a: ... moved, with the stats" "^migrate: '$NAME' moved to $IP:$DPORT: $STATS$" "$TMP/a.src.err"
expect_lines "a: the destination says five things" "$TMP/a.dst.err" 5
expect "a: ... incoming" "^migrate: incoming from $IP:[0-9]+$" "$TMP/a.dst.err"
expect "a: ... authenticated" "^migrate: from $IP:[0-9]+: authenticated; receiving$" "$TMP/a.dst.err"
expect "a: ... received, with the stats" "^migrate: '$NAME' received from $IP:[0-9]+: $STATS$" "$TMP/a.dst.err"
expect "a: ... resumed where it was paused" \
	"^mips: resumed '$NAME' \(from $IP:[0-9]+\) at pc 0x004000[0-9a-f]{2} after [0-9]+ instructions$" "$TMP/a.dst.err"
closed=$DPORT	# nobody listens there any more

# a2. In the middle of a float computation: the FP registers and condition flags move with the VM.
dest a2 --once
prog mig_float "127.0.0.1:$DPORT" a2
src a2 mig_float a2
wait "$DPID"
check "a2: a float computation moved mid-way: source + destination output = the uninterrupted run (FP registers and flags in its final dump)" \
	cmp -s <(joined a2 mig_float) "$TMP/mig_float.ref"
at=$(sed -nE "s/^mips: resumed 'mig_float' .* after ([0-9]+) instructions$/\1/p" "$TMP/a2.dst.err")
total=$(sed -n 's/^instructions = //p' "$TMP/mig_float.ref")
check "a2: the VM resumed inside the float loop (after ${at:-?} of $total instructions)" \
	[ "${at:-0}" -gt 10 -a "${at:-0}" -lt $((total - 30)) ]

# b. A VM rewriting 1 MiB while its pages go: more than one round, pages sent again.
dest b --once
prog mig_writer "127.0.0.1:$DPORT" b
src b mig_writer b
wait "$DPID"
drc=$?
expect_eq "b: source and destination exit 0" "0 0" "$SRC_RC $drc"
check "b: source output + destination output = the uninterrupted run" cmp -s <(joined b mig_writer) "$TMP/mig_writer.ref"
started=$(sed -n 's/.*started, \([0-9]*\) pages.*/\1/p' "$TMP/b.src.err")
moved=$(grep "moved to" "$TMP/b.src.err")
rounds=$(sed -n 's/.*: \([0-9]*\) rounds\{0,1\}, .*/\1/p' <<<"$moved")
pages=$(sed -n 's/.*rounds\{0,1\}, \([0-9]*\) pages.*/\1/p' <<<"$moved")
check "b: at least 256 pages ($started) resident when MIGRATE ran" [ "${started:-0}" -ge 256 ]
check "b: more than one round ($rounds)" [ "${rounds:-0}" -gt 1 ]
check "b: dirty pages were sent again ($pages pages sent)" [ "${pages:-0}" -gt "${started:-0}" ]

# c. Nobody listening: the VM finishes here with the uninterrupted output.
prog $NAME "127.0.0.1:$closed" c
src c $NAME c
expect_eq "c: the source exits 0" 0 "$SRC_RC"
check "c: its output is the uninterrupted run's" cmp -s "$TMP/c.src.out" "$TMP/$NAME.ref"
expect_lines "c: two messages" "$TMP/c.src.err" 2
expect "c: ... the refusal" \
	"^migrate: '$NAME' to $IP:$closed failed: connection failed: connection refused; '$NAME' continues here$" \
	"$TMP/c.src.err"

# c2. A bad target: one line says why, the VM carries on; a host name is resolved.
prog $NAME "127.0.0.1:99999" c2
src c2 $NAME c2
check "c: a bad port: the VM runs to the end here" cmp -s "$TMP/c2.src.out" "$TMP/$NAME.ref"
expect_lines "c: ... after one message" "$TMP/c2.src.err" 1
expect "c: ... saying why" \
	"^migrate: '$NAME' to 127\.0\.0\.1:99999: port '99999' is not a number from 1 to 65535; '$NAME' continues here$" \
	"$TMP/c2.src.err"
prog mig_short "localhost:$closed" c3
src c3 mig_short c3
expect_eq "c: localhost, nobody listening: the VM finishes here" "ok" "$(cat "$TMP/c3.src.out")"
expect "c: ... refused" \
	"^migrate: 'mig_short' to localhost:$closed failed: connection failed: connection refused; 'mig_short' continues here$" \
	"$TMP/c3.src.err"

# d to g against one keyed server that must survive every refused stream, then take a good one.
printf 'right key\n' >"$TMP/keyfile"
dest d --once --migrate-key-file "$TMP/keyfile"
server=$DPID
srvport=$DPORT

# d. Wrong key: refused there, finished here.
prog $NAME "127.0.0.1:$srvport" d
src d $NAME d --migrate-key 'wrong key'
expect_eq "d: wrong key: the source exits 0" 0 "$SRC_RC"
check "d: ... its output is the uninterrupted run's" cmp -s "$TMP/d.src.out" "$TMP/$NAME.ref"
expect "d: ... the source reports the refusal" "^migrate: '$NAME' to $IP:$srvport failed: the destination refused the VM: refused: authentication failed \(wrong migrate_key\?\); '$NAME' continues here$" "$TMP/d.src.err"
expect "d: ... the destination refused it" \
	"^migrate: from $IP:[0-9]+: refused: authentication failed \(wrong migrate_key\?\); what arrived is discarded$" \
	"$TMP/d.dst.err"

# e. One bit flipped by faultproxy: in the header, in the first page, in the final round's record.
# The stream: header record (12 + 32 + name + 32 bytes), a round record (32), page records (4112).
hdr=$((12 + 32 + ${#NAME} + 32))
refused=0
for at in 20 $((hdr + 32 + 12 + 2048)) $((hdr + 32 + 3 * 4112 + 16)); do
	proxy "e$at" --corrupt-at "$at"
	prog $NAME "127.0.0.1:$PPORT" "e$at"
	src "e$at" $NAME "e$at" --migrate-key 'right key'
	refused=$((refused + 1))
	expect_count "e: byte $at corrupted: the destination refused the stream" $refused \
		"^migrate: from $IP:[0-9]+: the source sent a record with a bad CRC; what arrived is discarded$" "$TMP/d.dst.err"
	expect "e: byte $at: the proxy flipped it" "^faultproxy: corrupted byte $at " "$TMP/e$at.proxy"
	expect_eq "e: byte $at: the source exits 0" 0 "$SRC_RC"
	check "e: byte $at: ... with the uninterrupted output" cmp -s "$TMP/e$at.src.out" "$TMP/$NAME.ref"
	expect "e: byte $at: ... and the refusal" "^migrate: '$NAME' to $IP:$PPORT failed: the destination refused the VM: the source sent a record with a bad CRC; '$NAME' continues here$" "$TMP/e$at.src.err"
done

# f. The stream cut in the middle of the first page (both connections reset).
cut=$((hdr + 32 + 2000))
proxy f --cut-at $cut
prog $NAME "127.0.0.1:$PPORT" f
src f $NAME f --migrate-key 'right key'
expect_eq "f: cut after $cut bytes: the source exits 0" 0 "$SRC_RC"
check "f: ... with the uninterrupted output" cmp -s "$TMP/f.src.out" "$TMP/$NAME.ref"
expect "f: ... and says the connection was reset" "^migrate: '$NAME' to $IP:$PPORT failed: connection failed: connection reset by peer; '$NAME' continues here$" "$TMP/f.src.err"
wait_line "$TMP/d.dst.err" "connection reset by peer; what arrived is discarded$" >/dev/null
expect "f: the destination discards what arrived" \
	"^migrate: from $IP:[0-9]+: connection failed: connection reset by peer; what arrived is discarded$" "$TMP/d.dst.err"

# g. The same key on both ends: the server, still up after all that, takes the VM and exits.
check "g: the server is still running" kill -0 "$server"
prog $NAME "127.0.0.1:$srvport" g
src g $NAME g --migrate-key 'right key'
wait "$server"
drc=$?
expect_eq "g: same key: source and destination exit 0" "0 0" "$SRC_RC $drc"
mv "$TMP/d.dst.out" "$TMP/g.dst.out"
check "g: ... the moved run's output is the uninterrupted run's" cmp -s <(joined g $NAME) "$TMP/$NAME.ref"
expect "g: ... moved" "^migrate: '$NAME' moved to $IP:$srvport: $STATS$" "$TMP/g.src.err"
expect_count "g: the server received exactly one VM" 1 "^migrate: '$NAME' received from " "$TMP/d.dst.err"

# f2. The destination killed once the source has started: it was stopped before accepting, so the
# connection waits in its backlog; SIGKILL closes the listener and the kernel resets it.
dest k
disown "$DPID"	# no "Killed" notice from the shell
kill -STOP "$DPID"
prog $NAME "127.0.0.1:$DPORT" k
"$MIPSVM" -v "$TMP/k/$NAME.s" >"$TMP/k.src.out" 2>"$TMP/k.src.err" &
spid=$!
wait_line "$TMP/k.src.err" "started" >/dev/null
kill -KILL "$DPID"
wait "$spid"
expect_eq "f: destination killed: the source exits 0" 0 "$?"
check "f: ... with the uninterrupted output" cmp -s "$TMP/k.src.out" "$TMP/$NAME.ref"
expect "f: ... and says the connection was reset" "^migrate: '$NAME' to $IP:$DPORT failed: connection failed: connection reset by peer; '$NAME' continues here$" "$TMP/k.src.err"

# h. Two VMs at once to a server without --once: the second is renamed; both finish correctly.
# The two are live there together only while the first one's remaining 38 M instructions last:
# translated, they end before the second arrives, so this server interprets.
MIPSVM_ENGINE=interp dest h
prog $NAME "127.0.0.1:$DPORT" h
"$MIPSVM" -v "$TMP/h/$NAME.s" >"$TMP/h1.src.out" 2>"$TMP/h1.src.err" &
s1=$!
src h2 $NAME h
wait "$s1"
expect_eq "h: both sources exit 0" "0 0" "$? $SRC_RC"
for n in $NAME $NAME-2; do	# the server flushes its output once idle
	wait_line "$TMP/h.dst.out" "^$n: instructions = " >/dev/null
done
check "h: the server keeps listening after its VMs ended" kill -0 "$DPID"
kill "$DPID"
wait "$DPID" 2>/dev/null
expect "h: the second arrival runs as $NAME-2" "^mips: resumed '$NAME-2' \(from $IP:[0-9]+\)" "$TMP/h.dst.err"
for n in $NAME $NAME-2; do
	grep "^$n: " "$TMP/h.dst.out" | sed "s/^$n: //" >"$TMP/h.$n"
	check "h: $n's lines ($(wc -l <"$TMP/h.$n")) end the run, its final dump included" \
		cmp -s <(tail -n "$(wc -l <"$TMP/h.$n")" "$TMP/$NAME.ref") "$TMP/h.$n"
done
check "h: with the two sources' lines, they make two whole runs" cmp -s \
	<(cat "$TMP/h1.src.out" "$TMP/h2.src.out" "$TMP/h.$NAME" "$TMP/h.$NAME-2" | sort) <(cat "$TMP/$NAME.ref" "$TMP/$NAME.ref" | sort)

# i. One server, 66 VMs one after another: ended VMs give their places to new ones (the table holds
# 64); one that arrives while another of its name runs there is renamed mig_short-2...
dest i
prog mig_short "127.0.0.1:$DPORT" i
for _ in $(seq 66); do
	"$MIPSVM" -v "$TMP/i/mig_short.s" >>"$TMP/i.src.out" 2>>"$TMP/i.src.err"
done
oks() { cat "$TMP/i.src.out" "$TMP/i.dst.out" | grep -c '^\(mig_short\(-[0-9]*\)\?: \)\?ok$'; }
for _ in $(seq 200); do	# the 66th VM finishes, then the idle server flushes its output
	[ "$(oks)" -ge 66 ] && break
	sleep 0.05
done
check "i: the server is still up" kill -0 "$DPID"
kill "$DPID"
wait "$DPID" 2>/dev/null
expect_count "i: 66 VMs moved" 66 "^migrate: 'mig_short' moved to " "$TMP/i.src.err"
expect_count "i: 66 resumed at the server" 66 "^mips: resumed 'mig_short(-[0-9]+)?' \(from $IP:[0-9]+\) at pc 0x004000[0-9a-f]{2} after [0-9]+ instructions$" "$TMP/i.dst.err"
# A VM may finish its count before its pages are all across (a loaded machine): it then waits at
# its exit, and the exit runs at the server; its "ok" was printed at the source.
expect_eq "i: every VM printed its ok exactly once, at the source or at the server" 66 "$(oks)"
expect_eq "i: the source printed nothing else" "$(grep -c '' "$TMP/i.src.out")" "$(grep -c '^ok$' "$TMP/i.src.out")"

# Key options.
: >"$TMP/empty"
"$MIPSVM" --listen 127.0.0.1:0 --migrate-key-file "$TMP/empty" 2>"$TMP/k.err"
expect_eq "an empty key file: status 2" 2 "$?"
expect "... and why" "^mipsvm: --migrate-key-file: the key must have 1 to 128 bytes \(it has 0\)$" "$TMP/k.err"
"$MIPSVM" --listen 127.0.0.1:0 --migrate-key "$(printf 'k%.0s' $(seq 129))" 2>/dev/null
expect_eq "a 129-byte key: status 2" 2 "$?"
"$MIPSVM" --once -v "$TMP/ref/$NAME.s" 2>/dev/null
expect_eq "--once without --listen: status 2" 2 "$?"
"$MIPSVM" --listen 127.0.0.1:99999 2>"$TMP/l.err"
expect_eq "a bad --listen port: status 2" 2 "$?"
finish
