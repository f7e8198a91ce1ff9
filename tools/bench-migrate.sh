#!/usr/bin/env bash
# bench-migrate.sh: live migration figures (make bench-migrate): rounds, pages, total time, downtime
# and MB/s for a VM with 1 MiB and 16 MiB of touched memory, idle and rewriting a 64-page hot set,
# between two mipsvm processes on 127.0.0.1 and between two Tallys under QEMU TCG (UDP socket netdev).
# Each figure is one migration, as the source reports it (downtime: paused to acknowledged).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/boot/lib.sh # wait_for
MIPSVM=build/mipsvm
dir=build/bench-migrate
mkdir -p "$dir"
port=$((23000 + $$ % 20000))

# prog MIB HOT TARGET -> path of the load program
prog() {
	local f=$dir/load-$1-$2.s
	sed -e "s/@PAGES@/$(($1 * 256))/g" -e "s/@HOT@/$2/g" -e "s/@TARGET@/$3/g" guest/mips/migbench.s >"$f"
	echo "$f"
}

# row PATH MIB MODE LOG: the table row from the source's "moved to" line.
row() {
	local line
	line=$(tr -d '\r' <"$4" | grep -E "^migrate: '[a-z0-9-]+' moved to " | sed -n 1p)
	if [ -z "$line" ]; then
		printf '%-14s %5s %-8s  %s\n' "$1" "$2" "$3" "FAILED: $(tr -d '\r' <"$4" | grep -E '^migrate: ' | tail -n 1)"
		return
	fi
	sed -E "s/.*: ([0-9]+) rounds?, ([0-9]+) pages \(([0-9]+) in the paused round\), ([0-9]+) bytes, total ([0-9.]+) ms, downtime ([0-9.]+) ms, ([0-9.]+) MB\/s/\1 \2 \3 \4 \5 \6 \7/" <<<"$line" |
		while read -r rounds pages paused bytes total down mbs; do
			printf '%-14s %5s %-8s %6s %7s %7s %10s %10s %10s %8s\n' "$1" "$2" "$3" "$rounds" "$pages" "$paused" \
				"$bytes" "$total" "$down" "$mbs"
		done
}

printf '%-14s %5s %-8s %6s %7s %7s %10s %10s %10s %8s\n' path MiB load rounds pages paused bytes "total ms" \
	"down ms" "MB/s"

for mib in 1 16; do
	for hot in 0 64; do
		mode=idle
		[ "$hot" -gt 0 ] && mode=writing
		# mipsvm -> mipsvm on loopback
		port=$((port + 1))
		rm -f "$dir"/*.log
		"$MIPSVM" --listen 127.0.0.1:$port --mem 64 >/dev/null 2>"$dir/recv.log" &
		recv=$!
		wait_for "$dir/recv.log" "listening on" 10
		"$MIPSVM" -v "$(prog $mib $hot 127.0.0.1:$port)" >/dev/null 2>"$dir/send.log" &
		send=$!
		wait_for "$dir/send.log" "^migrate: '.*' (moved to|to .* failed)" 120
		kill $send $recv 2>/dev/null
		wait $send $recv 2>/dev/null
		row "mipsvm-mipsvm" $mib $mode "$dir/send.log"

		# Tally -> Tally under QEMU TCG, on a UDP socket link (see tests/boot/migrate_qemu.sh)
		port=$((port + 2))
		rm -f "$dir"/*.log
		tools/mkiso.sh -o "$dir/src.iso" -k build/tally.elf -c "ip=10.0.3.1/24 loglevel=warn" \
			-m "$(prog $mib $hot 10.0.3.2)" "mips name=load" >/dev/null
		tools/mkiso.sh -o "$dir/dst.iso" -k build/tally.elf -c "ip=10.0.3.2/24 exit=shell loglevel=warn" >/dev/null
		nic="virtio-net-pci,netdev=n0,disable-legacy=on,mac=52:54:00:00:03"
		tools/run-qemu.sh --tcg -s "$dir/dst.log" -t 300 "$dir/dst.iso" -- \
			-netdev socket,id=n0,udp=127.0.0.1:$((port + 1)),localaddr=127.0.0.1:$port -device "$nic:02" &
		dst=$!
		tools/run-qemu.sh --tcg -s "$dir/src.log" -t 300 "$dir/src.iso" -- \
			-netdev socket,id=n0,udp=127.0.0.1:$port,localaddr=127.0.0.1:$((port + 1)) -device "$nic:01" &
		src=$!
		wait_for "$dir/src.log" "^migrate: '.*' (moved to|to .* failed)" 280
		kill $src $dst 2>/dev/null
		wait $src $dst 2>/dev/null
		row "tally-tally" $mib $mode "$dir/src.log"
	done
done
