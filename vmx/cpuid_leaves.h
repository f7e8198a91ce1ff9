/* cpuid_leaves.h: the CPUID a guest sees: host leaves filtered, plus Tally's statistics leaves. */
#ifndef VMX_CPUID_LEAVES_H
#define VMX_CPUID_LEAVES_H

#include <stdint.h>

#include "kernel/arch/x86.h"
#include "vmx/abi.h"

/* Reads cpuid_abi= from the kernel command line; an unknown value is reported and 4leaf used. */
void cpuid_leaves_init(void);
/* The answer of a hypervisor leaf (0x40000000-0x4FFFFFFF) for subleaf/reason ecx. */
void cpuid_hypervisor_leaf(uint32_t leaf, uint32_t ecx, struct cpuid_regs *r);

#endif
