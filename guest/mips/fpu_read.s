# fpu_read.s: read_float and read_double as SPIM reads a line (C's strtod: hex, inf, nan, junk after
# the number, no number at all), each value printed and shown as its bit pattern.
	.data
sep:	.asciiz "  bits "
nl:	.asciiz "\n"
	.text
main:
	li $s0, 0
floats:	li $v0, 6
	syscall
	mov.s $f12, $f0
	li $v0, 2
	syscall
	la $a0, sep
	li $v0, 4
	syscall
	mfc1 $a0, $f0
	li $v0, 1
	syscall
	jal newline
	addi $s0, $s0, 1
	blt $s0, 32, floats
	li $s0, 0
doubles:
	li $v0, 7
	syscall
	mov.d $f12, $f0
	li $v0, 3
	syscall
	la $a0, sep
	li $v0, 4
	syscall
	mfc1 $a0, $f1
	li $v0, 1
	syscall
	li $a0, ' '
	li $v0, 11
	syscall
	mfc1 $a0, $f0
	li $v0, 1
	syscall
	jal newline
	addi $s0, $s0, 1
	blt $s0, 40, doubles
	li $v0, 10
	syscall
newline:
	la $a0, nl
	li $v0, 4
	syscall
	jr $ra
