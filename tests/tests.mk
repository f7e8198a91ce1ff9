# tests.mk: the foundation's hosted unit tests and boot tests.
FOUNDATION_UNIT := build/host/test_frames build/host/test_heap build/host/test_format build/host/test_options
UNIT_TESTS += $(FOUNDATION_UNIT)
BOOT_TESTS += tests/boot/foundation_qemu.sh tests/boot/panic_qemu.sh tests/boot/foundation_bochs.sh \
	tests/boot/mips_qemu.sh tests/boot/mips_qemu_interp.sh tests/boot/asm_bound_qemu.sh tests/boot/run_scripts.sh tests/boot/idle_apic.sh tests/boot/power_qemu.sh

build/host/test_frames: build/host/tests/unit/test_frames.o build/host/kernel/mm/frames.o
build/host/test_heap: build/host/tests/unit/test_heap.o build/host/kernel/mm/heap.o
build/host/test_format: build/host/tests/unit/test_format.o build/host/kernel/lib/format.o
build/host/test_options: build/host/tests/unit/test_options.o build/host/kernel/kv.o
$(FOUNDATION_UNIT):
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^

BENCHES += bench-disk
.PHONY: bench-disk
bench-disk: all
	@tools/bench-disk.sh

# README.md's kernel command-line table is generated from KERNEL_OPTIONS (tools/gen-readme-tables.sh).
UNIT_TESTS += build/host/test_readme_tables
build/host/test_readme_tables: build/host/tests/unit/test_readme_tables.o
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^
