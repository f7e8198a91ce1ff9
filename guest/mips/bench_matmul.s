# bench_matmul.s: 64x64 integer matrix multiply C = A*B, repeated; prints the trace of C.
	.data
A:	.space 16384
B:	.space 16384
C:	.space 16384
	.text
main:	la $s0, A
	la $s1, B
	la $s2, C
	li $t9, 4096			# fill A[i] = i % 7 - 3, B[i] = i % 5 + 1
	move $t0, $zero
fill:	li $t1, 7
	rem $t2, $t0, $t1
	addiu $t2, $t2, -3
	sll $t3, $t0, 2
	addu $t4, $s0, $t3
	sw $t2, 0($t4)
	li $t1, 5
	rem $t2, $t0, $t1
	addiu $t2, $t2, 1
	addu $t4, $s1, $t3
	sw $t2, 0($t4)
	addiu $t0, $t0, 1
	bne $t0, $t9, fill
	li $s7, 10			# repetitions
rep:	move $t0, $zero			# i
rowi:	move $t1, $zero			# j
colj:	move $t5, $zero			# sum
	sll $t6, $t0, 8			# &A[i][0]
	addu $t6, $t6, $s0
	sll $t7, $t1, 2			# &B[0][j]
	addu $t7, $t7, $s1
	li $t2, 64			# k
dot:	lw $t3, 0($t6)
	lw $t4, 0($t7)
	mul $t3, $t3, $t4
	addu $t5, $t5, $t3
	addiu $t6, $t6, 4
	addiu $t7, $t7, 256
	addiu $t2, $t2, -1
	bnez $t2, dot
	sll $t8, $t0, 8			# C[i][j] = sum
	sll $t3, $t1, 2
	addu $t8, $t8, $t3
	addu $t8, $t8, $s2
	sw $t5, 0($t8)
	addiu $t1, $t1, 1
	slti $t3, $t1, 64
	bnez $t3, colj
	addiu $t0, $t0, 1
	slti $t3, $t0, 64
	bnez $t3, rowi
	addiu $s7, $s7, -1
	bnez $s7, rep
	move $t0, $zero			# trace
	move $a0, $zero
trace:	sll $t1, $t0, 8
	sll $t2, $t0, 2
	addu $t1, $t1, $t2
	addu $t1, $t1, $s2
	lw $t3, 0($t1)
	addu $a0, $a0, $t3
	addiu $t0, $t0, 1
	slti $t3, $t0, 64
	bnez $t3, trace
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	jr $ra
