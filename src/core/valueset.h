/*-------------------------------------------------------------------------
 *
 * valueset.h
 *	  Distinct doubles interned to dense ids (0, 1, 2, ... in order of first
 *	  use): an open-addressing set on the values' bits, grown to keep its
 *	  load at most 1/2. Used to rank pattern values (compress.c) and to share
 *	  per-time work across patterns (bgnbd.c, pnbd.c).
 *
 * Pure C, no PostgreSQL headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_VALUESET_H
#define CRM_CORE_VALUESET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct crm_value_set
{
	double	   *val;			/* [(mask + 1) / 2] distinct values, id order */
	uint32_t   *slot;			/* [mask + 1] id, or UINT32_MAX when empty */
	size_t		mask;
	int			shift;			/* 64 - log2(mask + 1) */
	size_t		n;				/* distinct values */
} crm_value_set;

/*
 * Slot of v's bits in a table of 2^(64 - shift) slots (Fibonacci hashing:
 * the product's top bits).
 */
static inline size_t
crm_value_slot(double v, int shift)
{
	uint64_t	bits;

	memcpy(&bits, &v, sizeof(bits));
	return (size_t) ((bits * UINT64_C(0x9e3779b97f4a7c15)) >> shift);
}

/* An empty set of 2^log2size slots; -1 when out of memory (free it anyway). */
int			crm_value_set_init(crm_value_set *vs, int log2size);

/* Frees the set's arrays (safe on a zeroed set). */
void		crm_value_set_free(crm_value_set *vs);

/* Doubles the table and re-inserts every id; -1 when out of memory (vs unchanged). */
int			crm_value_set_grow(crm_value_set *vs);

/*
 * Id of v (not NaN; -0 counts as 0) in vs, added when new; UINT32_MAX when
 * out of memory.
 */
static inline uint32_t
crm_value_set_intern(crm_value_set *vs, double v)
{
	size_t		h;
	uint32_t	s;

	v += 0.0;					/* -0 + 0 = +0: one bit pattern per value */
	for (h = crm_value_slot(v, vs->shift); (s = vs->slot[h]) != UINT32_MAX; h = (h + 1) & vs->mask)
		if (vs->val[s] == v)
			return s;
	if (2 * (vs->n + 1) > vs->mask + 1)
	{
		if (crm_value_set_grow(vs) != 0)
			return UINT32_MAX;
		for (h = crm_value_slot(v, vs->shift); vs->slot[h] != UINT32_MAX; h = (h + 1) & vs->mask)
			;
	}
	vs->val[vs->n] = v;
	vs->slot[h] = (uint32_t) vs->n;
	return (uint32_t) vs->n++;
}

#endif							/* CRM_CORE_VALUESET_H */
