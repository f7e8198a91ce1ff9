/* guest.c: running the VMX guests handed over as GRUB modules, one after the other. */
#include <string.h>

#include "kernel/arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mm/mm.h"
#include "kernel/options.h"
#include "vmx/caps.h"
#include "vmx/cpuid_leaves.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/loader.h"
#include "vmx/run.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmxon.h"

#define DEFAULT_GUEST_MEM (64ull << 20)

/* timeout=N (milliseconds), Nms or Ns. Returns 0, or -1 when malformed. */
static int parse_timeout(const char *s, uint64_t *ms)
{
	uint64_t n;
	const char *p = s;
	if (parse_uint(&p, false, &n) < 0)
		return -1;
	if (!*p || !strcmp(p, "ms"))
		*ms = n;
	else if (!strcmp(p, "s"))
		*ms = n * 1000;
	else
		return -1;
	return 0;
}

/* name=, mem=, timeout= from the module command line. */
static int parse_module_options(struct vcpu *v, size_t index, const char *words, uint64_t *mem)
{
	char buf[32];
	if (!kv_find(words, "name", v->name, sizeof(v->name)))
		ksnprintf(v->name, sizeof(v->name), "guest%zu", index);
	*mem = DEFAULT_GUEST_MEM;
	if (kv_find(words, "mem", buf, sizeof(buf)) && parse_size(buf, mem)) {
		kprintf("guest %s: not started: mem=%s is not a size (e.g. 64M)\n", v->name, buf);
		return -1;
	}
	if (kv_find(words, "timeout", buf, sizeof(buf)) && parse_timeout(buf, &v->timeout_ms)) {
		kprintf("guest %s: not started: timeout=%s is not a time (e.g. 500ms, 2s)\n", v->name, buf);
		return -1;
	}
	return 0;
}

static int load_guest(struct vcpu *v, const struct boot_module *m, uint64_t mem, struct guest_boot *boot)
{
	char err[160];
	if (ept_create(&v->mem, mem) < 0) {
		kprintf("guest %s: not started: no %llu KiB of memory for it\n", v->name, (unsigned long long)(mem >> 10));
		return -1;
	}
	if (loader_load_multiboot(&v->mem, (const uint8_t *)(uintptr_t)m->start, m->end - m->start, m->cmdline, boot,
				  err, sizeof(err)) < 0) {
		kprintf("guest %s: not started: %s\n", v->name, err);
		return -1;
	}
	return 0;
}

/* What the shell shows of every guest that ran or runs: name, whether it is running, its exits. */
#define GUEST_RECORDS 32
struct guest_record {
	char name[32];
	bool running;
	struct exit_stats stats; /* a copy once the guest has ended */
	const struct exit_stats *live; /* while it runs */
};
static struct guest_record records[GUEST_RECORDS];
static size_t nrecords;

static struct guest_record *record_start(const struct vcpu *v)
{
	if (nrecords == GUEST_RECORDS)
		return NULL; /* the shell forgets the oldest details beyond this; the console log has them */
	struct guest_record *r = &records[nrecords++];
	strlcpy(r->name, v->name, sizeof(r->name));
	r->running = true;
	r->live = &v->stats;
	return r;
}

static void record_end(struct guest_record *r, const struct vcpu *v)
{
	if (!r)
		return;
	r->stats = v->stats;
	r->live = NULL;
	r->running = false;
}

static const struct exit_stats *record_stats(const struct guest_record *r)
{
	return r->live ? r->live : &r->stats;
}

void vmx_list_guests(void)
{
	for (size_t i = 0; i < nrecords; i++)
		kprintf("  vmx   %-16s %-9s %llu exits\n", records[i].name, records[i].running ? "running" : "ended",
			(unsigned long long)record_stats(&records[i])->count);
}

int vmx_print_guest_statistics(const char *name)
{
	for (size_t i = 0; i < nrecords; i++) {
		if (!strcmp(records[i].name, name)) {
			exit_stats_print(record_stats(&records[i]), records[i].name);
			return 0;
		}
	}
	return -1;
}

static void run_guest_module(size_t index, const struct vmx_controls *ctl)
{
	const struct boot_module *m = &boot_info.modules[index];
	struct vcpu *v = kzalloc(sizeof(*v));
	uint64_t mem;
	struct guest_boot boot;
	if (!v) {
		kprintf("guest module %zu: not started: out of memory\n", index);
		return;
	}
	v->ctl = ctl;
	v->vpid = (uint16_t)(index + 1); /* VPID 0 is the host's (SDM Vol. 3C, 29.1) */
	exit_stats_init(&v->stats);
	if (parse_module_options(v, index, m->cmdline, &mem) == 0 && load_guest(v, m, mem, &boot) == 0 &&
	    vmcs_setup(v, &boot) == 0) {
		kprintf("guest %s: starting at 0x%x with %llu KiB of memory\n", v->name, boot.entry,
			(unsigned long long)(v->mem.size >> 10));
		if (read_cr4() & CR4_OSXSAVE)
			xsetbv(0, XCR0_X87); /* no guest sees the XCR0 of the one before */
		ept_flush_all(ctl->ept_vpid_cap); /* EPT frames and VPIDs are reused guest after guest */
		struct guest_record *r = record_start(v);
		vcpu_run(v);
		record_end(r, v);
		exit_stats_print(&v->stats, v->name);
		vmcs_teardown(v);
	}
	ept_destroy(&v->mem);
	kfree(v);
}

/* Why guests cannot run here, or NULL after entering VMX operation. */
static const char *vmx_prepare(struct vmx_controls *ctl)
{
	struct vmx_caps caps;
	vmx_caps_probe(&caps);
	if (!caps.usable)
		return caps.why_not;
	const char *missing = vmx_controls_compute(ctl);
	if (missing) {
		static char why[96];
		ksnprintf(why, sizeof(why), "missing required feature: %s", missing);
		return why;
	}
	if (vmx_enable(ctl) < 0)
		return "VMXON failed";
	return NULL;
}

void vmx_run_guests(void)
{
	static struct vmx_controls ctl;
	size_t guests = 0;
	for (size_t i = 0; i < boot_info.module_count; i++)
		guests += kv_has_word(boot_info.modules[i].cmdline, "guest");
	if (!guests)
		return;
	const char *why_not = vmx_prepare(&ctl);
	if (why_not) {
		kprintf("VMX: %zu guest module(s) not started: VMX unavailable: %s\n", guests, why_not);
		return;
	}
	cpuid_leaves_init();
	for (size_t i = 0; i < boot_info.module_count; i++)
		if (kv_has_word(boot_info.modules[i].cmdline, "guest"))
			run_guest_module(i, &ctl);
	vmx_print_statistics();
}
