/* main.c: the self-checking test guest: provokes >= 10 exit reasons and checks exact exit counts
 * through Tally's CPUID statistics leaves (layout chosen by "abi=" on its command line). */
#include "guest.h"

#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CR4_OSXSAVE (1u << 18)
#define CR4_VMXE (1u << 13)
#define CR4_PSE (1u << 4)
#define CR0_TS (1u << 3)
#define MSR_SYSENTER_CS 0x174
#define MSR_UNKNOWN 0x4b564d99u /* no CPU or hypervisor defines it */
#define PORT_POST 0x80
#define VECTOR_UD 6
#define VECTOR_GP 13
#define CPUID_LOOPS 1000
#define POST_WRITES 50
#define SPIN_LOOPS 4000000
#define SPIN_TRIES 100
#define MIN_DISTINCT_REASONS 10
/* The sum's span is a hundred CPUIDs: a few milliseconds under QEMU TCG, where a quantum timer
 * exit may come between; it is measured again until one span has none. */
#define SUM_ATTEMPTS 10

static enum tally_abi abi = TALLY_ABI_4LEAF;
/* What runs this guest (Tally's backend leaf): VMX or SVM, and the reason its quantum timer's
 * exits count as (52 PREEMPTION_TIMER under VMX, 1 EXTERNAL_INTERRUPT under SVM). */
static uint32_t backend, timer_reason;

static void read_backend(void)
{
	struct cpuid_out r = cpuid2(tally_leaf(TALLY_ABI_ALL, TALLY_Q_BACKEND), 0);
	backend = r.eax;
	timer_reason = r.ebx;
}

static bool svm(void)
{
	return backend == TALLY_BACKEND_SVM;
}
static uint32_t before[VMX_EXIT_REASON_COUNT];

static uint32_t exits(uint32_t reason)
{
	return (uint32_t)stat_reason_exits(abi, reason);
}

static void pick_abi(const struct multiboot_info *mbi)
{
	char buf[16];
	if (!cmdline_value(mbi, "abi", buf, sizeof(buf)))
		return;
	for (enum tally_abi a = 0; a < TALLY_ABI_ALL; a++) {
		const char *name = tally_abi_name(a), *p = buf;
		while (*name && *name == *p)
			name++, p++;
		if (!*name && !*p)
			abi = a;
	}
}

/* mem= as Tally reads it (K/M/G suffixes), in KiB; 64 MiB when absent. */
static uint32_t mem_kib(const struct multiboot_info *mbi)
{
	char buf[16];
	if (!cmdline_value(mbi, "mem", buf, sizeof(buf)))
		return 64 * 1024;
	uint32_t n = parse_u32(buf);
	const char *s = buf;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == 'G' ? n << 20 : *s == 'M' ? n << 10 : *s == 'K' ? n : n >> 10;
}

static void test_multiboot(uint32_t magic, const struct multiboot_info *mbi)
{
	check(magic == MULTIBOOT_MAGIC, "EAX holds the multiboot magic (0x%x)", magic);
	check((mbi->flags & 0x45) == 0x45 && mbi->mem_lower == 639 && mbi->mem_upper == mem_kib(mbi) - 1024,
	      "multiboot info: flags 0x%x, mem_lower %u KiB, mem_upper %u KiB", mbi->flags, mbi->mem_lower,
	      mbi->mem_upper);
}

static void test_cpuid_view(void)
{
	struct cpuid_out r = cpuid2(1, 0);
	check(!(r.ecx & CPUID_1_ECX_VMX) && (r.ecx & CPUID_1_ECX_HYPERVISOR),
	      "CPUID.1:ECX hides VMX and sets the hypervisor bit (ECX 0x%x)", r.ecx);
	struct cpuid_out a = cpuid2(0x15, 0), b = cpuid2(0x16, 0);
	check(!(a.eax | a.ebx | a.ecx | a.edx | b.eax | b.ebx | b.ecx | b.edx), "CPUID leaves 0x15 and 0x16 are masked");
	r = cpuid2(TALLY_LEAF_SIGNATURE, 0);
	check(r.eax == TALLY_LEAF_HIGHEST && r.ebx == TALLY_SIGNATURE_EBX && r.ecx == TALLY_SIGNATURE_ECX &&
		      r.edx == TALLY_SIGNATURE_EDX,
	      "leaf 0x40000000: highest leaf 0x%x, signature \"%c%c%c%c...\"", r.eax, r.ebx & 0xff, (r.ebx >> 8) & 0xff,
	      (r.ebx >> 16) & 0xff, r.ebx >> 24);
}

static void test_cpuid_counts(void)
{
	uint32_t r0 = exits(EXIT_REASON_CPUID);
	for (int i = 0; i < CPUID_LOOPS; i++)
		cpuid2(0, 0);
	uint32_t r1 = exits(EXIT_REASON_CPUID);
	check(r1 - r0 == CPUID_LOOPS + 1, "%d CPUIDs raise reason 10 by exactly %d (got %u)", CPUID_LOOPS,
	      CPUID_LOOPS + 1, r1 - r0);
	/* The total also counts asynchronous exits: the quantum timer ends the guest's quantum
	 * wherever it is. So the timer's count is read inside the measured span (two more CPUIDs, and
	 * the read of t1 is the third), and the total must grow by exactly the CPUIDs plus the timer
	 * exits among them. A timer exit in the few instructions between a total and a timer read
	 * cannot be placed: then the span is measured again. */
	uint32_t t0 = 0, t1 = 0, pa = 0, pb = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		t0 = (uint32_t)stat_total_exits(abi);
		pa = exits(timer_reason);
		for (int i = 0; i < CPUID_LOOPS; i++)
			cpuid2(0, 0);
		pb = exits(timer_reason);
		t1 = (uint32_t)stat_total_exits(abi);
		if (t1 - t0 == CPUID_LOOPS + 3 + (pb - pa))
			break;
	}
	check(t1 - t0 == CPUID_LOOPS + 3 + (pb - pa),
	      "%d CPUIDs and 3 reads raise the total by exactly %d plus the %u quantum-timer exits (reason %u) among them (got %u)",
	      CPUID_LOOPS, CPUID_LOOPS + 3, pb - pa, timer_reason, t1 - t0);
}

static void test_io(void)
{
	uint32_t r0 = exits(EXIT_REASON_IO_INSTRUCTION);
	for (int i = 0; i < POST_WRITES; i++)
		outb(PORT_POST, (uint8_t)i);
	uint32_t r1 = exits(EXIT_REASON_IO_INSTRUCTION);
	check(r1 - r0 == POST_WRITES, "%d writes to port 0x80 raise reason 30 by exactly %d (got %u)", POST_WRITES,
	      POST_WRITES, r1 - r0);
	r1 = exits(EXIT_REASON_IO_INSTRUCTION);
	uint8_t v = inb(PORT_POST);
	uint32_t r2 = exits(EXIT_REASON_IO_INSTRUCTION);
	check(v == 0xff && r2 - r1 == 1, "IN from an empty port reads 0xff (0x%x), reason 30 +1", v);
}

static void test_msr(void)
{
	uint64_t val = 0;
	uint32_t r0 = exits(EXIT_REASON_RDMSR), w0 = exits(EXIT_REASON_WRMSR);
	for (int i = 0; i < 20; i++)
		try_rdmsr(MSR_SYSENTER_CS, &val);
	check(exits(EXIT_REASON_RDMSR) - r0 == 20, "20 RDMSRs raise reason 31 by exactly 20");
	int f1 = try_wrmsr(MSR_SYSENTER_CS, 0x1234);
	int f2 = try_rdmsr(MSR_SYSENTER_CS, &val);
	check(f1 < 0 && f2 < 0 && val == 0x1234 && exits(EXIT_REASON_WRMSR) - w0 == 1,
	      "WRMSR IA32_SYSENTER_CS reads back 0x%x, reason 32 +1", (uint32_t)val);
	r0 = exits(EXIT_REASON_RDMSR);
	int f3 = try_rdmsr(MSR_UNKNOWN, &val);
	int f4 = try_wrmsr(MSR_UNKNOWN, 1);
	check(f3 == VECTOR_GP && f4 == VECTOR_GP && exits(EXIT_REASON_RDMSR) - r0 == 1,
	      "RDMSR/WRMSR of an unknown MSR raise #GP (vectors %d, %d)", f3, f4);
}

static void test_simple_instructions(void)
{
	uint32_t h0 = exits(EXIT_REASON_HLT);
	__asm__ volatile("sti; hlt; cli");
	check(exits(EXIT_REASON_HLT) - h0 == 1, "HLT with IF=1 raises reason 12 by 1 and resumes");
	uint32_t i0 = exits(EXIT_REASON_INVD), w0 = exits(EXIT_REASON_WBINVD);
	__asm__ volatile("invd; wbinvd; wbinvd" ::: "memory");
	check(exits(EXIT_REASON_INVD) - i0 == 1 && exits(EXIT_REASON_WBINVD) - w0 == 2,
	      "INVD raises reason 13 by 1, 2 WBINVDs raise reason 54 by 2");
	uint32_t c0 = exits(EXIT_REASON_VMCALL), eax = hypercall(backend, 0);
	check(eax == 0xffffffffu && exits(EXIT_REASON_VMCALL) - c0 == 1, "%s answers EAX=0x%x, reason 18 +1",
	      svm() ? "VMMCALL" : "VMCALL", eax);
}

/* Under VMX a MOV to CR0/CR4 exits when it changes a bit the guest/host mask gives Tally (all of
 * them): writing the value already there does not (SDM Vol. 3C, 26.1.3). Under SVM with nested
 * paging the guest owns CR0 and CR4 and Tally intercepts neither: no write exits. */
static void test_cr(void)
{
	uint32_t cr4 = read_cr4(), cr0 = read_cr0();
	uint32_t c0 = exits(EXIT_REASON_CR_ACCESS);
	for (int i = 0; i < 5; i++) {
		write_cr4(cr4 ^ CR4_PSE);
		write_cr4(cr4);
	}
	write_cr0(cr0 | CR0_TS);
	write_cr0(cr0);
	write_cr4(cr4);
	uint32_t c1 = exits(EXIT_REASON_CR_ACCESS);
	if (svm())
		check(c1 - c0 == 0, "under SVM the guest owns CR0/CR4: 13 writes raise reason 28 by 0 (got %u)", c1 - c0);
	else
		check(c1 - c0 == 12, "12 CR0/CR4 writes that change a bit raise reason 28 by exactly 12, "
		      "a write of the same value none (got %u)", c1 - c0);
	check(!(read_cr4() & CR4_VMXE) && read_cr0() == cr0, "CR4 reads 0x%x without VMXE, CR0 reads 0x%x", read_cr4(),
	      read_cr0());
}

static void test_xsetbv(void)
{
	struct cpuid_out r = cpuid2(1, 0);
	check(r.ecx & CPUID_1_ECX_XSAVE, "CPUID reports XSAVE");
	write_cr4(read_cr4() | CR4_OSXSAVE);
	r = cpuid2(1, 0);
	uint32_t x0 = exits(EXIT_REASON_XSETBV);
	int f1 = try_xsetbv(0, 3); /* x87 + SSE */
	int f2 = try_xsetbv(0, 2); /* x87 clear: invalid */
	/* Under SVM Tally sets the XSETBV intercept, but QEMU 7.2's TCG does not implement it: the
	 * CPU then runs both XSETBVs itself, with the same results and no exit. */
	uint32_t n = exits(EXIT_REASON_XSETBV) - x0;
	check((r.ecx & CPUID_1_ECX_OSXSAVE) && f1 < 0 && f2 == VECTOR_GP && (n == 2 || (svm() && n == 0)),
	      "XSETBV raises reason 55 by %u%s; XCR0=3 accepted, XCR0=2 raises #GP (%d)", n,
	      n ? "" : " (not intercepted by this SVM CPU)", f2);
}

/*
 * Leaf 0xD's sizes agree with its own per-component subleaves for the XCR0 in force (every user
 * component it offers): subleaf 0's EBX is where the standard format ends, subleaf 1's (with
 * XSAVEC) the compacted format's sum, each component 64-byte aligned where its ECX[1] says (SDM
 * Vol. 1, 13.4). Linux 6.1 compares the same before it uses XSAVEC.
 */
static void test_xsave_sizes(void)
{
	uint32_t all = cpuid2(0xd, 0).eax, std = 576, cmp = 576;
	int f = try_xsetbv(0, all);
	for (unsigned i = 2; i < 32; i++) {
		if (!(all >> i & 1))
			continue;
		struct cpuid_out c = cpuid2(0xd, i);
		if (c.ebx + c.eax > std)
			std = c.ebx + c.eax;
		cmp = (c.ecx & 2 ? (cmp + 63) & ~63u : cmp) + c.eax;
	}
	struct cpuid_out d0 = cpuid2(0xd, 0), d1 = cpuid2(0xd, 1);
	bool xsavec = d1.eax & 2;
	(void)try_xsetbv(0, 3);
	check(f < 0 && d0.ebx == std && (!xsavec || d1.ebx == cmp),
	      "XCR0=0x%x: leaf 0xD sizes %u (standard) and %u (compacted%s) match its subleaves (%u, %u)", all, d0.ebx,
	      d1.ebx, xsavec ? "" : ": no XSAVEC", std, cmp);
}

/* The backend's own virtualisation instructions exit and are answered with #UD; the other
 * vendor's raise #UD in the CPU, without an exit. */
static void test_virtualization_instructions(void)
{
	static uint64_t region[512] __attribute__((aligned(4096))); /* VMSAVE's #GP for an unaligned one comes first */
	uint32_t o0 = exits(EXIT_REASON_VMXOFF), c0 = exits(EXIT_REASON_VMCLEAR);
	uint32_t g0 = exits(EXIT_REASON_SVM_CLGI), s0 = exits(EXIT_REASON_SVM_VMSAVE);
	int f1 = try_vmxoff(), f2 = try_vmclear(region), f3 = try_clgi(), f4 = try_vmsave(region);
	uint32_t vmx_exits = svm() ? 0 : 1, svm_exits = svm() ? 1 : 0;
	check(f1 == VECTOR_UD && f2 == VECTOR_UD && f3 == VECTOR_UD && f4 == VECTOR_UD &&
		      exits(EXIT_REASON_VMXOFF) - o0 == vmx_exits && exits(EXIT_REASON_VMCLEAR) - c0 == vmx_exits &&
		      exits(EXIT_REASON_SVM_CLGI) - g0 == svm_exits && exits(EXIT_REASON_SVM_VMSAVE) - s0 == svm_exits,
	      "VMXOFF, VMCLEAR, CLGI, VMSAVE raise #UD (%d, %d, %d, %d); reasons 26, 19 +%u, 90, 88 +%u", f1, f2, f3, f4,
	      vmx_exits, svm_exits);
}

static void test_preemption_timer(void)
{
	/* Spins of SPIN_LOOPS iterations (tens of milliseconds under Bochs, a few under QEMU TCG) until
	 * one is preempted, at most SPIN_TRIES of them: far longer than any quantum. */
	uint32_t p0 = exits(timer_reason), p1 = p0;
	int spins = 0;
	while (p1 == p0 && spins < SPIN_TRIES) {
		for (volatile uint32_t i = 0; i < SPIN_LOOPS; i++)
			;
		spins++;
		p1 = exits(timer_reason);
	}
	check(p1 > p0, "%d spin(s) of %d iterations are preempted by the %s quantum timer (%u exits, reason %u)", spins,
	      SPIN_LOOPS, svm() ? "SVM (host APIC)" : "VMX preemption", p1 - p0, timer_reason);
}

static void test_reason_answers(void)
{
	static const uint32_t undefined[] = { 35, 38, 42, 71, 82, 83, VMX_EXIT_REASON_COUNT, 1000, 0xffffffffu };
	uint32_t leaf = tally_leaf(abi, TALLY_Q_REASON_EXITS);
	bool ok = true;
	for (unsigned i = 0; i < sizeof(undefined) / sizeof(undefined[0]); i++) {
		struct cpuid_out r = cpuid2(leaf, undefined[i]);
		ok &= !r.eax && !r.ebx && !r.ecx && r.edx == TALLY_UNDEFINED_REASON_EDX;
	}
	check(ok, "undefined reasons (35, 38, 42, 71, 82, 83, %u, ...) answer EDX=0xffffffff", VMX_EXIT_REASON_COUNT);
	struct cpuid_out a = cpuid2(leaf, EXIT_REASON_RDTSC), b = cpuid2(leaf, EXIT_REASON_GETSEC);
	check(!(a.eax | a.ebx | a.ecx | a.edx | b.eax | b.ebx | b.ecx | b.edx),
	      "never-enabled reasons (16 RDTSC, 11 GETSEC) answer all zeros");
}

static void test_cycles(void)
{
	uint64_t t0 = stat_total_cycles(abi);
	if (abi == TALLY_ABI_SPRING21) {
		struct cpuid_out r = cpuid2(0x4FFFFFFDu, EXIT_REASON_CPUID);
		check(!(r.eax | r.ebx | r.ecx | r.edx), "spring21: leaf 0x4ffffffd is not a statistics leaf (zeros)");
	} else {
		uint64_t c0 = stat_reason_cycles(abi, EXIT_REASON_CPUID);
		for (int i = 0; i < 100; i++)
			cpuid2(0, 0);
		uint64_t c1 = stat_reason_cycles(abi, EXIT_REASON_CPUID);
		check(c1 > c0, "cycles of reason 10 grow: %llu -> %llu", c0, c1);
	}
	uint64_t t1 = stat_total_cycles(abi);
	check(t1 > t0, "total cycles grow: %llu -> %llu", t0, t1);
}

/* T0, then the 86 per-reason counts, then T1: with no asynchronous exit in between, the sum is
 * T0 plus the 11 CPUIDs up to and including the one that reads reason 10, and T1 = T0 + 87. */
static void test_sum(void)
{
	uint32_t t0 = 0, t1 = 0, sum = 0;
	for (int attempt = 0; attempt < SUM_ATTEMPTS; attempt++) {
		t0 = (uint32_t)stat_total_exits(abi);
		sum = 0;
		for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
			sum += exits(r);
		t1 = (uint32_t)stat_total_exits(abi);
		if (t1 - t0 == VMX_EXIT_REASON_COUNT + 1)
			break; /* else a timer or interrupt exit came between: measure again */
	}
	check(t1 - t0 == VMX_EXIT_REASON_COUNT + 1 && sum == t0 + EXIT_REASON_CPUID + 1,
	      "the sum over reasons matches the total (sum %u, total %u)", sum, t0);
}

static void test_extension_leaves(void)
{
	uint32_t c32 = exits(EXIT_REASON_CPUID);
	struct cpuid_out r = cpuid2(0x40000002u, EXIT_REASON_CPUID);
	check(r.ecx == c32 + 1 && r.ebx == 0, "leaf 0x40000002 gives the 64-bit count of reason 10 (%u)", r.ecx);
	struct cpuid_out mn = cpuid2(0x40000003u, EXIT_REASON_CPUID), mx = cpuid2(0x40000004u, EXIT_REASON_CPUID);
	uint64_t lo = ((uint64_t)mn.ebx << 32) | mn.ecx, hi = ((uint64_t)mx.ebx << 32) | mx.ecx;
	check(lo > 0 && lo <= hi, "leaves 0x40000003/4: reason 10 took %llu..%llu cycles", lo, hi);
}

static void test_memory(const struct multiboot_info *mbi)
{
	volatile uint32_t *last = (volatile uint32_t *)((mbi->mem_upper + 1024) * 1024 - 4096);
	for (int i = 0; i < 1024; i++)
		last[i] = 0x5a5a0000u + (uint32_t)i;
	bool ok = true;
	for (int i = 0; i < 1024; i++)
		ok &= last[i] == 0x5a5a0000u + (uint32_t)i;
	check(ok, "the last page of guest memory (0x%x) holds what was written", (uint32_t)last);
}

/* The last figures the guest reads, for the boot test that holds Tally's export against them: the
 * total, every reason's count, the total again, with no exit between but these 88 CPUIDs (else it
 * reads again). Printed as "final: total T n/m R=N ...": T is the last read total, n/m the
 * reads in the span over those expected, then the non-zero reasons. After T only this line's COM1
 * exits and the exit port's come (and asynchronous ones, which Tally's trace shows). */
static void report_final_counts(void)
{
	static uint32_t n[VMX_EXIT_REASON_COUNT];
	uint32_t t0 = 0, t1 = 0;
	for (int attempt = 0; attempt < 5; attempt++) {
		t0 = (uint32_t)stat_total_exits(abi);
		for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
			n[r] = exits(r);
		t1 = (uint32_t)stat_total_exits(abi);
		if (t1 - t0 == VMX_EXIT_REASON_COUNT + 1)
			break;
	}
	gprintf("final: total %u %u/%u", t1, t1 - t0, VMX_EXIT_REASON_COUNT + 1);
	for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		if (n[r])
			gprintf(" %u=%u", r, n[r]);
	gprintf("\n");
}

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	pick_abi(mbi);
	read_backend();
	gprintf("CPUID statistics layout %s\n", tally_abi_name(abi));
	gprintf("backend %s, quantum timer reason %u\n", svm() ? "SVM" : "VMX", timer_reason);
	for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		before[r] = exits(r);
	test_multiboot(magic, mbi);
	test_cpuid_view();
	test_cpuid_counts();
	test_io();
	test_msr();
	test_simple_instructions();
	test_cr();
	test_xsetbv();
	test_xsave_sizes();
	test_virtualization_instructions();
	test_preemption_timer();
	test_reason_answers();
	test_cycles();
	test_sum();
	test_extension_leaves();
	test_memory(mbi);
	int distinct = 0;
	for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		distinct += exits(r) != before[r];
	check(distinct >= MIN_DISTINCT_REASONS, "%d distinct exit reasons provoked (at least %d)", distinct,
	      MIN_DISTINCT_REASONS);
	int failed = check_summary();
	report_final_counts();
	return failed;
}
