/* guest.c: the vCPUs made from the "guest" modules: start, run until yield, end, and their shell views. */
#include <string.h>

#include "kernel/arch/tsc.h"
#include "kernel/arch/x86.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/mm/mm.h"
#include "kernel/options.h"
#include "vmx/acpi_tables.h"
#include "vmx/caps.h"
#include "vmx/cpuid_leaves.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/linux_guest.h"
#include "vmx/loader.h"
#include "vmx/platform.h"
#include "vmx/run.h"
#include "vmx/stats_export.h"
#include "vmx/vcpu_switch.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmxon.h"

#define DEFAULT_GUEST_MEM (64ull << 20)
#define DEFAULT_QUANTUM_US 2000

/* N (milliseconds), Nus, Nms or Ns, in microseconds. Returns 0, or -1 when malformed. */
static int parse_time_us(const char *s, uint64_t *us)
{
	uint64_t n;
	const char *p = s;
	if (parse_uint(&p, false, &n) < 0)
		return -1;
	if (!*p || !strcmp(p, "ms"))
		*us = n * 1000;
	else if (!strcmp(p, "us"))
		*us = n;
	else if (!strcmp(p, "s"))
		*us = n * 1000000;
	else
		return -1;
	return 0;
}

/* trace=N: the guest keeps its last N exits (0: none), EXIT_TRACE_DEFAULT without it; none
 * under exit_analytics=off. */
static int parse_trace_option(struct vcpu *v, const char *words)
{
	char buf[32];
	const char *p = kv_find(words, "trace", buf, sizeof(buf));
	uint64_t n = EXIT_TRACE_DEFAULT;
	if (p && (parse_uint(&p, false, &n) < 0 || *p || n > EXIT_TRACE_MAX)) {
		kprintf("guest %s: not started: trace=%s is not a number of exits (0..%u)\n", v->name, buf,
			EXIT_TRACE_MAX);
		return -1;
	}
	if (!v->analytics)
		n = 0;
	if (n && !(v->trace.ring = kzalloc(n * sizeof(struct exit_trace_entry)))) {
		kprintf("guest %s: not started: no memory for a trace of %llu exits\n", v->name, (unsigned long long)n);
		return -1;
	}
	v->trace.size = (uint32_t)n;
	return 0;
}

/* name=, mem=, timeout=, trace= from the module command line. */
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
	uint64_t us;
	if (kv_find(words, "timeout", buf, sizeof(buf)) && parse_time_us(buf, &us)) {
		kprintf("guest %s: not started: timeout=%s is not a time (e.g. 500ms, 2s)\n", v->name, buf);
		return -1;
	}
	if (kv_find(words, "timeout", buf, sizeof(buf)))
		v->timeout_ms = us / 1000;
	v->analytics = exit_analytics_on();
	return parse_trace_option(v, words);
}

/* A module that becomes a vCPU: a multiboot kernel ("guest") or a Linux bzImage ("linux"). */
static bool is_vcpu_module(const char *cmdline)
{
	return linux_module_is_kernel(cmdline) || kv_has_word(cmdline, "guest");
}

static int load_guest(struct vcpu *v, const struct boot_module *m, uint64_t mem, struct guest_boot *boot)
{
	char err[160];
	if (ept_create(&v->mem, mem) < 0) {
		kprintf("guest %s: not started: no %llu KiB of memory for it\n", v->name, (unsigned long long)(mem >> 10));
		return -1;
	}
	acpi_tables_give(v); /* before the kernel's segments: a kernel loaded over them wins */
	if (loader_load_multiboot(&v->mem, (const uint8_t *)(uintptr_t)m->start, m->end - m->start, m->cmdline, boot,
				  err, sizeof(err)) < 0) {
		kprintf("guest %s: not started: %s\n", v->name, err);
		return -1;
	}
	return 0;
}

/* Every vCPU made at boot, in module order; ended ones stay for the shell's views. */
#define VCPUS_MAX 16
static struct vcpu *vcpus[VCPUS_MAX];
static size_t nvcpus, nlive;
static uint64_t quantum_us = DEFAULT_QUANTUM_US;

size_t vmx_vcpu_count(void) { return nvcpus; }
struct vcpu *vmx_vcpu(size_t i) { return i < nvcpus ? vcpus[i] : NULL; }
bool vmx_vcpu_live(const struct vcpu *v) { return !v->ended; }
size_t vmx_live_count(void) { return nlive; }

static struct vcpu *find_vcpu(const char *name)
{
	for (size_t i = 0; i < nvcpus; i++)
		if (!strcmp(vcpus[i]->name, name))
			return vcpus[i];
	return NULL;
}

void vmx_list_guests(void)
{
	for (size_t i = 0; i < nvcpus; i++) {
		const struct vcpu *v = vcpus[i];
		kprintf("  vmx   %-16s %-9s %llu exits\n", v->name, v->ended ? "ended" : v->halted ? "halted" : "running",
			(unsigned long long)v->stats.count);
	}
}

int vmx_print_guest_statistics(const char *name)
{
	const struct vcpu *v = find_vcpu(name);
	if (!v)
		return -1;
	exit_stats_print(&v->stats, exit_analytics_on() ? &v->hist : NULL, v->name);
	return 0;
}

/* The table over all guests; its percentiles come from the sum of their histograms. */
void vmx_print_statistics(void)
{
	static struct exit_hist all;
	memset(&all, 0, sizeof(all));
	for (size_t i = 0; i < nvcpus; i++)
		exit_hist_merge(&all, &vcpus[i]->hist);
	exit_stats_print(exit_stats_global(), exit_analytics_on() ? &all : NULL, "all guests");
}

int vmx_export_guest_statistics(const char *name)
{
	const struct vcpu *v = find_vcpu(name);
	if (!v)
		return -1;
	exit_stats_export(v);
	return 0;
}

int vmx_export_guest_statistics_buffer(const char *name, char **data, size_t *len)
{
	const struct vcpu *v = find_vcpu(name);
	if (!v)
		return -1;
	return exit_stats_export_buffer(v, data, len) < 0 ? -2 : 0;
}

int vmx_print_guest_trace(const char *name, uint32_t n)
{
	const struct vcpu *v = find_vcpu(name);
	if (!v)
		return -1;
	exit_trace_print(v, n);
	return 0;
}

int vmx_print_guest_platform(const char *name)
{
	const struct vcpu *v = find_vcpu(name);
	if (!v)
		return -1;
	platform_print(v);
	return 0;
}

/* A stopped vCPU's end: its table, then its VMCS and memory go; the last one prints the total. */
static void vcpu_end(struct vcpu *v)
{
	com1_flush(v); /* its last words and the report of how it ended come before its table */
	exit_stats_print(&v->stats, exit_analytics_on() ? &v->hist : NULL, v->name);
	if (exit_export_at_end() && v->analytics) /* else said at boot */
		exit_stats_export(v);
	vcpu_switch_forget(v);
	vmcs_teardown(v);
	ept_destroy(&v->mem);
	vcpu_cpu_state_free(v);
	v->ended = true;
	if (--nlive == 0)
		vmx_print_statistics();
}

enum vcpu_yield vmx_vcpu_run(struct vcpu *v)
{
	if (v->ended)
		return VCPU_YIELD_STOPPED;
	enum vcpu_yield y = vcpu_run(v);
	if (y == VCPU_YIELD_STOPPED)
		vcpu_end(v);
	return y;
}

int vmx_stop_guest(const char *name)
{
	struct vcpu *v = find_vcpu(name);
	if (!v || v->ended)
		return -1;
	vcpu_stop(v, "stop from the shell");
	vcpu_time_pending_exit(v, v->yield_tsc); /* the exit it yielded on ended at the yield */
	vcpu_end(v);
	return 0;
}

static struct vcpu *make_vcpu(size_t index, const struct vmx_controls *ctl)
{
	const struct boot_module *m = &boot_info.modules[index];
	struct vcpu *v = kzalloc(sizeof(*v));
	uint64_t mem;
	struct guest_boot boot = { 0 };
	char words[LINUX_OPTIONS_MAX];
	bool is_linux = linux_module_is_kernel(m->cmdline);
	if (!v) {
		kprintf("guest module %zu: not started: out of memory\n", index);
		return NULL;
	}
	v->ctl = ctl;
	v->is_linux = is_linux;
	v->vpid = (uint16_t)(index + 1); /* VPID 0 is the host's (SDM Vol. 3C, 29.1) */
	v->quantum_cycles = tsc_ns_to_cycles(quantum_us * 1000);
	exit_stats_init(&v->stats);
	platform_init(&v->plat);
	if (vcpu_cpu_state_init(v) < 0) {
		kprintf("guest module %zu: not started: out of memory\n", index);
		kfree(v);
		return NULL;
	}
	const char *opts = is_linux ? linux_module_options(m->cmdline, words, sizeof(words)) : m->cmdline;
	if (parse_module_options(v, index, opts, &mem) == 0 &&
	    (is_linux ? linux_guest_load(v, index, mem, &boot) : load_guest(v, m, mem, &boot)) == 0 &&
	    vmcs_setup(v, &boot, quantum_us) == 0) {
		kprintf("guest %s: starting at 0x%x with %llu KiB of memory\n", v->name, boot.entry,
			(unsigned long long)(v->mem.size >> 10));
		return v;
	}
	ept_destroy(&v->mem);
	vcpu_cpu_state_free(v);
	kfree(v->trace.ring);
	kfree(v);
	return NULL;
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

/* quantum=N[us|ms|s] (bare N: milliseconds): the slice each vCPU runs before it yields. */
static void read_quantum(void)
{
	const char *q = option_get("quantum");
	uint64_t us;
	if (!q)
		return;
	if (parse_time_us(q, &us) < 0 || us == 0) {
		log_warn("command line: quantum=%s is not a time (e.g. 2ms, 500us): using %lluus\n", q,
			 (unsigned long long)quantum_us);
		return;
	}
	quantum_us = us;
}

size_t vmx_start_guests(void)
{
	static struct vmx_controls ctl;
	size_t guests = 0;
	for (size_t i = 0; i < boot_info.module_count; i++)
		guests += is_vcpu_module(boot_info.modules[i].cmdline);
	exit_stats_init(exit_stats_global());
	cpuid_leaves_init(); /* the VMX options are checked at boot, guests or not */
	if (exit_export_at_end() && !exit_analytics_on())
		log_warn("command line: stats_export=on exports nothing under exit_analytics=off\n");
	read_quantum();
	if (!guests)
		return 0;
	const char *why_not = vmx_prepare(&ctl);
	if (why_not) {
		kprintf("VMX: %zu guest module(s) not started: VMX unavailable: %s\n", guests, why_not);
		return 0;
	}
	platform_read_host_clock();
	for (size_t i = 0; i < boot_info.module_count && nvcpus < VCPUS_MAX; i++) {
		if (!is_vcpu_module(boot_info.modules[i].cmdline))
			continue;
		struct vcpu *v = make_vcpu(i, &ctl);
		if (v)
			vcpus[nvcpus++] = v;
	}
	linux_report_orphan_initrds();
	if (nvcpus == VCPUS_MAX && guests > VCPUS_MAX)
		kprintf("VMX: %zu guest module(s) beyond the first %d not started\n", guests - VCPUS_MAX, VCPUS_MAX);
	ept_flush_all(ctl.ept_vpid_cap); /* EPT frames and VPIDs may have served earlier guests */
	nlive = nvcpus;
	if (nvcpus)
		kprintf("VMX: %zu guest(s) run concurrently, quantum %lluus\n", nvcpus, (unsigned long long)quantum_us);
	return nvcpus;
}
