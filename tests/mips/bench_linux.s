# bench_linux.s: what turns a SPIM program into a static Linux o32 ELF for qemu-mipsel (bench.sh).
# __start takes the process's CPU time, calls main, and when main returns (or the program asks for
# exit) writes "cputime SECONDS NANOSECONDS" (the difference, the second part possibly negative) on
# stderr and exits with status 0: that is the work's time without qemu's own start-up. Each
# "syscall" of the program is rewritten by bench.sh into a call of __bench_syscall through $k1
# (returning through $k0), which does SPIM's print_int (1), print_char (11) and exit (10) with
# Linux's write (4004) and keeps every register the program could see.
	.set noreorder
	.set noat
	.text
	.globl __start
__start:
	li $a0, 2			# CLOCK_PROCESS_CPUTIME_ID
	la $a1, __bench_t0
	li $v0, 4263			# clock_gettime
	syscall
	jal main
	nop
__bench_exit:
	li $a0, 2
	la $a1, __bench_t1
	li $v0, 4263
	syscall
	la $s0, __bench_t0
	li $a0, 2
	la $a1, __bench_label
	li $a2, 8
	li $v0, 4004
	syscall
	lw $t0, 8($s0)
	lw $t1, 0($s0)
	subu $a0, $t0, $t1
	jal __bench_puti
	li $a3, 2
	li $a0, 2
	la $a1, __bench_label + 7	# " "
	li $a2, 1
	li $v0, 4004
	syscall
	lw $t0, 12($s0)
	lw $t1, 4($s0)
	subu $a0, $t0, $t1
	jal __bench_puti
	li $a3, 2
	li $a0, 2
	la $a1, __bench_nl
	li $a2, 1
	li $v0, 4004
	syscall
	li $a0, 0
	li $v0, 4001			# exit
	syscall
	nop

# __bench_puti: writes $a0 in decimal to file descriptor $a3; clobbers $v0, $a0-$a2, $t0-$t3.
__bench_puti:
	move $t0, $a0
	la $t1, __bench_end
	move $t3, $zero
	bgez $t0, 1f
	nop
	li $t3, 1
	subu $t0, $zero, $t0
1:	li $t2, 10
	divu $zero, $t0, $t2
	mfhi $t2
	mflo $t0
	addiu $t2, $t2, 48
	addiu $t1, $t1, -1
	bnez $t0, 1b
	sb $t2, 0($t1)
	beqz $t3, 2f
	li $t2, 45			# '-'
	addiu $t1, $t1, -1
	sb $t2, 0($t1)
2:	la $t2, __bench_end
	subu $a2, $t2, $t1
	move $a1, $t1
	move $a0, $a3
	li $v0, 4004
	syscall
	jr $ra
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
	sw $ra, 44($k1)
	li $t0, 10
	beq $v0, $t0, __bench_exit
	li $t0, 11
	beq $v0, $t0, 3f
	nop
	jal __bench_puti		# print_int
	li $a3, 1
	b 4f
	nop
3:	la $a1, 12($k1)			# print_char: the low byte of the saved $a0 (little-endian)
	li $a2, 1
	li $a0, 1
	li $v0, 4004
	syscall
4:	lw $at, 0($k1)
	lw $v0, 4($k1)
	lw $v1, 8($k1)
	lw $a0, 12($k1)
	lw $a1, 16($k1)
	lw $a2, 20($k1)
	lw $a3, 24($k1)
	lw $t0, 28($k1)
	lw $t1, 32($k1)
	lw $t2, 36($k1)
	lw $t3, 40($k1)
	jr $k0
	lw $ra, 44($k1)

	.data
__bench_t0:
	.word 0, 0
__bench_t1:
	.word 0, 0
__bench_save:
	.space 48
__bench_label:
	.ascii "cputime "
__bench_nl:
	.ascii "\n"
__bench_buf:
	.space 16
__bench_end:
