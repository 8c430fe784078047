/*-------------------------------------------------------------------------
 *
 * pattern_ref.h
 *	  Reference pattern compression for the tests and the fuzzer: qsort by
 *	  (x, tx, T), then equal neighbours merged with their counts summed.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_TEST_PATTERN_REF_H
#define CRM_TEST_PATTERN_REF_H

#include <stdlib.h>

#include "btyd.h"

/* Orders RFM patterns by x, then tx, then T. */
static inline int
CmpPattern(const void *pa, const void *pb)
{
	const crm_rfm_pattern *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return (a->x < b->x) ? -1 : 1;
	if (a->tx != b->tx)
		return (a->tx < b->tx) ? -1 : 1;
	return (a->T > b->T) - (a->T < b->T);
}

/* Sorts q[0..n) and merges equal patterns (counts summed); returns how many remain. */
static inline size_t
RefCompress(crm_rfm_pattern *q, size_t n)
{
	size_t		m = 1,
				i;

	if (n == 0)
		return 0;
	qsort(q, n, sizeof(*q), CmpPattern);
	for (i = 1; i < n; i++)
	{
		if (CmpPattern(&q[m - 1], &q[i]) != 0)
			q[m++] = q[i];
		else
			q[m - 1].n += q[i].n;
	}
	return m;
}

#endif							/* CRM_TEST_PATTERN_REF_H */
