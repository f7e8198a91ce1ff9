/* svm_caps.h: what the CPU offers of AMD SVM, read from CPUID and VM_CR. */
#ifndef VMX_SVM_SVM_CAPS_H
#define VMX_SVM_SVM_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* AMD APM Vol. 3, CPUID Fn8000_0001 ECX bit 2 and Fn8000_000A (SVM revision and features). */
#define CPUID_LEAF_EXT_FEATURES 0x80000001u
#define CPUID_81_ECX_SVM (1u << 2)
#define CPUID_LEAF_SVM 0x8000000au
#define CPUID_SVM_EDX_NP (1u << 0)
#define CPUID_SVM_EDX_NRIPS (1u << 3)
#define CPUID_SVM_EDX_VMCB_CLEAN (1u << 5)
#define CPUID_SVM_EDX_FLUSH_BY_ASID (1u << 6)
#define CPUID_SVM_EDX_DECODE_ASSISTS (1u << 7)
#define CPUID_SVM_EDX_PAUSE_FILTER (1u << 10)
#define CPUID_SVM_EDX_AVIC (1u << 13)
#define CPUID_SVM_EDX_VGIF (1u << 16)
/* AMD APM Vol. 2, 15.30.1 and 15.30.4: VM_CR (SVMDIS, LOCK) and VM_HSAVE_PA. */
#define MSR_VM_CR 0xc0010114u
#define VM_CR_LOCK (1ull << 3)
#define VM_CR_SVMDIS (1ull << 4)
#define MSR_VM_HSAVE_PA 0xc0010117u
#define EFER_SVME (1ull << 12)

struct svm_caps {
	bool usable;         /* everything Tally needs is there and SVM is not disabled */
	const char *why_not; /* when !usable: the first reason, in words */
	bool cpu_has_svm, svmdis, vm_cr_locked;
	bool np, nrips, vmcb_clean, flush_by_asid, decode_assists, pause_filter, avic, vgif;
	uint32_t revision, asids;
};

/* Reads CPUID and VM_CR without changing anything. */
void svm_caps_probe(struct svm_caps *c);
/* The banner's SVM lines. */
void svm_report_caps(void);

#endif
