#!/usr/bin/env bash
# run-bochs.sh: boots a Tally ISO under Bochs (emulated VT-x with EPT), headless.
# usage: run-bochs.sh -i ISO [-s SERIAL_LOG] [-t TIMEOUT_S] [-m MEGS] [-c CPU_MODEL]
# With -s, COM1 goes to SERIAL_LOG (output only). Without it, COM1 is this terminal: Bochs serves it
# on a free 127.0.0.1 port and a bash /dev/tcp bridge joins it to stdin/stdout (a terminal is put in
# raw mode but for its signals, and restored on exit: Ctrl-] reaches Tally, Ctrl-C ends Bochs).
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
trap 'rm -rf "$dir"' EXIT
if [ -n "$serial" ]; then
	: >"$serial"
	serial=$(realpath "$serial")
	com1="mode=file, dev=$serial"
else
	# A free port: nothing answers a connection there (a race with another program is reported by Bochs).
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	com1="mode=socket-server, dev=127.0.0.1:$port"
fi

# Settings measured in MACHINES.md: dummy sound drivers (else Bochs aborts), the term display
# under a pseudo-terminal, debugger commands "c" and "quit" so it runs unattended.
cat >"$dir/bochsrc" <<RC
megs: $megs
cpu: model=$model, ips=200000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
com1: enabled=1, $com1
display_library: term
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
log: $dir/bochs.log
panic: action=fatal
error: action=report
RC
printf 'c\nquit\n' >"$dir/cmds"
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
# Joins stdin/stdout to Bochs's COM1 socket (Bochs accepts one client once it listens). A terminal
# keeps ISIG, so Ctrl-C is SIGINT to this script; every other byte, Ctrl-] included, goes to Tally.
bridge_console() {
	local waited=0
	until exec 3<>"/dev/tcp/127.0.0.1/$port"; do
		kill -0 "$bochs_pid" 2>/dev/null && [ "$waited" -lt 300 ] || { echo "run-bochs: no COM1 on 127.0.0.1:$port" >&2; return; }
		sleep 0.1
		waited=$((waited + 1))
	done 2>/dev/null
	# A terminal we own (its foreground job; in the background, stty would stop this script).
	if [ -t 0 ] && [ "$(ps -o tpgid= -p $$ | tr -d " ")" = "$(ps -o pgid= -p $$ | tr -d " ")" ]; then
		tty_saved=$(stty -g)
		trap 'stty "$tty_saved"; kill -KILL $bridge_pids 2>/dev/null; rm -rf "$dir"' EXIT
		stty -icanon -echo -icrnl -ixon -iexten min 1 time 0
	else
		trap 'kill -KILL $bridge_pids 2>/dev/null; rm -rf "$dir"' EXIT
	fi
	cat <&3 &
	bridge_pids=$!
	cat <&4 >&3 &	# fd 4 is stdin: a background job's own stdin would be /dev/null
	bridge_pids="$bridge_pids $!"
	disown $bridge_pids	# killed at exit without a job report
	exec 3>&-
}
stop_bochs() {
	# shellcheck disable=SC2046
	kill -KILL $(tree "$bochs_pid") 2>/dev/null
	echo "run-bochs: stopped" >&2
	exit 130
}
trap stop_bochs INT TERM
if [ -z "$serial" ]; then
	echo "run-bochs: Bochs ($model, emulated VT-x); its COM1 is this terminal; Ctrl-] leaves a guest's console; Ctrl-C stops"
	bridge_console 4<&0
fi
wait "$bochs_pid" || rc=$?
[ "$rc" = 124 ] && echo "run-bochs: timed out after ${timeout_s}s" >&2
if [ -n "${BOCHS_LOG_COPY:-}" ]; then cp "$dir/bochs.log" "$BOCHS_LOG_COPY" 2>/dev/null || true; fi
sleep 0.2
exit 0
