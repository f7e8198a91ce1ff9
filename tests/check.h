/* check.h: the hosted unit tests' verdicts: PASS:/FAIL: lines and one "N passed, N failed" line. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

/* CHECK(cond, "what is checked", ...) prints one verdict line per check. */
#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (cond) {                                                     \
			check_passed++;                                         \
			printf("PASS: ");                                       \
		} else {                                                        \
			check_failed++;                                         \
			printf("FAIL: %s:%d: ", __FILE__, __LINE__);            \
		}                                                               \
		printf(__VA_ARGS__);                                            \
		printf("\n");                                                   \
	} while (0)

/* Quiet variant for checks run in large loops: only failures print; one PASS summarises. */
#define CHECK_QUIET(cond, ...)                                                  \
	do {                                                                    \
		if (!(cond)) {                                                  \
			check_failed++;                                         \
			printf("FAIL: %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                    \
			printf("\n");                                           \
		}                                                               \
	} while (0)

static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
