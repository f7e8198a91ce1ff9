#!/usr/bin/env bash
# hybrid_qemu.sh: one image, four boots: from a CD and from a USB stick (xHCI), under BIOS (SeaBIOS)
# and under UEFI (OVMF). Each shows the banner, says which firmware booted it, and runs a MIPS VM to
# its end. The four run at once (an OVMF boot takes ~15 s under TCG).
. tests/boot/lib.sh

make_iso hybrid "" tests/boot/fixtures/sum.s "mips name=sum"
image=$TEST_DIR/hybrid.iso
before=$(sha256sum <"$image")
declare -A pid
for way in bios-cd bios-usb uefi-cd uefi-usb; do
	args=()
	[ "${way%-*}" = uefi ] && args+=(--uefi)
	[ "${way#*-}" = usb ] && args+=(--usb)
	rm -f "$TEST_DIR/$way.log"
	tools/run-qemu.sh --tcg -s "$TEST_DIR/$way.log" -t 120 "${args[@]}" "$image" &
	pid[$way]=$!
done
for way in bios-cd bios-usb uefi-cd uefi-usb; do
	status=0
	wait "${pid[$way]}" || status=$?
	last_log=$TEST_DIR/$way.log
	if [ "${way%-*}" = uefi ]; then
		firmware='^Firmware: UEFI, system table at 0x[0-9a-f]+, boot services exited$'
	else
		firmware='^Firmware: BIOS$'
	fi
	expect "$way: the banner" '^Tally [0-9a-f]+.*: a type-1 hypervisor for measuring virtualization$'
	expect "$way: the firmware that booted it" "$firmware"
	expect "$way: memory from the firmware's map" '^Memory: [0-9]+ MiB usable in [0-9]+ map entries'
	expect "$way: the MIPS VM's output" '^\[sum\] 500500$'
	expect "$way: the MIPS VM ends" "^mips: 'sum' exited after [0-9]+ instructions$"
	expect "$way: Tally ends in order" '^Tally: all VMs have ended$'
	expect_eq "$way: QEMU's exit status (isa-debug-exit, code 0)" 1 "$status"
done
expect_eq "the four boots used the same bytes" "$before" "$(sha256sum <"$image")"
finish
