#!/usr/bin/env bash
# run-bochs.sh: boots a Tally ISO under Bochs (emulated VT-x with EPT), headless.
# usage: run-bochs.sh -i ISO [-s SERIAL_LOG] [-t TIMEOUT_S] [-m MEGS] [-c CPU_MODEL]
# Without -s the serial console is shown on this terminal until Bochs powers off.
set -euo pipefail
iso= serial= timeout_s=600 megs=256 model=corei7_skylake_x
while [ $# -gt 0 ]; do
	case "$1" in
	-i) iso=$2; shift 2 ;;
	-s) serial=$2; shift 2 ;;
	-t) timeout_s=$2; shift 2 ;;
	-m) megs=$2; shift 2 ;;
	-c) model=$2; shift 2 ;;
	*) echo "run-bochs.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$iso" ] || { echo "usage: run-bochs.sh -i ISO [-s SERIAL_LOG] [-t SECONDS]" >&2; exit 2; }
iso=$(realpath "$iso")
dir=$(mktemp -d)
follow=0
if [ -z "$serial" ]; then
	serial=$dir/serial.txt
	follow=1
fi
: >"$serial"
serial=$(realpath "$serial")
trap 'rm -rf "$dir"' EXIT

# Settings measured in MACHINES.md: dummy sound drivers (else Bochs aborts), the term display
# under a pseudo-terminal, debugger commands "c" and "quit" so it runs unattended.
cat >"$dir/bochsrc" <<RC
megs: $megs
cpu: model=$model, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$serial
display_library: term
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
log: $dir/bochs.log
panic: action=fatal
error: action=report
RC
printf 'c\nquit\n' >"$dir/cmds"
if [ "$follow" = 1 ]; then
	echo "run-bochs: Bochs ($model, emulated VT-x); serial console below; Ctrl-C stops"
	tail -n +1 -f "$serial" &
	tailpid=$!
	trap 'kill $tailpid 2>/dev/null; rm -rf "$dir"' EXIT
fi
# Bochs ignores SIGINT and SIGTERM (MACHINES.md): it runs in a session of its own, and Ctrl-C (or a
# TERM to this script) kills that whole process group.
rc=0
(cd "$dir" && TERM=xterm exec setsid timeout -k 5 "$timeout_s" script -qec "bochs -q -f bochsrc -rc cmds" \
	/dev/null </dev/null >/dev/null 2>&1) &
bochs_pid=$!
tree() {	# $1 and all its descendants (script(1) puts Bochs in a session of its own)
	echo "$1"
	for c in $(ps -o pid= --ppid "$1"); do tree "$c"; done
}
stop_bochs() {
	# shellcheck disable=SC2046
	kill -KILL $(tree "$bochs_pid") 2>/dev/null
	echo "run-bochs: stopped" >&2
	exit 130
}
trap stop_bochs INT TERM
wait "$bochs_pid" || rc=$?
[ "$rc" = 124 ] && echo "run-bochs: timed out after ${timeout_s}s" >&2
if [ -n "${BOCHS_LOG_COPY:-}" ]; then cp "$dir/bochs.log" "$BOCHS_LOG_COPY" 2>/dev/null || true; fi
sleep 0.2
exit 0
