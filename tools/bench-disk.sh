#!/usr/bin/env bash
# bench-disk.sh: snapshot write time and throughput to the FAT disk on virtio-blk, under QEMU TCG,
# for MIPS VMs with 64 KiB, 1 MiB and 16 MiB of touched memory. A benchmark, not a test.
set -euo pipefail
dir=build/bench-disk
mkdir -p "$dir"
printf '%-10s %12s %12s %10s\n' touched "snapshot B" "write us" "MB/s"
for kib in 64 1024 16384; do
	bytes=$((kib * 1024))
	cat >"$dir/touch$kib.s" <<ASM
# touch$kib.s: grows the heap by $kib KiB, writes one word per page, then snapshots itself.
	.text
main:	li	\$a0, $bytes
	li	\$v0, 9
	syscall
	move	\$t0, \$v0
	addu	\$t1, \$t0, \$a0
loop:	sw	\$t0, 0(\$t0)
	addiu	\$t0, \$t0, 4096
	bltu	\$t0, \$t1, loop
	SNAPSHOT touch$kib.snap
	jr	\$ra
ASM
	tools/mkdisk.sh "$dir/disk.img" >/dev/null
	tools/mkiso.sh -o "$dir/touch$kib.iso" -k build/tally.elf -c "" -m "$dir/touch$kib.s" "mips name=touch$kib"
	tools/run-qemu.sh --tcg -s "$dir/touch$kib.log" -t 120 --disk "$dir/disk.img" "$dir/touch$kib.iso" || true
	line=$(tr -d '\r' <"$dir/touch$kib.log" | grep -E "^disk: wrote touch$kib.snap" || echo "")
	[ -n "$line" ] || { echo "bench-disk: no timing line for $kib KiB (see $dir/touch$kib.log)" >&2; exit 1; }
	size=$(sed -E 's/.*: ([0-9]+) bytes in.*/\1/' <<<"$line")
	us=$(sed -E 's/.* in ([0-9]+) us.*/\1/' <<<"$line")
	printf '%-10s %12s %12s %10s\n' "${kib}KiB" "$size" "$us" "$(awk -v b="$size" -v u="$us" 'BEGIN { printf "%.2f", u ? b / u : 0 }')"
done
