/*-------------------------------------------------------------------------
 *
 * valueset.c
 *	  Distinct doubles interned to dense ids (see valueset.h).
 *
 *-------------------------------------------------------------------------
 */
#include "valueset.h"

#include <stdlib.h>

/* An empty set of 2^log2size slots; -1 when out of memory (free it anyway). */
int
crm_value_set_init(crm_value_set *vs, int log2size)
{
	size_t		size = (size_t) 1 << log2size;

	memset(vs, 0, sizeof(*vs));
	vs->val = malloc(sizeof(double) * (size / 2));
	vs->slot = malloc(sizeof(uint32_t) * size);
	if (vs->val == NULL || vs->slot == NULL)
		return -1;
	memset(vs->slot, 0xff, sizeof(uint32_t) * size);
	vs->mask = size - 1;
	vs->shift = 64 - log2size;
	return 0;
}

/* Frees the set's arrays (safe on a zeroed set). */
void
crm_value_set_free(crm_value_set *vs)
{
	free(vs->val);
	free(vs->slot);
	memset(vs, 0, sizeof(*vs));
}

/* Doubles the table and re-inserts every id; -1 when out of memory (vs unchanged). */
int
crm_value_set_grow(crm_value_set *vs)
{
	crm_value_set big;
	size_t		j,
				h;

	if (crm_value_set_init(&big, 64 - vs->shift + 1) != 0)
	{
		crm_value_set_free(&big);
		return -1;
	}
	memcpy(big.val, vs->val, sizeof(double) * vs->n);
	big.n = vs->n;
	for (j = 0; j < big.n; j++)
	{
		for (h = crm_value_slot(big.val[j], big.shift); big.slot[h] != UINT32_MAX; h = (h + 1) & big.mask)
			;
		big.slot[h] = (uint32_t) j;
	}
	crm_value_set_free(vs);
	*vs = big;
	return 0;
}
