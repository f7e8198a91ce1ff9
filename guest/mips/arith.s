# arith.s: ALU instructions and their pseudo forms, each result printed on its own line.
	.text
main:	li $s0, 1234567
	li $s1, -89
	add $a0, $s0, $s1
	jal show
	sub $a0, $s1, $s0
	jal show
	mul $a0, $s0, $s1
	jal show
	div $a0, $s0, $s1
	jal show
	rem $a0, $s0, $s1
	jal show
	divu $a0, $s0, 7
	jal show
	remu $a0, $s1, 1000
	jal show
	mult $s0, $s0
	mfhi $a0
	jal show
	mflo $a0
	jal show
	multu $s1, $s1
	mfhi $a0
	jal show
	and $a0, $s0, 0xff0f
	jal show
	or $a0, $s1, 0x1234
	jal show
	xor $a0, $s0, $s1
	jal show
	nor $a0, $s0, $zero
	jal show
	not $a0, $s1
	jal show
	neg $a0, $s0
	jal show
	abs $a0, $s1
	jal show
	sll $a0, $s0, 7
	jal show
	srl $a0, $s1, 3
	jal show
	sra $a0, $s1, 3
	jal show
	li $t0, 35
	sllv $a0, $s0, $t0	# only the low 5 bits count
	jal show
	srav $a0, $s1, $t0
	jal show
	rol $a0, $s1, 4
	jal show
	ror $a0, $s1, 4
	jal show
	slt $a0, $s1, $s0
	jal show
	sltu $a0, $s1, $s0
	jal show
	slti $a0, $s0, 5
	jal show
	sltiu $a0, $s0, -1
	jal show
	sgt $a0, $s0, $s1
	jal show
	sge $a0, $s1, -89
	jal show
	sle $a0, $s0, $s1
	jal show
	sgtu $a0, $s1, $s0
	jal show
	seq $a0, $s1, -89
	jal show
	sne $a0, $s1, $s1
	jal show
	addiu $a0, $s0, -32768
	jal show
	add $a0, $s0, 100000
	jal show
	lui $a0, 0xbeef
	jal show
	ori $a0, $zero, 0xffff
	jal show
	li $t1, 5
	movn $a0, $s0, $t1
	jal show
	movz $a0, $s1, $t1
	jal show
	li $t2, 0x00f00000
	clz $a0, $t2
	jal show
	li $t2, 0xff000000
	clo $a0, $t2
	jal show
	mthi $s0
	mtlo $s1
	madd $s0, $s1
	mflo $a0
	jal show
	mfhi $a0
	jal show
	msubu $s0, $s0
	mflo $a0
	jal show
	li $v0, 10
	syscall

show:	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	jr $ra
