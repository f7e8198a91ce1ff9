/* controls.h: the VMX controls Tally runs guests with, computed from the capability MSRs. */
#ifndef VMX_CONTROLS_H
#define VMX_CONTROLS_H

#include <stdint.h>

struct vmx_controls {
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1; /* SDM Vol. 3D, A.7 / A.8 */
	unsigned timer_shift;   /* preemption timer ticks every 2^shift TSC cycles (SDM 3C 26.5.1) */
	uint64_t ept_vpid_cap;
	uint32_t vmcs_revision;
};

/* Fills c from the capability MSRs (TRUE_* ones when IA32_VMX_BASIC bit 55 says they exist).
 * Returns NULL, or the name of the first required feature the CPU does not allow. */
const char *vmx_controls_compute(struct vmx_controls *c);

/* The CR0/CR4 value the CPU accepts in VMX operation for the value v the guest wants.
 * With unrestricted guest, CR0.PE and CR0.PG are free (SDM Vol. 3C, 26.3.1.1). */
uint64_t vmx_cr0_fixup(const struct vmx_controls *c, uint64_t v);
uint64_t vmx_cr4_fixup(const struct vmx_controls *c, uint64_t v);

#endif
