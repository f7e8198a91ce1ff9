/* main.c: bench guest: guest-side round trip of CPUID and OUT exits (median of rdtsc-bracketed
 * runs) next to Tally's own handler cycles for those reasons, read from the statistics leaves. */
#include "guest.h"

#define RUNS 10000
#define PORT_POST 0x80

static uint32_t samples[RUNS];

/* Hoare's selection: the k-th smallest of a[0..n), in place. */
static uint32_t select_kth(uint32_t *a, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		uint32_t pivot = a[(lo + hi) / 2];
		int i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

/* Tally's side: cycles per exit of reason over the runs, from the 64-bit extension leaves. */
static uint64_t handler_avg(uint32_t reason, uint64_t cycles0, uint64_t count0)
{
	struct cpuid_out c = cpuid2(tally_leaf(TALLY_ABI_4LEAF, TALLY_Q_REASON_CYCLES), reason);
	struct cpuid_out n = cpuid2(0x40000002u, reason);
	uint64_t cycles = (((uint64_t)c.ebx << 32) | c.ecx) - cycles0;
	uint64_t count = (((uint64_t)n.ebx << 32) | n.ecx) - count0;
	return count ? cycles / count : 0;
}

static void bench(const char *what, uint32_t reason, int io)
{
	struct cpuid_out c = cpuid2(tally_leaf(TALLY_ABI_4LEAF, TALLY_Q_REASON_CYCLES), reason);
	struct cpuid_out n = cpuid2(0x40000002u, reason);
	uint64_t cycles0 = ((uint64_t)c.ebx << 32) | c.ecx, count0 = ((uint64_t)n.ebx << 32) | n.ecx;
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc();
		if (io)
			outb(PORT_POST, 0);
		else
			cpuid2(0, 0);
		samples[i] = (uint32_t)(rdtsc() - t0);
	}
	uint64_t handler = handler_avg(reason, cycles0, count0);
	uint32_t median = select_kth(samples, RUNS, RUNS / 2);
	gprintf("bench-vmx: %s: guest round trip median %u cycles over %d runs; Tally handler (reason %u) "
		"average %llu cycles\n", what, median, RUNS, reason, handler);
}

int guest_main(uint32_t magic, const struct multiboot_info *mbi)
{
	(void)magic;
	(void)mbi;
	bench("CPUID", EXIT_REASON_CPUID, 0);
	bench("OUT 0x80", EXIT_REASON_IO_INSTRUCTION, 1);
	return 0;
}
