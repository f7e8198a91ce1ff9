# spim_syntax.s: SPIM's looser syntax: optional and trailing commas, two-operand ALU forms,
# a blank before a label's colon, .extern, and the unaligned ulh/ulhu/ulw/ush/usw.
	.data
bytes :	.byte 0 1 2 3, 4 5,
	.byte 0x81 0x7f 0x34 0x12 0xfe 0xff 0x78 0x56
words:	.word 1 2 3
nl:	.asciiz "\n"
msg :	.asciiz "syntax ok"
	.extern ext_a 8
	.extern ext_b, 4
	.text
main :
	la $a0 msg
	li $v0 4,
	syscall
	jal newline
	li $t0 5			# two-operand immediate forms
	addi $t0 10
	addiu $t0, -3
	sub $t0 2
	subu $t0, 1
	add $t0 100
	addu $t0 1000
	andi $t0 0xff
	ori $t0 0x100
	xori $t0 1
	or $t0 0x200
	xor $t0 2
	and $t0 0xfff
	move $a0 $t0
	jal print
	li $t1 7
	slti $t1 9
	move $a0 $t1
	jal print
	li $t1 7
	sltiu $t1 3
	move $a0 $t1
	jal print
	la $t2 bytes			# unaligned loads
	ulw $a0 1($t2)
	jal print
	ulh $a0 9($t2)
	jal print
	ulhu $a0 9($t2)
	jal print
	ulh $a0 7($t2)
	jal print
	ulhu $a0 12($t2)
	jal print
	ulw $a0 bytes+5
	jal print
	li $t3 0x11223344		# unaligned stores
	usw $t3 words+1
	lw $a0 words
	jal print
	lw $a0 words+4
	jal print
	li $t3 -2
	ush $t3 3($t2)
	ulh $a0 3($t2)
	jal print
	ush $t3 bytes+7
	ulhu $a0 7($t2)
	jal print
	la $a0 ext_a			# .extern lands in the small data area, reached by $gp
	sub $a0 $a0 $gp
	jal print
	la $a0 ext_b
	sub $a0 $a0 $gp
	jal print
	li $t4 42
	sw $t4 ext_b
	lw $a0 -32760($gp)
	jal print
	lw $a0 ext_a
	jal print
	bne $t4 42 bad
	beq $t4, 42 good,
bad:	li $a0 -1
	jal print
good:	li $v0 10
	syscall

print:	li $v0 1
	syscall
newline: la $a0 nl
	li $v0 4
	syscall
	jr $ra
