# vmx.mk: vmx/ is linked into the kernel; its boot tests run the guests of guest/ under Bochs.
KERNEL_C_SRCS += $(wildcard vmx/*.c)
KERNEL_ASM_SRCS += $(wildcard vmx/*.asm)
# Longest first: the runner starts them in this order, TEST_JOBS at a time.
BOOT_TESTS += tests/boot/linux_bochs.sh tests/boot/linux_console_bochs.sh tests/boot/linux_panic_bochs.sh tests/boot/linux_load_bochs.sh
BOOT_TESTS += tests/boot/vmx_analytics_bochs.sh tests/boot/vmx_analytics_off_bochs.sh tests/boot/vmx_qemu.sh tests/boot/vmx_fidelity_bochs.sh tests/boot/vmx_apic_bochs.sh tests/boot/vmx_guests.sh \
	tests/boot/vmx_concurrent.sh tests/boot/vmx_isolation.sh tests/boot/vmx_platform.sh tests/boot/vmx_console.sh \
	tests/boot/vmx_report_bochs.sh

# make bench-vmx: the bench guest under Bochs, with the exit analytics (histograms, timeline,
# trace) and without them (exit_analytics=off), both boots at once; prints each one's two result
# lines and its `book` row (recording cycles per exit) (not a test).
BENCHES += bench-vmx
.PHONY: bench-vmx
bench-vmx: $(KERNEL_ELF) $(BUILD)/guest/bench.elf
	@mkdir -p $(BUILD)/bench
	@for a in on off; do \
		tools/mkiso.sh -o $(BUILD)/bench/vmx-$$a.iso -k $(KERNEL_ELF) -c "exit_analytics=$$a" \
			-m $(BUILD)/guest/bench.elf "guest name=bench mem=16M" || exit 1; \
		tools/run-bochs.sh -i $(BUILD)/bench/vmx-$$a.iso -s $(BUILD)/bench/vmx-$$a.log -t 300 & \
	done; wait
	@for a in on off; do \
		log=$(BUILD)/bench/vmx-$$a.log; \
		grep -aq "bench-vmx:" $$log || { echo "bench-vmx: no result; see $$log"; tail -n 20 $$log; exit 1; }; \
		grep -a "bench-vmx:" $$log | sed "s/bench-vmx:/bench-vmx (exit_analytics=$$a):/"; \
		grep -a -m1 "  book  " $$log | sed "s/^ */bench-vmx (exit_analytics=$$a): /"; \
	done
	@grep -aE "^(TSC|CPU):" $(BUILD)/bench/vmx-on.log

# make bench-linux: Debian's cloud kernel to its first user-space line under Bochs, as a Tally guest
# and booted directly by GRUB: wall times, their ratio, the boot's exits and top reasons (not a test).
BENCHES += bench-linux
.PHONY: bench-linux
bench-linux: $(KERNEL_ELF)
	@tools/bench-linux.sh

# Hosted unit test of the multiboot loader (bad input must be refused, never crash).
UNIT_TESTS += build/host/test_vmx_loader
build/host/test_vmx_loader: build/host/tests/unit/test_vmx_loader.o build/host/tests/unit/vmx_host_stubs.o build/host/vmx/loader.o
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^

# Hosted unit test of the guest platform's pure device models.
UNIT_TESTS += build/host/test_vmx_devices
build/host/test_vmx_devices: build/host/tests/unit/test_vmx_devices.o build/host/vmx/dev_pit.o build/host/vmx/dev_pic.o \
		build/host/vmx/dev_uart.o build/host/vmx/dev_cmos.o build/host/vmx/dev_lapic.o build/host/vmx/mmio_decode.o
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^

# Hosted unit test of the Linux bzImage loader (and of Debian's kernel when tools/fetch-linux.sh has run).
UNIT_TESTS += build/host/test_linux_boot
build/host/test_linux_boot: build/host/tests/unit/test_linux_boot.o build/host/tests/unit/vmx_host_stubs.o build/host/vmx/linux_boot.o
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^

# make run-linux: Debian's cloud kernel and a busybox + cpuid initramfs (tools/fetch-linux.sh, into
# build/linux/, never committed) as a VMX guest named "linux", the console in its COM1 (console=linux;
# Ctrl-] gives it to Tally's shell). QEMU with KVM
# when the host offers VT-x (nested VMX), else Bochs (emulated VT-x). The guest's command line is
# the boot test's (tests/boot/linux_bochs.sh, LINUX_CMDLINE) plus tally_shell=1, which makes its
# /init run the checker without ending the guest and then start a shell on the guest's console.
LINUX_RUN_CMDLINE = $(shell sed -n 's/^LINUX_CMDLINE="\(.*\)"$$/\1/p' tests/boot/linux_bochs.sh) tally_shell=1
LINUX_RUN_MEM ?= 256M
.PHONY: run-linux
run-linux: deps
	@$(MAKE) --no-print-directory all
	@tools/fetch-linux.sh
	@tools/mkiso.sh -o $(BUILD)/linux/run.iso -k $(KERNEL_ELF) -c "console=linux $(CMDLINE)" \
		-m $(BUILD)/linux/vmlinuz "linux name=linux mem=$(LINUX_RUN_MEM) -- $(LINUX_RUN_CMDLINE)" \
		-m $(BUILD)/linux/initrd.img "initrd name=linux"
	@if grep -qw vmx /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
		tools/run-qemu.sh -m 1024 $(BUILD)/linux/run.iso; \
	else \
		echo "run-linux: no VT-x for QEMU here: Bochs (emulated VT-x); slow, Ctrl-C ends it"; \
		tools/run-bochs.sh -i $(BUILD)/linux/run.iso -m 768; \
	fi

# Hosted unit test of the exit analytics' data structures (histogram, timeline, trace ring).
UNIT_TESTS += build/host/test_exit_analytics
build/host/test_exit_analytics: build/host/tests/unit/test_exit_analytics.o build/host/vmx/exit_hist.o \
		build/host/vmx/exit_timeline.o build/host/vmx/exit_trace.o
	@echo "  LINK    $@"
	@$(CC) $(HOST_LDFLAGS) -o $@ $^

# tools/tally-report on a well-formed export and on malformed ones (clear error, no traceback).
UNIT_TESTS += tests/tools/test_tally_report.sh

# make report LOG=serial.txt [GUEST=name]: tools/tally-report's text report of a log holding an
# export (`stats NAME --export` or stats_export=on), and its picture next to the log (LOG.png).
.PHONY: report
report:
	@test -n "$(LOG)" || { echo "report: say which log: make report LOG=path/to/serial.txt [GUEST=name]"; exit 2; }
	@tools/tally-report "$(LOG)" $(if $(GUEST),--guest "$(GUEST)") --png "$(basename $(LOG)).png"
	@echo "report: picture in $(basename $(LOG)).png"
