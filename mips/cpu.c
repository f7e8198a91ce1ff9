/* cpu.c: the interpreter: pre-decoded ops, computed-goto dispatch, exact instruction budgets. */
#include "internal.h"

/* Pre-decodes one word: imm is extended, shifted or made absolute as its table entry says. */
void mips_op_decode(struct mips_op *op, uint32_t word, uint32_t pc)
{
	enum mips_insn_id id = mips_decode_id(word);
	enum mips_imm_kind kind = id == MIPS_I_INVALID ? MIPS_IMM_S16 : mips_insn_table[id].imm;
	uint32_t simm = (uint32_t)(int32_t)(int16_t)MIPS_F_IMM(word);

	op->id = (uint8_t)id;
	op->rs = (uint8_t)MIPS_F_RS(word);
	op->rt = (uint8_t)MIPS_F_RT(word);
	op->rd = (uint8_t)MIPS_F_RD(word);
	switch (kind) {
	case MIPS_IMM_S16: op->imm = simm; break;
	case MIPS_IMM_U16: op->imm = MIPS_F_IMM(word); break;
	case MIPS_IMM_HI16: op->imm = MIPS_F_IMM(word) << 16; break;
	case MIPS_IMM_BRANCH: op->imm = pc + 4 + (simm << 2); break;
	case MIPS_IMM_JUMP: op->imm = ((pc + 4) & 0xf0000000u) | MIPS_F_TARGET(word) << 2; break;
	case MIPS_IMM_SA: op->imm = MIPS_F_SA(word); break;
	case MIPS_IMM_CODE20: op->imm = MIPS_F_CODE20(word); break;
	case MIPS_IMM_BREAK: op->imm = (word >> 16) & 0x3ffu; break;
	case MIPS_IMM_TRAP: op->imm = MIPS_F_CODE10(word); break;
	case MIPS_IMM_FCC: op->imm = (word >> 8) & 7u; break;
	case MIPS_IMM_PARA: op->imm = MIPS_PARA_OFFSET(word); break;
	}
}

static uint32_t bits(unsigned n) { return n >= 32 ? 0xffffffffu : (1u << n) - 1; }

/* spim's load that raised an exception completes with 0 in its register (lwl and lwr too: the
 * word they merge is 0 and replaces the register whole). */
static __attribute__((noinline, cold)) void load_zero(struct mips_vm *vm, const struct mips_op *op)
{
	switch (op->id) {
	case MIPS_I_LB: case MIPS_I_LH: case MIPS_I_LWL: case MIPS_I_LW: case MIPS_I_LBU: case MIPS_I_LHU:
	case MIPS_I_LWR: case MIPS_I_LL:
		if (op->rt)
			vm->r[op->rt] = 0;
		return;
	case MIPS_I_LWC1:
		vm->fpr[op->rt] = 0;
		return;
	default:	/* a store: nothing to complete */
		return;
	}
}

/*
 * ldc1/sdc1 as spim runs them: two independent word accesses, the even register's first, each with
 * its own alignment check (spim asks no 8-byte alignment) and its own bad address; one exception
 * is then reported, the last one raised. False when the VM stopped.
 */
static __attribute__((noinline)) bool fp_pair(struct mips_vm *vm, uint32_t addr, unsigned ft, bool store)
{
	enum mips_exc exc = MIPS_EXC_COUNT;
	uint32_t bad = 0;

	for (unsigned i = 0; i < 2 && (exc == MIPS_EXC_COUNT || vm->exc_mode == MIPS_EXCEPTIONS_SPIM); i++) {
		uint32_t a = addr + 4 * i, *f = &vm->fpr[(ft & 30u) | i];
		uint8_t *p = NULL;
		if (a & 3)
			exc = store ? MIPS_EXC_ADES : MIPS_EXC_ADEL, bad = a;
		else if (!(p = store ? mips_mem_w(vm, a) : mips_mem_r(vm, a)) && !vm->exc_pending)
			return false;
		else if (!p)
			exc = MIPS_EXC_DBE, bad = vm->exc_addr, vm->exc_pending = 0;
		if (p && store)
			mips_put32(p, *f);
		else if (p)
			*f = mips_get32(p);
		else if (!store)
			*f = 0;
	}
	if (exc == MIPS_EXC_COUNT || mips_exception(vm, vm->pc, exc, bad))
		return true;
	mips_vm_faultf(vm, vm->pc, "address error: unaligned access to 0x%08x", bad);
	return false;
}

uint64_t mips_interp_run(struct mips_vm *vm, uint64_t budget)
{
	static const void *const dispatch[MIPS_OP_REDECODE + 1] = {
#define MIPS_X_LABEL(id, name, ops, match, mask, imm) [MIPS_I_##id] = &&op_##id,
		MIPS_INSNS(MIPS_X_LABEL)
#undef MIPS_X_LABEL
		[MIPS_I_INVALID] = &&op_INVALID,
		[MIPS_OP_REDECODE] = &&op_REDECODE,
	};
	uint32_t *const r = vm->r;
	struct mips_op *const ops = vm->ops, *op;
	const uint32_t nops = vm->nops;
	const uint64_t icount0 = vm->icount;
	uint64_t left = budget;
	uint32_t pc = vm->pc, addr, t;
	uint8_t *p;
	int32_t s32;

	if (vm->state == MIPS_VM_BLOCKED)
		vm->state = MIPS_VM_RUNNING;
	if (vm->state != MIPS_VM_RUNNING)
		return 0;

/* Counts the instructions run so far (the current one included) into vm. */
#define SYNC() (vm->pc = pc, vm->icount += budget - left, budget = left)
#define NEXT() do { pc += 4; goto next; } while (0)
#define JUMP(to) do { pc = (to); goto next; } while (0)
#define RS r[op->rs]
#define RT r[op->rt]
#define RD r[op->rd]
#define IMM op->imm
#define ADDR(align, bad) do { addr = RS + IMM; if (addr & ((align) - 1)) goto bad; vm->pc = pc; } while (0)
#define LOADP(align) do { ADDR(align, unaligned_load); if (!(p = mips_mem_r(vm, addr))) goto mem_fault; } while (0)
#define STOREP(align) do { ADDR(align, unaligned_store); if (!(p = mips_mem_w(vm, addr))) goto mem_fault; } while (0)

next:
	r[0] = 0;
	if (!left)
		goto out;
	t = (pc - MIPS_TEXT_BASE) >> 2;
	if (t >= nops)
		goto bad_pc;
	op = &ops[t];
	left--;
	goto *dispatch[op->id];

op_SLL:   RD = RT << IMM; NEXT();
op_SRL:   RD = RT >> IMM; NEXT();
op_ROTR:  RD = IMM ? RT >> IMM | RT << (32 - IMM) : RT; NEXT();
op_SRA:   RD = (uint32_t)((int32_t)RT >> IMM); NEXT();
op_SLLV:  RD = RT << (RS & 31); NEXT();
op_SRLV:  RD = RT >> (RS & 31); NEXT();
op_ROTRV: t = RS & 31; RD = t ? RT >> t | RT << (32 - t) : RT; NEXT();
op_SRAV:  RD = (uint32_t)((int32_t)RT >> (RS & 31)); NEXT();
op_JR:    t = RS; if (t & 3) goto bad_jump; JUMP(t);
op_JALR:  t = RS; if (t & 3) goto bad_jump; RD = pc + 4; JUMP(t);
op_MOVZ:  if (!RT) RD = RS; NEXT();
op_MOVN:  if (RT) RD = RS; NEXT();
op_SYSCALL:
	SYNC();
	if (!mips_syscall(vm))
		goto stopped;
	NEXT();
op_BREAK:
	SYNC();
	if (mips_exception(vm, pc, MIPS_EXC_BP, 0))
		NEXT();
	mips_vm_faultf(vm, pc, "break instruction (code %u)", IMM);
	goto stopped;
op_SYNC:  NEXT();
op_MFHI:  RD = vm->hi; NEXT();
op_MTHI:  vm->hi = RS; NEXT();
op_MFLO:  RD = vm->lo; NEXT();
op_MTLO:  vm->lo = RS; NEXT();
op_MULT: {
	int64_t m = (int64_t)(int32_t)RS * (int32_t)RT;
	vm->lo = (uint32_t)m, vm->hi = (uint32_t)((uint64_t)m >> 32);
	NEXT();
}
op_MULTU: {
	uint64_t m = (uint64_t)RS * RT;
	vm->lo = (uint32_t)m, vm->hi = (uint32_t)(m >> 32);
	NEXT();
}
op_DIV:	/* a zero divisor leaves HI/LO unpredictable (Vol. II, DIV): we leave them unchanged, and so
	 * does spim for -2^31 / -1 (its host's division faults and it goes on) */
	if (RT == 0 || (RS == 0x80000000u && RT == 0xffffffffu))
		NEXT();
	vm->lo = (uint32_t)((int32_t)RS / (int32_t)RT), vm->hi = (uint32_t)((int32_t)RS % (int32_t)RT);
	NEXT();
op_DIVU:
	if (RT)
		vm->lo = RS / RT, vm->hi = RS % RT;
	NEXT();
op_ADD:   if (__builtin_add_overflow((int32_t)RS, (int32_t)RT, &s32)) goto overflow; RD = (uint32_t)s32; NEXT();
op_ADDU:  RD = RS + RT; NEXT();
op_SUB:   if (__builtin_sub_overflow((int32_t)RS, (int32_t)RT, &s32)) goto overflow; RD = (uint32_t)s32; NEXT();
op_SUBU:  RD = RS - RT; NEXT();
op_AND:   RD = RS & RT; NEXT();
op_OR:    RD = RS | RT; NEXT();
op_XOR:   RD = RS ^ RT; NEXT();
op_NOR:   RD = ~(RS | RT); NEXT();
op_SLT:   RD = (int32_t)RS < (int32_t)RT; NEXT();
op_SLTU:  RD = RS < RT; NEXT();
op_TGE:   if ((int32_t)RS >= (int32_t)RT) goto trap; NEXT();
op_TGEU:  if (RS >= RT) goto trap; NEXT();
op_TLT:   if ((int32_t)RS < (int32_t)RT) goto trap; NEXT();
op_TLTU:  if (RS < RT) goto trap; NEXT();
op_TEQ:   if (RS == RT) goto trap; NEXT();
op_TNE:   if (RS != RT) goto trap; NEXT();
op_BLTZ:  if ((int32_t)RS < 0) JUMP(IMM); NEXT();
op_BGEZ:  if ((int32_t)RS >= 0) JUMP(IMM); NEXT();
op_TGEI:  if ((int32_t)RS >= (int32_t)IMM) goto trap; NEXT();
op_TGEIU: if (RS >= IMM) goto trap; NEXT();
op_TLTI:  if ((int32_t)RS < (int32_t)IMM) goto trap; NEXT();
op_TLTIU: if (RS < IMM) goto trap; NEXT();
op_TEQI:  if (RS == IMM) goto trap; NEXT();
op_TNEI:  if (RS != IMM) goto trap; NEXT();
op_BLTZAL: t = RS; r[31] = pc + 4; if ((int32_t)t < 0) JUMP(IMM); NEXT();	/* links even when not taken */
op_BGEZAL: t = RS; r[31] = pc + 4; if ((int32_t)t >= 0) JUMP(IMM); NEXT();
op_J:     JUMP(IMM);
op_JAL:   r[31] = pc + 4; JUMP(IMM);
op_BEQ:   if (RS == RT) JUMP(IMM); NEXT();
op_BNE:   if (RS != RT) JUMP(IMM); NEXT();
op_BLEZ:  if ((int32_t)RS <= 0) JUMP(IMM); NEXT();
op_BGTZ:  if ((int32_t)RS > 0) JUMP(IMM); NEXT();
op_ADDI:  if (__builtin_add_overflow((int32_t)RS, (int32_t)IMM, &s32)) goto overflow; RT = (uint32_t)s32; NEXT();
op_ADDIU: RT = RS + IMM; NEXT();
op_SLTI:  RT = (int32_t)RS < (int32_t)IMM; NEXT();
op_SLTIU: RT = RS < IMM; NEXT();
op_ANDI:  RT = RS & IMM; NEXT();
op_ORI:   RT = RS | IMM; NEXT();
op_XORI:  RT = RS ^ IMM; NEXT();
op_LUI:   RT = IMM; NEXT();
op_MADD: case_madd: {
	uint64_t acc = (uint64_t)vm->hi << 32 | vm->lo;
	int64_t m = (int64_t)(int32_t)RS * (int32_t)RT;
	acc = op->id == MIPS_I_MADD ? acc + (uint64_t)m : acc - (uint64_t)m;
	vm->lo = (uint32_t)acc, vm->hi = (uint32_t)(acc >> 32);
	NEXT();
}
op_MADDU: case_maddu: {
	uint64_t acc = (uint64_t)vm->hi << 32 | vm->lo;
	uint64_t m = (uint64_t)RS * RT;
	acc = op->id == MIPS_I_MADDU ? acc + m : acc - m;
	vm->lo = (uint32_t)acc, vm->hi = (uint32_t)(acc >> 32);
	NEXT();
}
op_MUL:   RD = (uint32_t)((int64_t)(int32_t)RS * (int32_t)RT); NEXT();
op_MSUB:  goto case_madd;
op_MSUBU: goto case_maddu;
op_CLZ:   RD = RS ? (uint32_t)__builtin_clz(RS) : 32; NEXT();
op_CLO:   RD = ~RS ? (uint32_t)__builtin_clz(~RS) : 32; NEXT();
op_EXT:   RT = (RS >> IMM) & bits(op->rd + 1u); NEXT();
op_INS:
	if (op->rd < IMM)
		goto reserved;
	t = bits(op->rd - IMM + 1u) << IMM;
	RT = (RT & ~t) | ((RS << IMM) & t);
	NEXT();
op_WSBH:  RD = (RT & 0x00ff00ffu) << 8 | (RT >> 8 & 0x00ff00ffu); NEXT();
op_SEB:   RD = (uint32_t)(int32_t)(int8_t)RT; NEXT();
op_SEH:   RD = (uint32_t)(int32_t)(int16_t)RT; NEXT();
op_LB:    LOADP(1); RT = (uint32_t)(int32_t)(int8_t)*p; NEXT();
op_LH:    LOADP(2); RT = (uint32_t)(int32_t)(int16_t)(p[0] | p[1] << 8); NEXT();
op_LW:    LOADP(4); RT = mips_get32(p); NEXT();
op_LL:    LOADP(4); RT = mips_get32(p); NEXT();
op_LBU:   LOADP(1); RT = *p; NEXT();
op_LHU:   LOADP(2); RT = (uint32_t)(p[0] | p[1] << 8); NEXT();
op_SB:    STOREP(1); *p = (uint8_t)RT; NEXT();
op_SH:    STOREP(2); p[0] = (uint8_t)RT, p[1] = (uint8_t)(RT >> 8); NEXT();
op_SW:    STOREP(4); mips_put32(p, RT); NEXT();
op_SC:    STOREP(4); mips_put32(p, RT); RT = 1; NEXT();	/* one CPU: the link never breaks */
/* Unaligned word halves, little-endian (Vol. II, LWL/LWR/SWL/SWR): sh aligns the addressed bytes with RT. */
op_LWL: {
	vm->pc = pc;
	unsigned sh = 8 * (3 - ((RS + IMM) & 3));
	if (!(p = mips_mem_r(vm, (RS + IMM) & ~3u)))
		goto mem_fault;
	RT = mips_get32(p) << sh | (RT & bits(sh));
	NEXT();
}
op_LWR: {
	vm->pc = pc;
	unsigned sh = 8 * ((RS + IMM) & 3);
	if (!(p = mips_mem_r(vm, (RS + IMM) & ~3u)))
		goto mem_fault;
	RT = mips_get32(p) >> sh | (RT & ~(0xffffffffu >> sh));
	NEXT();
}
op_SWL: {
	vm->pc = pc;
	unsigned sh = 8 * (3 - ((RS + IMM) & 3));
	if (!(p = mips_mem_w(vm, (RS + IMM) & ~3u)))
		goto mem_fault;
	mips_put32(p, RT >> sh | (mips_get32(p) & ~(0xffffffffu >> sh)));
	NEXT();
}
op_SWR: {
	vm->pc = pc;
	unsigned sh = 8 * ((RS + IMM) & 3);
	if (!(p = mips_mem_w(vm, (RS + IMM) & ~3u)))
		goto mem_fault;
	mips_put32(p, RT << sh | (mips_get32(p) & bits(sh)));
	NEXT();
}
/* COP1 arithmetic, conversions, moves and compares (fpu.c); the integer path never reaches them. */
op_ADD_S: op_SUB_S: op_MUL_S: op_DIV_S: op_SQRT_S: op_ABS_S: op_MOV_S: op_NEG_S: op_ROUND_W_S:
op_TRUNC_W_S: op_CEIL_W_S: op_FLOOR_W_S: op_MOVF_S: op_MOVT_S: op_MOVZ_S: op_MOVN_S: op_CVT_D_S:
op_CVT_W_S: op_C_F_S: op_C_UN_S: op_C_EQ_S: op_C_UEQ_S: op_C_OLT_S: op_C_ULT_S: op_C_OLE_S:
op_C_ULE_S: op_C_SF_S: op_C_NGLE_S: op_C_SEQ_S: op_C_NGL_S: op_C_LT_S: op_C_NGE_S: op_C_LE_S:
op_C_NGT_S: op_ADD_D: op_SUB_D: op_MUL_D: op_DIV_D: op_SQRT_D: op_ABS_D: op_MOV_D: op_NEG_D:
op_ROUND_W_D: op_TRUNC_W_D: op_CEIL_W_D: op_FLOOR_W_D: op_MOVF_D: op_MOVT_D: op_MOVZ_D: op_MOVN_D:
op_CVT_S_D: op_CVT_W_D: op_C_F_D: op_C_UN_D: op_C_EQ_D: op_C_UEQ_D: op_C_OLT_D: op_C_ULT_D:
op_C_OLE_D: op_C_ULE_D: op_C_SF_D: op_C_NGLE_D: op_C_SEQ_D: op_C_NGL_D: op_C_LT_D: op_C_NGE_D:
op_C_LE_D: op_C_NGT_D: op_CVT_S_W: op_CVT_D_W:
	mips_fpu_exec(vm, op);
	NEXT();
op_MFC1:  RT = vm->fpr[op->rd]; NEXT();
op_MTC1:  vm->fpr[op->rd] = RT; NEXT();
op_BC1F:  if (!(vm->fcc >> (op->rt >> 2) & 1)) JUMP(IMM); NEXT();
op_BC1T:  if (vm->fcc >> (op->rt >> 2) & 1) JUMP(IMM); NEXT();
op_MOVF:  if (!(vm->fcc >> (op->rt >> 2) & 1)) RD = RS; NEXT();
op_MOVT:  if (vm->fcc >> (op->rt >> 2) & 1) RD = RS; NEXT();
op_LWC1:  LOADP(4); vm->fpr[op->rt] = mips_get32(p); NEXT();
op_SWC1:  STOREP(4); mips_put32(p, vm->fpr[op->rt]); NEXT();
/* A double is the even/odd pair, low word in the even register (MIPS32 Vol. I-A, 6.4, FR=0). */
op_LDC1:
op_SDC1:
	vm->pc = pc;
	if (fp_pair(vm, RS + IMM, op->rt, op->id == MIPS_I_SDC1))
		NEXT();
	SYNC();
	goto stopped;
op_DUMP_PROCESSOR_STATE:
op_SNAPSHOT:
op_MIGRATE:
	SYNC();
	vm->pc = pc + 4;	/* a snapshot resumes after the para-instruction */
	if (!mips_para(vm, (enum mips_insn_id)op->id, IMM))
		goto stopped;
	NEXT();
op_TEXT_END:	/* not an instruction, not counted: SPIM ends here; under "stop" the exit stub follows */
	left++;
	if (mips_text_end(vm, pc))
		NEXT();
	SYNC();
	goto stopped;
op_REDECODE: {
	uint8_t w[4];
	vm->pc = pc;
	if (!mips_vm_read(vm, pc, w, 4))
		goto mem_fault;
	mips_op_decode(op, mips_get32(w), pc);
}
	goto *dispatch[op->id];
op_INVALID:
reserved:
	SYNC();
	if (mips_exception(vm, pc, MIPS_EXC_RI, 0))
		NEXT();
	mips_vm_faultf(vm, pc, "reserved instruction");
	goto stopped;
overflow:
	SYNC();
	if (mips_exception(vm, pc, MIPS_EXC_OV, 0))
		NEXT();
	mips_vm_faultf(vm, pc, "arithmetic overflow");
	goto stopped;
trap:
	SYNC();
	if (mips_exception(vm, pc, MIPS_EXC_TR, 0))
		NEXT();
	mips_vm_faultf(vm, pc, "trap");
	goto stopped;
unaligned_load:
	SYNC();
	if (mips_exception(vm, pc, MIPS_EXC_ADEL, addr)) {
		load_zero(vm, op);
		NEXT();
	}
	goto unaligned;
unaligned_store:
	SYNC();
	if (mips_exception(vm, pc, MIPS_EXC_ADES, addr))
		NEXT();
unaligned:
	mips_vm_faultf(vm, pc, "address error: unaligned access to 0x%08x", addr);
	goto stopped;
bad_jump:
	SYNC();
	mips_vm_faultf(vm, pc, "address error: jump to unaligned 0x%08x", t);
	goto stopped;
mem_fault:
	SYNC();
	if (vm->exc_pending) {
		vm->exc_pending = 0;
		mips_exception(vm, pc, MIPS_EXC_DBE, vm->exc_addr);
		load_zero(vm, op);
		NEXT();
	}
	goto stopped;
bad_pc:
	SYNC();
	mips_vm_faultf(vm, pc, "address error: pc outside the text segment");
	return vm->icount - icount0;
stopped:
	/* A fault, a blocked syscall or an exit parked for a migration did not complete: it does not
	 * count. An exit stays at its syscall. */
	if (vm->state == MIPS_VM_BLOCKED || vm->state == MIPS_VM_FAULTED || vm->state == MIPS_VM_PAUSED)
		vm->icount--;
	vm->pc = vm->state == MIPS_VM_MIGRATED ? pc + 4 : pc;
	return vm->icount - icount0;
out:
	SYNC();
	return vm->icount - icount0;
#undef SYNC
#undef NEXT
#undef JUMP
#undef RS
#undef RT
#undef RD
#undef IMM
#undef ADDR
#undef LOADP
#undef STOREP
}
