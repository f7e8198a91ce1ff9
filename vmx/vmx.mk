# vmx.mk: vmx/ is linked into the kernel.
KERNEL_C_SRCS += $(wildcard vmx/*.c)
KERNEL_ASM_SRCS += $(wildcard vmx/*.asm)
