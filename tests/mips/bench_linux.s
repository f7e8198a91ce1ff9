# bench_linux.s: what turns a SPIM program into a static Linux o32 ELF for qemu-mipsel (bench.sh):
# __start calls main and exits with status 0 when it returns; each "syscall" of the program is
# rewritten by bench.sh into a call of __bench_syscall through $k1 (returning through $k0), which
# does SPIM's print_int (1), print_char (11) and exit (10) with Linux's write (4004) and exit (4001)
# and keeps every register the program could see.
	.set noreorder
	.set noat
	.text
	.globl __start
__start:
	jal main
	nop
	li $a0, 0
__bench_exit:
	li $v0, 4001
	syscall
	nop
__bench_syscall:
	la $k1, __bench_save
	sw $at, 0($k1)
	sw $v0, 4($k1)
	sw $v1, 8($k1)
	sw $a0, 12($k1)
	sw $a1, 16($k1)
	sw $a2, 20($k1)
	sw $a3, 24($k1)
	sw $t0, 28($k1)
	sw $t1, 32($k1)
	sw $t2, 36($k1)
	sw $t3, 40($k1)
	li $t0, 10
	beq $v0, $t0, __bench_exit
	li $a0, 0
	li $t0, 11
	beq $v0, $t0, __bench_char
	nop
	lw $t0, 12($k1)			# print_int: the digits backwards from the buffer's end
	la $t1, __bench_end
	move $t3, $zero
	bgez $t0, __bench_digit
	nop
	li $t3, 1
	subu $t0, $zero, $t0
__bench_digit:
	li $t2, 10
	divu $zero, $t0, $t2
	mfhi $t2
	mflo $t0
	addiu $t2, $t2, 48
	addiu $t1, $t1, -1
	bnez $t0, __bench_digit
	sb $t2, 0($t1)
	beqz $t3, __bench_write
	li $t2, 45			# '-'
	addiu $t1, $t1, -1
	sb $t2, 0($t1)
__bench_write:
	la $t2, __bench_end
	subu $a2, $t2, $t1
	move $a1, $t1
	li $a0, 1
	li $v0, 4004
	syscall
	b __bench_restore
	nop
__bench_char:
	la $a1, 12($k1)			# the low byte of the saved $a0 (little-endian)
	li $a2, 1
	li $a0, 1
	li $v0, 4004
	syscall
__bench_restore:
	lw $at, 0($k1)
	lw $v0, 4($k1)
	lw $v1, 8($k1)
	lw $a0, 12($k1)
	lw $a1, 16($k1)
	lw $a2, 20($k1)
	lw $a3, 24($k1)
	lw $t0, 28($k1)
	lw $t1, 32($k1)
	lw $t2, 36($k1)
	jr $k0
	lw $t3, 40($k1)
	.data
__bench_save:
	.space 48
__bench_buf:
	.space 16
__bench_end:
