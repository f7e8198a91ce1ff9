# mig_short.s: for test_migrate.sh: moves to @TARGET@ at once, then counts down 1500000 and prints
# "ok" wherever it runs; many of them show that a server runs on past its table of VMs.
	.data
ok:	.asciiz "ok\n"
	.text
main:	MIGRATE @TARGET@
	li $t0, 1500000
spin:	addiu $t0, $t0, -1
	bnez $t0, spin
	la $a0, ok
	li $v0, 4
	syscall
	li $v0, 10
	syscall
