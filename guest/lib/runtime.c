/* runtime.c: console over COM1, exit through port 0xf4, an IDT that reports or recovers faults. */
#include "guest.h"

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THR_EMPTY 0x20
#define EXC_VECTORS 21
#define IDT_ENTRIES 256 /* exceptions, the PIC's vectors and the APIC's */

/* Saved by exc_common in start.S: pusha order, then vector, error code and the CPU's frame. */
struct exc_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};
_Static_assert(sizeof(struct exc_frame) == 52, "start.S exception frame");

struct __attribute__((packed)) idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
};
_Static_assert(sizeof(struct idt_gate) == 8, "32-bit interrupt gate (SDM Vol. 3A, 6.11)");

extern const uint32_t exc_stubs[EXC_VECTORS];
static struct idt_gate idt[IDT_ENTRIES];
/* Where a fault in a try_* helper resumes, and the vector it took. */
volatile uint32_t fault_recover_eip;
static volatile int fault_vector;
static volatile uint32_t fault_eflags, fault_error;
static int passed, failed, step;

void idt_setup(void)
{
	for (int v = 0; v < EXC_VECTORS; v++)
		idt[v] = (struct idt_gate){ (uint16_t)exc_stubs[v], 0x08, 0, 0x8e, (uint16_t)(exc_stubs[v] >> 16) };
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} p = { sizeof(idt) - 1, (uint32_t)idt };
	__asm__ volatile("lidt %0" ::"m"(p));
}

void idt_set_gate(unsigned vector, void (*handler)(void))
{
	uint32_t a = (uint32_t)handler;
	if (vector < IDT_ENTRIES)
		idt[vector] = (struct idt_gate){ (uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16) };
}

static void putc_raw(char c)
{
	while (!(inb(COM1_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1, (uint8_t)c);
}

void guest_exception(struct exc_frame *f)
{
	if (fault_recover_eip) {
		fault_vector = (int)f->vector;
		fault_eflags = f->eflags;
		fault_error = f->error;
		f->eip = fault_recover_eip;
		fault_recover_eip = 0;
		return;
	}
	gprintf("FAIL: unexpected exception %u (error 0x%x) at EIP 0x%x\n", f->vector, f->error, f->eip);
	guest_exit(0xee);
}

void guest_exit(uint32_t code)
{
	outl(TALLY_EXIT_PORT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void guest_main_entry(uint32_t magic, const struct multiboot_info *mbi)
{
	guest_exit((uint32_t)guest_main(magic, mbi));
}

static void put_uint(uint64_t v, unsigned base, int width, char pad)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		putc_raw(pad);
	while (n)
		putc_raw(tmp[--n]);
}

static void vprint(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc_raw(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, longs = 0;
		if (*++fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			longs++, fmt++;
		uint64_t u = longs >= 2 ? va_arg(ap, uint64_t) : (*fmt == 's' || *fmt == 'c') ? 0 : va_arg(ap, uint32_t);
		switch (*fmt) {
		case 's': for (const char *s = va_arg(ap, const char *); *s; s++) putc_raw(*s); break;
		case 'c': putc_raw((char)va_arg(ap, int)); break;
		case 'd':
			if ((int32_t)u < 0 && longs < 2) {
				putc_raw('-');
				u = (uint32_t)-(int32_t)u;
			}
			put_uint(u, 10, width, pad);
			break;
		case 'u': put_uint(u, 10, width, pad); break;
		case 'x': put_uint(u, 16, width, pad); break;
		default: putc_raw('%'); putc_raw(*fmt); break;
		}
	}
}

void gprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;
	gprintf("%s: %d ", ok ? "PASS" : "FAIL", ++step);
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	putc_raw('\n');
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

int check_summary(void)
{
	gprintf("%d passed, %d failed\n", passed, failed);
	return failed;
}

/* Each helper arms the recovery address, runs the instruction, and disarms it. */
#define TRY_BEGIN "movl $1f, fault_recover_eip\n\t"
#define TRY_END "\n1:\n\tmovl $0, fault_recover_eip"

int try_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "rdmsr" TRY_END : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return fault_vector;
}

int try_rdpmc(uint32_t counter)
{
	uint32_t lo = 0, hi = 0;
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "rdpmc" TRY_END : "+a"(lo), "+d"(hi) : "c"(counter) : "memory");
	return fault_vector;
}

int try_wrmsr(uint32_t msr, uint64_t val)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "wrmsr" TRY_END ::"a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr)
			 : "memory");
	return fault_vector;
}

uint32_t last_fault_eflags(void) { return fault_eflags; }
uint32_t last_fault_error(void) { return fault_error; }

int try_write_cr0(uint32_t val)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "mov %0, %%cr0" TRY_END ::"r"(val) : "memory");
	return fault_vector;
}

int try_write_cr3(uint32_t val)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "mov %0, %%cr3" TRY_END ::"r"(val) : "memory");
	return fault_vector;
}

int try_write_cr4(uint32_t val)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "mov %0, %%cr4" TRY_END ::"r"(val) : "memory");
	return fault_vector;
}

int try_store32(volatile uint32_t *p, uint32_t val)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "movl %1, %0" TRY_END : "=m"(*p) : "r"(val) : "memory");
	return fault_vector;
}

int try_rdtscp(void)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "rdtscp" TRY_END ::: "eax", "edx", "ecx", "memory");
	return fault_vector;
}

int try_xsetbv(uint32_t index, uint64_t val)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "xsetbv" TRY_END ::"a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(index)
			 : "memory");
	return fault_vector;
}

int try_vmxoff(void)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "vmxoff" TRY_END ::: "memory", "cc");
	return fault_vector;
}

int try_vmxon(uint64_t *region)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "vmxon %0" TRY_END ::"m"(*region) : "memory", "cc");
	return fault_vector;
}

int try_vmclear(uint64_t *region)
{
	fault_vector = -1;
	__asm__ volatile(TRY_BEGIN "vmclear %0" TRY_END ::"m"(*region) : "memory", "cc");
	return fault_vector;
}

uint32_t tally_leaf(enum tally_abi abi, enum tally_query q)
{
#define LEAF_MATCH(a, leaf, query) if ((a) == abi && (query) == q) return leaf;
	TALLY_STAT_LEAVES(LEAF_MATCH)
#undef LEAF_MATCH
	return 0;
}

static uint64_t split(struct cpuid_out r)
{
	return ((uint64_t)r.ebx << 32) | r.ecx;
}

uint64_t stat_total_exits(enum tally_abi abi)
{
	uint32_t leaf = tally_leaf(abi, TALLY_Q_TOTAL_EXITS);
	return cpuid2(leaf ? leaf : tally_leaf(abi, TALLY_Q_TOTAL_EXITS_CYCLES), 0).eax;
}

uint64_t stat_total_cycles(enum tally_abi abi)
{
	uint32_t leaf = tally_leaf(abi, TALLY_Q_TOTAL_CYCLES);
	return split(cpuid2(leaf ? leaf : tally_leaf(abi, TALLY_Q_TOTAL_EXITS_CYCLES), 0));
}

uint64_t stat_reason_exits(enum tally_abi abi, uint32_t reason)
{
	return cpuid2(tally_leaf(abi, TALLY_Q_REASON_EXITS), reason).eax;
}

/* spring21 has no per-reason cycles leaf: Tally's 64-bit extension leaves have none either, so
 * callers check the ABI before asking. */
uint64_t stat_reason_cycles(enum tally_abi abi, uint32_t reason)
{
	return split(cpuid2(tally_leaf(abi, TALLY_Q_REASON_CYCLES), reason));
}

static bool word_starts(const char *s, const char *key)
{
	for (; *key; s++, key++)
		if (*s != *key)
			return false;
	return *s == '=';
}

const char *cmdline_value(const struct multiboot_info *mbi, const char *key, char *buf, int size)
{
	const char *s = (const char *)mbi->cmdline;
	if (!(mbi->flags & (1u << 2)))
		return 0;
	for (; *s; s++) {
		if ((s == (const char *)mbi->cmdline || s[-1] == ' ') && word_starts(s, key)) {
			int klen = 0, n = 0;
			while (key[klen])
				klen++;
			for (s += klen + 1; *s && *s != ' ' && n < size - 1; s++)
				buf[n++] = *s;
			buf[n] = 0;
			return buf;
		}
	}
	return 0;
}

uint32_t parse_u32(const char *s)
{
	uint32_t n = 0;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (uint32_t)(*s++ - '0');
	return n;
}

/* gcc may call these even in freestanding code (struct copies, zeroing loops). */
void *memset(void *d, int c, unsigned n)
{
	uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned n)
{
	uint8_t *p = d;
	const uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
