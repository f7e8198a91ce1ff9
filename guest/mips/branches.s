# branches.s: every branch and jump, real and pseudo, with register and immediate operands.
	.data
yes:	.asciiz "T"
no:	.asciiz "F"
nl:	.asciiz "\n"
	.text
main:	li $s0, -5
	li $s1, 7
	li $s2, 7
	beq $s1, $s2, t1
	jal f
t1:	jal t
	bne $s1, $s2, t2
	jal t
	j t3
t2:	jal f
t3:	blt $s0, $s1, t4
	jal f
	j t5
t4:	jal t
t5:	bltu $s0, $s1, t6	# -5 is huge unsigned
	jal t
	j t7
t6:	jal f
t7:	bgt $s1, $s0, t8
	jal f
t8:	jal t
	bge $s1, $s2, t9
	jal f
t9:	jal t
	ble $s0, -5, t10
	jal f
t10:	jal t
	bgeu $s0, $s1, t11
	jal f
t11:	jal t
	bgtu $s1, 100, t12
	jal t
	j t13
t12:	jal f
t13:	bleu $s1, 7, t14
	jal f
t14:	jal t
	beqz $zero, t15
	jal f
t15:	jal t
	bnez $s0, t16
	jal f
t16:	jal t
	bltz $s0, t17
	jal f
t17:	jal t
	bgez $s0, t18
	jal t
	j t19
t18:	jal f
t19:	blez $zero, t20
	jal f
t20:	jal t
	bgtz $s1, t21
	jal f
t21:	jal t
	beq $s1, 7, t22
	jal f
t22:	jal t
	bne $s1, 8, t23
	jal f
t23:	jal t
	la $t0, t24
	jr $t0
	jal f
t24:	jal t
	la $t0, sub1
	jalr $t0
	jal t
	bgezal $s1, sub1
	bltzal $s1, sub1	# not taken, but links
	jal t
	b t25
	jal f
t25:	li $v0, 4
	la $a0, nl
	syscall
	li $v0, 10
	syscall

t:	li $v0, 4
	la $a0, yes
	syscall
	jr $ra
f:	li $v0, 4
	la $a0, no
	syscall
	jr $ra
sub1:	li $v0, 1
	li $a0, 1
	syscall
	jr $ra
