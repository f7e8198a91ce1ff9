/* vmcs_setup.h: filling a fresh VMCS: host state, execution controls, multiboot guest state. */
#ifndef VMX_VMCS_SETUP_H
#define VMX_VMCS_SETUP_H

#include "vmx/loader.h"
#include "vmx/vcpu.h"

/* Allocates, clears and loads v's VMCS and writes every field Tally uses, the preemption timer
 * set to quantum_us. Returns 0, or -1 with a report printed. */
int vmcs_setup(struct vcpu *v, const struct guest_boot *boot, uint64_t quantum_us);
/* VMCLEARs and frees v's VMCS and MSR bitmap. */
void vmcs_teardown(struct vcpu *v);

/* Guest CR0 as the CPU needs it for the value the guest asked for; updates the read shadow and,
 * for paging with EFER.LME, EFER.LMA and the IA-32e-mode entry control (SDM Vol. 3C, 10.8.5). */
void vmcs_set_guest_cr0(struct vcpu *v, uint64_t guest_view);
void vmcs_set_guest_cr4(struct vcpu *v, uint64_t guest_view);

#endif
