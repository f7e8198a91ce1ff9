# bench_loop.s: an integer loop (add, shifts, xor, compare-and-branch) for make bench-mips.
	.text
main:	li $t0, 0
	li $t1, 1
	li $t2, 4000000
loop:	addu $t1, $t1, $t0
	sll $t3, $t1, 3
	xor $t1, $t1, $t3
	srl $t3, $t1, 7
	addiu $t0, $t0, 1
	bne $t0, $t2, loop
	move $a0, $t1
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	jr $ra
