; svm_entry.asm: VMRUN and the #VMEXIT path that saves the guest's registers (AMD APM Vol. 2, 15.5).
; Timestamps as in vmx/entry.asm: rdtsc is the last thing before VMRUN (only the loads of the guest
; registers it clobbers come after it) and the first after the exit (after one push of the guest
; RDX it clobbers). Guest RAX, RSP and RIP live in the VMCB; VMLOAD/VMSAVE move the guest's FS, GS,
; TR, LDTR and the SYSCALL/SYSENTER MSRs between the VMCB and the CPU, and the host's come back
; from the host area Tally saved at enable time.

bits 64
default rel

%include "vmx/guest_regs.inc"

section .text

; void svm_run(struct guest_regs *regs, uint64_t vmcb_pa, uint64_t host_area_pa)
; (rdi = regs, rsi = VMCB, rdx = host area). Interrupts are off on the way in and out. GIF is
; cleared around the run, and RFLAGS.IF set for it: with V_INTR_MASKING the host's IF decides
; whether a host interrupt (Tally's quantum timer) ends the guest's run with an INTR exit.
global svm_run
svm_run:
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	push rdx                        ; host area       [rsp + 16] after the next two
	push rdi                        ; regs            [rsp + 8]
	push rsi                        ; VMCB            [rsp]
	mov rax, rsi
	clgi
	vmload
	sti                             ; GIF=0 holds any interrupt until the guest runs
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov [rdi + REGS_ENTRY_TSC], rax
	LOAD_GUEST_GPRS
	mov rax, [rsp]                  ; VMCB
	mov rdi, [rdi + RDI_]
	vmrun
	; #VMEXIT: RAX, RSP and RIP are the host's again; GIF = 0; the other registers are the guest's.
	push rdx
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdx, [rsp + 16]             ; regs
	mov [rdx + REGS_EXIT_TSC], rax
	pop rax                         ; guest rdx
	mov [rdx + RDX_], rax
	SAVE_GUEST_GPRS
	pop rax                         ; VMCB
	vmsave
	pop rdi                         ; regs
	pop rax                         ; host area
	vmload
	cli
	stgi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
