# spim_stack.s: SPIM's stack segment grows when the program touches below it (at least doubling,
# or by as much as asked), up to spim's 256 KiB; then spim ends the program: "Can't expand stack
# segment by N bytes to M bytes". Recursion with 1 KiB frames takes it there.
	.data
nl:	.asciiz "\n"
	.text
main:	li $sp, 0x7fffeffc		# spim's start-up $sp depends on its environment
	li $a0, 100			# 100 KiB deep: the stack doubles to 128 KiB
	jal sum
	move $a0, $v0
	jal show
	li $t0, 0x7ffd0000		# a load below it grows it again, to fit
	lw $a0, 0($t0)
	jal show
	li $a0, 1000000			# then as deep as it goes
	jal sum
	move $a0, $v0
	jal show
	li $v0, 10
	syscall

# sum(n) = n + sum(n - 1), each level in a 1 KiB frame holding n.
sum:	addiu $sp, $sp, -1024
	sw $ra, 0($sp)
	sw $a0, 1020($sp)
	li $v0, 0
	beqz $a0, ret
	andi $t0, $a0, 31
	bnez $t0, deeper
	jal show			# every 32 levels: n
	lw $a0, 1020($sp)
deeper:	addiu $a0, $a0, -1
	jal sum
	lw $a0, 1020($sp)
	addu $v0, $v0, $a0
ret:	lw $ra, 0($sp)
	addiu $sp, $sp, 1024
	jr $ra

show:	li $v0, 1
	syscall
	la $a0, nl
	li $v0, 4
	syscall
	jr $ra
