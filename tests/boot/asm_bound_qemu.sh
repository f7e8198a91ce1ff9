#!/usr/bin/env bash
# asm_bound_qemu.sh: hostile MIPS modules run from Tally's shell while a heartbeat VM beats (issue
# 20, point 7; the old assembler froze Tally for over 600 s on the first one): each is refused with
# its file:line:column error and nothing of it stays, the heartbeat goes on from the beat after its
# last with none lost, and the shell answers the next command. Judged by markers, never by time.
. tests/boot/lib.sh

IMG=$TEST_DIR/disk.img
tools/mkdisk.sh "$IMG" >/dev/null
# spread: the issue's 3 KB program, one .byte line of 200 pieces of 16 MiB each.
python3 -c "print('\t.data\nx:\t.byte ' + ', '.join(['1:16777216'] * 200) + '\n\t.text\nmain:\tjr \$ra')" \
	>"$TEST_DIR/spread.s"
# words: twenty .word lines of 64 MiB each.
python3 -c "print('\t.data\n' + ''.join('w%d:\t.word 0:16777216\n' % i for i in range(20)) + '\t.text\nmain:\tjr \$ra')" \
	>"$TEST_DIR/words.s"
# late: 48 MiB of data that fits, then a bad instruction: found only after the work.
printf '\t.data\na:\t.byte 1:16777216\nb:\t.byte 2:16777216\nc:\t.byte 3:16777216\n\t.text\nmain:\tfrobnicate $t0\n' \
	>"$TEST_DIR/late.s"
for f in spread words late; do mcopy -i "$IMG" "$TEST_DIR/$f.s" "::$f.s"; done

make_iso bound "exit=shell" tests/boot/fixtures/heartbeat.s "mips name=heartbeat"
last_log=$TEST_DIR/bound.log
fifo=$TEST_DIR/bound.serial
rm -f "$fifo.in" "$fifo.out" "$last_log"
mkfifo "$fifo.in" "$fifo.out"
tools/run-qemu.sh --tcg --serial-pipe "$fifo" -t 300 --disk "$IMG" "$TEST_DIR/bound.iso" &
qemu=$!
cat "$fifo.out" >"$last_log" &
reader=$!
exec {to_tally}>"$fifo.in"

# beats: the heartbeat's count so far.
beats() { tr -d '\r' <"$last_log" | grep -c '^\[heartbeat\] beat [0-9]*$' || true; }

# hostile NAME ERROR-REGEX: runs NAME.s from the shell; it is refused with ERROR, and the heartbeat
# beats three more times after the refusal.
hostile() {
	printf 'run %s.s\r' "$1" >&$to_tally
	if wait_for "$last_log" "^mips: '$1' not started: 1 assembly error in $1\.s$" 240; then
		pass "$1: refused, not started"
	else
		fail "$1: not refused within 240 s (Tally is held)"
	fi
	expect "$1: the error names file, line and column" "^$1\.s:$2$"
	local after=$(($(beats) + 3))
	wait_for "$last_log" "^\[heartbeat\] beat $after$" 60 && pass "$1: the heartbeat goes on after it (beat $after)" ||
		fail "$1: the heartbeat stopped at beat $(beats)"
}

wait_for "$last_log" "^Shell: " 60 && wait_for "$last_log" '^\[heartbeat\] beat 3$' 60 ||
	fail "Tally's shell is up and the heartbeat beats"
LIMIT="error: program larger than the VM memory limit of 65536 KiB \(67108876 bytes of text, data and strings\)"
hostile spread "2:48: $LIMIT"
hostile words "2:13: $LIMIT"
hostile late "6:7: error: unknown instruction 'frobnicate'"
printf 'vms\r' >&$to_tally
wait_for "$last_log" "^  mips  heartbeat +running " 60
expect "vms: the heartbeat runs" "^  mips  heartbeat +running +[0-9]+ instructions, [0-9]+ pages, translated, [0-9]+ us running \([0-9]+ M/s\)$"
expect_not "vms: nothing of the hostile modules stays" "^  mips  (spread|words|late) "
printf 'halt\r' >&$to_tally
wait "$qemu"
exec {to_tally}>&-
wait "$reader" 2>/dev/null
rm -f "$fifo.in" "$fifo.out"

n=$(beats)
expect_eq "the heartbeat's beats run 1..$n in order, none lost or repeated" "$(seq 1 "$n")" \
	"$(tr -d '\r' <"$last_log" | sed -n 's/^\[heartbeat\] beat \([0-9]*\)$/\1/p')"
finish
