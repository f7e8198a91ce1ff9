# bench_fib.s: naive recursive fib(29): calls, stack frames, loads and stores.
	.text
main:	addiu $sp, $sp, -4
	sw $ra, 0($sp)
	li $a0, 29
	jal fib
	move $a0, $v0
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	lw $ra, 0($sp)
	addiu $sp, $sp, 4
	jr $ra

fib:	slti $t0, $a0, 2
	bnez $t0, base
	addiu $sp, $sp, -12
	sw $ra, 8($sp)
	sw $a0, 4($sp)
	addiu $a0, $a0, -1
	jal fib
	sw $v0, 0($sp)
	lw $a0, 4($sp)
	addiu $a0, $a0, -2
	jal fib
	lw $t0, 0($sp)
	addu $v0, $v0, $t0
	lw $ra, 8($sp)
	addiu $sp, $sp, 12
	jr $ra
base:	move $v0, $a0
	jr $ra
