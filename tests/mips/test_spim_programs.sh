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
finish
