/* cpuid_leaves.h: the CPUID a guest sees: host leaves filtered, plus Tally's statistics leaves. */
#ifndef VMX_CPUID_LEAVES_H
#define VMX_CPUID_LEAVES_H

#include <stdint.h>

#include "kernel/arch/x86.h"
#include "vmx/abi.h"
#include "vmx/stats.h"

struct vcpu;

/* Reads cpuid_abi= and cpuid_scope= from the kernel command line; an unknown value is reported
 * and the default (4leaf, guest) used. */
void cpuid_leaves_init(void);
/* The answer of a hypervisor leaf (0x40000000-0x4FFFFFFF) for subleaf/reason ecx, from the
 * statistics s and histograms of the asking guest, or under cpuid_scope=global (asking NULL) the
 * global statistics and every guest's histograms. */
void cpuid_hypervisor_leaf(const struct exit_stats *s, const struct vcpu *asking, uint32_t leaf, uint32_t ecx,
			   struct cpuid_regs *r);

#endif
