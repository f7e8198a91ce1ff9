#!/usr/bin/env bash
# screen_qemu.sh: the screen console and the PS/2 keyboard under QEMU with a VGA card. QEMU's screen
# dumps are read back glyph by glyph in the built-in font (screen_check.py) and must show exactly
# the last lines the serial console printed, and the status line: in VGA text mode (BIOS), on
# UEFI's framebuffer (OVMF) and on a VBE framebuffer under BIOS. Commands typed with QEMU's sendkey
# run in the shell (Shift, Ctrl-U, the up arrow) and show on both. screen=off leaves the screen alone.
# The four boots run at once.
. tests/boot/lib.sh
FONT_PSF=build/font.psf
SUM=tests/boot/fixtures/sum.s

mon() { python3 tests/boot/qemu_monitor.py "$TEST_DIR/$1.mon" "${@:2}"; }

# start NAME [run-qemu.sh args...]: boots $TEST_DIR/NAME.iso with a VGA and a monitor, in the background.
start() {
	local name=$1
	shift
	rm -f "$TEST_DIR/$name.log" "$TEST_DIR/$name.mon"
	tools/run-qemu.sh --tcg --vga -s "$TEST_DIR/$name.log" -t 120 --monitor "$TEST_DIR/$name.mon" "$@" \
		"$TEST_DIR/$name.iso"
	echo $? >"$TEST_DIR/$name.status"
}

# shot NAME TAG: once the serial log has been quiet for a second, a screen dump read back into
# $TEST_DIR/NAME-TAG.txt, and the serial log as it was then in NAME-TAG.serial. A dump whose size
# is not the mode the Screen: line names is taken again (QEMU once handed back GRUB's text screen
# from before the VBE mode switch).
shot() {
	local log=$TEST_DIR/$1.log ppm=$TEST_DIR/$1-$2.ppm size want
	settle "$log" 20
	cp "$log" "$TEST_DIR/$1-$2.serial"
	want=$(tr -d '\r' <"$log" | sed -nE 's/^Screen: framebuffer ([0-9]+)x([0-9]+),.*/\1 \2/p; s/^Screen: VGA text 80x25.*/720 400/p')
	for _ in 1 2 3 4 5; do
		mon "$1" "screendump $ppm" || return
		size=$(head -c 20 "$ppm" | tr '\n' ' ' | cut -d' ' -f2,3)
		[ -z "$want" ] || [ "$size" = "$want" ] && break
		sleep 1
	done
	python3 tests/boot/screen_check.py decode "$FONT_PSF" "$ppm" >"$TEST_DIR/$1-$2.txt"
}

# type_line NAME TEXT REGEX: types TEXT and Enter, then waits for REGEX on the serial console.
type_line() {
	mon "$1" --type "$2\n" && wait_for "$TEST_DIR/$1.log" "$3" 30
}

# The scripts of the four boots; each ends with 'halt' typed on the keyboard.
run_text() {
	start text &
	wait_for "$TEST_DIR/text.log" '^Tally: the shell stays up' 60 || return
	shot text boot
	type_line text 'vms' "^  mips  sum "
	type_line text 'Frob_Q!' "^unknown command 'Frob_Q!'"
	type_line text 'junk^Umem' '^  frames: '
	mon text "sendkey up" "sendkey ret"
	for _ in $(seq 1 300); do
		[ "$(tr -d '\r' <"$TEST_DIR/text.log" | grep -c '^  frames: ')" -ge 2 ] && break
		sleep 0.1
	done
	shot text typed
	mon text --type 'halt\n'
	wait
}
run_uefi() {
	start uefi --uefi &
	wait_for "$TEST_DIR/uefi.log" '^Tally: the shell stays up' 90 || return
	type_line uefi 'vms' "^  mips  sum "
	shot uefi typed
	mon uefi --type 'halt\n'
	wait
}
# run_plain NAME [run-qemu.sh args...]: boot, one screen dump, halt.
run_plain() {
	start "$@" &
	wait_for "$TEST_DIR/$1.log" '^Tally: the shell stays up' 60 || return
	shot "$1" boot
	mon "$1" --type 'halt\n'
	wait
}

make_iso text "exit=shell" $SUM "mips name=sum"
make_iso uefi "exit=shell" $SUM "mips name=sum"
tools/mkiso.sh -o "$TEST_DIR/vbe.iso" -k "$KERNEL_ELF" -c "exit=shell" -g 1024x768x32 -m $SUM "mips name=sum"
make_iso off "exit=shell screen=off"
rm -f "$TEST_DIR"/*.status "$TEST_DIR"/*.txt "$TEST_DIR"/*.log "$TEST_DIR"/*.serial # before any wait_for looks
run_text >"$TEST_DIR/text.run" 2>&1 &
run_uefi >"$TEST_DIR/uefi.run" 2>&1 &
run_plain vbe >"$TEST_DIR/vbe.run" 2>&1 &
run_plain off >"$TEST_DIR/off.run" 2>&1 &
wait

# screen_matches NAME TAG: the dump's text rows are the serial console's last lines, row for row.
screen_matches() {
	local txt=$TEST_DIR/$1-$2.txt geometry cols rows
	geometry=$(head -n1 "$txt" 2>/dev/null | sed -nE 's/^screen: ([0-9]+)x([0-9]+) .*/\1 \2/p')
	read -r cols rows <<<"$geometry"
	if [ -z "$cols" ]; then
		fail "$1 ($2): no screen dump read back ($(tail -n 3 "$TEST_DIR/$1.run" 2>/dev/null | tr '\n' ' '))"
		return
	fi
	expect_eq "$1 ($2): all ${rows} rows but the status line show the serial console's last lines" \
		"$(python3 tests/boot/screen_check.py tail "$TEST_DIR/$1-$2.serial" "$cols" $((rows - 1)) | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')" \
		"$(sed -n "2,${rows}p" "$txt" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')"
}
# halted NAME: 'halt' typed on the keyboard powered off (isa-debug-exit, code 0: QEMU's status 1).
halted() {
	expect "$1: 'halt' typed powers off" '^Tally: powering off \(halt\)$' "$TEST_DIR/$1.log"
	expect_eq "$1: QEMU's exit status" 1 "$(cat "$TEST_DIR/$1.status" 2>/dev/null)"
}
status_line='^ Tally [0-9a-f]+[^ ]* \| VMX guests running: 0 \| MIPS VMs running: 0 \| up [0-9]+:[0-9]{2}:[0-9]{2}$'
banner='^Tally [0-9a-f]+.*: a type-1 hypervisor for measuring virtualization$'

# VGA text mode under BIOS, and the keyboard.
last_log=$TEST_DIR/text.log
expect "text: VGA text mode, the built-in font loaded" '^Screen: VGA text 80x25, built-in 8x16 font loaded$'
expect "text: the PS/2 keyboard found" '^Keyboard: PS/2 \(i8042\), scan code set [12]'
expect "text: the shell's first line names the keyboard too" "^Shell: type 'help' and Enter on the serial console or the keyboard$"
expect "text: read back as 80x25 cells of 9x16" '^screen: 80x25 cells of 9x16$' "$TEST_DIR/text-boot.txt"
screen_matches text boot
expect "text: the status line, last row, inverse video" "$status_line" "$TEST_DIR/text-boot.txt"
expect "text: the MIPS VM's output on the screen" '^\[sum\] 500500$' "$TEST_DIR/text-boot.txt"
expect "keyboard: 'vms' typed runs (its echo)" '^vms$'
expect "keyboard: ... and its output" '^  mips  sum +exited'
expect "keyboard: Shift types capitals and symbols" "^unknown command 'Frob_Q!' \(try 'help'\)$"
expect_not "keyboard: Ctrl-U erased the line" "unknown command 'junk"
expect_count "keyboard: mem ran, and again from the up arrow" 2 '^  frames: [0-9]+ free'
screen_matches text typed
expect "text: the typed command on the screen" '^tally> mem$' "$TEST_DIR/text-typed.txt"
halted text

# UEFI's framebuffer (OVMF), keyboard included.
last_log=$TEST_DIR/uefi.log
expect "uefi: booted by UEFI" '^Firmware: UEFI, '
expect "uefi: the framebuffer GRUB took from UEFI" '^Screen: framebuffer [0-9]+x[0-9]+, (24|32) bits a pixel at 0x[0-9a-f]+; [0-9]+x[0-9]+ characters of 8x16$'
screen_matches uefi typed
expect "uefi: the banner on the screen" "$banner" "$TEST_DIR/uefi-typed.txt"
expect "uefi: the status line" "$status_line" "$TEST_DIR/uefi-typed.txt"
expect "uefi: the keyboard's command on the screen" '^vms$' "$TEST_DIR/uefi-typed.txt"
halted uefi

# A VBE framebuffer under BIOS (GRUB's gfxpayload=1024x768x32).
last_log=$TEST_DIR/vbe.log
expect "vbe: booted by BIOS" '^Firmware: BIOS$'
expect "vbe: the 1024x768 framebuffer" '^Screen: framebuffer 1024x768, 32 bits a pixel at 0x[0-9a-f]+; 128x48 characters of 8x16$'
expect "vbe: read back as 128x48 cells" '^screen: 128x48 cells of 8x16$' "$TEST_DIR/vbe-boot.txt"
screen_matches vbe boot
expect "vbe: the banner on the screen" "$banner" "$TEST_DIR/vbe-boot.txt"
expect "vbe: the status line" "$status_line" "$TEST_DIR/vbe-boot.txt"
halted vbe

# screen=off: the screen keeps what GRUB left; the keyboard still types.
last_log=$TEST_DIR/off.log
expect "off: the screen is off" '^Screen: off \(screen=off\)$'
expect_not "off: no banner on the screen" 'Tally' "$TEST_DIR/off-boot.txt"
halted off
finish
