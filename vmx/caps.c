/* caps.c: VT-x availability and the features Tally needs, said in words for the boot banner. */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "kernel/options.h"
#include "vmx/caps.h"
#include "vmx/controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

static char missing_why[96];

void vmx_caps_probe(struct vmx_caps *c)
{
	struct cpuid_regs r;
	*c = (struct vmx_caps){ 0 };
	cpuid(1, 0, &r);
	c->cpu_has_vmx = r.ecx & CPUID_1_ECX_VMX;
	if (!c->cpu_has_vmx) {
		c->why_not = "CPUID.1:ECX.VMX is 0 (no VT-x on this CPU, or the hypervisor below hides it)";
		return;
	}
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	c->feature_control_locked = fc & FEATURE_CONTROL_LOCK;
	c->feature_control_vmxon = fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	struct vmx_controls may1;
	vmx_controls_allowed1(&may1);
	c->preemption_timer = may1.pin & PIN_PREEMPTION_TIMER;
	c->ept = may1.proc2 & PROC2_ENABLE_EPT;
	c->vpid = may1.proc2 & PROC2_ENABLE_VPID;
	c->unrestricted_guest = may1.proc2 & PROC2_UNRESTRICTED_GUEST;
	bool ept_layout = false;
	if (c->ept) {
		c->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
		ept_layout = (c->ept_vpid_cap & EPT_CAP_WALK_4) && (c->ept_vpid_cap & EPT_CAP_WB);
		c->ept = ept_layout;
	}

	const char *missing = vmx_controls_missing(&may1);
	if (!missing && !ept_layout)
		missing = "EPT (4-level, write-back)";
	if (c->feature_control_locked && !c->feature_control_vmxon) {
		c->why_not = "IA32_FEATURE_CONTROL is locked with VMXON disabled: enable VT-x in the firmware setup";
	} else if (missing) {
		ksnprintf(missing_why, sizeof(missing_why), "missing required feature: %s", missing);
		c->why_not = missing_why;
	}
	c->usable = !c->why_not;
}

const char *vmx_unusable_reason(void)
{
	static struct vmx_caps c;
	vmx_caps_probe(&c);
	return c.usable ? NULL : c.why_not;
}

void vmx_report_caps(void)
{
	struct vmx_caps c;
	vmx_caps_probe(&c);
	if (!c.usable) {
		kprintf("VMX: unusable: %s\n", c.why_not);
		if (!c.cpu_has_vmx)
			return;
	} else {
		kprintf("VMX: usable\n");
	}
	kprintf("VMX: IA32_FEATURE_CONTROL lock=%d vmxon-outside-smx=%d; EPT %s, VPID %s, unrestricted guest %s, "
		"preemption timer %s; VMCS revision 0x%x\n",
		c.feature_control_locked, c.feature_control_vmxon, c.ept ? "yes" : "no", c.vpid ? "yes" : "no",
		c.unrestricted_guest ? "yes" : "no", c.preemption_timer ? "yes" : "no",
		(unsigned)(c.basic & 0x7fffffff));
	if (option_choice("loglevel") == LOG_DEBUG)
		vmx_print_capabilities();
}
