/* vcpu_switch.h: making a vCPU the current one: its VMCS, and the CPU state the VMCS does not hold. */
#ifndef VMX_VCPU_SWITCH_H
#define VMX_VCPU_SWITCH_H

#include "vmx/vcpu.h"

/* Gives v its CPU state as after reset (its XSAVE area allocated). Returns 0, or -1 when out of
 * memory. */
int vcpu_cpu_state_init(struct vcpu *v);
void vcpu_cpu_state_free(struct vcpu *v);
/* Loads v's VMCS (VMPTRLD) and its CPU state unless v is already current. Returns 0, or -1 with
 * v stopped by name when VMPTRLD fails. */
int vcpu_switch_to(struct vcpu *v);
/* v's VMCS is about to be cleared and freed: it is no longer current. */
void vcpu_switch_forget(struct vcpu *v);

#endif
