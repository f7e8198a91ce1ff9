#!/usr/bin/env bash
# test_cli.sh: mipsvm end to end: snapshot round trips through fresh processes, SNAPSHOT/MIGRATE,
# several VMs with prefixed output, config files, exit statuses and error messages.
cd "$(dirname "$0")/../.." || exit 1
. tests/mips/lib.sh
prog=tests/mips/roundtrip.s

# roundtrip PROGRAM POINTS...: run k instructions, save, resume in a fresh process; output + final
# dump must equal an uninterrupted run. Sets fails and points; the run is $TMP/whole.out, the last
# --snapshot-at's messages $TMP/a.err.
roundtrip() {
	local p=$1 k
	shift
	"$MIPSVM" -v "$p" >"$TMP/whole.out" 2>&1
	total=$(sed -n 's/^instructions = //p' "$TMP/whole.out")
	check "$p: uninterrupted run reports its instruction count ($total)" [ -n "$total" ]
	fails=0
	points=0
	for k in "$@" $((total - 1)); do
		[ "$k" -lt "$total" ] || continue
		points=$((points + 1))
		"$MIPSVM" --snapshot-at "$k" "$TMP/snap" -v "$p" >"$TMP/a.out" 2>"$TMP/a.err" || { fails=$((fails + 1)); continue; }
		"$MIPSVM" -s "$TMP/snap" >"$TMP/b.out" 2>&1 || { fails=$((fails + 1)); continue; }
		cat "$TMP/a.out" "$TMP/b.out" | cmp -s - "$TMP/whole.out" || { fails=$((fails + 1)); echo "differs at k=$k"; }
	done
}

# In the middle of a float computation: the FP registers and flags travel (the dump shows them).
roundtrip tests/mips/fp_roundtrip.s $(seq 0 9 150)
check "fp_roundtrip.s: snapshot at $points points, resumed in a fresh process, equals the uninterrupted run" \
	[ "$fails" -eq 0 ]
roundtrip $prog 0 1 2 3 5 8 13 21 34 55 89 100 120 144 150 160 170 180
check "roundtrip.s: snapshot at $points points, resumed in a fresh process, equals the uninterrupted run" \
	[ "$fails" -eq 0 ]
check "--snapshot-at says where it stopped and what it wrote" grep -qx \
	"mipsvm: 'roundtrip' stopped after $((total - 1)) instructions; its snapshot is $TMP/snap ([0-9]* bytes)" "$TMP/a.err"
"$MIPSVM" --snapshot-at 50 "$TMP/snap" -v $prog >"$TMP/a.out" 2>/dev/null
"$MIPSVM" -v $prog -s "$TMP/snap" >"$TMP/c.out" 2>&1
check "-v prog -s snap resumes with the program's identity checked" \
	cmp -s <(cat "$TMP/a.out" "$TMP/c.out") "$TMP/whole.out"
printf 'main: li $t0, 1\n' >"$TMP/other.s"
"$MIPSVM" -v "$TMP/other.s" -s "$TMP/snap" >/dev/null 2>"$TMP/err"
rc=$?
check "a snapshot of another program is refused (status $rc)" [ $rc -eq 2 ]
check "  ... naming the check" grep -q "snapshot: program identity (snapshot of another program) check failed" "$TMP/err"
head -c 100 "$TMP/snap" >"$TMP/short"
"$MIPSVM" -s "$TMP/short" 2>"$TMP/err"
check "a truncated snapshot is refused with the failed check" grep -q "snapshot: section length (file truncated) check failed at offset 65" "$TMP/err"

# SNAPSHOT and MIGRATE para-instructions.
cat >"$TMP/para.s" <<EOS
main:	li \$t0, 41
	SNAPSHOT para.snap
	addi \$t0, \$t0, 1
	MIGRATE 127.0.0.1:1
	move \$a0, \$t0
	li \$v0, 1
	syscall
EOS
"$MIPSVM" --snapshot-dir "$TMP" -v "$TMP/para.s" >"$TMP/p.out" 2>"$TMP/p.err"
check "SNAPSHOT and MIGRATE continue the VM" grep -qx 42 "$TMP/p.out"
check "MIGRATE to a closed port reports the failure (the VM has exited by then)" grep -qx \
	"migrate: 'para' to 127.0.0.1:1 failed: connection failed: connection refused" "$TMP/p.err"
check "SNAPSHOT says what it saved, where" grep -qx "mipsvm: SNAPSHOT para.snap: saved in $TMP ([0-9]* bytes)" "$TMP/p.err"
"$MIPSVM" -s "$TMP/para.snap" >"$TMP/p2.out" 2>/dev/null
check "the SNAPSHOT file resumes after the SNAPSHOT instruction" grep -qx 42 "$TMP/p2.out"

# SNAPSHOT names stay inside the snapshot directory (issue 20, point 2): a VM that arrived over the
# network must not write anywhere else on this host. Each refusal is said and the VM goes on.
mkdir -p "$TMP/snaps/sub" "$TMP/outside"
ln -s "$TMP/outside" "$TMP/snaps/link"
ln -s "$TMP/outside/f" "$TMP/snaps/flink"
for name in "$TMP/outside/abs" ../outside/up sub/../../outside/up2 link/f flink; do
	printf 'main:\tSNAPSHOT %s\n\tli $a0, 7\n\tli $v0, 1\n\tsyscall\n' "$name" >"$TMP/esc.s"
	"$MIPSVM" --snapshot-dir "$TMP/snaps" -v "$TMP/esc.s" >"$TMP/e.out" 2>"$TMP/e.err"
	check "SNAPSHOT $name is refused, the VM continues" grep -qx 7 "$TMP/e.out"
	check "  ... with a clear error" grep -q "^mipsvm: SNAPSHOT $name: refused: .*(names stay inside the snapshot directory $TMP/snaps)\|^mipsvm: $name: a symbolic link (not followed)" "$TMP/e.err"
done
check "  ... and nothing was written outside it" [ -z "$(ls -A "$TMP/outside")" ]
printf 'main:\tSNAPSHOT sub/in.snap\n\tli $v0, 10\n\tsyscall\n' >"$TMP/in.s"
"$MIPSVM" --snapshot-dir "$TMP/snaps" -v "$TMP/in.s" >/dev/null 2>&1
check "a name in a subdirectory of the snapshot directory is written there" [ -s "$TMP/snaps/sub/in.snap" ]
"$MIPSVM" --snapshot-dir "$TMP/nothere" -v "$TMP/in.s" >/dev/null 2>"$TMP/e.err"
check "a missing --snapshot-dir is bad input" [ $? -eq 2 ]

# Every input read is bounded by what its format allows (issue 20, point 6).
start=$(date +%s)
timeout 20 "$MIPSVM" -s /dev/zero >/dev/null 2>"$TMP/z.err"
rc=$?
check "-s /dev/zero is refused at once (status $rc, $(( $(date +%s) - start )) s)" [ $rc -eq 2 ]
check "  ... saying the bound" grep -q "^mipsvm: /dev/zero: snapshot: longer than [0-9]* bytes, the most a VM within --mem 64 MiB can need$" "$TMP/z.err"
timeout 20 "$MIPSVM" -v /dev/zero >/dev/null 2>"$TMP/z.err"
check "-v /dev/zero is refused at once (status $?)" grep -q "^mipsvm: /dev/zero: longer than 16777216 bytes$" "$TMP/z.err"
timeout 20 "$MIPSVM" -c /dev/zero >/dev/null 2>"$TMP/z.err"
check "-c /dev/zero is refused at once" grep -q "^mipsvm: /dev/zero: longer than" "$TMP/z.err"

# Several VMs: every output line prefixed by the VM's name, lines kept whole.
printf 'main: li $v0, 4\nla $a0, s\nsyscall\nsyscall\n.data\ns: .asciiz "one\\ntwo\\n"\n' >"$TMP/a.s"
cp "$TMP/a.s" "$TMP/b.s"
"$MIPSVM" --slice 1 -v "$TMP/a.s" -v "$TMP/b.s" >"$TMP/m.out"
check "two VMs, slice 1: each line carries its VM's name" [ "$(grep -c '^a: one$' "$TMP/m.out")" -eq 2 \
	-a "$(grep -c '^b: two$' "$TMP/m.out")" -eq 2 -a "$(wc -l <"$TMP/m.out")" -eq 8 ]

# Config files.
printf '# comment\nvm_exec_slice_in_instructions = 3\nvm_binary=%s\n\nvm_binary =  %s \n' "$TMP/a.s" "$TMP/b.s" >"$TMP/ok.cfg"
"$MIPSVM" -c "$TMP/ok.cfg" >"$TMP/cfg.out" 2>"$TMP/cfg.err"
check "a config file with a comment and blanks around '=' runs its two VMs" \
	[ "$(wc -l <"$TMP/cfg.out")" -eq 8 -a "$(grep -c 'ok\.cfg' "$TMP/cfg.err")" -eq 0 ]
printf 'vm_binary=%s\nvm_binary = %s/nosuch.s\n' "$TMP/a.s" "$TMP" >"$TMP/miss.cfg"
"$MIPSVM" -c "$TMP/miss.cfg" >/dev/null 2>"$TMP/miss.err"
check "a missing vm_binary file is named at its config line" grep -qx \
	"$TMP/miss.cfg:2: error: vm_binary $TMP/nosuch.s: No such file or directory" "$TMP/miss.err"
printf 'vm_exec_slice_in_instructions=3\nvm_binary=%s\nvm_binary=%s\n' "$TMP/a.s" "$TMP/b.s" >"$TMP/ok.cfg"
"$MIPSVM" -c "$TMP/ok.cfg" >"$TMP/cfg.out"
check "vm_binary twice runs two VMs" [ "$(wc -l <"$TMP/cfg.out")" -eq 8 ]
printf 'vm_exec_slice_in_instructions=0\nfoo=1\nnonsense\n' >"$TMP/bad.cfg"
"$MIPSVM" -c "$TMP/bad.cfg" 2>"$TMP/bad.err"
rc=$?
check "bad config: status 2 and every bad line named" [ $rc -eq 2 -a "$(grep -c 'bad.cfg:[123]: error' "$TMP/bad.err")" -eq 3 ]

# Exit statuses and errors.
printf 'main: li $t0, 0x7fffffff\naddi $t0, $t0, 1\n' >"$TMP/f.s"
"$MIPSVM" --exceptions stop -v "$TMP/f.s" -v "$TMP/a.s" >/dev/null 2>"$TMP/f.err"
rc=$?
check "a faulting VM gives status 1, the other VM still runs" [ $rc -eq 1 ]
check "  ... and the fault names VM, pc, instruction and cause" \
	grep -q "vm f: fault at pc 0x00400008, f.s:2 (addi \$t0, \$t0, 1): arithmetic overflow" "$TMP/f.err"
printf 'main: foo\nadd $t0\nli $t0, 99999999999\n' >"$TMP/e.s"
"$MIPSVM" -v "$TMP/e.s" 2>"$TMP/e.err"
rc=$?
check "assembly errors: status 2, all three reported with line and column" [ $rc -eq 2 -a \
	"$(grep -c "e.s:[123]:[0-9]*: error" "$TMP/e.err")" -eq 3 ]
printf 'main: li $v0, 17\nli $a0, 3\nsyscall\n' >"$TMP/x.s"
"$MIPSVM" -v "$TMP/x.s"
check "exit2's code is a single VM's exit status" [ $? -eq 3 ]
"$MIPSVM" --bogus 2>/dev/null
check "an unknown option gives status 2" [ $? -eq 2 ]
"$MIPSVM" --help | grep -q -- "--snapshot-at"
check "--help documents the options" [ $? -eq 0 ]
# Several VMs: each line of each VM whole behind one prefix, however their turns cut their lines.
for v in p q; do
	printf '\t.data\nhead:\t.asciiz "%s-"\nnl:\t.asciiz "\\n"\n\t.text\nmain:\tli $s0, 0\nloop:\tla $a0, head\n\tli $v0, 4\n\tsyscall\n\tmove $a0, $s0\n\tli $v0, 1\n\tsyscall\n\tla $a0, nl\n\tli $v0, 4\n\tsyscall\n\taddi $s0, $s0, 1\n\tblt $s0, 5, loop\n\tjr $ra\n' \
		"$v" >"$TMP/$v.s"
done
"$MIPSVM" --slice 1 -v "$TMP/p.s" -v "$TMP/q.s" >"$TMP/pq.out" 2>&1
check "two VMs with 1-instruction slices: 10 lines, each whole behind its one prefix" \
	[ "$(grep -cE '^(p: p|q: q)-[0-4]$' "$TMP/pq.out")" -eq 10 -a "$(grep -c '' "$TMP/pq.out")" -eq 10 ]
"$MIPSVM" -v /nonexistent.s 2>"$TMP/n.err"
check "a missing file is named" grep -q "/nonexistent.s: No such file" "$TMP/n.err"
finish
