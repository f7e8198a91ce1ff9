#!/usr/bin/env bash
# linux_load_bochs.sh: under Bochs, the Linux loader without a real kernel: guest/linux/tinybz (a
# bzImage-shaped 64-bit kernel) checks its entry state and prints the command line, e820 count and
# initrd it was handed; a module that is no bzImage, a mem= too small for kernel + initrd and an
# initrd without its kernel are each refused by name while the test guest finishes.
. tests/boot/lib.sh

G=build/guest
TESTGUEST_CHECKS=31
RD=$TEST_DIR/tiny.initrd
{ echo "TALLY initrd first line"; head -c 8192 /dev/zero; } >"$RD"

make_iso load "" \
	"$G/tinybz.bin" "linux name=tiny mem=24M -- console=ttyS0 tally=1 -- x" \
	"$RD" "initrd name=tiny" \
	"$G/testguest.elf" "linux name=notbz mem=64M -- console=ttyS0" \
	"$RD" "initrd name=notbz" \
	"$G/tinybz.bin" "linux name=small mem=20M -- console=ttyS0" \
	"$RD" "initrd name=small" \
	"$RD" "initrd name=lonely" \
	"$G/testguest.elf" "guest name=testguest mem=16M"
boot_bochs load 120

expect "tiny: where the loader put it" \
	'^guest tiny: Linux boot protocol 2\.15: kernel at 0x1000000 \(up to 0x1400000\), initrd at 0x17fd000 \(8 KiB\), zero page 0x8000, 64-bit entry 0x1000200$'
expect "tiny: the kernel's command line is everything after the first ' -- '" \
	'^guest tiny: kernel command line: console=ttyS0 tally=1 -- x$'
expect "tiny: entered in long mode, read its command line through cmd_line_ptr" '^tiny: cmdline: console=ttyS0 tally=1 -- x$'
expect "tiny: three e820 entries" '^tiny: e820 entries: 3$'
expect "tiny: the initrd at ramdisk_image" '^tiny: initrd: TALLY initrd first line$'
expect_not "tiny: CS, DS, SS, IF, zero page and type_of_loader as the 64-bit protocol says" '^tiny: FAIL'
expect "tiny: exit code 0 through port 0xf4" '^guest tiny: exited through port 0xf4 with code 0$'
expect "a module that is no bzImage is refused by name" \
	'^guest notbz: not started: not a bzImage: no boot flag 0xAA55 at offset 0x1fe$'
expect "mem= too small for kernel + initrd is refused by name" \
	'^guest small: not started: mem= too small: the kernel \(up to 0x1400000\) and the initrd \(8 KiB\) do not fit in 20480 KiB \(initrd_addr_max 0x7fffffff\)$'
expect "an initrd without its linux module is refused by name" \
	'^guest lonely: not started: initrd module 6 has no linux module with name=lonely$'
expect "test guest summary" "^testguest: $TESTGUEST_CHECKS passed, 0 failed$"
expect "test guest exit code 0 through port 0xf4" '^guest testguest: exited through port 0xf4 with code 0$'
expect "tiny's statistics table" '^Exit statistics: tiny$'
expect "orderly end" '^Tally: all VMs have ended$'
finish
