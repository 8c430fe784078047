/*-------------------------------------------------------------------------
 *
 * unit.h
 *	  A tiny unit-test framework for the pure C numeric core.
 *
 * Each test/test_*.c file is one executable with its own main(). It runs its
 * checks through these macros and finishes with UNIT_DONE(), which prints
 * "<suite>: N passed, N failed" and returns the exit status. The Makefile
 * target `unit` builds and runs every suite and sums the counts.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_TEST_UNIT_H
#define CRM_TEST_UNIT_H

#include <float.h>
#include <math.h>
#include <stdio.h>

static int unit_passed = 0;
static int unit_failed = 0;

/* Records one check; prints the location of a failure. */
#define CHECK(cond) \
	do { \
		if (cond) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } \
	} while (0)

/* Checks |got - want| <= abs_tol + rel_tol * |want|, and that got is finite. */
#define CHECK_CLOSE(got, want, rel_tol, abs_tol) \
	do { \
		double g_ = (got), w_ = (want); \
		if (isfinite(g_) && fabs(g_ - w_) <= (abs_tol) + (rel_tol) * fabs(w_)) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "FAIL %s:%d: %s = %.17g, want %.17g\n", \
					__FILE__, __LINE__, #got, g_, w_); } \
	} while (0)

/* Checks that a value is finite (no NaN, no Inf). */
#define CHECK_FINITE(got) \
	do { \
		double g_ = (got); \
		if (isfinite(g_)) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "FAIL %s:%d: %s = %g is not finite\n", \
					__FILE__, __LINE__, #got, g_); } \
	} while (0)

/*
 * The precision of long double arithmetic here: LDBL_EPSILON, or
 * DBL_EPSILON under valgrind, which runs x87 long double as double. Long
 * double references' own rounding is a multiple of it.
 */
static inline long double
LongDoubleEps(void)
{
	volatile long double one = 1.0L,
				e = LDBL_EPSILON;

	return (one + e > one) ? LDBL_EPSILON : DBL_EPSILON;
}

/* Prints the suite's summary line and yields main()'s exit status. */
#define UNIT_DONE(suite) \
	(printf("%s: %d passed, %d failed\n", (suite), unit_passed, unit_failed), \
	 unit_failed ? 1 : 0)

#endif
