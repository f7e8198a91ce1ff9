#!/usr/bin/env bash
# net_qemu.sh: virtio-net + lwIP under QEMU TCG: DHCP and ping through user-mode networking, a
# host connection through a hostfwd port, and 1 MiB between two Tallys joined by a socket netdev.
. tests/boot/lib.sh

NIC=(-device virtio-net-pci,netdev=n0,disable-legacy=on)
# A port per run, so parallel test runs on one machine do not collide.
port=$((20000 + $$ % 20000))

# 1. DHCP from slirp, ping slirp's gateway.
make_iso ping "selftest=ping"
boot_qemu ping 60 -netdev user,id=n0 "${NIC[@]}"
expect "virtio-net found, DHCP asked" '^net: virtio-net MAC 52:54:00:12:34:56: asking DHCP for an address$'
expect "DHCP lease from slirp" '^net: virtio-net MAC 52:54:00:12:34:56 address 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(DHCP\)$'
expect "ping the gateway" '^selftest: ping 10\.0\.2\.2: 3 of 3 replies$'

# Tally reaches its own address (loopback: a VM may migrate to the Tally it is on).
# Bad hosts= entries are each named and left out; the good ones and the rest of the boot stand.
make_iso self "selftest=ping ip=10.0.4.1/24 peer=10.0.4.1 hosts=a:10.0.4.1,1.2.3.4:5.6.7.8,b,c:1.2.3.4:80,d:x.y"
boot_qemu self 60 -netdev user,id=n0 "${NIC[@]}"
expect "ping our own address" '^selftest: ping 10\.0\.4\.1: 3 of 3 replies$'
expect "hosts=: a name that is an address" "^warning: command line: hosts=: '1\.2\.3\.4:5\.6\.7\.8': the name is an address; left out$"
expect "hosts=: an entry without an address" "^warning: command line: hosts=: 'b': not name:a\.b\.c\.d; left out$"
expect "hosts=: an address with a port" "^warning: command line: hosts=: 'c:1\.2\.3\.4:80': a host's address takes no port; left out$"
expect "hosts=: not an address" "^warning: command line: hosts=: 'd:x\.y': not an IPv4 address a\.b\.c\.d; left out$"
expect_count "hosts=: the good entry is taken silently" 4 '^warning: command line: hosts=: '

# 2. No NIC: one line, nothing else breaks.
make_iso nonic "selftest=ping"
boot_qemu nonic 60
expect "no device reported" '^net: no virtio-net device: network off$'
expect "selftest says why" '^selftest: ping: FAILED: no network device$'
expect "orderly end without a NIC" '^Tally: all VMs have ended$'

# 3. The host connects through hostfwd (as `make run` forwards 7283) and sends 1 MiB.
make_iso fwd "selftest=tcp-recv"
last_log=$TEST_DIR/fwd.log
rm -f "$last_log"
tools/run-qemu.sh --tcg -s "$last_log" -t 60 "$TEST_DIR/fwd.iso" -- \
	-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$port-:7284 "${NIC[@]}" &
qemu_pid=$!
for _ in $(seq 1 300); do
	grep -q 'tcp-recv: listening' "$last_log" 2>/dev/null && break
	sleep 0.1
done
peer_out=$(build/host/net_peer send $port 2>&1)
wait $qemu_pid
expect_eq "host sender: Tally's verdict" "net_peer: 1048576 bytes sent, receiver says GOOD" "$peer_out"
expect "Tally got 1 MiB intact from the host" '^selftest: tcp-recv: 1048576 bytes from 10\.0\.2\.2:[0-9]+ intact$'

# 4. Two Tallys on one socket link, static addresses: 1 MiB one way, a verdict back, pings.
port=$((port + 1))
make_iso recv "selftest=tcp-recv ip=10.0.3.2/24"
make_iso send "selftest=tcp-send ip=10.0.3.1/24 peer=10.0.3.2"
tools/run-qemu.sh --tcg -s "$TEST_DIR/recv.log" -t 60 "$TEST_DIR/recv.iso" -- \
	-netdev socket,id=n0,udp=127.0.0.1:$((port + 1)),localaddr=127.0.0.1:$port \
	-device virtio-net-pci,netdev=n0,disable-legacy=on,mac=52:54:00:00:03:02 &
recv_pid=$!
boot_qemu send 60 -netdev socket,id=n0,udp=127.0.0.1:$port,localaddr=127.0.0.1:$((port + 1)) \
	-device virtio-net-pci,netdev=n0,disable-legacy=on,mac=52:54:00:00:03:01
wait $recv_pid
expect "static address" '^net: virtio-net MAC 52:54:00:00:03:01 address 10\.0\.3\.1/24 gw 0\.0\.0\.0 \(static\)$'
expect "sender: receiver confirmed" '^selftest: tcp-send: 1048576 bytes to 10\.0\.3\.2:7284, receiver says GOOD$'
expect "sender: Tally answers ping" '^selftest: ping 10\.0\.3\.2: 3 of 3 replies$'
expect "receiver: 1 MiB intact" '^selftest: tcp-recv: 1048576 bytes from 10\.0\.3\.1:[0-9]+ intact$' "$TEST_DIR/recv.log"
tr -d '\r' <"$TEST_DIR/send.log" | grep -E '^selftest: tcp-send: [0-9]+ bytes in' || true
finish
