/* vmxon.h: VMX operation on the boot CPU and its per-CPU host state. */
#ifndef VMX_VMXON_H
#define VMX_VMXON_H

#include <stdint.h>

#include "vmx/controls.h"

/* Enters VMX root operation (feature control, fixed CR0/CR4 bits, VMXON region). Returns 0, or -1
 * after printing why not. Idempotent. */
int vmx_enable(const struct vmx_controls *c);

/* Top of the dedicated host stack the CPU switches to on every VM exit (VMCS host RSP). */
uint64_t vmx_host_stack_top(void);

#endif
