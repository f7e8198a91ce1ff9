#!/usr/bin/env bash
# mips_qemu.sh: MIPS VMs on bare metal under QEMU TCG: round-robin VMs from modules, SNAPSHOT to the
# FAT disk and resume from it, a corrupt snapshot refused while another VM finishes, no disk, a
# full disk, bad assembly, and the serial shell.
. tests/boot/lib.sh
F=tests/boot/fixtures

# The engine: the translator by default; TALLY_MIPS_ENGINE=interp (mips_qemu_interp.sh) interprets.
ENGINE=${TALLY_MIPS_ENGINE:-jit}
CMD="mips_engine=$ENGINE"

# vm_lines LOG NAME: that VM's output lines without the prefix.
vm_lines() { tr -d '\r' <"$1" | sed -n "s/^\[$2\] //p"; }

# 1. Two VMs and a broken program; count snapshots itself after step 2.
IMG=$TEST_DIR/disk.img
tools/mkdisk.sh "$IMG" >/dev/null
M=guest/mips
make_iso run "$CMD" $F/count.s "mips name=count slice=7" $F/sum.s "mips name=sum slice=100" $F/bad.s "mips name=bad" \
	$M/spim_segments.s "mips name=segs" $M/spim_stack.s "mips name=stack"
DISK=$IMG boot_qemu run 60
expect "both VMs started with their slices" "^mips: started 'count' .*slice 7$"
if [ "$ENGINE" = jit ]; then
	expect "the VMs are translated" "^mips: VMs are translated to x86-64 \(a 256 KiB code cache each, W\^X\)$"
else
	expect "the VMs are interpreted" "^mips: VMs are interpreted$"
fi
expect "assembly errors name file, line and column (1)" "^bad:4:15: error: "
expect "assembly errors name file, line and column (2): all errors reported" "^bad:5:2: error: unknown instruction 'frobnicate'$"
expect "a program with errors is not started" "^mips: 'bad' not started: 2 assembly errors"
expect_eq "count's output, prefixed with its name" "$(printf 'step 1\nstep 2\nafter snapshot\nstep 3\nstep 4\nstep 5')" \
	"$(vm_lines "$last_log" count | grep -v -e '^pc = ' -e '^\$' -e '^fcc ' -e '^instructions')"
expect "sum computed while sharing the CPU" '^\[sum\] 500500$'
expect "count ended normally" "^mips: 'count' exited after [0-9]+ instructions$"
expect "all VMs end" '^Tally: all VMs have ended$'
# SPIM's memory segments on bare metal: a VM's line holds both its output and spim's diagnostics,
# which are spim's standard error (text addresses masked: spim's start-up code moves them).
spim_diag='^(Exception occurred at PC=|  (Bad|Unaligned) address in |Can.t expand |Use -l)'
mask='s/0x004[0-9a-f]{5}/0x004...../g'
for v in segs:spim_segments stack:spim_stack; do
	expect_eq "${v#*:}.s prints in Tally what spim prints" "$(cat $M/${v#*:}.expected)" \
		"$(vm_lines "$last_log" ${v%%:*} | grep -Ev "$spim_diag")"
	expect_eq "${v#*:}.s: and spim's diagnostics" "$(sed -E "$mask" $M/${v#*:}.expected_err)" \
		"$(vm_lines "$last_log" ${v%%:*} | grep -E "$spim_diag" | sed -E "$mask")"
done
full_run=$(vm_lines "$last_log" count)
snap_names=$(mdir -b -i "$IMG" :: 2>/dev/null | tr -d ' ')
expect_eq "SNAPSHOT wrote count.snap on the FAT disk (mtools sees it)" "::/count.snap" "$snap_names"
fsck.fat -n "$IMG" >"$TEST_DIR/fsck.txt" 2>&1 && pass "fsck.fat finds the volume clean" || fail "fsck.fat: $(cat "$TEST_DIR/fsck.txt")"

# 2. Resume from the snapshot: the output is exactly what followed the SNAPSHOT in the full run.
make_iso resume "$CMD" $F/count.s "mips name=count snapshot=count.snap"
DISK=$IMG boot_qemu resume 60
expect "VM started from the snapshot file" "^mips: started 'count' .* at snapshot count.snap"
expect_eq "resumed output (incl. DUMP_PROCESSOR_STATE) equals the uninterrupted run's tail" \
	"$(sed -n '/^after snapshot$/,$p' <<<"$full_run")" "$(vm_lines "$last_log" count)"

# 2b. Bare metal -> Linux: mipsvm resumes Tally's snapshot file and finishes the run identically.
mcopy -o -i "$IMG" ::count.snap "$TEST_DIR/count.snap"
expect_eq "mipsvm -s on Tally's snapshot finishes the run exactly as Tally did" \
	"$(sed -n '/^after snapshot$/,$p' <<<"$full_run")" "$(cd "$TEST_DIR" && ../../mipsvm -s count.snap)"

# 2c. Linux -> bare metal: a snapshot mipsvm took after 50 instructions (step 3 not yet printed, its
# double sum being made) starts the VM in Tally.
(cd "$TEST_DIR" && rm -f linux.snap && ../../mipsvm -v ../../../$F/count.s --snapshot-at 50 linux.snap >/dev/null)
linux_rest=$(cd "$TEST_DIR" && ../../mipsvm -s linux.snap)
mcopy -o -i "$IMG" "$TEST_DIR/linux.snap" ::linux.snap
make_iso fromlinux "$CMD" $F/count.s "mips name=count snapshot=linux.snap"
DISK=$IMG boot_qemu fromlinux 60
expect_eq "Tally resumes mipsvm's snapshot with the same output as mipsvm" "$linux_rest" "$(vm_lines "$last_log" count)"
expect_eq "... which is the uninterrupted run's tail" "$(sed -n '/^step 3$/,$p' <<<"$full_run")" "$linux_rest"

# 3. A corrupted snapshot is refused with the failed check named; another VM runs to its end.
size=$(stat -c %s "$TEST_DIR/count.snap")
cp "$TEST_DIR/count.snap" "$TEST_DIR/bad.snap"
printf '\xff' | dd of="$TEST_DIR/bad.snap" bs=1 seek=$((size / 2)) conv=notrunc status=none
mcopy -o -i "$IMG" "$TEST_DIR/bad.snap" ::bad.snap
make_iso corrupt "$CMD" $F/count.s "mips name=count snapshot=bad.snap" $F/sum.s "mips name=sum"
DISK=$IMG boot_qemu corrupt 60
# The flipped byte lies inside a page section, whose CRC the loader checks before using it.
expect "corrupt snapshot refused, naming the check" "^mips: 'count' not started: bad.snap: snapshot: section crc check failed at offset [0-9]+$"
expect "the other VM runs to completion" '^\[sum\] 500500$'
expect "Tally carries on to the end" '^Tally: all VMs have ended$'

# 4. No disk: SNAPSHOT reports it and the VM continues.
make_iso nodisk "$CMD" $F/count.s "mips name=count"
boot_qemu nodisk 60
expect "banner says there is no disk" '^Disk: none \(no virtio-blk device\)'
expect "SNAPSHOT without a disk: clear error" '^disk: no disk attached'
expect "the VM is told its SNAPSHOT failed" '^\[count\] vm count: SNAPSHOT count.snap: storage write failed, not saved$'
expect_eq "the VM continued after the failed SNAPSHOT, output otherwise unchanged (state dump included)" \
	"$full_run" "$(vm_lines "$last_log" count | grep -v '^vm count: SNAPSHOT')"
expect "count still printed its last step" '^\[count\] step 5$'

# 5. Full disk: SNAPSHOT says so, the VM continues, the volume stays clean.
FULL=$TEST_DIR/full.img
tools/mkdisk.sh "$FULL" 40 >/dev/null
free=$(mdir -i "$FULL" :: | sed -nE 's/^ *([0-9 ]+) bytes free.*/\1/p' | tr -d ' ')
head -c $((free - 4096)) /dev/zero >"$TEST_DIR/filler"
mcopy -i "$FULL" "$TEST_DIR/filler" ::filler
make_iso full "$CMD" $F/count.s "mips name=count"
DISK=$FULL boot_qemu full 60
expect "SNAPSHOT on a full disk: clear error" '^disk: count.snap: disk full$'
expect "the VM continued after the failed SNAPSHOT" '^\[count\] step 5$'
fsck.fat -n "$FULL" >"$TEST_DIR/fsck2.txt" 2>&1 && pass "full volume still fsck-clean" || fail "fsck.fat: $(cat "$TEST_DIR/fsck2.txt")"

# 6. The serial shell.
long_name=$(printf 'x%.0s' $(seq 1 300))
printf '%s\n' help vms ls frobnicate 'dump count' 'kill nosuch' snapshot 'snapshot count again.snap' \
	"snapshot count $long_name.snap" 'run sum.s' vms 'stats nosuch' net \
	$'garbage\x03lspci' $'junk\x15mem' $'ls nonsense words\x17\x17' $'\x1b[A' $'frob\x1b[Dnicated\x08' \
	halt >"$TEST_DIR/input.txt"
mcopy -o -i "$IMG" $F/sum.s ::sum.s
make_iso shell "exit=shell $CMD" $F/count.s "mips name=count"
DISK=$IMG boot_qemu_shell shell 60 "$TEST_DIR/input.txt"
expect "help lists the commands" '^  snapshot <vm> <file> +save a MIPS VM to a file on the disk$'
expect "vms shows the ended VM" '^  mips  count +exited +[0-9]+ instructions'
expect "ls shows the snapshot file" '^ +[0-9]+  count.snap$'
expect "unknown command: one-line error" "^unknown command 'frobnicate' \(try 'help'\)$"
expect "dump prints the processor state" '^\[count\] pc = 0x[0-9a-f]{8} '
expect "dump shows the condition flags (count's c.lt.d set flag 5)" '^\[count\] fcc += 0 0 0 0 0 1 0 0 \(flags 0-7\)$'
expect "dump shows \$f2:\$f3, count's sum of five 0.1s" \
	'^\[count\] \$f2 += 0x[0-9a-f]{8} \([-0-9.e+]+\) +\$f2:\$f3 double 0\.5$'
expect "kill of an unknown VM" "^no MIPS VM named 'nosuch' \(try 'vms'\)$"
expect "missing arguments: usage" '^usage: snapshot <vm> <file>$'
expect "snapshot from the shell" "^snapshot: 'count' saved to again.snap \([0-9]+ bytes\)$"
expect "a line longer than the shell's buffer is refused, not run cut short" \
	'^shell: line longer than 159 characters; nothing was run$'
expect_not "no snapshot under a cut name" "^snapshot: 'count' saved to x+"
expect "run starts a VM from a file on the disk" "^mips: started 'sum' from sum.s, slice [0-9]+$"
expect "and it runs" '^\[sum\] 500500$'
expect "stats without guests says why there are no figures" '^stats: no VMX guest runs here: no guest module was started$'
expect_not "no empty statistics table under TCG" '^Exit statistics: '

expect "net without a network card says so" '^net: no virtio-net device$'
# Line editing: Ctrl-C drops the line, Ctrl-U erases it, Ctrl-W a word, the up arrow recalls the
# last line, other cursor keys insert nothing.
expect "Ctrl-C drops what was typed (garbage^C)" '^tally> garbage\^C$'
expect_not "the dropped text never joins the next line" "unknown command 'garbage"
expect_not "one prompt after Ctrl-C" '^tally> tally> '
expect_count "after Ctrl-C the next line runs (lspci: its list after the banner's)" 2 '^  00:00\.0 '
expect_not "Ctrl-U erased junk" "unknown command 'junk"
expect "after Ctrl-U the line runs (mem)" '^  frames: '
# mem's map line, from a walk of the page tables: the hypervisor's code (linker.ld's symbols) and
# each running VM's code cache (the size the banner gives, mapped twice) are all that is
# executable, and nothing is both writable and executable.
sym() { nm build/tally.elf | awk -v s="$1" '$3 == s { print "0x" $1 }'; }
text_kib=$((($(sym kernel_text_end) - $(sym kernel_start)) / 1024))
cache_kib=0
if [ "$ENGINE" = jit ]; then
	each=$(tr -d '\r' <"$last_log" | sed -nE 's/^mips: VMs are translated to x86-64 \(a ([0-9]+) KiB code cache each, W\^X\)$/\1/p')
	cache_kib=$((${each:-0} * $(tr -d '\r' <"$last_log" | grep -c "^mips: started '")))
fi
expect "mem: W^X: only code is executable, read-only; each code cache has a writable view apart" \
	"^  map: $((text_kib + cache_kib)) KiB executable: $text_kib KiB of the identity map, $cache_kib KiB of MIPS code caches \(their writable views $cache_kib KiB\); writable and executable: 0 KiB$"
expect_count "Ctrl-W erased two words, ls ran; the up arrow ran it again" 3 '^  [0-9]+ KiB free$'
expect "the left arrow inserts nothing, backspace erases" "^unknown command 'frobnicate' \(try 'help'\)$"
expect_count "so 'frobnicate' is unknown twice, never 'frob[Dnicat'" 2 "^unknown command 'frobnicate'"
expect "halt powers off" '^Tally: powering off \(halt\)$'

# 7. A CPU without execute-disable (-cpu max,-nx): Tally says so, the VMs still run, and mem's walk
# of the page tables shows what is then both writable and executable: all of the map but the
# hypervisor's read-only code (and so the code caches' writable views).
printf '%s\n' 'run sum.s' vms mem halt >"$TEST_DIR/nonx.txt"
make_iso nonx "exit=shell $CMD" $F/count.s "mips name=count"
DISK=$IMG boot_qemu_shell nonx 60 "$TEST_DIR/nonx.txt" -cpu max,-nx
expect "no NX: a warning at boot" '^warning: paging: this CPU has no execute-disable \(NX\): no page can be kept from executing$'
expect "no NX: the VMs run" '^\[sum\] 500500$'
expect "no NX: mem shows writable and executable memory" \
	'^  map: [0-9]+ KiB executable: .*; writable and executable: [1-9][0-9]* KiB$'
finish
