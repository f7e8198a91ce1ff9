; boot.asm: multiboot2 header and the 32-bit entry: check for long mode, identity-map the first
; 4 GiB, enter 64-bit mode and call kmain(magic, info). kernel/arch/paging.c maps the RAM above 4 GiB.

MB2_MAGIC        equ 0xE85250D6          ; Multiboot2 spec 3.1.1
MB2_ARCH_I386    equ 0
MB2_BOOT_MAGIC   equ 0x36D76289          ; value in EAX when a multiboot2 loader started us
MB2_TAG_FRAMEBUFFER equ 5                ; 3.1.10: the screen the kernel would like
MB2_TAG_OPTIONAL equ 1

COM1             equ 0x3F8
CR0_PE           equ 1 << 0
CR0_WP           equ 1 << 16
CR0_PG           equ 1 << 31
CR4_PAE          equ 1 << 5
EFER_MSR         equ 0xC0000080
EFER_LME         equ 1 << 8
EFER_NXE         equ 1 << 11
PTE_P            equ 1 << 0
PTE_W            equ 1 << 1
PTE_PS           equ 1 << 7

BOOT_STACK_SIZE  equ 32768

section .multiboot2
align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; A framebuffer is welcome (any size: 0 = no preference), VGA text too: under UEFI GRUB then
	; hands over the firmware's framebuffer, under BIOS grub.cfg's gfxpayload picks text or graphics.
	dw MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	dd 20
	dd 0, 0, 0
	align 8
	; end tag (type 0, flags 0, size 8)
	dw 0, 0
	dd 8
mb2_header_end:

section .boot32 progbits alloc exec
bits 32
global _start
_start:
	cli
	cld
	mov esp, boot_stack_top
	mov [boot_magic], eax
	mov [boot_info_ptr], ebx

	call serial_init32
	cmp dword [boot_magic], MB2_BOOT_MAGIC
	jne .not_multiboot2

	; CPUID itself: EFLAGS.ID must be writable.
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21
	push eax
	popfd
	pushfd
	pop eax
	push ecx
	popfd
	xor eax, ecx
	jz .no_long_mode

	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29                ; CPUID.80000001H:EDX.LM, Intel SDM Vol. 2A CPUID
	jz .no_long_mode
	mov [boot_ext_edx], edx

	call build_page_tables

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, EFER_MSR
	rdmsr
	or eax, EFER_LME
	test dword [boot_ext_edx], 1 << 20   ; NX available
	jz .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_PE | CR0_WP
	mov cr0, eax

	lgdt [boot_gdt_ptr]
	jmp 0x08:long_mode_entry

.not_multiboot2:
	mov esi, msg_not_mb2
	jmp fatal32
.no_long_mode:
	mov esi, msg_no_lm
fatal32:
	call serial_puts32
.halt:
	hlt
	jmp .halt

; Page tables: PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages (4 GiB),
; except the first 2 MiB, mapped by 4 KiB pages with page 0 absent so NULL dereferences fault.
build_page_tables:
	mov eax, boot_pdpt
	or eax, PTE_P | PTE_W
	mov [boot_pml4], eax
	xor ecx, ecx
.pdpt_loop:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd
	or eax, PTE_P | PTE_W
	mov [boot_pdpt + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jb .pdpt_loop

	xor ecx, ecx                     ; 2048 entries of 2 MiB
.pd_loop:
	mov eax, ecx
	and eax, 0x7FF                   ; address bits 21..31 of entry ecx
	shl eax, 21
	or eax, PTE_P | PTE_W | PTE_PS
	mov edx, ecx
	shr edx, 11                      ; bits 32.. (entries 2048+ do not exist here; kept 0)
	mov [boot_pd + ecx * 8], eax
	mov [boot_pd + ecx * 8 + 4], edx
	inc ecx
	cmp ecx, 2048
	jb .pd_loop

	mov eax, boot_pt0
	or eax, PTE_P | PTE_W
	mov [boot_pd], eax
	mov dword [boot_pd + 4], 0
	mov ecx, 1                       ; page 0 stays not present
.pt_loop:
	mov eax, ecx
	shl eax, 12
	or eax, PTE_P | PTE_W
	mov [boot_pt0 + ecx * 8], eax
	inc ecx
	cmp ecx, 512
	jb .pt_loop
	ret

; 115200 8N1 on COM1, so that a CPU without long mode can still say why.
serial_init32:
	mov dx, COM1 + 1
	xor al, al
	out dx, al                       ; no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al                       ; DLAB
	mov dx, COM1 + 0
	mov al, 1
	out dx, al                       ; divisor 1 = 115200 baud
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al                       ; 8N1
	mov dx, COM1 + 2
	mov al, 0xC7
	out dx, al                       ; FIFO on, cleared
	mov dx, COM1 + 4
	mov al, 0x03
	out dx, al                       ; DTR, RTS
	ret

serial_puts32:
.next:
	lodsb
	test al, al
	jz .done
	mov ah, al
	mov dx, COM1 + 5
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov dx, COM1
	mov al, ah
	out dx, al
	jmp .next
.done:
	ret

msg_no_lm:   db "Tally: this CPU has no long mode (x86-64); Tally needs a 64-bit CPU. Halted.", 13, 10, 0
msg_not_mb2: db "Tally: not started by a multiboot2 loader (use GRUB's multiboot2 command). Halted.", 13, 10, 0

align 8
boot_gdt:
	dq 0
	dq 0x00AF9A000000FFFF            ; 0x08: 64-bit code, DPL 0
	dq 0x00CF92000000FFFF            ; 0x10: data
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

global boot_magic, boot_info_ptr
boot_magic:    dd 0
boot_info_ptr: dd 0
boot_ext_edx:  dd 0

bits 64
extern kmain
long_mode_entry:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	xor rbp, rbp                     ; ends the frame-pointer backtrace
	mov edi, [boot_magic]
	mov esi, [boot_info_ptr]
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .bss
align 4096
global boot_pml4, boot_pdpt, boot_pd, boot_pt0
boot_pml4:  resb 4096
boot_pdpt:  resb 4096
boot_pd:    resb 4096 * 4
boot_pt0:   resb 4096
align 16
global boot_stack_top, boot_stack_bottom
boot_stack_bottom:
	resb BOOT_STACK_SIZE
boot_stack_top:
