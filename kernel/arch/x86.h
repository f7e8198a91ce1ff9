/* x86.h: one small inline function per special x86 instruction (xv6's x86.h). */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

/* Intel SDM Vol. 3A, 2.5: control register bits used by Tally. */
#define CR0_PE (1ull << 0)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4) /* hard-wired to 1 */
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

#define RFLAGS_IF (1ull << 9)

/* Intel SDM Vol. 4, Table 2-2: MSR indexes. */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_PAT 0x277
#define MSR_IA32_EFER 0xc0000080
#define MSR_IA32_FS_BASE 0xc0000100
#define MSR_IA32_GS_BASE 0xc0000101
#define MSR_IA32_KERNEL_GS_BASE 0xc0000102
#define MSR_IA32_STAR 0xc0000081
#define MSR_IA32_LSTAR 0xc0000082
#define MSR_IA32_CSTAR 0xc0000083
#define MSR_IA32_FMASK 0xc0000084
#define MSR_IA32_UCODE_REV 0x8b
#define MSR_IA32_MTRRCAP 0xfe
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff

/* Intel SDM Vol. 3A, 2.2.1: IA32_EFER bits. */
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Intel SDM Vol. 3A, 11.12.4: the power-on PAT value. */
#define PAT_POWER_ON 0x0007040600070406ull

/* Intel SDM Vol. 1, 13.3: XCR0 state-component bits (XCR0 is XCR0_X87 at power-on). */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline void cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* rdtscp-free serialised read: lfence orders the read after earlier loads. */
static inline uint64_t rdtsc_ordered(void)
{
	__asm__ volatile("lfence" ::: "memory");
	return rdtsc();
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR_ACCESSORS(n)                                                  \
	static inline uint64_t read_cr##n(void)                                  \
	{                                                                        \
		uint64_t v;                                                      \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                \
		return v;                                                        \
	}                                                                        \
	static inline void write_cr##n(uint64_t v)                               \
	{                                                                        \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");         \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

static inline uint64_t xgetbv(uint32_t index)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t index, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Debug registers DR0-DR3 and DR6 (SDM Vol. 3B, 17.2); n is a constant. */
#define read_dr(n) ({ uint64_t v_; __asm__ volatile("mov %%db" #n ", %0" : "=r"(v_)); v_; })
#define write_dr(n, v) __asm__ volatile("mov %0, %%db" #n ::"r"((uint64_t)(v)))

/* XSAVE/XRSTOR of every component XCR0 enables (area 64-byte aligned); FXSAVE/FXRSTOR without
 * XSAVE (area 16-byte aligned). SDM Vol. 1, 13.7-13.8; Vol. 2A, FXSAVE. */
static inline void xsave_all(void *area) { __asm__ volatile("xsave64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory"); }
static inline void xrstor_all(const void *area) { __asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"(~0u), "d"(~0u) : "memory"); }
static inline void fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
static inline void fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }

static inline void invlpg(const void *va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

struct __attribute__((packed)) descriptor_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lidt(const struct descriptor_ptr *p) { __asm__ volatile("lidt %0" ::"m"(*p)); }
static inline void sidt(struct descriptor_ptr *p) { __asm__ volatile("sidt %0" : "=m"(*p)); }
static inline void sgdt(struct descriptor_ptr *p) { __asm__ volatile("sgdt %0" : "=m"(*p)); }

static inline uint16_t read_tr(void)
{
	uint16_t v;
	__asm__ volatile("str %0" : "=r"(v));
	return v;
}

#define DEFINE_SEG_READ(name)                                                   \
	static inline uint16_t read_##name(void)                                \
	{                                                                        \
		uint16_t v;                                                      \
		__asm__ volatile("mov %%" #name ", %0" : "=r"(v));               \
		return v;                                                        \
	}
DEFINE_SEG_READ(cs)
DEFINE_SEG_READ(ds)
DEFINE_SEG_READ(es)
DEFINE_SEG_READ(ss)
DEFINE_SEG_READ(fs)
DEFINE_SEG_READ(gs)
#undef DEFINE_SEG_READ

#endif
