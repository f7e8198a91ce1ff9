/* start.S: multiboot (v1) header and 32-bit entry of every Tally test guest; exception stubs. */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000002 /* bit 1: memory information wanted (multiboot spec 0.6.96, 3.1.2) */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .text
	.globl _start
_start:
	/* The loader left EAX = magic, EBX = info; segments flat but GDTR undefined (spec 3.2). */
	movl $stack_top, %esp
	pushl %ebx
	pushl %eax
	lgdt gdt_ptr
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	call idt_setup
	call guest_main_entry
2:	cli
	hlt
	jmp 2b

/* Exception stubs: a uniform frame (error code or 0, vector, pusha) for guest_exception(). */
.macro STUB vec, has_error
	.globl exc_stub_\vec
exc_stub_\vec:
	.if \has_error == 0
	pushl $0
	.endif
	pushl $\vec
	jmp exc_common
.endm
	STUB 0,0
	STUB 1,0
	STUB 2,0
	STUB 3,0
	STUB 4,0
	STUB 5,0
	STUB 6,0
	STUB 7,0
	STUB 8,1
	STUB 9,0
	STUB 10,1
	STUB 11,1
	STUB 12,1
	STUB 13,1
	STUB 14,1
	STUB 15,0
	STUB 16,0
	STUB 17,1
	STUB 18,0
	STUB 19,0
	STUB 20,0

exc_common:
	pushal
	pushl %esp
	call guest_exception
	addl $4, %esp
	popal
	addl $8, %esp
	iret

	.globl exc_stubs
	.section .rodata
	.align 4
exc_stubs:
	.long exc_stub_0, exc_stub_1, exc_stub_2, exc_stub_3, exc_stub_4, exc_stub_5, exc_stub_6
	.long exc_stub_7, exc_stub_8, exc_stub_9, exc_stub_10, exc_stub_11, exc_stub_12, exc_stub_13
	.long exc_stub_14, exc_stub_15, exc_stub_16, exc_stub_17, exc_stub_18, exc_stub_19, exc_stub_20

	.align 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: flat 32-bit code (SDM Vol. 3A, 3.4.5) */
	.quad 0x00cf92000000ffff /* 0x10: flat data */
gdt_ptr:
	.word gdt_ptr - gdt - 1
	.long gdt

	.section .bss
	.align 16
	.space 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
