# memory.s: data directives, alignment, every load/store width, lwl/lwr/swl/swr, label+offset.
	.data
b1:	.byte 0x81, 2, 'A', -1
h1:	.half 0x8001, 1000
odd:	.byte 7
w1:	.word 0x12345678, -2, w1	# .word aligns itself; a label value as data
	.align 3
al:	.word 0xcafef00d
buf:	.space 16
str:	.asciiz "abc\t\"q\""
	.text
main:	lb $a0, b1
	jal show
	lbu $a0, b1
	jal show
	lb $a0, b1+2
	jal show
	lh $a0, h1
	jal show
	lhu $a0, h1
	jal show
	lh $a0, h1+2
	jal show
	lw $a0, w1
	jal show
	lw $a0, w1+4
	jal show
	la $t0, w1
	lw $a0, 8($t0)
	sub $a0, $a0, $t0		# the stored label equals its address
	jal show
	la $t0, al
	andi $a0, $t0, 7
	jal show
	la $t1, odd
	sub $a0, $t0, $t1
	jal show
	li $t2, 4
	lw $a0, w1($t2)
	jal show
	la $t0, w1
	lwl $a0, 1($t0)
	jal show
	lwr $a0, 1($t0)
	jal show
	li $a0, 0
	lwr $a0, 2($t0)
	lwl $a0, 5($t0)
	jal show
	la $t1, buf
	li $t3, 0xaabbccdd
	sw $zero, 0($t1)
	sw $zero, 4($t1)
	swl $t3, 1($t1)
	swr $t3, 6($t1)
	lw $a0, 0($t1)
	jal show
	lw $a0, 4($t1)
	jal show
	sh $t3, 8($t1)
	sb $t3, 11($t1)
	lw $a0, 8($t1)
	jal show
	li $v0, 4
	la $a0, str
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	li $v0, 10
	syscall

show:	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	jr $ra
