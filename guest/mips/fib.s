# fib.s: recursive Fibonacci with a stack frame per call; prints fib(0..20).
	.data
sep:	.asciiz ", "
	.text
main:	addiu $sp, $sp, -8
	sw $ra, 4($sp)
	sw $s0, 0($sp)
	li $s0, 0
loop:	move $a0, $s0
	jal fib
	move $a0, $v0
	li $v0, 1
	syscall
	li $v0, 4
	la $a0, sep
	syscall
	addi $s0, $s0, 1
	ble $s0, 20, loop
	li $v0, 11
	li $a0, 10
	syscall
	lw $s0, 0($sp)
	lw $ra, 4($sp)
	addiu $sp, $sp, 8
	jr $ra

fib:	blt $a0, 2, base
	addiu $sp, $sp, -12
	sw $ra, 8($sp)
	sw $a0, 4($sp)
	addi $a0, $a0, -1
	jal fib
	sw $v0, 0($sp)
	lw $a0, 4($sp)
	addi $a0, $a0, -2
	jal fib
	lw $t0, 0($sp)
	add $v0, $v0, $t0
	lw $ra, 8($sp)
	addiu $sp, $sp, 12
	jr $ra
base:	move $v0, $a0
	jr $ra
