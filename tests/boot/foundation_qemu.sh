#!/usr/bin/env bash
# foundation_qemu.sh: banner, command line, modules and the power-off path under QEMU TCG.
. tests/boot/lib.sh

printf 'twelve bytes' >"$TEST_DIR/note.bin"
make_iso banner "loglevel=info bogus=1 cpuid_abi=4leaf" "$TEST_DIR/note.bin" "note hello world"
boot_qemu banner 60
expect "banner names Tally and its version" '^Tally [0-9a-f]+.*: a type-1 hypervisor for measuring virtualization$'
first=$(tr -d '\r' <"$last_log" | grep -Em1 '^(Tally |warning:|idle:|Boot loader:|TSC:)')
expect_eq "the banner is Tally's first line, before warnings and the idle line" "Tally" "${first%% *}"
expect "boot loader is GRUB" '^Boot loader: GRUB '
expect "command line shown" '^Boot loader: .*command line: "loglevel=info bogus=1 cpuid_abi=4leaf"$'
expect "unknown option reported" "^warning: command line: unknown option 'bogus=1' ignored$"
expect "known options listed after an unknown one" '^    cpuid_abi +4leaf\|spring21\|fall22'
expect "CPU line" '^CPU: [A-Za-z]+ family 0x[0-9a-f]+ model 0x[0-9a-f]+ stepping [0-9]+, "'
expect "TSC frequency" '^TSC: [0-9]+\.[0-9]{3} MHz \('
expect "memory found (512 MiB VM)" '^Memory: 5[01][0-9] MiB usable in [0-9]+ map entries'
expect "one module" '^Modules: 1$'
expect "module size and command line" '^  module 0: 12 bytes at 0x[0-9a-f]+: note hello world$'
expect "QEMU TCG: VMX unusable, with the reason" '^VMX: unusable: CPUID.1:ECX.VMX is 0'
expect "QEMU TCG (-cpu max): SVM usable, with what it offers" '^SVM: revision [0-9]+, [0-9]+ ASIDs; VM_CR\.SVMDIS=0 lock=[01]; nested paging yes, NRIP save (yes|no), '
expect "orderly end" '^Tally: all VMs have ended$'
expect_eq "QEMU exit status via isa-debug-exit (code 0 -> 1)" 1 "$QEMU_STATUS"

# Messages that name the right thing: a bad option is warned about once, at boot (cpuid_abi= with no
# VMX guest at all); a MIPS module without name= is told so, and its errors name the module.
make_iso msgs "slice=abc cpuid_abi=bogus" tests/boot/fixtures/bad.s "mips" \
	tests/boot/fixtures/sum.s "mips name=sum" tests/boot/fixtures/sum.s "mips name=sum2"
boot_qemu msgs 60
expect_count "slice=abc: warned once, not per VM" 1 '^warning: command line: slice=abc is not a number; using 10000$'
expect "cpuid_abi=bogus: warned at boot, with no VMX guest" '^error: command line: cpuid_abi=bogus is not one of 4leaf, spring21, fall22: using 4leaf$'
expect "a module without name= is told so" "^mips: module 0 has no name=: its VM is called 'mips0'$"
expect "its assembly errors name the module" '^module 0:4:15: error: '
expect "... and the VM by its name" "^mips: 'mips0' not started: 2 assembly errors in module 0$"
expect "the others run" '^\[sum2\] 500500$'

# All RAM is identity-mapped, not only the first 4 GiB.
make_iso highmem "selftest=highmem"
boot_qemu highmem 60 -m 6G
expect "RAM above 4 GiB is mapped and usable" '^selftest: highmem: [0-9]+ addresses above 4 GiB written and read back, top 0x1[0-9a-f]{8}$'
expect_not "no panic with 6 GiB" 'PANIC'
finish
