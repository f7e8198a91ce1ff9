/* checker.c: from a Linux guest's user space, checks Tally's exit statistics leaves, then ends the guest through port 0xf4. */
/* Built hosted and static (gcc -static -O2) by tools/fetch-linux.sh into the initramfs; its /init runs it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>

#include "vmx/abi.h"

#define CPUID_LOOPS 1000
/* The 1000 CPUIDs plus the read that ends them: exactly 1001 from the loop. The guest kernel
 * runs too (a timer interrupt, another task scheduled in): it may add a few CPUIDs of its own. */
#define CPUID_SLACK 16
#define BOOT_EXITS_MIN 2000 /* "thousands of exits" for a kernel boot to user space */

/* The 4leaf layout of vmx/abi.h (cpuid_abi=4leaf, Tally's default). */
#define LEAF_TOTAL_EXITS 0x4FFFFFFFu  /* EAX = exits, all reasons */
#define LEAF_TOTAL_CYCLES 0x4FFFFFFEu /* EBX:ECX = cycles in exits */
#define LEAF_REASON_EXITS 0x4FFFFFFDu /* ECX = reason: EAX = its exits */

static int passed, failed;

struct regs { uint32_t eax, ebx, ecx, edx; };

static struct regs cpuid(uint32_t leaf, uint32_t sub)
{
	struct regs r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(sub));
	return r;
}

static uint32_t reason_exits(uint32_t reason) { return cpuid(LEAF_REASON_EXITS, reason).eax; }
static uint32_t total_exits(void) { return cpuid(LEAF_TOTAL_EXITS, 0).eax; }

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	ok ? passed++ : failed++;
}

static void check_cpuid_loop(void)
{
	char line[160];
	uint32_t r0 = reason_exits(EXIT_REASON_CPUID);
	for (int i = 0; i < CPUID_LOOPS; i++)
		cpuid(0, 0);
	uint32_t d = reason_exits(EXIT_REASON_CPUID) - r0;
	snprintf(line, sizeof(line), "%d CPUIDs raise reason 10 by %u (expected %d to %d)", CPUID_LOOPS, d,
		 CPUID_LOOPS + 1, CPUID_LOOPS + 1 + CPUID_SLACK);
	check(d >= CPUID_LOOPS + 1 && d <= CPUID_LOOPS + 1 + CPUID_SLACK, line);
}

static void check_sum(void)
{
	char line[160];
	uint32_t t0 = total_exits();
	uint64_t sum = 0;
	for (uint32_t r = 0; r < VMX_EXIT_REASON_COUNT; r++)
		sum += reason_exits(r);
	uint32_t t1 = total_exits();
	snprintf(line, sizeof(line), "the sum over reasons (%llu) lies between two reads of the total (%u, %u)",
		 (unsigned long long)sum, t0, t1);
	check(t0 <= sum && sum <= t1, line);
}

static void check_boot(void)
{
	char line[160];
	uint32_t total = total_exits(), cpuids = reason_exits(EXIT_REASON_CPUID);
	uint32_t ios = reason_exits(EXIT_REASON_IO_INSTRUCTION);
	struct regs c = cpuid(LEAF_TOTAL_CYCLES, 0);
	snprintf(line, sizeof(line), "the boot took thousands of exits (%u, %llu cycles in exits)", total,
		 ((unsigned long long)c.ebx << 32) | c.ecx);
	check(total >= BOOT_EXITS_MIN, line);
	snprintf(line, sizeof(line), "reason 10 (CPUID, %u exits) and 30 (I/O, %u exits) are non-zero", cpuids, ios);
	check(cpuids > 0 && ios > 0, line);
}

/* The isa-debug-exit convention: a write of V to the port ends the guest with code V. */
static void exit_guest(int code)
{
	fflush(stdout);
	if (ioperm(TALLY_EXIT_PORT, 1, 1) < 0 && iopl(3) < 0) {
		perror("checker: ioperm/iopl for port 0xf4");
		return;
	}
	outb((uint8_t)code, TALLY_EXIT_PORT);
}

/* checker [--stay]: with --stay the guest goes on (make run-linux's shell follows). */
int main(int argc, char **argv)
{
	struct regs sig = cpuid(TALLY_LEAF_SIGNATURE, 0);
	check(sig.ebx == TALLY_SIGNATURE_EBX && sig.ecx == TALLY_SIGNATURE_ECX && sig.edx == TALLY_SIGNATURE_EDX,
	      "leaf 0x40000000 carries Tally's signature");
	check_boot();
	check_cpuid_loop();
	check_sum();
	printf("checker: %d passed, %d failed\n", passed, failed);
	if (argc < 2 || strcmp(argv[1], "--stay"))
		exit_guest(failed ? 1 : 0);
	return failed ? 1 : 0;
}
