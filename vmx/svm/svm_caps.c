/* svm_caps.c: AMD SVM availability and the features Tally needs, said in words for the boot banner. */
#include "kernel/arch/x86.h"
#include "kernel/console.h"
#include "vmx/svm/svm_caps.h"

/* ASID 0 is the host's; guests need one more. vCPUs beyond the ASIDs share them, with the TLB
 * flushed when an ASID changes hands (vmx/svm/svm_vcpu.c). */
#define SVM_ASIDS_NEEDED 2

static char why_asids[96];

static void read_features(struct svm_caps *c)
{
	struct cpuid_regs r;
	cpuid(CPUID_LEAF_SVM, 0, &r);
	c->revision = r.eax & 0xff;
	c->asids = r.ebx;
	c->np = r.edx & CPUID_SVM_EDX_NP;
	c->nrips = r.edx & CPUID_SVM_EDX_NRIPS;
	c->vmcb_clean = r.edx & CPUID_SVM_EDX_VMCB_CLEAN;
	c->flush_by_asid = r.edx & CPUID_SVM_EDX_FLUSH_BY_ASID;
	c->decode_assists = r.edx & CPUID_SVM_EDX_DECODE_ASSISTS;
	c->pause_filter = r.edx & CPUID_SVM_EDX_PAUSE_FILTER;
	c->avic = r.edx & CPUID_SVM_EDX_AVIC;
	c->vgif = r.edx & CPUID_SVM_EDX_VGIF;
}

void svm_caps_probe(struct svm_caps *c)
{
	struct cpuid_regs r;
	*c = (struct svm_caps){ 0 };
	cpuid(0x80000000u, 0, &r);
	if (r.eax >= CPUID_LEAF_EXT_FEATURES)
		cpuid(CPUID_LEAF_EXT_FEATURES, 0, &r);
	else
		r.ecx = 0;
	c->cpu_has_svm = r.ecx & CPUID_81_ECX_SVM;
	if (!c->cpu_has_svm) {
		c->why_not = "CPUID.80000001h:ECX.SVM is 0 (no AMD-V on this CPU, or the hypervisor below hides it)";
		return;
	}
	read_features(c);
	uint64_t vm_cr = rdmsr(MSR_VM_CR);
	c->svmdis = vm_cr & VM_CR_SVMDIS;
	c->vm_cr_locked = vm_cr & VM_CR_LOCK;
	if (c->svmdis && c->vm_cr_locked) {
		c->why_not = "VM_CR.SVMDIS is set and locked: enable SVM (AMD-V) in the firmware setup";
	} else if (!c->np) {
		c->why_not = "missing required feature: nested paging (CPUID.8000000Ah:EDX.NP)";
	} else if (c->asids < SVM_ASIDS_NEEDED) {
		ksnprintf(why_asids, sizeof(why_asids), "only %u ASID (CPUID.8000000Ah:EBX), %u needed", c->asids,
			  SVM_ASIDS_NEEDED);
		c->why_not = why_asids;
	}
	c->usable = !c->why_not;
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

void svm_report_caps(void)
{
	struct svm_caps c;
	svm_caps_probe(&c);
	if (!c.usable) {
		kprintf("SVM: unusable: %s\n", c.why_not);
		if (!c.cpu_has_svm)
			return;
	} else {
		kprintf("SVM: usable\n");
	}
	kprintf("SVM: revision %u, %u ASIDs; VM_CR.SVMDIS=%d lock=%d; nested paging %s, NRIP save %s, VMCB clean "
		"bits %s, flush by ASID %s, decode assists %s, pause filter %s, AVIC %s, vGIF %s\n",
		c.revision, c.asids, c.svmdis, c.vm_cr_locked, yes(c.np), yes(c.nrips), yes(c.vmcb_clean),
		yes(c.flush_by_asid), yes(c.decode_assists), yes(c.pause_filter), yes(c.avic), yes(c.vgif));
}
