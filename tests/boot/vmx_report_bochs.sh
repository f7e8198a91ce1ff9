#!/usr/bin/env bash
# vmx_report_bochs.sh: the VT-x capability report under Bochs: in the banner at loglevel=debug and
# from the shell's `vmx`. The rows checked exactly are what Bochs 2.7's CPU model corei7_skylake_x
# (run-bochs.sh's default) offers: Bochs's VMX level 2 with EPT, VPID, unrestricted guest and the
# preemption timer (MACHINES.md), and its cpu/vmx.h: VMX_MSR_MISC with a preemption-timer rate of 0,
# EFER.LMA stored on exits, the HLT/shutdown/wait-for-SIPI activity states and 4 CR3-target
# values; CR0 fixed to 1 in PE, NE and PG. vmx_report_check.py then judges every row against the
# raw MSR values the report prints, and that whatever Tally uses is allowed.
. tests/boot/lib.sh

make_iso report "exit=shell loglevel=debug"
printf '%s\n' "vmx" "halt" >"$TEST_DIR/report.keys"
boot_bochs_shell report 60 "$TEST_DIR/report.keys"
L=$last_log

# Exact rows as regular expressions, padded as the report pads them (a field's ( ) escaped).
re_quote() { sed -E 's/[][()^$.*+?|\\]/\\&/g'; }
row() { printf '^ +%s  %-40s %-11s %-9s %s$' "$1" "$2" "$3" "$4" "$5"; }
field() { printf '^  %s %s$' "$(printf '%-66s' "$1" | re_quote)" "$2"; }
expect_count "the report in the banner (loglevel=debug) and from the shell" 2 '^VT-x capability report '
expect "VMX usable" '^IA32_FEATURE_CONTROL \(0x3a\): lock yes, VMXON outside SMX yes; VT-x usable by Tally$'
expect "Enable EPT: Bochs allows it, Tally uses it" "$(row 1 'Enable EPT' yes yes uses)"
expect "Enable VPID" "$(row 5 'Enable VPID' yes yes uses)"
expect "Unrestricted guest" "$(row 7 'Unrestricted guest' yes yes uses)"
expect "the preemption timer" "$(row 6 'Activate VMX-preemption timer' yes yes uses)"
expect "interrupt-window exiting, turned on at times (vmx/intr.c)" "$(row 2 'Interrupt-window exiting' yes yes 'at times')"
expect "CR3-load exiting: default1, 0 only through the TRUE_ MSR" "$(row 15 'CR3-load exiting' 'TRUE_ only' yes -)"
expect "TRUE_ controls offered" "$(field 'TRUE_ control MSRs (default1 controls may be 0)' yes)"
expect "the preemption timer ticks with the TSC (VMX_MISC_PREEMPTION_TIMER_RATE 0)" "$(field 'TSC cycles per VMX-preemption timer tick' '1 \(2\^0\)')"
expect "EFER.LMA stored on exits (Bochs: with unrestricted guest)" "$(field 'VM exits store EFER.LMA into the IA-32e mode guest control' yes)"
expect "activity state HLT" "$(field 'activity state HLT' yes)"
expect "4 CR3-target values (VMX_CR3_TARGET_MAX_CNT)" "$(field 'CR3-target values' 4)"
expect "CR0 fixed to 1 in VMX operation: PE NE PG" "$(field 'must be 1:' 'PE NE PG')"
expect "CR4 fixed to 1 in VMX operation: VMXE" "$(field 'must be 1:' 'VMXE')"
expect "EPT 4-level walks, needed" '^    6  EPT: page-walk length 4 +yes +needs$'
expect "EPT write-back paging structures, needed" '^   14  EPT: write-back paging structures +yes +needs$'
expect "INVVPID all-context, used" '^   42  INVVPID: all-context +yes +uses$'
# The VMCS revision in the report is the one of the banner's one-line summary.
rev=$(tr -d '\r' <"$L" | sed -nE 's/^VMX: IA32_FEATURE_CONTROL .*; VMCS revision (0x[0-9a-f]+)$/\1/p' | head -n1)
expect "VMCS revision as in the banner's summary (${rev:-none})" "$(field 'VMCS revision identifier' "${rev:-none}")"
while IFS= read -r line; do
	case $line in
	PASS:*) pass "${line#PASS: }" ;;
	FAIL:*) fail "${line#FAIL: }" ;;
	*) echo "$line" ;;
	esac
done < <(python3 tests/boot/vmx_report_check.py "$L" 2>&1 || echo "FAIL: the checker ended with an error")
expect "halt powers off" '^Tally: powering off \(halt\)$'
finish
