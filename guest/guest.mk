# guest.mk: Tally's x86 test guests: ELF32 multiboot (v1) kernels, built freestanding with -m32.
GUEST_BUILD := $(BUILD)/guest
GUEST_CFLAGS := -m32 -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-pie -static -fno-stack-protector \
	-mgeneral-regs-only -fno-builtin $(WARN) $(DEPFLAGS) -I. -Iguest/lib
GUEST_LIB_OBJS := $(GUEST_BUILD)/lib/start.o $(GUEST_BUILD)/lib/runtime.o
# 64-bit division in the guests' printf comes from libgcc.
GUEST_LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

# name -> source folder/file
GUEST_testguest := guest/testguest/main.c
GUEST_bench := guest/bench/main.c
GUEST_platform := guest/platform/main.c
GUEST_fidelity := guest/fidelity/main.c
GUEST_negative-triple := guest/negative/triple.c
GUEST_negative-outside := guest/negative/outside.c
GUEST_negative-vmxon := guest/negative/vmxon.c
GUEST_negative-spin := guest/negative/spin.c
GUEST_negative-marks := guest/negative/marks.c
GUEST_negative-cr8 := guest/negative/cr8.c
GUEST_echo := guest/echo/main.c
GUEST_apic := guest/apic/main.c
GUEST_NAMES := testguest platform fidelity apic bench echo negative-triple negative-outside negative-vmxon negative-spin negative-marks negative-cr8
GUEST_ELFS := $(foreach g,$(GUEST_NAMES),$(GUEST_BUILD)/$(g).elf)

$(GUEST_BUILD)/lib/%.o: guest/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  GUESTAS $<"
	@$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/src/%.o: guest/%.c
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $<"
	@$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_BUILD)/lib/%.o: guest/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $<"
	@$(CC) $(GUEST_CFLAGS) -c $< -o $@

# One link rule per guest: the runtime plus the guest's own source.
define GUEST_LINK_RULE
$(GUEST_BUILD)/$(1).elf: $(patsubst guest/%.c,$(GUEST_BUILD)/src/%.o,$(GUEST_$(1))) $(GUEST_LIB_OBJS) guest/guest.ld
	@echo "  GUESTLD $$@"
	@$(LD) -m elf_i386 -T guest/guest.ld -z noexecstack --no-warn-rwx-segments -o $$@ $$(filter %.o,$$^) $(GUEST_LIBGCC)
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call GUEST_LINK_RULE,$(g))))
.SECONDARY: $(GUEST_LIB_OBJS)

guests: $(GUEST_ELFS)
.PHONY: guests

BOOT_TEST_DEPS += $(GUEST_ELFS)
# The Makefile hands ISO_MODULES to mkiso.sh word for word, so the entry carries its own -m.
ISO_MODULES += -m $(GUEST_BUILD)/testguest.elf "guest name=testguest mem=16M"

# A bzImage-shaped 64-bit test kernel for the Linux loader's boot tests (tests/boot/linux_load_bochs.sh).
$(GUEST_BUILD)/tinybz.bin: guest/linux/tinybz.asm
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f bin -o $@ $<
BOOT_TEST_DEPS += $(GUEST_BUILD)/tinybz.bin
