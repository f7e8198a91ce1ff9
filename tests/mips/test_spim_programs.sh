#!/usr/bin/env bash
# test_spim_programs.sh: each guest/mips/NAME.s must print exactly NAME.expected (spim's output,
# from gen_expected.sh) given NAME.in as input, and exit with status 0; where NAME.expected_err exists,
# its standard error too, text addresses masked (spim's own start-up code moves its text 0x24 bytes on).
cd "$(dirname "$0")/../.." || exit 1
. tests/mips/lib.sh
for exp in guest/mips/*.expected; do
	s=${exp%.expected}.s
	in=${exp%.expected}.in
	[ -f "$in" ] || in=/dev/null
	timeout 60 "$MIPSVM" -v "$s" <"$in" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$exp" "$TMP/out"; then
		pass "$s prints what spim prints"
		err=${exp%.expected}.expected_err
		if [ -f "$err" ]; then
			mask='s/0x004[0-9a-f]{5}/0x004...../g'
			if cmp -s <(sed -E "$mask" "$err") <(sed -E "$mask" "$TMP/err"); then
				pass "$s: standard error as spim's"
			else
				fail "$s: standard error differs from $err:"
				diff <(sed -E "$mask" "$err") <(sed -E "$mask" "$TMP/err") | head -n 10
			fi
		fi
	else
		fail "$s: exit status $rc, output differs from $exp:"
		diff "$exp" "$TMP/out" | head -n 10
		head -n 5 "$TMP/err"
	fi
done

# Under --exceptions stop the first bad address stops the VM (status 1), reported at its instruction.
stops() {	# stops PROGRAM LABEL WHAT REGEX: the fault is at the instruction after LABEL:'s line
	local line
	line=$(grep -n "^$2:" "guest/mips/$1.s" | cut -d: -f1)
	timeout 60 "$MIPSVM" --exceptions stop -v "guest/mips/$1.s" >/dev/null 2>"$TMP/err"
	check "$1.s under --exceptions stop: status 1" [ $? -eq 1 ]
	check "... $3, reported at $1.s:$((line + 1))" \
		grep -qE "^vm $1: fault at pc 0x004[0-9a-f]{5}, $1.s:$((line + 1)) .*: $4$" "$TMP/err"
}
stops spim_segments load "the load of 0x00000000" \
	"bad address: load of 0x00000000, outside the text, data \\(to 0x10020000\\) and stack \\(from 0x7fff0000\\) segments"
stops spim_stack sum "the stack's growth past 256 KiB" \
	"stack overflow: touching 0x7ffbfffc needs a stack of 524288 bytes, past SPIM's limit of 262144"
finish
