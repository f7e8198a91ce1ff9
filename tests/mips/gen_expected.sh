#!/usr/bin/env bash
# gen_expected.sh: regenerates guest/mips/NAME.expected with Debian's spim (the oracle) for every
# guest/mips/*.s except the benchmarks and programs with Tally's para-instructions (spim knows none);
# NAME.in, when present, is the program's standard input.
cd "$(dirname "$0")/../.." || exit 1
command -v spim >/dev/null || { echo "spim missing: apt-get install spim"; exit 1; }
TMP_ERR=$(mktemp)
trap 'rm -f "$TMP_ERR"' EXIT
for s in guest/mips/*.s; do
	case $s in *bench_*) continue ;; esac
	grep -qE '^[^#]*\b(DUMP_PROCESSOR_STATE|SNAPSHOT|MIGRATE)\b' "$s" && continue
	in=${s%.s}.in
	[ -f "$in" ] || in=/dev/null
	# spim prints a 5-line banner (version, copyright, "Loaded: exceptions.s") before the program.
	timeout 60 spim -file "$s" <"$in" 2>"$TMP_ERR" | tail -n +6 >"${s%.s}.expected"
	case $s in *spim_*) cp "$TMP_ERR" "${s%.s}.expected_err" ;; esac
	echo "${s%.s}.expected: $(wc -c <"${s%.s}.expected") bytes"
done
