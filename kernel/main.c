/* main.c: kmain: bring the machine up, print the banner, run the VMs, end in order. */
#include <stdint.h>
#include <string.h>

#include "kernel/arch/gdt.h"
#include "kernel/arch/idle.h"
#include "kernel/arch/idt.h"
#include "kernel/arch/panic.h"
#include "kernel/arch/power.h"
#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/dev/disk.h"
#include "kernel/dev/keyboard.h"
#include "kernel/dev/pci.h"
#include "kernel/dev/screen.h"
#include "kernel/kernel.h"
#include "kernel/mips/migrate.h"
#include "kernel/mips/mipsvms.h"
#include "kernel/mm/mm.h"
#include "kernel/net/net.h"
#include "kernel/options.h"
#include "kernel/shell.h"
#include "vmx/vmx.h"

static void cpu_describe(void)
{
	struct cpuid_regs r;
	char vendor[13], brand[49];
	cpuid(0, 0, &r);
	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = 0;
	cpuid(1, 0, &r);
	unsigned family = (r.eax >> 8) & 0xf, model = (r.eax >> 4) & 0xf, stepping = r.eax & 0xf;
	if (family == 0xf)
		family += (r.eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((r.eax >> 16) & 0xf) << 4;
	brand[0] = 0;
	cpuid(0x80000000, 0, &r);
	if (r.eax >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, &r);
			memcpy(brand + 16 * i, &r, 16);
		}
		brand[48] = 0;
	}
	const char *b = brand;
	while (*b == ' ')
		b++;
	kprintf("CPU: %s family 0x%x model 0x%x stepping %u, \"%s\"\n", vendor, family, model, stepping,
		*b ? b : "no brand string");
}

static void memory_describe(void)
{
	uint64_t usable = 0;
	for (size_t i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		if (e->type == MMAP_AVAILABLE)
			usable += e->length;
		log_debug("  mmap %016llx-%016llx type %u\n", (unsigned long long)e->base,
			  (unsigned long long)(e->base + e->length), e->type);
	}
	kprintf("Memory: %llu MiB usable in %zu map entries, RAM top 0x%llx, %zu frames free\n",
		(unsigned long long)(usable >> 20), boot_info.mmap_count, (unsigned long long)bootinfo_ram_top(),
		pmm_free_count());
}

static void modules_describe(void)
{
	kprintf("Modules: %zu\n", boot_info.module_count);
	for (size_t i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		kprintf("  module %zu: %llu bytes at 0x%llx: %s\n", i, (unsigned long long)(m->end - m->start),
			(unsigned long long)m->start, m->cmdline);
	}
}

static void banner(void)
{
	kprintf("Boot loader: %s; command line: \"%s\"\n", boot_info.loader_name, boot_info.cmdline);
	bootinfo_describe_firmware();
	cpu_describe();
	kprintf("TSC: %llu.%03llu MHz (%s)\n", (unsigned long long)(tsc_hz() / 1000000),
		(unsigned long long)(tsc_hz() / 1000 % 1000), tsc_source());
	idle_describe();
	memory_describe();
	screen_describe();
	keyboard_init();
	modules_describe();
	vmx_report_caps();
	kprintf("PCI: %d functions\n", pci_count());
	pci_list();
	disk_init();
	net_init();
}

static void apply_log_level(void)
{
	char words[64];
	int level = option_choice("loglevel"); /* LOGLEVEL_VALUES is in enum log_level order */
	if (level >= 0)
		log_set_level((enum log_level)level);
	else if (level == -2)
		log_warn("command line: loglevel=%s is not one of %s\n", option_get("loglevel"),
			 option_values("loglevel", ", ", ", ", words, sizeof(words)));
}

/* Writes and reads back a pattern every 64 MiB of RAM above 4 GiB: paging_init must map it all. */
static void selftest_highmem(void)
{
	const uint64_t four_gib = 4ull << 30, step = 64ull << 20;
	uint64_t checked = 0, top = 0;
	for (size_t i = 0; i < boot_info.mmap_count; i++) {
		const struct mmap_entry *e = &boot_info.mmap[i];
		if (e->type != MMAP_AVAILABLE || e->base + e->length <= four_gib)
			continue;
		uint64_t start = e->base > four_gib ? e->base : four_gib;
		for (uint64_t a = start; a + 8 <= e->base + e->length; a += step) {
			volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)a;
			uint64_t saved = *p;
			*p = a ^ 0x5a5a5a5a5a5a5a5aull;
			if (*p != (a ^ 0x5a5a5a5a5a5a5a5aull))
				panic("selftest: highmem: 0x%llx does not keep what was written", (unsigned long long)a);
			*p = saved;
			checked++;
			top = a;
		}
	}
	kprintf("selftest: highmem: %llu addresses above 4 GiB written and read back, top 0x%llx\n",
		(unsigned long long)checked, (unsigned long long)top);
}

/* selftest=...: failures provoked on purpose so tests can check the reports. */
static void run_selftest(void)
{
	const char *t = option_get("selftest");
	if (!t)
		return;
	kprintf("selftest: %s\n", t);
	if (!strcmp(t, "pagefault")) {
		uintptr_t null_page = 8; /* page 0 is never mapped */
		__asm__ volatile("" : "+r"(null_page)); /* hide the constant from the compiler */
		*(volatile uint64_t *)null_page = 0x7a11;
	} else if (!strcmp(t, "divide")) {
		uint32_t zero = 0, quotient, remainder;
		__asm__ volatile("divl %2" : "=a"(quotient), "=d"(remainder) : "r"(zero), "a"(1), "d"(0));
		kprintf("%u %u\n", quotient, remainder);
	} else if (!strcmp(t, "panic")) {
		panic("selftest: panic on request");
	} else if (!strcmp(t, "highmem")) {
		selftest_highmem();
		return;
	} else if (net_selftest(t)) {
		return;
	} else if (!strcmp(t, "heap-double-free")) {
		void *p = kmalloc(64);
		kfree(p);
		kfree(p);
	} else {
		char words[128];
		log_warn("selftest: unknown test '%s' (%s)\n", t, option_values("selftest", ", ", ", ", words, sizeof(words)));
		return;
	}
	panic("selftest: '%s' did not fault", t);
}

static bool shell_on;

/* How long the idle loop sleeps: the longest extra delay before a frame or a key is seen. */
#define IDLE_US 100

/* Each runnable vCPU until it yields; true when one of them wants the CPU again at once. */
static bool run_vcpus(void)
{
	bool busy = false;
	for (size_t i = 0; i < vmx_vcpu_count(); i++) {
		struct vcpu *v = vmx_vcpu(i);
		if (vmx_vcpu_live(v) && vmx_vcpu_run(v) == VCPU_YIELD_QUANTUM)
			busy = true;
	}
	return busy;
}

/* The screen's bottom line: what runs, and for how long; drawn again when a figure changes. */
static void status_line(void)
{
	static uint64_t shown_s = ~0ull;
	static size_t shown_guests, shown_vms;
	uint64_t s = time_ms() / 1000;
	size_t guests = vmx_live_count(), vms = mipsvms_live();
	screen_sync_cursor();
	if (s == shown_s && guests == shown_guests && vms == shown_vms)
		return;
	shown_s = s, shown_guests = guests, shown_vms = vms;
	char text[128];
	ksnprintf(text, sizeof(text), " Tally %s | VMX guests running: %zu | MIPS VMs running: %zu | up %llu:%02llu:%02llu",
		  tally_version, guests, vms, (unsigned long long)(s / 3600), (unsigned long long)(s / 60 % 60),
		  (unsigned long long)(s % 60));
	screen_status(text);
}

/* One turn of the loop that owns the machine: the VMX guests, then the shell, the network,
 * the transfers and one slice of each MIPS VM. True when something can run on the next turn. */
static bool loop_turn(void)
{
	bool busy = run_vcpus();
	vmx_flush_consoles();
	if (shell_on)
		shell_poll();
	status_line();
	net_poll();
	migrate_poll();
	return mipsvms_round() > 0 || busy;
}

/* A turn, then a short sleep when nothing could run (every guest halted, no MIPS VM runnable),
 * never past a halted guest's next timer interrupt. */
static void turn_or_idle(void)
{
	if (loop_turn())
		return;
	uint64_t wake_ns = vmx_next_wake_ns();
	idle_wait(wake_ns < IDLE_US * 1000ull ? (uint32_t)(wake_ns / 1000) : IDLE_US);
}

static bool vms_live(void)
{
	return vmx_live_count() || mipsvms_live() || migrate_active();
}

/* What happens once every VM has ended: exit=poweroff (default), halt, or shell (stay in the
 * serial shell until 'halt'). */
static void the_end(void)
{
	const char *e = option_get("exit");
	if (e && !strcmp(e, "shell") && shell_on) {
		kprintf("Tally: the shell stays up (exit=shell); 'halt' powers off\n");
		for (;;)
			turn_or_idle();
	}
	if (e && !strcmp(e, "halt")) {
		kprintf("Tally: halted (exit=halt)\n");
		console_flush();
		for (;;)
			hlt();
	}
	char words[64];
	if (option_choice("exit") == -2)
		log_warn("command line: exit=%s is not %s; powering off\n", e,
			 option_values("exit", ", ", " or ", words, sizeof(words)));
	machine_exit(0);
}

void kmain(uint32_t magic, uint64_t info)
{
	console_init();
	/* The first line on the console, before any warning about the command line. */
	kprintf("\nTally %s: a type-1 hypervisor for measuring virtualization\n", tally_version);
	gdt_init();
	idt_init();
	if (bootinfo_parse(magic, info) < 0)
		panic("kmain: no usable multiboot2 information");
	options_parse(boot_info.cmdline);
	apply_log_level();
	pmm_init();
	console_screen_start();
	tsc_init();
	idle_init();
	pci_init();
	banner();
	run_selftest();
	const char *sh = option_get("shell");
	shell_on = !sh || strcmp(sh, "off");
	mipsvms_start_modules();
	migrate_init();
	if (shell_on)
		shell_start();
	vmx_start_guests();
	if (shell_on && option_get("console"))
		shell_attach_console(option_get("console"));
	/* Booted without a VM but listening: a migration destination, up for as long as it listens
	 * (exit= is about the end of the VMs a Tally was booted with). */
	bool destination = !vms_live() && migrate_listening() && !option_get("selftest");
	if (destination)
		kprintf("Tally: booted without VMs: stays up to receive migrations%s\n",
			shell_on ? "; 'halt' in the shell powers off" : "");
	while (vms_live() || destination)
		turn_or_idle();
	kprintf("Tally: all VMs have ended\n");
	the_end();
}
