/* mmio_decode.h: decoding the guest's MOV that touched an emulated device page (its length, direction, register), pure logic. */
#ifndef VMX_MMIO_DECODE_H
#define VMX_MMIO_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_INSN_MAX 15 /* SDM Vol. 2A, 2.3.11: no instruction is longer */

/* The code the instruction runs in: default operand and address sizes. */
enum mmio_mode { MMIO_MODE_16, MMIO_MODE_32, MMIO_MODE_64 };

struct mmio_insn {
	unsigned len;     /* bytes, to advance RIP by */
	unsigned size;    /* bytes moved: 2, 4 or 8 */
	bool write;       /* to the device */
	bool has_imm;     /* MOV r/m, imm: the value is imm */
	uint64_t imm;
	unsigned reg;     /* the general register (qualification numbering: 0 RAX .. 15 R15) */
};

/* Decodes MOV r/m,r (89), MOV r,r/m (8B), MOV r/m,imm (C7 /0), MOV eAX,moffs (A1) and MOV
 * moffs,eAX (A3) with their prefixes from the n bytes at code. Returns 0, or -1 for anything
 * else (another opcode, a register operand, bytes cut short). */
int mmio_decode(const uint8_t *code, unsigned n, enum mmio_mode mode, struct mmio_insn *out);

#endif
