/* svm_exits.c: lookups in the SVM exit-code table (names, and the exit reason each code counts as). */
#include <stddef.h>

#include "kernel/console.h"

#include "vmx/svm/svm_exits.h"

struct svm_exit_row {
	uint32_t code, reason;
	const char *name;
};

#define SVM_EXIT_ROW(n, c, r) { (uint32_t)(c), (r), #n },
static const struct svm_exit_row rows[] = { SVM_EXITS(SVM_EXIT_ROW) };
#undef SVM_EXIT_ROW

#define SVM_EXIT_REASON_IN_RANGE(n, c, r) \
	_Static_assert((r) < VMX_EXIT_REASON_COUNT, "SVM exit " #n " counts as a reason Tally has");
SVM_EXITS(SVM_EXIT_REASON_IN_RANGE)
#undef SVM_EXIT_REASON_IN_RANGE

/* The EXITCODE field is 64 bits: -1 and -2 (INVALID, BUSY) are the table's only negative codes. */
static const struct svm_exit_row *find(uint64_t code)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t c = rows[i].code >= SVM_EXIT_BUSY ? (uint64_t)(int64_t)(int32_t)rows[i].code : rows[i].code;
		if (c == code)
			return &rows[i];
	}
	return NULL;
}

const char *svm_exit_name(uint64_t code)
{
	const struct svm_exit_row *r = find(code);
	return r ? r->name : "UNKNOWN";
}

bool svm_exit_reason(uint64_t code, uint32_t *reason)
{
	const struct svm_exit_row *r = find(code);
	if (r)
		*reason = r->reason;
	return r != NULL;
}

unsigned svm_exit_names_of_reason(uint32_t reason, char *buf, size_t len)
{
	size_t n = sizeof(rows) / sizeof(rows[0]), used = 0;
	unsigned codes = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].code == SVM_EXIT_MSR && (reason == EXIT_REASON_RDMSR || reason == EXIT_REASON_WRMSR)) {
			ksnprintf(buf, len, "MSR 0x%x with EXITINFO1 %d", rows[i].code,
				  reason == EXIT_REASON_WRMSR);
			return 1;
		}
		if (rows[i].reason != reason)
			continue;
		size_t j = i;
		while (j + 1 < n && rows[j + 1].reason == reason && rows[j + 1].code == rows[j].code + 1)
			j++;
		int w = j == i ? ksnprintf(buf + used, len - used, "%s%s 0x%x", used ? ", " : "", rows[i].name, rows[i].code)
			       : ksnprintf(buf + used, len - used, "%s%s..%s 0x%x-0x%x", used ? ", " : "", rows[i].name,
					   rows[j].name, rows[i].code, rows[j].code);
		if (w > 0)
			used = used + (size_t)w < len ? used + (size_t)w : len - 1;
		codes += (unsigned)(j - i + 1);
		i = j;
	}
	return codes;
}
