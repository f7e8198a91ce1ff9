/* controls.h: the VMX controls Tally runs guests with, computed from the capability MSRs. */
#ifndef VMX_CONTROLS_H
#define VMX_CONTROLS_H

#include <stdint.h>

struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1; /* SDM Vol. 3D, A.7 / A.8 */
	unsigned timer_shift;   /* preemption timer ticks every 2^shift TSC cycles (SDM 3C 26.5.1) */
	uint64_t ept_vpid_cap;
	uint64_t phys_reserved; /* address bits at and above MAXPHYADDR (CPUID 80000008H EAX 7:0) */
	uint32_t vmcs_revision;
};

/* X(control, bit, name): every control Tally sets, once, by name, so a CPU that lacks one is told
 * what is missing; control is the field of struct vmx_controls it goes to. */
#define VMX_REQUIRED_CONTROLS(X)                                                              \
	X(pin, PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting")                   \
	X(pin, PIN_PREEMPTION_TIMER, "VMX preemption timer")                                   \
	X(proc, PROC_HLT_EXITING, "HLT exiting")                                               \
	X(proc, PROC_RDPMC_EXITING, "RDPMC exiting")                                           \
	X(proc, PROC_CR8_LOAD_EXITING, "CR8-load exiting")                                     \
	X(proc, PROC_CR8_STORE_EXITING, "CR8-store exiting")                                   \
	X(proc, PROC_UNCONDITIONAL_IO_EXITING, "unconditional I/O exiting")                    \
	X(proc, PROC_USE_MSR_BITMAPS, "MSR bitmaps")                                           \
	X(proc, PROC_ACTIVATE_SECONDARY, "secondary processor-based controls")                 \
	X(proc2, PROC2_ENABLE_EPT, "EPT")                                                      \
	X(proc2, PROC2_ENABLE_VPID, "VPID")                                                    \
	X(proc2, PROC2_UNRESTRICTED_GUEST, "unrestricted guest")                               \
	X(exit, EXIT_SAVE_DEBUG_CONTROLS, "save debug controls")                               \
	X(exit, EXIT_HOST_ADDRESS_SPACE_64, "host address-space size (64-bit host)")           \
	X(exit, EXIT_ACK_INTERRUPT, "acknowledge interrupt on exit")                           \
	X(exit, EXIT_SAVE_EFER, "save IA32_EFER on exit")                                      \
	X(exit, EXIT_LOAD_EFER, "load IA32_EFER on exit")                                      \
	X(exit, EXIT_SAVE_PAT, "save IA32_PAT on exit")                                        \
	X(exit, EXIT_LOAD_PAT, "load IA32_PAT on exit")                                        \
	X(entry, ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls")                             \
	X(entry, ENTRY_LOAD_EFER, "load IA32_EFER on entry")                                   \
	X(entry, ENTRY_LOAD_PAT, "load IA32_PAT on entry")

/* X(control, bit, where): controls Tally turns on and off per vCPU while it runs, beyond those
 * vmx_controls_compute sets for every VMCS. */
#define VMX_TOGGLED_CONTROLS(X)                                                               \
	X(proc, PROC_INTERRUPT_WINDOW_EXITING, "vmx/intr.c: while an interrupt waits for the guest") \
	X(entry, ENTRY_IA32E_GUEST, "vmx/vmcs_setup.c: while the guest's EFER.LMA is 1")

/* The allowed-1 halves of the five control MSRs (SDM Vol. 3D, A.3-A.5), TRUE_* ones when
 * IA32_VMX_BASIC bit 55 says they exist; proc2 is 0 when secondary controls are not allowed. */
void vmx_controls_allowed1(struct vmx_controls *may1);
/* The name of the first VMX_REQUIRED_CONTROLS entry that may1 does not allow, or NULL. */
const char *vmx_controls_missing(const struct vmx_controls *may1);

/* The pin, proc, proc2, exit and entry controls vmx_controls_compute sets, filled in even when the
 * CPU does not allow all of them (the capability report shows what Tally would program). */
void vmx_controls_programmed(struct vmx_controls *c);

/* Fills c from the capability MSRs (TRUE_* ones when IA32_VMX_BASIC bit 55 says they exist).
 * Returns NULL, or the name of the first required feature the CPU does not allow. */
const char *vmx_controls_compute(struct vmx_controls *c);

/* The CR0/CR4 value the CPU accepts in VMX operation for the value v the guest wants.
 * With unrestricted guest, CR0.PE and CR0.PG are free (SDM Vol. 3C, 26.3.1.1). */
uint64_t vmx_cr0_fixup(const struct vmx_controls *c, uint64_t v);
uint64_t vmx_cr4_fixup(const struct vmx_controls *c, uint64_t v);

#endif
