#!/usr/bin/env bash
# test_encoding.sh: every real instruction form in tests/mips/encoding.s, assembled by mipsvm and by
# GNU as (binutils-mipsel-linux-gnu, run here at test time), must give the same words.
cd "$(dirname "$0")/../.." || exit 1
. tests/mips/lib.sh
listing=tests/mips/encoding.s
AS=mipsel-linux-gnu-as
OBJCOPY=mipsel-linux-gnu-objcopy
if ! command -v $AS >/dev/null || ! command -v $OBJCOPY >/dev/null; then
	fail "GNU as for MIPS missing: apt-get install binutils-mipsel-linux-gnu"
	finish
	exit 1
fi
# -mno-fix-loongson3-llsc: Debian's gas otherwise puts a sync before every ll/sc.
check "GNU as assembles the listing" $AS -mips32r2 -EL -mno-fix-loongson3-llsc $listing -o "$TMP/gnu.o"
check "objcopy extracts .text" $OBJCOPY -O binary -j .text "$TMP/gnu.o" "$TMP/gnu.bin"
check "mipsvm assembles the listing" "$MIPSVM" --emit-text "$TMP/mine.bin" -v $listing
od -An -tx4 -v -w4 "$TMP/gnu.bin" | tr -d ' ' >"$TMP/gnu.txt"
od -An -tx4 -v -w4 "$TMP/mine.bin" | tr -d ' ' >"$TMP/mine.txt"
grep -vE '^\s*(\.|#|back:)' $listing | sed -E 's/^fwd:\s*//; s/^\s+//' >"$TMP/src.txt"
n=$(wc -l <"$TMP/mine.txt")
check "listing has one word per source line ($n)" [ "$n" -eq "$(wc -l <"$TMP/src.txt")" ]
# GNU as pads .text to 16 bytes with zeros; beyond that the word counts must agree.
extra=$(tail -n +"$((n + 1))" "$TMP/gnu.txt" | grep -vc '^00000000$')
check "GNU as has no words beyond ours but zero padding" [ "$extra" -eq 0 ]
mism=$(paste "$TMP/gnu.txt" "$TMP/mine.txt" "$TMP/src.txt" | head -n "$n" | awk -F'\t' '$1 != $2')
if [ -z "$mism" ]; then
	pass "all $n words equal GNU as"
else
	while IFS=$'\t' read -r g m s; do fail "'$s': GNU as $g, mipsvm $m"; done <<<"$mism"
fi
# The listing covers every real instruction of the table.
missing=0
for name in $(grep -oE 'X\([A-Z0-9_]+, +"[a-z0-9]+"' mips/isa.h | sed -E 's/.*"(.*)"/\1/'); do
	grep -qE "^\s$name( |$)" $listing || { fail "listing lacks '$name' (run tests/mips/gen_encoding.py)"; missing=$((missing + 1)); }
done
[ "$missing" -eq 0 ] && pass "listing covers the isa.h table"
finish
