/*
 * test_mips_jit.c: the translator against the interpreter. Random programs drawn from the
 * instruction table (mips/isa.h) run on both engines in slices of varying size (1 among them);
 * after every slice the whole machine is compared: state, pc, instruction count, registers, HI/LO,
 * the FPU, every resident page with its dirty bit, the output and the diagnostics.
 */
#include "tests/check.h"
#include "tests/mips/testport.h"
#include "mips/internal.h"

#define PROGRAMS	400
#define NTEXT		300	/* random words before the exit stub */
#define NDATA		2048
#define RUN_MAX		40000	/* instructions per program at most */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}
static uint32_t below(uint32_t n) { return rnd() % n; }

/* Registers the programs use: a few values, $s0-$s3 pointers into data, $s4 into the text (stores
 * there modify code), $s5 outside user memory, $s6 into fresh stack pages (the memory limit). */
static const uint8_t value_regs[] = { 0, 1, 2, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 24, 31 };
static const uint8_t base_regs[] = { 16, 16, 17, 17, 18, 19, 20, 21, 22, 29 };

static uint32_t pick_value_reg(void) { return value_regs[below(sizeof value_regs)]; }

/* One random word for entry id at text index i; false if the draw does not decode as id. */
static bool make_word(unsigned id, uint32_t i, uint32_t *out)
{
	const struct mips_insn_info *in = &mips_insn_table[id];
	uint32_t w = in->match | (rnd() & ~in->mask);
	uint32_t pc = MIPS_TEXT_BASE + 4 * i;

	for (const char *p = in->ops; *p; p++) {
		switch (*p) {
		case 'd': w = (w & ~MIPS_RD(31)) | MIPS_RD(pick_value_reg()); break;
		case 's': w = (w & ~MIPS_RS(31)) | MIPS_RS(id == MIPS_I_JR || id == MIPS_I_JALR ?
							 (below(2) ? 31u : 20u) : pick_value_reg()); break;
		case 't': w = (w & ~MIPS_RT(31)) | MIPS_RT(pick_value_reg()); break;
		case 'U': {
			uint32_t r = pick_value_reg();
			w = (w & ~(MIPS_RD(31) | MIPS_RT(31))) | MIPS_RD(r) | MIPS_RT(r);
			break;
		}
		case 'm': {
			int32_t off = below(8) ? (int32_t)(below(64) * 4) - 128 : (int32_t)below(256) - 128;
			w = (w & ~(MIPS_RS(31) | 0xffffu)) | MIPS_RS(base_regs[below(sizeof base_regs)]) | (uint16_t)off;
			break;
		}
		case 'p': {
			int32_t to = (int32_t)below(NTEXT + 1) - (int32_t)(i + 1);
			w = (w & ~0xffffu) | (uint16_t)to;
			break;
		}
		case 'a':
			w = (w & ~0x03ffffffu) | (((MIPS_TEXT_BASE + 4 * below(NTEXT + 1)) >> 2) & 0x03ffffffu);
			break;
		default:
			break;
		}
	}
	(void)pc;
	*out = w;
	return mips_decode_id(w) == (enum mips_insn_id)id;
}

/* A draw from the table, weighted toward what programs are made of; none that needs kdata. */
static unsigned pick_id(void)
{
	for (;;) {
		unsigned id = below(MIPS_I_COUNT);
		if (id == MIPS_I_SNAPSHOT || id == MIPS_I_MIGRATE || id == MIPS_I_TEXT_END)
			continue;
		if ((id == MIPS_I_SYSCALL || id == MIPS_I_DUMP_PROCESSOR_STATE || id == MIPS_I_BREAK) && below(8))
			continue;
		if (id >= MIPS_I_ADD_S && id <= MIPS_I_CVT_D_W && below(4))	/* the FPU's arithmetic: fewer */
			continue;
		return id;
	}
}

/*
 * An operation and a branch on its result against zero right after, as compiled loops and
 * conditions are made (the translator reads such a branch off the flags the operation left):
 * two words at text index n, the operation often in place (rs = its destination). Returns the
 * words written.
 */
static unsigned pairs;

static uint32_t make_pair(uint32_t *text, uint32_t n)
{
	static const uint8_t result_ops[] = {
		MIPS_I_ADDU, MIPS_I_ADDIU, MIPS_I_ADDIU, MIPS_I_SUBU, MIPS_I_ADD, MIPS_I_ADDI, MIPS_I_SUB, MIPS_I_AND,
		MIPS_I_ANDI, MIPS_I_OR, MIPS_I_ORI, MIPS_I_XOR, MIPS_I_XORI, MIPS_I_NOR, MIPS_I_SLT, MIPS_I_SLTU,
		MIPS_I_SLTI, MIPS_I_SLTIU, MIPS_I_SLL, MIPS_I_SRL, MIPS_I_MUL, MIPS_I_LUI,
	};
	static const uint8_t branches[] = { MIPS_I_BEQ, MIPS_I_BNE, MIPS_I_BNE, MIPS_I_BLTZ, MIPS_I_BGEZ, MIPS_I_BGTZ,
					    MIPS_I_BLEZ };
	unsigned op = result_ops[below(sizeof result_ops)], br = branches[below(sizeof branches)];
	uint32_t w, b;

	if (!make_word(op, n, &w) || !make_word(br, n + 1, &b))
		return 0;
	bool to_rd = strchr(mips_insn_table[op].ops, 'd') != NULL;
	uint32_t dst = to_rd ? w >> 11 & 31 : w >> 16 & 31;
	if (below(2) && op != MIPS_I_LUI && op != MIPS_I_SLL && op != MIPS_I_SRL)
		w = (w & ~MIPS_RS(31)) | MIPS_RS(dst);	/* in place: x = x op y */
	if ((br == MIPS_I_BEQ || br == MIPS_I_BNE) && below(2))
		b = (b & ~(MIPS_RS(31) | MIPS_RT(31))) | MIPS_RT(dst);	/* beq $zero, x */
	else
		b = (b & ~(MIPS_RS(31) | MIPS_RT(31))) | MIPS_RS(dst);
	if (mips_decode_id(w) != (enum mips_insn_id)op || mips_decode_id(b) != (enum mips_insn_id)br)
		return 0;
	text[n] = w, text[n + 1] = b;
	pairs++;
	return 2;
}

static void make_program(struct mips_program *p, uint32_t *text, uint32_t *lines, uint8_t *data)
{
	uint32_t n = 0;

	while (n < NTEXT) {
		unsigned id = pick_id();
		uint32_t w;
		if (n + 2 < NTEXT && !below(6)) {
			n += make_pair(text, n);
			continue;
		}
		if (id == MIPS_I_SYSCALL && n + 1 < NTEXT) {	/* a service worth asking for, most times */
			static const uint32_t services[] = { 1, 1, 11, 11, 9, 5, 12, 10, 17, 99 };
			text[n++] = mips_insn_table[MIPS_I_ORI].match | MIPS_RT(2) | services[below(10)];
		}
		if (make_word(id, n, &w))
			text[n++] = w;
	}
	text[n++] = mips_insn_table[MIPS_I_TEXT_END].match;
	text[n++] = mips_insn_table[MIPS_I_ADDIU].match | MIPS_RT(2) | 10;
	text[n++] = mips_insn_table[MIPS_I_SYSCALL].match;
	for (uint32_t i = 0; i < NDATA; i++)
		data[i] = (uint8_t)rnd();
	memset(lines, 0, n * sizeof *lines);
	*p = (struct mips_program){ .text = text, .text_line = lines, .ntext = n, .data = data, .ndata = NDATA,
				    .entry = MIPS_TEXT_BASE, .user_text_end = MIPS_TEXT_BASE + 4 * NTEXT };
	snprintf(p->file, sizeof p->file, "random.s");
}

/*
 * A loop that rewrites itself: K random ALU words, then every eighth turn it loads the next word of
 * a table of random ALU words from data and stores it over one or two of the K; SMC_ITER turns.
 * The loop is one translated block, which such a store drops (what chains into it then finds its
 * entry gone); the turns between run the new words translated. $s4 = the loop's address, $s5 =
 * the table, $s6 = the word, $s7 = the turn's low bits, $t9 = the count: no value register.
 */
#define SMC_ITER	400
#define SMC_PROGRAMS	100

static uint32_t i_type(unsigned id, unsigned rs, unsigned rt, uint32_t imm)
{
	return mips_insn_table[id].match | MIPS_RS(rs) | MIPS_RT(rt) | (imm & 0xffffu);
}

static void make_smc_program(struct mips_program *p, uint32_t *text, uint32_t *lines, uint8_t *data)
{
	static const uint8_t alu[] = { MIPS_I_ADDU, MIPS_I_SUBU, MIPS_I_XOR, MIPS_I_OR, MIPS_I_AND, MIPS_I_SLL,
				       MIPS_I_SRL, MIPS_I_ADDIU, MIPS_I_ORI, MIPS_I_XORI, MIPS_I_SLT, MIPS_I_SLTU, MIPS_I_LUI };
	uint32_t n = 0, k = 2 + below(12), loop = 5, w, stores = 1 + below(2);

	text[n++] = i_type(MIPS_I_LUI, 0, 20, (MIPS_TEXT_BASE + 4 * loop) >> 16);
	text[n++] = i_type(MIPS_I_ORI, 20, 20, MIPS_TEXT_BASE + 4 * loop);
	text[n++] = i_type(MIPS_I_LUI, 0, 21, MIPS_DATA_BASE >> 16);
	text[n++] = i_type(MIPS_I_ORI, 21, 21, MIPS_DATA_BASE);
	text[n++] = i_type(MIPS_I_ORI, 0, 25, SMC_ITER);
	while (n < loop + k)
		if (make_word(alu[below(sizeof alu)], n, &w))
			text[n++] = w;
	text[n++] = i_type(MIPS_I_ADDIU, 25, 25, 0xffff);
	text[n++] = i_type(MIPS_I_ANDI, 25, 23, 7);
	text[n] = i_type(MIPS_I_BNE, 23, 0, 2 + stores);	/* to the loop's branch */
	n++;
	text[n++] = i_type(MIPS_I_LW, 21, 22, 0);
	text[n++] = i_type(MIPS_I_ADDIU, 21, 21, 4);
	for (unsigned st = 0; st < stores; st++)
		text[n++] = i_type(MIPS_I_SW, 20, 22, 4 * below(k));
	text[n] = i_type(MIPS_I_BNE, 25, 0, loop - (n + 1));
	n++;
	text[n++] = mips_insn_table[MIPS_I_TEXT_END].match;
	text[n++] = mips_insn_table[MIPS_I_ADDIU].match | MIPS_RT(2) | 10;
	text[n++] = mips_insn_table[MIPS_I_SYSCALL].match;
	for (uint32_t i = 0; i < NDATA / 4; i++) {
		while (!make_word(alu[below(sizeof alu)], loop, &w))
			;
		mips_put32(data + 4 * i, w);
	}
	memset(lines, 0, n * sizeof *lines);
	*p = (struct mips_program){ .text = text, .text_line = lines, .ntext = n, .data = data, .ndata = NDATA,
				    .entry = MIPS_TEXT_BASE, .user_text_end = MIPS_TEXT_BASE + 4 * (n - 3) };
	snprintf(p->file, sizeof p->file, "smc.s");
}

static void init_regs(struct mips_vm *a, struct mips_vm *b)
{
	for (unsigned r = 1; r < 32; r++) {
		uint32_t v;
		switch (r) {
		case 16: case 17: case 18: case 19: v = MIPS_DATA_BASE + 4 * below(NDATA / 4); break;
		case 20: v = MIPS_TEXT_BASE + 4 * below(NTEXT); break;
		case 21: v = below(2) ? 0x00001000u : 0x90000000u + below(4096); break;
		case 22: v = 0x7ff00000u + below(64) * 4096; break;
		case 28: case 29: continue;
		default: v = below(4) ? below(64) - 32 : rnd(); break;
		}
		mips_vm_set_reg(a, r, v);
		mips_vm_set_reg(b, r, v);
	}
}

/* The first difference between the two machines, or NULL. */
static const char *differs(const struct mips_vm *a, const struct mips_vm *b, const struct testport *ta,
			   const struct testport *tb)
{
	static char why[160];
	uint32_t ca = 0, cb = 0, aa, ab;
	const uint8_t *pa, *pb;
	bool da, db;

	if (a->state != b->state || a->pc != b->pc || a->icount != b->icount || a->exit_code != b->exit_code) {
		snprintf(why, sizeof why, "state %d/%d pc 0x%08x/0x%08x icount %llu/%llu", a->state, b->state, a->pc,
			 b->pc, (unsigned long long)a->icount, (unsigned long long)b->icount);
		return why;
	}
	for (unsigned r = 1; r < 32; r++)
		if (a->r[r] != b->r[r]) {
			snprintf(why, sizeof why, "$%u 0x%08x/0x%08x", r, a->r[r], b->r[r]);
			return why;
		}
	if (a->hi != b->hi || a->lo != b->lo || a->fcc != b->fcc || memcmp(a->fpr, b->fpr, sizeof a->fpr) ||
	    a->brk != b->brk || a->stack_bot != b->stack_bot || a->npages != b->npages)
		return "hi, lo, the break, the stack's bottom, the page count or the FPU";
	if (strcmp(a->fault, b->fault) || strcmp(ta->out, tb->out) || strcmp(ta->diag, tb->diag))
		return "the fault, output or diagnostics";
	for (;;) {
		bool ma = mips_mem_next_page(a, &ca, &aa, &pa, &da), mb = mips_mem_next_page(b, &cb, &ab, &pb, &db);
		if (ma != mb || (ma && (aa != ab || da != db || memcmp(pa, pb, MIPS_PAGE_SIZE)))) {
			snprintf(why, sizeof why, "the page at 0x%08x (or its dirty bit)", ma ? aa : ab);
			return why;
		}
		if (!ma)
			return NULL;
	}
}

struct totals {
	unsigned programs, identical, faulted, exited, slices_of_one, clears;
	uint64_t instructions;
	struct mips_jit_stats jit;
};

static uint64_t pick_slice(void)
{
	static const uint64_t sizes[] = { 1, 1, 2, 3, 5, 8, 13, 64, 1000 };
	return below(3) ? sizes[below(sizeof sizes / sizeof sizes[0])] : 1 + below(300);
}

static void run_pair(struct testport *ta, struct testport *tb, uint64_t seed, bool smc, struct totals *t)
{
	static uint32_t text[NTEXT + 8], lines[NTEXT + 8];
	static uint8_t data[NDATA];
	struct mips_program prog;
	const char *diff = NULL;

	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	if (smc)
		make_smc_program(&prog, text, lines, data);
	else
		make_program(&prog, text, lines, data);
	uint32_t limit = below(4) ? 0 : (4 + below(4)) * MIPS_PAGE_SIZE;
	struct mips_vm *a = mips_vm_new(&ta->port, "t", limit), *b = mips_vm_new(&tb->port, "t", limit);
	enum mips_exceptions exc = below(3) ? MIPS_EXCEPTIONS_SPIM : MIPS_EXCEPTIONS_STOP;
	mips_vm_set_exceptions(a, exc);
	mips_vm_set_exceptions(b, exc);
	tp_reset_output(ta);
	tp_reset_output(tb);
	bool la = mips_vm_load(a, &prog), lb = mips_vm_load(b, &prog);
	CHECK_QUIET(la == lb, "program %llu: loads alike", (unsigned long long)seed);
	CHECK_QUIET(mips_vm_engine(a) == MIPS_ENGINE_INTERP && mips_vm_engine(b) == MIPS_ENGINE_JIT,
		    "program %llu: one interpreted, one translated", (unsigned long long)seed);
	if (la && lb) {
		init_regs(a, b);
		while (!diff && a->icount < RUN_MAX &&
		       (a->state == MIPS_VM_RUNNING || a->state == MIPS_VM_BLOCKED)) {
			uint64_t slice = smc && below(4) ? 100 + below(2000) : pick_slice();	/* a loop's turns in one */
			t->slices_of_one += slice == 1;
			uint64_t ra = mips_vm_run(a, slice), rb = mips_vm_run(b, slice);
			if (ra != rb)
				diff = "the count a slice returned";
			else
				diff = differs(a, b, ta, tb);
			if (!below(16)) {
				mips_vm_clear_dirty(a);
				mips_vm_clear_dirty(b);
				t->clears++;
			}
		}
	}
	t->programs++;
	t->identical += !diff;
	t->faulted += a->state == MIPS_VM_FAULTED;
	t->exited += a->state == MIPS_VM_EXITED;
	t->instructions += a->icount;
	CHECK_QUIET(!diff, "program %llu: after %llu instructions the engines differ in %s", (unsigned long long)seed,
		    (unsigned long long)a->icount, diff);
	struct mips_jit_stats st;
	mips_vm_jit_stats(b, &st);
	t->jit.blocks += st.blocks, t->jit.flushes += st.flushes, t->jit.chains += st.chains;
	t->jit.dropped += st.dropped;
	t->jit.interp_steps += st.interp_steps;
	mips_vm_free(a);
	mips_vm_free(b);
}

static void *no_exec_alloc(void *ud, size_t size, void **write)
{
	(void)ud, (void)size, (void)write;
	return NULL;
}

/* A host that gives no executable memory (Tally out of frames, a Linux that refuses executable
 * memfd mappings): the VM says so once and runs interpreted, to the same end. */
static void test_no_exec_memory(struct testport *ta, struct testport *tc)
{
	static const struct mips_exec_mem none = { NULL, no_exec_alloc, mipsvm_exec_free, 0 };
	static uint32_t text[NTEXT + 8], lines[NTEXT + 8];
	static uint8_t data[NDATA];
	static const char msg[] = "mips: no memory for the translator's code cache: this VM is interpreted\n";
	struct mips_program prog;
	const struct mips_exec_mem *had = tc->port.exec;

	rng_state = 77;
	make_smc_program(&prog, text, lines, data);
	tc->port.exec = &none;
	tp_reset_output(ta);
	tp_reset_output(tc);
	struct mips_vm *a = mips_vm_new(&ta->port, "t", 0), *c = mips_vm_new(&tc->port, "t", 0);
	bool loaded = mips_vm_load(a, &prog) && mips_vm_load(c, &prog);
	bool asked = mips_vm_engine(c) == MIPS_ENGINE_JIT;
	while (loaded && (a->state == MIPS_VM_RUNNING || c->state == MIPS_VM_RUNNING))
		mips_vm_run(a, 1000), mips_vm_run(c, 1000);
	const char *said = strstr(tc->diag, msg);
	CHECK(loaded && asked && mips_vm_engine(c) == MIPS_ENGINE_INTERP && said && !strstr(said + 1, msg) &&
		      a->state == MIPS_VM_EXITED && c->state == a->state && c->icount == a->icount &&
		      !memcmp(c->r, a->r, sizeof a->r),
	      "no executable memory: said once ('%.40s...'), the VM interpreted to the same end (%llu instructions)",
	      tc->diag, (unsigned long long)c->icount);
	mips_vm_free(a);
	mips_vm_free(c);
	tc->port.exec = had;
}

int main(void)
{
	struct testport *ta = tp_new(), *tb = tp_new();
	struct totals t = { 0 };
	/* Half the programs translate into the smallest cache, which fills and is emptied. */
	static struct mips_exec_mem small = { NULL, mipsvm_exec_alloc, mipsvm_exec_free, 1 };

	ta->port.exec = NULL;
	tp_use_jit(tb);
	if (!MIPS_PORT_JIT) {	/* only x86-64 hosts translate: elsewhere both would interpret */
		printf("PASS: no translator on this host\n1 passed, 0 failed\n");
		return 0;
	}
	for (uint64_t seed = 1; seed <= PROGRAMS; seed++) {
		tb->port.exec = seed % 2 ? &tp_exec : &small;
		run_pair(ta, tb, seed, false, &t);
	}
	CHECK(t.identical == t.programs, "%u of %u random programs (%llu instructions) end every slice alike on both engines",
	      t.identical, t.programs, (unsigned long long)t.instructions);
	struct totals smc = { 0 };
	test_no_exec_memory(ta, tb);
	tb->port.exec = &tp_exec;
	for (uint64_t seed = 1; seed <= SMC_PROGRAMS; seed++)
		run_pair(ta, tb, PROGRAMS + seed, true, &smc);
	CHECK(smc.identical == smc.programs && smc.exited == smc.programs,
	      "%u of %u loops that rewrite themselves (%llu instructions) end every slice alike and exit",
	      smc.identical, smc.programs, (unsigned long long)smc.instructions);
	CHECK(smc.jit.dropped > 1000 && smc.jit.flushes == 0,
	      "... the translator dropped %llu blocks for their stores into text, and emptied its cache %llu times",
	      (unsigned long long)smc.jit.dropped, (unsigned long long)smc.jit.flushes);
	CHECK(pairs > 10000, "... %u of their branches test the result of the operation just before", pairs);
	CHECK(t.slices_of_one > 1000 && t.clears > 100, "... with %u slices of one instruction and %u dirty-bit clears among them",
	      t.slices_of_one, t.clears);
	CHECK(t.faulted > 10 && t.exited > 10, "... %u of them faulted and %u exited", t.faulted, t.exited);
	CHECK(t.jit.blocks > 1000 && t.jit.chains > 100, "the translator made %llu blocks and chained %llu jumps",
	      (unsigned long long)t.jit.blocks, (unsigned long long)t.jit.chains);
	CHECK(t.jit.flushes > 10, "its cache was emptied %llu times (full, or many text words stored to at once)",
	      (unsigned long long)t.jit.flushes);
	CHECK(t.jit.interp_steps > 1000, "%llu instructions went to the interpreter one by one",
	      (unsigned long long)t.jit.interp_steps);
	tp_free(ta);
	tp_free(tb);
	return check_summary();
}
