/* test_mips_fuzz.c: deterministic mutation fuzzing of the assembler and the snapshot loader (under ASan/UBSan). */
#include <dirent.h>
#include <time.h>

#include "tests/check.h"
#include "tests/mips/testport.h"

#define MAX_SRC		(256 * 1024)
#define ASM_ROUNDS	4000
#define SNAP_ROUNDS	3000
#define RUN_BUDGET	20000

static struct testport *tp;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const dict[] = {
	"$t0", "$zero", "$31", "$99", ",", "(", ")", "'", "\"", "\\", ":", "#", "\n", " ", "-", "+", "0x",
	"0xffffffff", "2147483648", "-32769", "'\\n'", ".word", ".byte", ".half", ".asciiz \"", ".space",
	".align", ".data", ".text", "li", "la", "lw", "sw", "beq", "blt", "j", "jal", "jr $ra", "main:",
	"SNAPSHOT x", "MIGRATE h:1", "DUMP_PROCESSOR_STATE", "syscall", "div", "rol", "label+4", "0:9",
	"$f31", "li.s", "li.d", "1.5e-3", "-0.", ".float", ".double", "1e", "add.d", "c.lt.s 7,",
};

static size_t mutate(char *buf, size_t len, size_t cap)
{
	for (int n = 1 + (int)rnd(4); n > 0; n--) {
		size_t at = len ? rnd((uint32_t)len + 1) : 0;
		switch (rnd(4)) {
		case 0:	/* replace a byte */
			if (at < len)
				buf[at] = (char)rnd(256);
			break;
		case 1:	/* delete a run */
			if (at < len) {
				size_t k = 1 + rnd(16);
				k = k > len - at ? len - at : k;
				memmove(buf + at, buf + at + k, len - at - k);
				len -= k;
			}
			break;
		default: {	/* insert a dictionary token */
			const char *t = dict[rnd(sizeof dict / sizeof dict[0])];
			size_t k = strlen(t);
			if (len + k < cap) {
				memmove(buf + at + k, buf + at, len - at);
				memcpy(buf + at, t, k);
				len += k;
			}
		}
		}
	}
	return len;
}

/* Every diagnostic line of a failed assembly must read "t.s:LINE:COL: error: ...". */
static bool diags_well_formed(int errors)
{
	int lines = 0;
	for (const char *p = tp->diag; *p; lines++) {
		int line, col, used = 0;
		if (sscanf(p, "t.s:%d:%d: error: %n", &line, &col, &used) != 2 || !used || line < 0 || col < 1)
			return false;
		const char *nl = strchr(p, '\n');
		if (!nl)
			return false;
		p = nl + 1;
	}
	return lines == errors || tp->ndiag >= TP_OUT_MAX - 1;
}

static size_t load_corpus(char **bufs, size_t *lens, size_t max)
{
	DIR *d = opendir("guest/mips");
	struct dirent *e;
	size_t n = 0;
	while (d && (e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);
		if (l < 3 || strcmp(e->d_name + l - 2, ".s"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "guest/mips/%s", e->d_name);
		FILE *f = fopen(path, "rb");
		bufs[n] = malloc(MAX_SRC);
		lens[n] = fread(bufs[n], 1, MAX_SRC / 2, f);
		fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static void fuzz_assembler(char **corpus, size_t *lens, size_t n)
{
	char *buf = malloc(MAX_SRC);
	int ok_runs = 0, bad_diag = 0;

	for (int round = 0; round < ASM_ROUNDS; round++) {
		size_t i = rnd((uint32_t)n), len = lens[i];
		memcpy(buf, corpus[i], len);
		len = mutate(buf, len, MAX_SRC);
		struct mips_program prog;
		tp_reset_output(tp);
		int errors = mips_assemble(&tp->port, "t.s", buf, len, &prog);
		if (errors) {
			bad_diag += !diags_well_formed(errors);
			CHECK_QUIET(diags_well_formed(errors), "round %d: malformed diagnostics: %.200s", round, tp->diag);
			continue;
		}
		struct mips_vm *vm = mips_vm_new(&tp->port, "f", 1u << 20);
		if (mips_vm_load(vm, &prog)) {
			mips_vm_run(vm, RUN_BUDGET);
			ok_runs++;
		}
		mips_vm_free(vm);
		mips_program_free(&tp->port, &prog);
	}
	CHECK(bad_diag == 0, "assembler: %d mutated programs, no crash, every error as file:line:col (%d ran)", ASM_ROUNDS,
	      ok_runs);
	free(buf);
}

/* Recomputes every section CRC and the END totals, so mutations reach the semantic checks. */
static void fix_checksums(uint8_t *b, size_t len)
{
	size_t off = 24;
	uint32_t count = 0;
	while (off + 12 <= len) {
		uint32_t tag, n;
		memcpy(&tag, b + off, 4), memcpy(&n, b + off + 4, 4);
		if (n > len - off - 12)
			return;
		if (!memcmp(b + off, "END ", 4) && n == 8) {
			memcpy(b + off + 8, &count, 4);
			uint32_t whole = mips_crc32(0, b, off);
			memcpy(b + off + 12, &whole, 4);
		}
		uint32_t crc = mips_crc32(0, b + off, 8 + n);
		memcpy(b + off + 8 + n, &crc, 4);
		off += 12 + n;
		count++;
	}
}

static void fuzz_snapshots(void)
{
	struct mips_vm *src = tp_vm(tp, ".data\nx: .word 5\n.text\nmain: lw $t0, x\nl: addi $t0, $t0, -1\nbnez $t0, l\n"
				       "SNAPSHOT s\nDUMP_PROCESSOR_STATE");
	void *good;
	size_t len;
	char msg[MIPS_MSG_MAX];
	int accepted = 0, unnamed = 0;

	mips_vm_run(src, 4);
	mips_snapshot_to_buffer(src, &good, &len);
	uint8_t *b = malloc(len + 64);
	for (int round = 0; round < SNAP_ROUNDS; round++) {
		memcpy(b, good, len);
		size_t n = len;
		for (int k = 1 + (int)rnd(3); k > 0; k--)
			b[rnd((uint32_t)n)] = (uint8_t)(rnd(2) ? rnd(256) : (uint32_t)b[rnd((uint32_t)n)] + 1u);
		if (rnd(8) == 0)
			n = rnd((uint32_t)len);
		if (rnd(2))
			fix_checksums(b, n);
		struct mips_vm *vm = mips_vm_new(&tp->port, "", 1u << 20);
		tp_reset_output(tp);
		if (mips_snapshot_load(vm, b, n, NULL, msg)) {
			accepted++;
			mips_vm_run(vm, RUN_BUDGET);
		} else {
			unnamed += !strstr(msg, "check failed at offset");
		}
		mips_vm_free(vm);
	}
	CHECK(unnamed == 0, "snapshot loader: %d mutated snapshots, no crash, every refusal names its check (%d accepted "
	      "after checksum repair)", SNAP_ROUNDS, accepted);
	free(b);
	free(good);
	mips_vm_free(src);
}

int main(void)
{
	char *corpus[64];
	size_t lens[64];
	size_t n = load_corpus(corpus, lens, 64);

	tp = tp_new();
	CHECK(n >= 5, "corpus: %zu programs from guest/mips", n);
	if (n)
		fuzz_assembler(corpus, lens, n);
	fuzz_snapshots();
	for (size_t i = 0; i < n; i++)
		free(corpus[i]);
	tp_free(tp);
	return check_summary();
}
