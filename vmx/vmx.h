/* vmx.h: vmx/'s one public header: capability probe, vCPUs from guest modules, run until yield, statistics views. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;

/* Why vmx_vcpu_run() handed the CPU back to the caller's loop. */
enum vcpu_yield {
	VCPU_YIELD_QUANTUM, /* its quantum (quantum=, the VMX preemption timer) ran out: runnable */
	VCPU_YIELD_HALT,    /* HLT with nothing pending: runnable, but the loop may sleep first */
	VCPU_YIELD_STOPPED, /* it ended (exit port, fault, timeout, stop): never runs again */
};

/* Prints the capability lines of the banner. */
void vmx_report_caps(void);
/* `vmx`: every IA32_VMX_* capability MSR decoded (controls by SDM name: may be 0, may be 1, and
 * whether Tally uses it; EPT/VPID, VMX_MISC, CR0/CR4 fixed bits, VMCS revision); the banner
 * prints it too at loglevel=debug. */
void vmx_print_capabilities(void);
/* Why VT-x cannot be used here, in words; NULL when it can. */
const char *vmx_unusable_reason(void);
/* Enters VMX operation and makes one vCPU of every "guest" module, reporting each that cannot
 * start. Returns how many vCPUs are ready to run (0 when VT-x is unusable or there are no guests). */
size_t vmx_start_guests(void);
/* The vCPUs made so far, in module order (ended ones included). */
size_t vmx_vcpu_count(void);
struct vcpu *vmx_vcpu(size_t i);
bool vmx_vcpu_live(const struct vcpu *v);
/* How many vCPUs have not ended. */
size_t vmx_live_count(void);
/* Runs v until it yields. Exit timing stops at the yield and resumes at the next entry: what
 * happens between is Tally's host work, accounted on its own line. */
enum vcpu_yield vmx_vcpu_run(struct vcpu *v);

/* How long the loop may sleep before a halted vCPU's next timer interrupt is due: nanoseconds
 * from now, 0 when one is due already (or halted with no timer), UINT64_MAX when none waits. */
uint64_t vmx_next_wake_ns(void);
/* `console NAME`: attaches the operator's console to a live guest's COM1 (its output then goes
 * out raw); -1 when there is no such live guest. vmx_console_input hands it one typed byte (-1:
 * the guest has ended, the console is detached). vmx_console_detach ends it. */
int vmx_console_attach(const char *name);
int vmx_console_input(char c);
bool vmx_console_attached(void); /* false once the attached guest has ended */
void vmx_console_detach(void);

/* Shows what every guest printed since the last call: the loop's host work, never an exit's. */
void vmx_flush_consoles(void);

/* Shell views: the table over all guests; one line per guest; one guest's table (-1: no such
 * guest); stopping a guest by name (-1: no such live guest). */
void vmx_print_statistics(void);
void vmx_list_guests(void);
int vmx_print_guest_statistics(const char *name);
/* `stats NAME --export`: its figures in the export format (vmx/stats_export.c); -1: no such guest. */
int vmx_export_guest_statistics(const char *name);
/* `stats save NAME FILE`: the same block in a heap buffer (kfree it); -1: no such guest; -2:
 * nothing to export or no memory (said on the console). */
int vmx_export_guest_statistics_buffer(const char *name, char **data, size_t *len);
/* `trace NAME [N]`: its last n exits (VMX_TRACE_SHOWN without N), oldest first; -1: no such guest. */
#define VMX_TRACE_SHOWN 16
int vmx_print_guest_trace(const char *name, uint32_t n);
/* `pc NAME`: the guest's emulated PC (PIC, PIT, COM1 registers, its timer); -1: no such guest. */
int vmx_print_guest_platform(const char *name);
int vmx_stop_guest(const char *name);

#endif
