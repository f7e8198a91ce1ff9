/* test_mips_snapshot.c: snapshot round trips at many points, every corruption and truncation refused, dirty pages. */
#include "tests/check.h"
#include "tests/mips/testport.h"
#include "mips/wire.h"	/* mips_get32/put32 for editing snapshots */

static struct testport *tp;

static const char *prog_src =
	"\t.data\n"
	"arr:\t.space 64\n"
	"msg:\t.asciiz \" \"\n"
	"\t.text\n"
	"main:\tli $s0, 0\n"
	"\tla $s1, arr\n"
	"loop:\tmul $t0, $s0, $s0\n"
	"\tsll $t1, $s0, 2\n"
	"\taddu $t1, $t1, $s1\n"
	"\tsw $t0, 0($t1)\n"
	"\tmove $a0, $t0\n"
	"\tli $v0, 1\n"
	"\tsyscall\n"
	"\tli $v0, 4\n"
	"\tla $a0, msg\n"
	"\tsyscall\n"
	"\tmult $s0, $t0\n"
	"\taddi $s0, $s0, 1\n"
	"\tblt $s0, 16, loop\n"
	"\tli $v0, 9\n"
	"\tli $a0, 100\n"
	"\tsyscall\n"
	"\tsw $s0, 96($v0)\n"
	"\tDUMP_PROCESSOR_STATE\n"
	"\tjr $ra\n";

static struct mips_vm *fresh_vm(void)
{
	return mips_vm_new(&tp->port, "t", 0);
}

/* Run k instructions, snapshot, resume in a fresh VM: output and final state equal an uninterrupted run. */
static void test_round_trip(void)
{
	struct mips_vm *whole = tp_vm(tp, prog_src);
	tp_reset_output(tp);
	tp_run(whole);
	char want[TP_OUT_MAX];
	strcpy(want, tp->out);
	uint64_t total = mips_vm_icount(whole);
	int bad = 0, points = 0;

	for (uint64_t k = 0; k <= total; k += 3, points++) {
		struct mips_vm *a = tp_vm(tp, prog_src);
		tp_reset_output(tp);
		mips_vm_run(a, k);
		char got[TP_OUT_MAX];
		strcpy(got, tp->out);
		void *buf;
		size_t len;
		char msg[MIPS_MSG_MAX];
		bool ok = mips_snapshot_to_buffer(a, &buf, &len);
		struct mips_vm *b = fresh_vm();
		ok = ok && mips_snapshot_load(b, buf, len, NULL, msg);
		free(buf);
		tp_reset_output(tp);
		if (ok)
			tp_run(b);
		strcat(got, tp->out);
		ok = ok && !strcmp(got, want) && mips_vm_icount(b) == total && mips_vm_state(b) == MIPS_VM_EXITED;
		for (unsigned r = 0; ok && r < 32; r++)
			ok = mips_vm_reg(b, r) == mips_vm_reg(whole, r);
		ok = ok && mips_vm_hi(b) == mips_vm_hi(whole) && mips_vm_lo(b) == mips_vm_lo(whole);
		CHECK_QUIET(ok, "round trip at k=%llu", (unsigned long long)k);
		bad += !ok;
		mips_vm_free(a);
		mips_vm_free(b);
	}
	CHECK(bad == 0 && points > 50, "snapshot at %d points (every 3rd of %llu instructions) resumes identically",
	      points, (unsigned long long)total);
	mips_vm_free(whole);
}

/* A float computation snapshotted at every instruction resumes with identical output: the FPU
 * registers and condition flags travel in the CPU record (format version 2 on). */
static const char *fp_src =
	"\t.data\n"
	"x:\t.double 1.5\n"
	"\t.text\n"
	"main:\tl.d $f2, x\n"
	"\tli $t0, 12\n"
	"loop:\tmul.d $f2, $f2, $f2\n"
	"\tsqrt.d $f2, $f2\n"
	"\tadd.d $f4, $f4, $f2\n"
	"\tc.lt.d 3, $f2, $f4\n"
	"\taddi $t0, $t0, -1\n"
	"\tbnez $t0, loop\n"
	"\tbc1f 3, done\n"
	"\tmov.d $f12, $f4\n"
	"\tli $v0, 3\n"
	"\tsyscall\n"
	"done:\tjr $ra\n";

static void test_fpu_round_trip(void)
{
	struct mips_vm *whole = tp_vm(tp, fp_src);
	tp_reset_output(tp);
	tp_run(whole);
	char want[TP_OUT_MAX];
	strcpy(want, tp->out);
	uint64_t total = mips_vm_icount(whole);
	int bad = 0;
	for (uint64_t k = 0; k <= total; k++) {
		struct mips_vm *a = tp_vm(tp, fp_src), *b = fresh_vm();
		tp_reset_output(tp);
		mips_vm_run(a, k);
		char got[TP_OUT_MAX], msg[MIPS_MSG_MAX];
		strcpy(got, tp->out);
		void *buf;
		size_t len;
		bool ok = mips_snapshot_to_buffer(a, &buf, &len) && mips_snapshot_load(b, buf, len, NULL, msg);
		free(buf);
		tp_reset_output(tp);
		if (ok)
			tp_run(b);
		strcat(got, tp->out);
		bad += !(ok && !strcmp(got, want));
		mips_vm_free(a);
		mips_vm_free(b);
	}
	CHECK(bad == 0 && strlen(want) > 1, "a float computation snapshotted at each of its %llu instructions resumes "
	      "identically (prints %s)", (unsigned long long)total, want);
	mips_vm_free(whole);
}

/* A snapshot of an older version, made from a version-3 one by cutting the CPU record to that
 * version's size and sealing every checksum again (version 1: no FPU; 2: no stack bottom). */
static uint8_t *old_version(const uint8_t *s, size_t len, uint32_t version, size_t cut, size_t *outlen)
{
	uint8_t *v = malloc(len);
	size_t in = 24, out = 24;

	memcpy(v, s, 24);
	mips_put32(v + 8, version);
	mips_put32(v + 20, mips_crc32(0, v, 20));
	while (in < len) {
		uint32_t tag = mips_get32(s + in), n = mips_get32(s + in + 4);
		bool cpu = !memcmp(s + in, "CPU ", 4), end = !memcmp(s + in, "END ", 4);
		uint32_t m = cpu ? n - (uint32_t)cut : n;
		mips_put32(v + out, tag);
		mips_put32(v + out + 4, m);
		memcpy(v + out + 8, s + in + 8, m);
		if (end)
			mips_put32(v + out + 12, mips_crc32(0, v, out));
		mips_put32(v + out + 8 + m, mips_crc32(0, v + out, 8 + m));
		in += 12 + n, out += 12 + m;
	}
	*outlen = out;
	return v;
}

/* Version-1 and version-2 snapshots still load and resume like the VM they were taken from. */
static void test_old_versions(void)
{
	static const struct { uint32_t version; size_t cut; } olds[] = { { 1, 34 * 4 }, { 2, 4 } };

	for (size_t i = 0; i < sizeof olds / sizeof olds[0]; i++) {
		struct mips_vm *a = tp_vm(tp, prog_src), *b = fresh_vm();
		tp_reset_output(tp);
		mips_vm_run(a, 40);
		void *buf;
		size_t len, n;
		char msg[MIPS_MSG_MAX], got[TP_OUT_MAX];
		CHECK(mips_snapshot_to_buffer(a, &buf, &len), "a version-3 snapshot");
		uint8_t *v = old_version(buf, len, olds[i].version, olds[i].cut, &n);
		bool ok = mips_snapshot_load(b, v, n, NULL, msg);
		CHECK(ok, "the version-%u snapshot loads (%s)", olds[i].version, ok ? "ok" : msg);
		tp_reset_output(tp);
		if (ok)
			tp_run(b);
		strcpy(got, tp->out);
		tp_reset_output(tp);
		tp_run(a);
		CHECK(ok && !strcmp(got, tp->out) && mips_vm_state(b) == MIPS_VM_EXITED,
		      "and resumes like the VM it was taken from");
		mips_put32(v + 8, 3);
		mips_put32(v + 20, mips_crc32(0, v, 20));
		struct mips_vm *c = fresh_vm();
		CHECK(!mips_snapshot_load(c, v, n, NULL, msg) && strstr(msg, "CPU length"),
		      "a version-3 header with a version-%u CPU record is refused (%s)", olds[i].version, msg);
		free(buf);
		free(v);
		mips_vm_free(a);
		mips_vm_free(b);
		mips_vm_free(c);
	}
}

/* The stack's bottom travels: a VM whose stack grew is snapshotted, and the resumed VM outgrows
 * SPIM's 256 KiB at the same access with the same sizes (a reset bottom gives other figures). */
static void test_stack_bottom(void)
{
	static const char src[] = "li $t0, 0x7ffe8000\nlw $t1, 0($t0)\nli $t0, 0x7ffd0000\nsw $t1, 0($t0)\n"
				  "li $t0, 0x7ffbfff0\nsw $t1, 0($t0)\n";
	struct mips_vm *whole = tp_vm(tp, src), *a = tp_vm(tp, src), *b = fresh_vm();
	char want[TP_OUT_MAX], msg[MIPS_MSG_MAX];
	void *buf;
	size_t len;

	tp_reset_output(tp);
	tp_run(whole);
	strcpy(want, tp->diag);
	mips_vm_run(a, 3);	/* the load has grown the stack to 128 KiB */
	bool ok = mips_snapshot_to_buffer(a, &buf, &len) && mips_snapshot_load(b, buf, len, NULL, msg);
	mips_vm_set_exceptions(b, MIPS_EXCEPTIONS_STOP);
	tp_reset_output(tp);
	if (ok)
		tp_run(b);
	CHECK(ok && strstr(want, "needs a stack of 524288 bytes") && strstr(tp->diag, "needs a stack of 524288 bytes") &&
	      mips_vm_state(b) == MIPS_VM_FAULTED, "a grown stack resumes as grown: [%s] [%s]", want, tp->diag);
	free(buf);
	mips_vm_free(whole);
	mips_vm_free(a);
	mips_vm_free(b);
}

/* Every single-byte change and every truncation must be refused, naming the failed check. */
static void test_corruption(void)
{
	struct mips_vm *a = tp_vm(tp, "li $t0, 5\nSNAPSHOT x\nli $t1, 6");
	void *buf;
	size_t len;
	char msg[MIPS_MSG_MAX];

	mips_vm_run(a, 1);
	CHECK(mips_snapshot_to_buffer(a, &buf, &len), "snapshot of a two-page program (%zu bytes)", len);
	unsigned char *copy = malloc(len);
	int accepted = 0, unnamed = 0;
	for (size_t i = 0; i < len; i++) {
		for (int flip = 0; flip < 2; flip++) {
			memcpy(copy, buf, len);
			copy[i] ^= flip ? 0xff : 0x01;
			struct mips_vm *b = fresh_vm();
			bool ok = mips_snapshot_load(b, copy, len, NULL, msg);
			accepted += ok;
			unnamed += !ok && !strstr(msg, "check failed at offset");
			CHECK_QUIET(!ok, "corruption at %zu accepted", i);
			mips_vm_free(b);
		}
	}
	CHECK(accepted == 0 && unnamed == 0,
	      "all %zu single-byte corruptions (two patterns) refused with a named check", len);
	int truncated_ok = 0;
	for (size_t n = 0; n < len; n++) {
		struct mips_vm *b = fresh_vm();
		truncated_ok += mips_snapshot_load(b, buf, n, NULL, msg);
		CHECK_QUIET(strstr(msg, "check failed"), "truncation to %zu: %s", n, msg);
		mips_vm_free(b);
	}
	CHECK(truncated_ok == 0, "all %zu truncations refused", len);
	struct mips_vm *b = fresh_vm();
	CHECK(!mips_snapshot_load(b, buf, 10, NULL, msg) && strstr(msg, "header length"), "short file: %s", msg);
	mips_vm_free(b);
	memcpy(copy, buf, len);
	copy[0] = 'X';
	b = fresh_vm();
	CHECK(!mips_snapshot_load(b, copy, len, NULL, msg) && !strcmp(msg, "snapshot: magic check failed at offset 0"),
	      "bad magic named: %s", msg);
	mips_vm_free(b);
	unsigned char *longer = malloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 0;
	b = fresh_vm();
	CHECK(!mips_snapshot_load(b, longer, len + 1, NULL, msg) && strstr(msg, "nothing after END"), "trailing byte: %s", msg);
	mips_vm_free(b);
	b = fresh_vm();
	CHECK(mips_snapshot_load(b, buf, len, NULL, msg), "the intact snapshot loads (%s)", msg);
	tp_run(b);
	CHECK(mips_vm_reg(b, 8) == 5 && mips_vm_reg(b, 9) == 6, "and runs on");
	mips_vm_free(b);
	free(longer);
	free(copy);
	free(buf);
	mips_vm_free(a);
}

static void test_identity(void)
{
	struct mips_program other;
	void *buf;
	size_t len;
	char msg[MIPS_MSG_MAX];
	struct mips_vm *a = tp_vm(tp, "li $t0, 1");

	mips_snapshot_to_buffer(a, &buf, &len);
	mips_assemble(&tp->port, "o.s", "li $t0, 2", 9, &other);
	struct mips_vm *b = fresh_vm();
	CHECK(!mips_snapshot_load(b, buf, len, &other, msg) && strstr(msg, "program identity"),
	      "a snapshot of another program is refused: %s", msg);
	mips_vm_free(b);
	mips_program_free(&tp->port, &other);
	mips_assemble(&tp->port, "o.s", "li $t0, 1", 9, &other);
	b = fresh_vm();
	CHECK(mips_snapshot_load(b, buf, len, &other, msg), "the same program is accepted");
	mips_vm_free(b);
	mips_program_free(&tp->port, &other);
	free(buf);
	mips_vm_free(a);
}

/* Recomputes every section CRC and the END record, as someone editing a snapshot would. */
static void reseal(uint8_t *b, size_t len)
{
	uint32_t count = 0;

	for (size_t off = 24; off + 12 <= len; count++) {
		uint32_t n = mips_get32(b + off + 4);
		if (!memcmp(b + off, "END ", 4)) {
			mips_put32(b + off + 8, count);
			mips_put32(b + off + 12, mips_crc32(0, b, off));
		}
		mips_put32(b + off + 8 + n, mips_crc32(0, b + off, 8 + n));
		off += 12 + n;
	}
}

/* The payload of the PAGE section for addr, NULL if there is none. */
static uint8_t *page_in(uint8_t *b, size_t len, uint32_t addr)
{
	for (size_t off = 24; off + 12 <= len; off += 12 + mips_get32(b + off + 4))
		if (!memcmp(b + off, "PAGE", 4) && mips_get32(b + off + 8) == addr)
			return b + off + 12;
	return NULL;
}

/* Identity is checked against the text itself, not just the hash the snapshot stores. */
static void test_text_identity(void)
{
	struct mips_program hello;
	void *buf;
	size_t len;
	char msg[MIPS_MSG_MAX];
	struct mips_vm *a = tp_vm(tp, "li $t0, 1\nli $t1, 2");

	mips_assemble(&tp->port, "hello.s", "li $t0, 1\nli $t1, 2", 19, &hello);
	mips_snapshot_to_buffer(a, &buf, &len);
	uint8_t *page = page_in(buf, len, MIPS_TEXT_BASE);
	CHECK(page && page[0] == 1, "the text page is in the snapshot");
	page[0] = 7;	/* li $t0, 7, the stored hash kept */
	reseal(buf, len);
	struct mips_vm *b = fresh_vm();
	CHECK(!mips_snapshot_load(b, buf, len, &hello, msg) && strstr(msg, "PROG text hash"),
	      "changed text under the program's hash is refused against its program: %s", msg);
	mips_vm_free(b);
	b = fresh_vm();
	CHECK(!mips_snapshot_load(b, buf, len, NULL, msg) &&
	      !strcmp(msg, "snapshot: PROG text hash (the text is not the one the snapshot names) check failed at offset 0"),
	      "and without a program: %s", msg);
	mips_vm_free(b);
	page[0] = 1;
	reseal(buf, len);
	b = fresh_vm();
	CHECK(mips_snapshot_load(b, buf, len, &hello, msg), "the text put back loads again (%s)", msg);
	mips_vm_free(b);
	free(buf);
	mips_vm_free(a);

	/* a program that stores into its own text: its snapshot names the text it has now */
	a = tp_vm(tp, "la $t0, patch\nlw $t2, new\nsw $t2, 0($t0)\nSNAPSHOT s\npatch: li $t1, 1\nj end\n"
		      "new: li $t1, 2\nend: nop");
	mips_vm_run(a, 5);
	mips_snapshot_to_buffer(a, &buf, &len);
	b = fresh_vm();
	CHECK(mips_snapshot_load(b, buf, len, NULL, msg), "a self-modified program's snapshot loads alone (%s)", msg);
	tp_run(b);
	CHECK(mips_vm_reg(b, 9) == 2, "and runs the patched code");
	mips_vm_free(b);
	free(buf);
	mips_vm_free(a);
	mips_program_free(&tp->port, &hello);
}

/* Names follow the migration receiver's rule: nothing that could steer a terminal. */
static void test_names(void)
{
	void *buf;
	size_t len;
	char msg[MIPS_MSG_MAX];
	struct mips_vm *a = mips_vm_new(&tp->port, "abc", 0), *b;
	struct mips_program p;

	mips_assemble(&tp->port, "t.s", "nop", 3, &p);
	mips_vm_load(a, &p);
	mips_program_free(&tp->port, &p);
	mips_snapshot_to_buffer(a, &buf, &len);
	uint8_t *name = (uint8_t *)buf + 24 + 8 + 20;
	CHECK(!memcmp(name, "abc", 3), "the PROG section carries the name");
	static const char bad[] = { 0x1b, '\n', ' ', '/', '[' };
	int refused = 0;
	for (size_t i = 0; i < sizeof bad; i++) {
		name[1] = (uint8_t)bad[i];
		reseal(buf, len);
		b = mips_vm_new(&tp->port, "", 0);
		refused += !mips_snapshot_load(b, buf, len, NULL, msg) && strstr(msg, "PROG name characters");
		mips_vm_free(b);
	}
	CHECK(refused == (int)sizeof bad, "names with ESC, newline, space, '/' or '[' are refused (%d): %s", refused, msg);
	name[1] = '-';
	reseal(buf, len);
	b = mips_vm_new(&tp->port, "", 0);
	CHECK(mips_snapshot_load(b, buf, len, NULL, msg) && !strcmp(mips_vm_name(b), "a-c"), "a valid name is taken (%s)", msg);
	mips_vm_free(b);
	CHECK(mips_vm_name_ok("vm-1.a_B", 8) && !mips_vm_name_ok("", 0) && !mips_vm_name_ok("a\x1b", 2) &&
	      !mips_vm_name_ok("0123456789012345678901234567890123", 32), "the rule itself");
	free(buf);
	mips_vm_free(a);
}

static void test_dirty(void)
{
	struct mips_vm *vm = tp_vm(tp, ".data\nx: .word 0\n.text\nli $t0, 1\nsw $t0, x\nsw $t0, 0($sp)");

	CHECK(mips_vm_page_dirty(vm, MIPS_TEXT_BASE) && mips_vm_page_dirty(vm, MIPS_DATA_BASE), "loaded pages start dirty");
	mips_vm_clear_dirty(vm);
	CHECK(!mips_vm_page_dirty(vm, MIPS_TEXT_BASE) && !mips_vm_page_dirty(vm, MIPS_DATA_BASE), "clear_dirty clears");
	mips_vm_run(vm, 3);	/* li (1), sw x (2: lui + sw) */
	CHECK(mips_vm_page_dirty(vm, MIPS_DATA_BASE) && !mips_vm_page_dirty(vm, MIPS_TEXT_BASE),
	      "a store dirties its page only");
	CHECK(!mips_vm_page_dirty(vm, MIPS_SP_INIT), "an untouched page is not dirty");
	mips_vm_run(vm, 1);
	CHECK(mips_vm_page_dirty(vm, MIPS_SP_INIT) && mips_vm_page_count(vm) == 3, "stack page allocated on touch (%zu pages)",
	      mips_vm_page_count(vm));
	mips_vm_free(vm);
}

int main(void)
{
	tp = tp_new();
	test_round_trip();
	test_corruption();
	test_identity();
	test_text_identity();
	test_names();
	test_dirty();
	test_fpu_round_trip();
	test_old_versions();
	test_stack_bottom();
	tp_free(tp);
	return check_summary();
}
