#!/usr/bin/env bash
# panic_qemu.sh: CPU exceptions and panics print the full register dump and stop the machine.
. tests/boot/lib.sh

make_iso pagefault "selftest=pagefault"
boot_qemu pagefault 60
expect "page fault: vector, name and error code (write, not present)" \
	'^PANIC: CPU exception: vector 14 \(#PF page fault\), error code 0x2$'
expect "RIP, CS, RFLAGS, RSP, SS" '^RIP=[0-9a-f]{16} CS=0008 RFLAGS=[0-9a-f]{16} RSP=[0-9a-f]{16} SS=[0-9a-f]{4}$'
expect "control registers with the faulting address" '^CR0=[0-9a-f]{16} CR2=0000000000000008 CR3=[0-9a-f]{16} CR4=[0-9a-f]{16}$'
expect "RAX-RDX" '^RAX=[0-9a-f]{16} RBX=[0-9a-f]{16} RCX=[0-9a-f]{16} RDX=[0-9a-f]{16}$'
expect "RSI RDI RBP RSP" '^RSI=[0-9a-f]{16} RDI=[0-9a-f]{16} RBP=[0-9a-f]{16} RSP=[0-9a-f]{16}$'
expect "R8-R11" '^R8 =[0-9a-f]{16} R9 =[0-9a-f]{16} R10=[0-9a-f]{16} R11=[0-9a-f]{16}$'
expect "R12-R15" '^R12=[0-9a-f]{16} R13=[0-9a-f]{16} R14=[0-9a-f]{16} R15=[0-9a-f]{16}$'
expect "backtrace with at least two frames" '^  #1 [0-9a-f]{16}$'
expect "stopped in order" '^Tally stopped\.$'
expect_eq "QEMU exit status of a panic (code 3 -> 7)" 7 "$QEMU_STATUS"
# The faulting RIP must be in the selftest code: resolve it against the ELF.
rip=$(tr -d '\r' <"$last_log" | sed -nE 's/^RIP=([0-9a-f]{16}) .*/\1/p' | head -n 1)
fn=$(addr2line -f -e build/tally.elf "0x${rip:-0}" | head -n 1)
expect_eq "faulting RIP resolves to the selftest" run_selftest "$fn"

make_iso divide "selftest=divide"
boot_qemu divide 60
expect "divide error reported by name" '^PANIC: CPU exception: vector 0 \(#DE divide error\), error code 0x0$'

make_iso doublefree "selftest=heap-double-free"
boot_qemu doublefree 60
expect "heap double free caught" '^PANIC: kfree: double free of 0x[0-9a-f]+$'
expect "panic prints control registers" '^CR0=[0-9a-f]{16} CR2='
finish
