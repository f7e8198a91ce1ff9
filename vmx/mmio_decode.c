/* mmio_decode.c: decoding the guest's MOV that touched an emulated device page (SDM Vol. 2A, chapter 2 and MOV). */
#include "vmx/mmio_decode.h"

/* SDM Vol. 2A, 2.1.1: legacy prefixes; 2.2.1: REX (64-bit mode only, right before the opcode). */
#define PREFIX_OPSIZE 0x66
#define PREFIX_ADDRSIZE 0x67
#define REX_W 0x8
#define REX_R 0x4
#define OP_MOV_STORE 0x89
#define OP_MOV_LOAD 0x8b
#define OP_MOV_IMM 0xc7
#define OP_MOV_LOAD_MOFFS 0xa1
#define OP_MOV_STORE_MOFFS 0xa3
#define MODRM_MOD(b) ((b) >> 6)
#define MODRM_REG(b) (((b) >> 3) & 7)
#define MODRM_RM(b) ((b) & 7)

static bool legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: /* segment overrides */
	case 0xf0: case 0xf2: case 0xf3: case PREFIX_OPSIZE: case PREFIX_ADDRSIZE:
		return true;
	}
	return false;
}

/* Bytes of ModRM, SIB and displacement (2.1.5, Tables 2-1..2-3), or -1 for a register operand. */
static int modrm_length(const uint8_t *p, unsigned avail, unsigned addr_size)
{
	if (!avail)
		return -1;
	uint8_t m = p[0];
	unsigned mod = MODRM_MOD(m), rm = MODRM_RM(m);
	if (mod == 3)
		return -1;
	if (addr_size == 2) /* 16-bit addressing: no SIB; [disp16] for mod 0, rm 6 */
		return 1 + (mod == 1 ? 1 : mod == 2 || (mod == 0 && rm == 6) ? 2 : 0);
	int len = 1;
	if (rm == 4) {
		if (avail < 2)
			return -1;
		len++;
		if (mod == 0 && (p[1] & 7) == 5)
			len += 4; /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		len += 4; /* disp32, RIP-relative in 64-bit mode */
	}
	return len + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static uint64_t little(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int mmio_decode(const uint8_t *code, unsigned n, enum mmio_mode mode, struct mmio_insn *out)
{
	bool opsize = false, addrsize = false;
	unsigned i = 0, rex = 0;
	if (n > MMIO_INSN_MAX)
		n = MMIO_INSN_MAX;
	for (; i < n && legacy_prefix(code[i]); i++) {
		opsize |= code[i] == PREFIX_OPSIZE;
		addrsize |= code[i] == PREFIX_ADDRSIZE;
	}
	if (mode == MMIO_MODE_64 && i < n && (code[i] & 0xf0) == 0x40)
		rex = code[i++] & 0xf;
	if (i >= n)
		return -1;
	unsigned def = mode == MMIO_MODE_16 ? 2 : 4;
	unsigned size = (rex & REX_W) ? 8 : opsize ? 6 - def : def;
	unsigned addr = mode == MMIO_MODE_64 ? (addrsize ? 4 : 8) : addrsize ? 6 - def : def;
	uint8_t op = code[i++];
	*out = (struct mmio_insn){ .size = size };
	if (op == OP_MOV_LOAD_MOFFS || op == OP_MOV_STORE_MOFFS) {
		if (i + addr > n)
			return -1;
		out->write = op == OP_MOV_STORE_MOFFS;
		out->reg = 0;
		out->len = i + addr;
		return 0;
	}
	if (op != OP_MOV_STORE && op != OP_MOV_LOAD && op != OP_MOV_IMM)
		return -1;
	int m = modrm_length(code + i, n - i, addr);
	if (m < 0 || i + (unsigned)m > n)
		return -1;
	out->reg = MODRM_REG(code[i]) | ((rex & REX_R) ? 8u : 0u);
	out->write = op != OP_MOV_LOAD;
	if (op == OP_MOV_IMM && MODRM_REG(code[i]) != 0)
		return -1; /* C7 /0 is MOV; the rest of group 11 is XBEGIN or undefined */
	i += (unsigned)m;
	if (op == OP_MOV_IMM) {
		unsigned immlen = size == 2 ? 2 : 4; /* a 64-bit MOV takes a sign-extended imm32 */
		if (i + immlen > n)
			return -1;
		out->has_imm = true;
		out->imm = little(code + i, immlen);
		if (size == 8 && (out->imm & 0x80000000u))
			out->imm |= 0xffffffff00000000ull;
		i += immlen;
	}
	out->len = i;
	return 0;
}
