# roundtrip.s: output, memory, heap, hi/lo state and a final DUMP_PROCESSOR_STATE for snapshot round trips.
	.data
arr:	.space 40
sp:	.asciiz " "
	.text
main:	li $s0, 0
	la $s1, arr
loop:	mul $t0, $s0, 7
	sll $t1, $s0, 2
	addu $t1, $t1, $s1
	sw $t0, 0($t1)
	move $a0, $t0
	li $v0, 1
	syscall
	li $v0, 4
	la $a0, sp
	syscall
	multu $t0, $s0
	addi $s0, $s0, 1
	blt $s0, 10, loop
	li $v0, 9
	li $a0, 64
	syscall
	sw $s0, 60($v0)
	lw $s2, 60($v0)
	DUMP_PROCESSOR_STATE
