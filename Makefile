# Makefile: builds Tally (kernel ELF and GRUB ISO), the hosted tests and tools; runs and tests it.
# Each folder may add a fragment <folder>/<name>.mk; see "Fragments" below.

# No built-in rules: with them, make tries to rebuild each included .d file from a .o and
# compiles nonsense (lwIP's core/ip.d.c) whenever lwIP's objects are out of date.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

BUILD    := build
CC       := gcc
NASM     := nasm
LD       := ld
GCC_INC  := $(shell $(CC) -print-file-name=include)
VERSION  := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)

WARN     := -Wall -Wextra -Werror
DEPFLAGS := -MMD -MP

# Freestanding flags shared by everything linked into the kernel (kernel/, vmx/, mips/).
KERNEL_CFLAGS_BASE := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $(GCC_INC) \
	-fno-pie -fno-pic -fno-stack-protector -mno-red-zone -mgeneral-regs-only \
	-mcmodel=small -fno-omit-frame-pointer -fno-strict-aliasing $(WARN) $(DEPFLAGS)
KERNEL_CFLAGS := $(KERNEL_CFLAGS_BASE) -I. -Ikernel/lib/libc -DTALLY_VERSION='"$(VERSION)"'
# mips/ sees only its own headers (STYLE.md rule 1): a stray kernel include fails here.
MIPS_KERNEL_CFLAGS := $(KERNEL_CFLAGS_BASE) -Imips
NASMFLAGS := -f elf64 -g -F dwarf

# Hosted builds (unit tests, mipsvm): sanitizers on for tests, optimised for tools.
HOST_CFLAGS  := -std=gnu11 -O1 -g $(WARN) $(DEPFLAGS) -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_LDFLAGS := -fsanitize=address,undefined
HOST_TOOL_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(DEPFLAGS)

KERNEL_ELF := $(BUILD)/tally.elf
KERNEL_ISO := $(BUILD)/tally.iso

# Fragments append to these.
KERNEL_C_SRCS   := $(wildcard kernel/*.c kernel/*/*.c)
KERNEL_ASM_SRCS := $(wildcard boot/*.asm kernel/*/*.asm)
KERNEL_MIPS_SRCS := $(wildcard mips/*.c)
UNIT_TESTS  :=	# hosted test binaries; each prints PASS:/FAIL: lines and "N passed, N failed"
BOOT_TESTS  :=	# boot test scripts in tests/boot; same output contract
BOOT_TEST_DEPS := # files boot tests need built first (guests, mipsvm...)
ISO_MODULES :=	# default ISO: -m <file> "<module command line>" per module
# The default ISO (make run): two demo MIPS VMs; the shell stays up after every VM has ended.
ISO_MODULES += -m guest/mips/fib.s "mips name=fib" -m guest/mips/sieve.s "mips name=sieve slice=500"
CMDLINE ?= exit=shell
BENCHES     :=

.PHONY: all iso run run-bochs debug test test-unit test-boot deps clean distclean help disk
all: $(KERNEL_ELF) $(KERNEL_ISO)

include $(sort $(wildcard */*.mk kernel/*/*.mk))

KERNEL_OBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_C_SRCS)) \
	$(patsubst %.asm,$(BUILD)/k/%.o,$(KERNEL_ASM_SRCS)) \
	$(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_MIPS_SRCS))

$(BUILD)/k/mips/%.o: mips/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(MIPS_KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# Hosted objects: $(BUILD)/host (sanitizers, for tests) and $(BUILD)/tool (optimised, for tools).
$(BUILD)/host/mips/%.o: mips/%.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(HOST_CFLAGS) -Imips -c $< -o $@

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(HOST_CFLAGS) -I. -c $< -o $@

$(BUILD)/tool/mips/%.o: mips/%.c
	@mkdir -p $(dir $@)
	@echo "  TOOLCC  $<"
	@$(CC) $(HOST_TOOL_CFLAGS) -Imips -c $< -o $@

$(BUILD)/tool/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  TOOLCC  $<"
	@$(CC) $(HOST_TOOL_CFLAGS) -I. -c $< -o $@

# The version string changes with every commit: its object depends on a stamp rewritten only
# when `git describe` changes.
$(BUILD)/version: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' "$(VERSION)" | cmp -s - $@ || printf '%s\n' "$(VERSION)" >$@
$(BUILD)/k/kernel/version.o: $(BUILD)/version
FORCE:

# Who may include whom (docs/ARCHITECTURE.md): checked whenever a source changes.
FENCED_SRCS := $(shell git ls-files 'kernel/*.[ch]' 'vmx/*.[ch]' 'mips/*.[ch]' 'tools/*.[ch]' 'guest/*.[chS]' 2>/dev/null)
$(BUILD)/fences.ok: tools/fences.sh $(FENCED_SRCS)
	@mkdir -p $(BUILD)
	@echo "  FENCES  kernel/ vmx/ mips/ tools/ guest/"
	@tools/fences.sh
	@touch $@

$(KERNEL_ELF): $(KERNEL_OBJS) linker.ld $(BUILD)/fences.ok
	@echo "  LD      $@"
	@$(LD) -n -T linker.ld -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -o $@ $(KERNEL_OBJS)

# Rewritten only when CMDLINE changes, so a new command line rebuilds the ISO.
$(BUILD)/cmdline: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' "$(CMDLINE)" | cmp -s - $@ || printf '%s\n' "$(CMDLINE)" >$@

$(KERNEL_ISO): $(KERNEL_ELF) tools/mkiso.sh boot/grub.cfg.in $(BOOT_TEST_DEPS) guest/mips/fib.s guest/mips/sieve.s \
		$(BUILD)/cmdline
	@echo "  ISO     $@"
	@tools/mkiso.sh -o $@ -k $(KERNEL_ELF) -c "$(CMDLINE)" $(foreach m,$(ISO_MODULES),$(m))

iso: $(KERNEL_ISO)

# Tools the build and the tests need; installed through apt when missing (tools/deps.sh).
deps:
	@tools/deps.sh

# The snapshot disk: a FAT32 image kept between runs (make disk recreates it).
DISK_IMG := $(BUILD)/disk.img
$(DISK_IMG):
	@mkdir -p $(BUILD)
	@tools/mkdisk.sh $@

disk:
	@rm -f $(DISK_IMG)
	@tools/mkdisk.sh $(DISK_IMG)

# UEFI=1: OVMF firmware instead of SeaBIOS; USB=1: the image as a USB stick; SCREEN=1: a VGA card
# and QEMU's window (Tally's screen console and PS/2 keyboard).
RUN_QEMU_ARGS := $(if $(filter 1,$(UEFI)),--uefi) $(if $(filter 1,$(USB)),--usb) $(if $(filter 1,$(SCREEN)),--vga=show)

run: deps
	@$(MAKE) --no-print-directory all $(DISK_IMG)
	tools/run-qemu.sh --disk $(DISK_IMG) $(NET_RUN_QEMU_ARGS) $(RUN_QEMU_ARGS) $(KERNEL_ISO)

run-bochs: deps
	@$(MAKE) --no-print-directory all
	tools/run-bochs.sh -i $(KERNEL_ISO)

debug: deps
	@$(MAKE) --no-print-directory all
	tools/run-qemu.sh --gdb $(KERNEL_ISO)

test: deps
	@$(MAKE) --no-print-directory -s all $(UNIT_TESTS) $(BOOT_TEST_DEPS)
	@tests/run-tests.sh $(UNIT_TESTS) $(BOOT_TESTS)

test-unit: deps
	@$(MAKE) --no-print-directory -s $(UNIT_TESTS)
	@tests/run-tests.sh $(UNIT_TESTS)

test-boot: deps
	@$(MAKE) --no-print-directory -s all $(BOOT_TEST_DEPS)
	@tests/run-tests.sh $(BOOT_TESTS)

# clean keeps what a user or a download made: the snapshot disk and lwIP's unpacked source.
clean:
	@find $(BUILD) -mindepth 1 -maxdepth 1 ! -name disk.img ! -name lwip ! -name lwip.stamp \
		-exec rm -rf {} + 2>/dev/null || true

distclean:
	rm -rf $(BUILD)

help:
	@echo "make            build build/tally.elf and build/tally.iso"
	@echo "make run        boot in QEMU (KVM with nested VT-x if available, else TCG)"
	@echo "make run UEFI=1 the same image under UEFI firmware (OVMF); USB=1 boots it as a USB stick,"
	@echo "                SCREEN=1 adds a VGA card and QEMU's window (screen console, PS/2 keyboard)"
	@echo "make run-bochs  boot under Bochs (emulated VT-x), shell on this terminal; Ctrl-C quits"
	@echo "make run-linux  Debian's cloud kernel as a VMX guest (fetched into build/linux/)"
	@echo "make debug      QEMU waiting for gdb (gdb -x build/gdbinit)"
	@echo "make disk       recreate build/disk.img, the 64 MiB FAT32 snapshot disk"
	@echo "make run-pair   two Tallys in two QEMUs on one link (migrate between them)"
	@echo "make test       hosted unit tests, then boot tests under QEMU TCG and Bochs"
	@echo "make test-unit  only the hosted tests;  make test-boot  only the boot tests"
	@echo "make bench-*    benchmarks: $(BENCHES)"
	@echo "make report LOG=f  tools/tally-report: text report and picture (LOG.png) of an exit-analytics export"
	@echo "make clean      remove build outputs (keeps build/disk.img and lwIP's source)"
	@echo "make distclean  remove all of build/"
	@echo "CMDLINE='k=v'   kernel command line for the ISO"
	@echo "NET_FWD_PORT=N  host port forwarded to Tally's migration port by make run (default 7283)"
	@echo "LWIP_DIR=DIR    build lwIP from DIR instead of Debian's source package"
	@echo "TEST_JOBS=N     tests run N at a time (default: the number of CPUs)"

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
