#!/usr/bin/env bash
# linux_bochs.sh: under Bochs (or AMD SVM in QEMU TCG: svm_linux.sh), Debian's cloud kernel boots as a
# Tally guest beside the test guest,
# to an initramfs whose /init runs Debian's cpuid tool on leaf 0x4fffffff and guest/linux/checker
# (exit statistics seen from Linux user space), which ends the guest through port 0xf4.
# Material: tools/fetch-linux.sh (apt-get download into build/linux/, never committed).
. tests/boot/lib.sh

# The guest kernel's command line, the one place it is written. console=ttyS0 is the guest's
# console on Tally's COM1; the rest only makes the boot short (MACHINES.md).
LINUX_CMDLINE="console=ttyS0 quiet loglevel=3 nokaslr mitigations=off nosmp cryptomgr.notests"
LINUX_MEM=128M
LINUX_TIMEOUT=240s
BOCHS_MEGS=512   # Tally + the guest's 128 MiB + the modules GRUB loads (kernel, unpacked initramfs)
TESTGUEST_CHECKS=31
CHECKER_CHECKS=5

if [ ! -f build/linux/vmlinuz ] || [ ! -f build/linux/initrd.img ]; then
	tools/fetch-linux.sh >"$TEST_DIR/fetch.log" 2>&1 || { fail "tools/fetch-linux.sh (see $TEST_DIR/fetch.log)"; finish; exit; }
fi

make_iso linux "$PLATFORM_CMDLINE" \
	build/linux/vmlinuz "linux name=deb mem=$LINUX_MEM timeout=$LINUX_TIMEOUT -- $LINUX_CMDLINE" \
	build/linux/initrd.img "initrd name=deb" \
	build/guest/testguest.elf "guest name=testguest mem=16M"
boot_platform linux 420 -m "$BOCHS_MEGS"

expect "the bzImage is loaded by the 64-bit boot protocol" \
	'^guest deb: Linux boot protocol 2\.[0-9]+: kernel at 0x1000000 \(up to 0x[0-9a-f]+\), initrd at 0x[0-9a-f]+ \([0-9]+ KiB\), zero page 0x8000, 64-bit entry 0x1000200$'
expect "the kernel gets its command line verbatim" "^guest deb: kernel command line: $LINUX_CMDLINE\$"
expect "user space is up" '^deb: tally-linux: user space is up$'
expect "Debian's cpuid tool reads leaf 0x4fffffff" \
	'^deb: +0x4fffffff 0x00: eax=0x[0-9a-f]{8} ebx=0x[0-9a-f]{8} ecx=0x[0-9a-f]{8} edx=0x[0-9a-f]{8}$'
expect_count "checker: every check passed" "$CHECKER_CHECKS" '^deb: PASS: '
expect "checker: 1000 CPUIDs raise reason 10 by 1001 to 1017" \
	'^deb: PASS: 1000 CPUIDs raise reason 10 by 10(0[1-9]|1[0-7]) \(expected 1001 to 1017\)$'
expect "checker: the sum over reasons between two totals" '^deb: PASS: the sum over reasons \([0-9]+\) lies between two reads of the total'
expect "checker: thousands of exits" '^deb: PASS: the boot took thousands of exits'
expect "checker: reasons 10 and 30 non-zero" '^deb: PASS: reason 10 \(CPUID, [0-9]+ exits\) and 30 \(I/O, [0-9]+ exits\) are non-zero$'
expect_not "checker: no check failed" '^deb: FAIL'
expect "checker summary" "^deb: checker: $CHECKER_CHECKS passed, 0 failed\$"
expect "the guest ends through port 0xf4 with code 0" '^guest deb: exited through port 0xf4 with code 0$'
expect "the guest's statistics table" '^Exit statistics: deb$'
expect "test guest summary" "^testguest: $TESTGUEST_CHECKS passed, 0 failed$"
expect "test guest exit code 0" '^guest testguest: exited through port 0xf4 with code 0$'
expect "orderly end" '^Tally: all VMs have ended$'
finish
