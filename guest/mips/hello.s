# hello.s: strings, integers and characters through SPIM's print syscalls; returns from main.
	.data
greet:	.asciiz "Hello, MIPS!\n"
parts:	.ascii "two "
	.asciiz "parts\n"
negmsg:	.asciiz "negative: "
	.text
	.globl main
main:	li $v0, 4
	la $a0, greet
	syscall
	la $a0, parts
	syscall
	la $a0, negmsg
	syscall
	li $v0, 1
	li $a0, -2147483648	# the most negative int prints in full
	syscall
	li $v0, 11
	li $a0, 10
	syscall
	li $v0, 1
	li $a0, 0x7fffffff
	syscall
	li $v0, 11
	li $a0, 0x10a		# print_char uses the low byte only
	syscall
	jr $ra
