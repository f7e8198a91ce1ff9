# migbench.s: the load of make bench-migrate. Touches @PAGES@ pages from sbrk, asks to move to
# @TARGET@, then runs on: idle (arithmetic only) when @HOT@ is 0, otherwise rewriting a word in each
# of its first @HOT@ pages over and over (a hot working set the pre-copy rounds chase).
	.text
main:	li $a0, @PAGES@
	sll $a0, $a0, 12
	li $v0, 9		# sbrk
	syscall
	move $s0, $v0		# base
	li $t0, 0
touch:	sll $t1, $t0, 12
	addu $t1, $s0, $t1
	sw $t0, 0($t1)
	addiu $t0, $t0, 1
	blt $t0, @PAGES@, touch
	MIGRATE @TARGET@
	li $s1, @HOT@
	li $s2, 0		# page cursor in the hot set
run:	beqz $s1, spin
	sll $t1, $s2, 12
	addu $t1, $s0, $t1
	lw $t2, 0($t1)
	addiu $t2, $t2, 1
	sw $t2, 0($t1)
	addiu $s2, $s2, 1
	bne $s2, $s1, spin
	li $s2, 0
spin:	li $t0, 2000		# between two writes
spin1:	addiu $t0, $t0, -1
	bnez $t0, spin1
	b run
