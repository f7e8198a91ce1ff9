/* abi.h: what a guest sees of Tally: the exit-statistics CPUID leaves and the exit reason numbers. */
#ifndef VMX_ABI_H
#define VMX_ABI_H

/* Freestanding on purpose: 32-bit guests (guest/) include this header as it is. */
#include "vmx/exit_reasons.h"

/* Leaf 0x40000000: EAX = highest Tally leaf, EBX:ECX:EDX = signature (as KVM's "KVMKVMKVM").
 * 0x40000000-0x4FFFFFFF is the range Intel leaves to hypervisors (SDM Vol. 2A, CPUID). */
#define TALLY_LEAF_SIGNATURE 0x40000000u
#define TALLY_SIGNATURE_EBX 0x6c6c6154u /* "Tall" */
#define TALLY_SIGNATURE_ECX 0x33383279u /* "y283" */
#define TALLY_SIGNATURE_EDX 0x74617453u /* "Stat" */

/* What a statistics leaf answers. "Reason" queries take the basic exit reason in ECX. Counts in one
 * register are the low 32 bits; 64-bit values are split EBX = high 32, ECX = low 32. */
enum tally_query {
	TALLY_Q_TOTAL_EXITS,           /* EAX = exits, all reasons */
	TALLY_Q_TOTAL_CYCLES,          /* EBX:ECX = cycles spent in exits, all reasons */
	TALLY_Q_TOTAL_EXITS_CYCLES,    /* EAX = exits; EBX:ECX = cycles (spring21's one leaf) */
	TALLY_Q_REASON_EXITS,          /* EAX = exits for reason ECX */
	TALLY_Q_REASON_CYCLES,         /* EBX:ECX = cycles for reason ECX */
	TALLY_Q_TOTAL_EXITS64,         /* EBX:ECX = exits, all reasons, 64 bits */
	TALLY_Q_REASON_EXITS64,        /* EBX:ECX = exits for reason ECX, 64 bits */
	TALLY_Q_REASON_MIN_CYCLES,     /* EBX:ECX = fewest cycles one exit of reason ECX took */
	TALLY_Q_REASON_MAX_CYCLES,     /* EBX:ECX = most cycles one exit of reason ECX took */
	TALLY_Q_REASON_PERCENTILES,    /* EAX, EBX, ECX = p50, p90, p99 cycles of reason ECX (32 bits, saturated) */
	TALLY_Q_BACKEND,               /* EAX = TALLY_BACKEND_*, EBX = the reason a quantum timer's exit counts as */
};

/* TALLY_Q_BACKEND's EAX: what runs the guest. */
#define TALLY_BACKEND_VMX 1u /* Intel VT-x */
#define TALLY_BACKEND_SVM 2u /* AMD SVM: SVM exits count as the VMX reasons vmx/svm/svm_exits.h maps them to */

/* X(ABI, name): the leaf layouts of the CMPE 283 assignments; the kernel option cpuid_abi=name
 * picks one, the first by default. */
#define TALLY_ABIS(X)                         \
	X(TALLY_ABI_4LEAF, "4leaf")           \
	X(TALLY_ABI_SPRING21, "spring21")     \
	X(TALLY_ABI_FALL22, "fall22")
#define TALLY_ABI_ENUM(abi, name) abi,
enum tally_abi { TALLY_ABIS(TALLY_ABI_ENUM) TALLY_ABI_ALL };
#undef TALLY_ABI_ENUM

static inline const char *tally_abi_name(enum tally_abi abi)
{
#define TALLY_ABI_NAME(a, name) if (abi == (a)) return name;
	TALLY_ABIS(TALLY_ABI_NAME)
#undef TALLY_ABI_NAME
	return "?";
}

/* X(abi, leaf, query): every statistics leaf, once. TALLY_ABI_ALL leaves are Tally's extensions,
 * answered whatever cpuid_abi says. For a reason query, a reason the SDM does not define answers
 * EAX=EBX=ECX=0, EDX=0xFFFFFFFF; a defined reason Tally never enables answers all 0. */
#define TALLY_STAT_LEAVES(X)                                                   \
	X(TALLY_ABI_4LEAF, 0x4FFFFFFFu, TALLY_Q_TOTAL_EXITS)                   \
	X(TALLY_ABI_4LEAF, 0x4FFFFFFEu, TALLY_Q_TOTAL_CYCLES)                  \
	X(TALLY_ABI_4LEAF, 0x4FFFFFFDu, TALLY_Q_REASON_EXITS)                  \
	X(TALLY_ABI_4LEAF, 0x4FFFFFFCu, TALLY_Q_REASON_CYCLES)                 \
	X(TALLY_ABI_SPRING21, 0x4FFFFFFFu, TALLY_Q_TOTAL_EXITS_CYCLES)         \
	X(TALLY_ABI_SPRING21, 0x4FFFFFFEu, TALLY_Q_REASON_EXITS)               \
	X(TALLY_ABI_FALL22, 0x4FFFFFFCu, TALLY_Q_TOTAL_EXITS)                  \
	X(TALLY_ABI_FALL22, 0x4FFFFFFDu, TALLY_Q_TOTAL_CYCLES)                 \
	X(TALLY_ABI_FALL22, 0x4FFFFFFEu, TALLY_Q_REASON_EXITS)                 \
	X(TALLY_ABI_FALL22, 0x4FFFFFFFu, TALLY_Q_REASON_CYCLES)                \
	X(TALLY_ABI_ALL, 0x40000001u, TALLY_Q_TOTAL_EXITS64)                   \
	X(TALLY_ABI_ALL, 0x40000002u, TALLY_Q_REASON_EXITS64)                  \
	X(TALLY_ABI_ALL, 0x40000003u, TALLY_Q_REASON_MIN_CYCLES)               \
	X(TALLY_ABI_ALL, 0x40000004u, TALLY_Q_REASON_MAX_CYCLES)               \
	X(TALLY_ABI_ALL, 0x40000005u, TALLY_Q_REASON_PERCENTILES)              \
	X(TALLY_ABI_ALL, 0x40000006u, TALLY_Q_BACKEND)

/* Tally's own leaves (TALLY_ABI_ALL) are numbered from 0x40000001 up without gaps (vmx/cpuid_leaves.c
 * checks), so the highest is the signature leaf plus their count. */
#define TALLY_LEAF_COUNT_OWN(abi, leaf, query) +((abi) == TALLY_ABI_ALL)
#define TALLY_LEAF_HIGHEST (TALLY_LEAF_SIGNATURE + (0u TALLY_STAT_LEAVES(TALLY_LEAF_COUNT_OWN)))

/* EDX of a reason query for a number neither the SDM nor Tally (86-105) defines. */
#define TALLY_UNDEFINED_REASON_EDX 0xFFFFFFFFu

/* isa-debug-exit compatible port: a write of V ends the guest with exit code V. */
#define TALLY_EXIT_PORT 0xf4

#endif
