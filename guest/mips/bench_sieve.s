# bench_sieve.s: sieve of Eratosthenes over 60,000 bytes (SPIM's data segment holds 64 KiB), repeated; prints the prime count.
	.data
flags:	.space 60000
	.text
main:	li $s7, 16			# repetitions
rep:	la $s1, flags
	li $t9, 60000
	move $t0, $zero
clear:	addu $t1, $s1, $t0		# flags[i] = 0
	sb $zero, 0($t1)
	addiu $t0, $t0, 1
	bne $t0, $t9, clear
	li $s0, 2
	li $s2, 0			# count
outer:	addu $t1, $s1, $s0
	lbu $t0, 0($t1)
	bnez $t0, next
	addiu $s2, $s2, 1
	mul $t2, $s0, $s0
	li $t3, 1
mark:	sltu $t4, $t2, $t9
	beqz $t4, next
	addu $t1, $s1, $t2
	sb $t3, 0($t1)
	addu $t2, $t2, $s0
	b mark
next:	addiu $s0, $s0, 1
	bne $s0, $t9, outer
	addiu $s7, $s7, -1
	bnez $s7, rep
	move $a0, $s2
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	jr $ra
