/* marks.c: isolation guest: finds the reset values of CR2, DR0-DR3, DR6, DR7, XMM0, MXCSR, the x87
 * control word and IA32_KERNEL_GS_BASE, leaves its own marks (mark=N), yields with HLT while other
 * guests run, and finds its marks again; RDPMC raises #GP; prints control bytes (Tally escapes them). */
#include "guest.h"

#define MSR_KERNEL_GS_BASE 0xc0000102u
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define DR6_INIT 0xffff0ff0u
#define DR7_INIT 0x400u
#define MXCSR_INIT 0x1f80u
#define FCW_INIT 0x37fu
#define VECTOR_GP 13
#define ROUNDS 20

struct marks {
	uint32_t cr2, dr0, dr1, dr2, dr3, dr6, dr7, xmm0, mxcsr, fcw;
	uint64_t kgs;
};

#define READ_REG(insn, out) __asm__ volatile(insn : "=r"(out))
static void read_marks(struct marks *m)
{
	READ_REG("mov %%cr2, %0", m->cr2);
	READ_REG("mov %%db0, %0", m->dr0);
	READ_REG("mov %%db1, %0", m->dr1);
	READ_REG("mov %%db2, %0", m->dr2);
	READ_REG("mov %%db3, %0", m->dr3);
	READ_REG("mov %%db6, %0", m->dr6);
	READ_REG("mov %%db7, %0", m->dr7);
	__asm__ volatile("movd %%xmm0, %0" : "=r"(m->xmm0));
	__asm__ volatile("stmxcsr %0" : "=m"(m->mxcsr));
	uint16_t fcw;
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	m->fcw = fcw;
	if (try_rdmsr(MSR_KERNEL_GS_BASE, &m->kgs) >= 0)
		m->kgs = ~0ull;
}

static void write_marks(const struct marks *m)
{
	__asm__ volatile("mov %0, %%cr2" ::"r"(m->cr2));
	__asm__ volatile("mov %0, %%db0" ::"r"(m->dr0));
	__asm__ volatile("mov %0, %%db1" ::"r"(m->dr1));
	__asm__ volatile("mov %0, %%db2" ::"r"(m->dr2));
	__asm__ volatile("mov %0, %%db3" ::"r"(m->dr3));
	__asm__ volatile("mov %0, %%db7" ::"r"(m->dr7));
	__asm__ volatile("movd %0, %%xmm0" ::"r"(m->xmm0));
	__asm__ volatile("ldmxcsr %0" ::"m"(m->mxcsr));
	uint16_t fcw = (uint16_t)m->fcw;
	__asm__ volatile("fldcw %0" ::"m"(fcw));
	try_wrmsr(MSR_KERNEL_GS_BASE, m->kgs);
}

static bool same(const struct marks *a, const struct marks *b)
{
	return a->cr2 == b->cr2 && a->dr0 == b->dr0 && a->dr1 == b->dr1 && a->dr2 == b->dr2 && a->dr3 == b->dr3 &&
	       a->dr7 == b->dr7 && a->xmm0 == b->xmm0 && a->mxcsr == b->mxcsr && a->fcw == b->fcw && a->kgs == b->kgs;
}

static void show(const char *what, const struct marks *m)
{
	gprintf("%s: CR2 0x%x DR0-3 0x%x 0x%x 0x%x 0x%x DR6 0x%x DR7 0x%x XMM0 0x%x MXCSR 0x%x FCW 0x%x KGS 0x%llx\n",
		what, m->cr2, m->dr0, m->dr1, m->dr2, m->dr3, m->dr6, m->dr7, m->xmm0, m->mxcsr, m->fcw, m->kgs);
}

/* Each HLT with IF=1 makes Tally's loop take the CPU back and run the other VMs. */
static void yield_rounds(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		__asm__ volatile("sti; hlt; cli");
}

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	char buf[16];
	uint32_t mark = cmdline_value(mbi, "mark", buf, sizeof(buf)) ? parse_u32(buf) : 1;
	yield_rounds(cmdline_value(mbi, "wait", buf, sizeof(buf)) ? parse_u32(buf) : 0);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	struct marks now, reset = { 0, 0, 0, 0, 0, DR6_INIT, DR7_INIT, 0, MXCSR_INIT, FCW_INIT, 0 };
	read_marks(&now);
	show("found", &now);
	check(same(&now, &reset) && now.dr6 == DR6_INIT, "CR2, DR0-3, DR6, DR7, XMM0, MXCSR, FCW, KERNEL_GS_BASE at reset values");
	struct marks mine = { 0xc2000000u | mark, 0xd0000000u | mark, 0xd1000000u | mark, 0xd2000000u | mark,
			      0xd3000000u | mark, DR6_INIT, DR7_INIT | (mark << 16), 0x3300u | mark, MXCSR_INIT | 0x6000u,
			      0x27fu, 0x6b000000ull | mark };
	write_marks(&mine);
	yield_rounds(ROUNDS);
	read_marks(&now);
	show("kept", &now);
	check(same(&now, &mine), "its marks survive %d yields to the other VMs", ROUNDS);
	check(try_rdpmc(0) == VECTOR_GP, "RDPMC raises #GP");
	struct cpuid_out r = cpuid2(0xa, 0);
	check(!(r.eax | r.ebx | r.ecx | r.edx), "CPUID leaf 0xA shows no performance counters");
	gprintf("controls: [\x1b[31m] [\a] [\b] [%c] [\x7f] end\n", 0);
	return check_summary();
}
