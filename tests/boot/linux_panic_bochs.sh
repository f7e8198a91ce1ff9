#!/usr/bin/env bash
# linux_panic_bochs.sh: under Bochs, Debian's cloud kernel panics as a Tally guest (no init, no root
# device); Tally reports the panic by the guest's name and stops it while the test guest finishes.
# Material: tools/fetch-linux.sh (build/linux/vmlinuz); the initramfs is an empty one made here.
. tests/boot/lib.sh

# No /init in the initramfs and rdinit= names none: the kernel tries a root device, finds none and
# panics ("VFS: Unable to mount root fs"), at KERN_EMERG, so loglevel=3 still shows it. The other
# options only make the boot short (as in linux_bochs.sh); panic=-1 would reboot at once.
PANIC_CMDLINE="console=ttyS0 quiet loglevel=3 nokaslr mitigations=off nosmp cryptomgr.notests rdinit=/nonexistent root=/dev/nonexistent panic=-1"
PANIC_MEM=96M    # the kernel runs at 16 MiB and needs its init_size (68 MiB) there
PANIC_TIMEOUT=240s
BOCHS_MEGS=384
TESTGUEST_CHECKS=31

if [ ! -f build/linux/vmlinuz ]; then
	tools/fetch-linux.sh >"$TEST_DIR/fetch.log" 2>&1 || { fail "tools/fetch-linux.sh (see $TEST_DIR/fetch.log)"; finish; exit; }
fi
command -v cpio >/dev/null || { fail "cpio is missing (tools/deps.sh installs it)"; finish; exit; }
(cd "$TEST_DIR" && rm -rf empty && mkdir empty && cd empty && echo . | cpio -o -H newc --quiet -R 0:0) >"$TEST_DIR/empty.cpio"

make_iso panic "" \
	build/linux/vmlinuz "linux name=deb mem=$PANIC_MEM timeout=$PANIC_TIMEOUT -- $PANIC_CMDLINE" \
	"$TEST_DIR/empty.cpio" "initrd name=deb" \
	build/guest/testguest.elf "guest name=testguest mem=16M"
boot_bochs panic 300 -m "$BOCHS_MEGS"

expect "the kernel gets its command line verbatim" "^guest deb: kernel command line: $PANIC_CMDLINE\$"
expect "the kernel's own panic line" '^deb: \[ *[0-9]+\.[0-9]+\] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block\(0,0\)$'
expect "the panic reported by name, the guest stopped" \
	'^guest deb: kernel panic: VFS: Unable to mount root fs on unknown-block\(0,0\); stopped$'
expect_count "one report" 1 '^guest deb: kernel panic: '
expect_not "nothing printed after the panic line" '^deb: .*end Kernel panic'
expect "the guest's statistics table" '^Exit statistics: deb$'
expect "test guest summary" "^testguest: $TESTGUEST_CHECKS passed, 0 failed$"
expect "test guest exit code 0" '^guest testguest: exited through port 0xf4 with code 0$'
expect "orderly end" '^Tally: all VMs have ended$'
finish
