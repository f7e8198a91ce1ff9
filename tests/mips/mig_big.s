# mig_big.s: for migrate_guard_qemu.sh: touches @PAGES@ pages from sbrk (each page's first word
# its number), asks to move to @TARGET@, then sums those words back and prints 5 lines "N SUM";
# so a refused move shows the whole run at the source, and a received one its memory intact.
	.data
sp:	.asciiz " "
nl:	.asciiz "\n"
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
	li $s1, 0		# line
line:	li $t0, 0
	li $s2, 0		# sum
sum:	sll $t1, $t0, 12
	addu $t1, $s0, $t1
	lw $t2, 0($t1)
	addu $s2, $s2, $t2
	addu $s2, $s2, $s1
	addiu $t0, $t0, 1
	blt $t0, @PAGES@, sum
	move $a0, $s1
	li $v0, 1
	syscall
	la $a0, sp
	li $v0, 4
	syscall
	move $a0, $s2
	li $v0, 1
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	addiu $s1, $s1, 1
	blt $s1, 5, line
	li $v0, 10
	syscall
