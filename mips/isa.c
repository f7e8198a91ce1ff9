/* isa.c: the instruction table's data, decoding by match/mask, register names and the disassembler. */
#include "isa.h"
#include "internal.h"

const struct mips_insn_info mips_insn_table[MIPS_I_COUNT] = {
#define MIPS_X_INFO(id, name, ops, match, mask, imm) [MIPS_I_##id] = { name, ops, match, mask, MIPS_IMM_##imm },
	MIPS_INSNS(MIPS_X_INFO)
#undef MIPS_X_INFO
};

static const char *const reg_names[32] = {
	"zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
	"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
	"t8", "t9", "k0", "k1", "gp", "sp", "fp", "ra",
};

const char *mips_reg_name(unsigned r)
{
	return reg_names[r & 31];
}

/* Linear search: decoding happens once per text word (pre-decode), never per executed instruction. */
enum mips_insn_id mips_decode_id(uint32_t word)
{
	for (unsigned i = 0; i < MIPS_I_COUNT; i++)
		if ((word & mips_insn_table[i].mask) == mips_insn_table[i].match) {
			/* clz/clo require rt == rd (Vol. II, CLZ: "must be the same GPR") */
			if ((i == MIPS_I_CLZ || i == MIPS_I_CLO) && MIPS_F_RT(word) != MIPS_F_RD(word))
				return MIPS_I_INVALID;
			return (enum mips_insn_id)i;
		}
	return MIPS_I_INVALID;
}

/* Appends the text of operand letter c of word at pc. */
static void disasm_operand(struct mips_strbuf *sb, char c, uint32_t word, uint32_t pc)
{
	int32_t simm = (int16_t)MIPS_F_IMM(word);

	switch (c) {
	case 'd': case 'U': mips_sb_printf(sb, "$%s", reg_names[MIPS_F_RD(word)]); break;
	case 's': mips_sb_printf(sb, "$%s", reg_names[MIPS_F_RS(word)]); break;
	case 't': mips_sb_printf(sb, "$%s", reg_names[MIPS_F_RT(word)]); break;
	case '<': mips_sb_printf(sb, "%u", MIPS_F_SA(word)); break;
	case 'i': mips_sb_printf(sb, "%d", simm); break;
	case 'u': mips_sb_printf(sb, "0x%x", MIPS_F_IMM(word)); break;
	case 'p': mips_sb_printf(sb, "0x%08x", pc + 4 + ((uint32_t)simm << 2)); break;
	case 'a': mips_sb_printf(sb, "0x%08x", ((pc + 4) & 0xf0000000u) | (MIPS_F_TARGET(word) << 2)); break;
	case 'm': mips_sb_printf(sb, "%d($%s)", simm, reg_names[MIPS_F_RS(word)]); break;
	case 'B': mips_sb_printf(sb, "%u", MIPS_F_CODE20(word)); break;
	case 'b': mips_sb_printf(sb, "%u", (word >> 16) & 0x3ffu); break;
	case 'q': mips_sb_printf(sb, "%u", MIPS_F_CODE10(word)); break;
	case 'X': mips_sb_printf(sb, "%u", MIPS_F_RD(word) + 1); break;
	case 'I': mips_sb_printf(sb, "%u", MIPS_F_RD(word) + 1 - MIPS_F_SA(word)); break;
	case 'D': mips_sb_printf(sb, "$f%u", MIPS_F_SA(word)); break;
	case 'S': mips_sb_printf(sb, "$f%u", MIPS_F_RD(word)); break;
	case 'T': mips_sb_printf(sb, "$f%u", MIPS_F_RT(word)); break;
	case 'C': mips_sb_printf(sb, "%u", (word >> 8) & 7u); break;
	case 'K': mips_sb_printf(sb, "%u", (word >> 18) & 7u); break;
	case 'N': mips_sb_printf(sb, "kdata+0x%x", MIPS_PARA_OFFSET(word)); break;
	default: mips_sb_printf(sb, "?%c", c); break;
	}
}

void mips_disasm(uint32_t word, uint32_t pc, char *buf, size_t cap)
{
	struct mips_strbuf sb = { buf, cap, 0 };
	enum mips_insn_id id = mips_decode_id(word);

	if (cap)
		buf[0] = 0;
	if (id == MIPS_I_INVALID) {
		mips_sb_printf(&sb, ".word 0x%08x", word);
		return;
	}
	if (word == 0) {
		mips_sb_printf(&sb, "nop");
		return;
	}
	const struct mips_insn_info *in = &mips_insn_table[id];
	mips_sb_printf(&sb, "%s", in->name);
	for (const char *p = in->ops; *p; p++) {
		if (*p == ',')
			continue;
		mips_sb_printf(&sb, p == in->ops ? " " : ", ");
		disasm_operand(&sb, *p, word, pc);
	}
}
