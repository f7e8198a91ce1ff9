# input.s: read_int, read_string (with a short buffer), read_char; echoes what it read.
	.data
buf:	.space 32
p1:	.asciiz "int? "
p2:	.asciiz "got "
	.text
main:	li $v0, 4
	la $a0, p1
	syscall
	li $v0, 5
	syscall
	move $s0, $v0
	li $v0, 4
	la $a0, p2
	syscall
	li $v0, 1
	add $a0, $s0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	li $v0, 8
	la $a0, buf
	li $a1, 6
	syscall
	li $v0, 4
	syscall
	li $v0, 11
	li $a0, '|'
	syscall
	li $v0, 8
	la $a0, buf
	li $a1, 32
	syscall
	li $v0, 4
	syscall
	li $v0, 12
	syscall
	move $a0, $v0
	li $v0, 1
	syscall
	li $v0, 5
	syscall
	move $a0, $v0
	li $v0, 1
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	li $v0, 17
	li $a0, 0
	syscall
