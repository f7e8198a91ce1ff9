/* guest.h: the tiny runtime of Tally's 32-bit test guests: console, exit, faults, CPUID leaves. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmx/abi.h"

/* Multiboot spec 0.6.96, 3.3: the fields the guests read. */
struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};
#define MULTIBOOT_MAGIC 0x2BADB002u

/* Each guest defines its main; the return value is the exit code written to port 0xf4. */
int guest_main(uint32_t magic, const struct multiboot_info *mbi);

/* Installs a 32-bit interrupt gate (IF cleared on entry) for vector; handler ends with IRET. */
void idt_set_gate(unsigned vector, void (*handler)(void));

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_exit(uint32_t code) __attribute__((noreturn));

/* Numbered self-checks: "PASS: <n> <what>" or "FAIL: <n> <what>", and the summary line. */
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int check_summary(void); /* prints "N passed, N failed"; returns the failure count */

/* Instructions that may fault: the vector taken (6 = #UD, 13 = #GP), or -1 when none was. */
int try_rdmsr(uint32_t msr, uint64_t *val);
int try_wrmsr(uint32_t msr, uint64_t val);
int try_rdpmc(uint32_t counter);
int try_xsetbv(uint32_t index, uint64_t val);
int try_write_cr0(uint32_t val);
int try_write_cr3(uint32_t val);
int try_write_cr4(uint32_t val);
int try_rdtscp(void);
int try_store32(volatile uint32_t *p, uint32_t val); /* a trap after the store (a watchpoint) counts too */
/* The EFLAGS image and error code the last fault caught by a try_* helper pushed. */
uint32_t last_fault_eflags(void);
uint32_t last_fault_error(void);
int try_vmxoff(void);
int try_vmclear(uint64_t *region);
int try_vmxon(uint64_t *region);
/* AMD SVM's CLGI and VMSAVE (EAX = region). */
int try_clgi(void);
int try_vmsave(uint64_t *region);
/* VMCALL under VT-x, VMMCALL under SVM (backend from Tally's leaf: TALLY_BACKEND_*): EAX in, EAX out. */
uint32_t hypercall(uint32_t backend, uint32_t eax);

/* The leaf that answers query q in layout abi (0 when that layout has none), and the statistics
 * read through it (vmx/abi.h). */
uint32_t tally_leaf(enum tally_abi abi, enum tally_query q);
uint64_t stat_total_exits(enum tally_abi abi);
uint64_t stat_total_cycles(enum tally_abi abi);
uint64_t stat_reason_exits(enum tally_abi abi, uint32_t reason);
uint64_t stat_reason_cycles(enum tally_abi abi, uint32_t reason);

struct cpuid_out {
	uint32_t eax, ebx, ecx, edx;
};
static inline struct cpuid_out cpuid2(uint32_t leaf, uint32_t sub)
{
	struct cpuid_out r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(sub));
	return r;
}
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}
static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

/* Text after "key=" in the multiboot command line, copied into buf; NULL when absent. */
const char *cmdline_value(const struct multiboot_info *mbi, const char *key, char *buf, int size);
uint32_t parse_u32(const char *s);

#endif
