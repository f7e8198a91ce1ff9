/* svm_exits.c: lookups in the SVM exit-code table (names, and the exit reason each code counts as). */
#include <stddef.h>

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

static const struct svm_exit_row *find(uint64_t code)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].code == (uint32_t)code && (code >> 32 == 0 || code >> 32 == 0xffffffffu))
			return &rows[i];
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

const char *svm_exit_name_of_reason(uint32_t reason)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].reason == reason)
			return rows[i].name;
	return NULL;
}
