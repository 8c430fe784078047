/*-------------------------------------------------------------------------
 *
 * compress.c
 *	  Pattern compression: identical (x, tx, T) RFM patterns (or (x, m)
 *	  spend patterns) merged into one with their customer counts summed, in
 *	  sorted order, so that fits evaluate each distinct pattern once.
 *
 * Large RFM inputs are sorted by a radix sort on a 64-bit key made of the
 * ranks of x, tx and T among their distinct values (few, for summaries in
 * whole days or weeks) and the pattern's position; inputs whose ranks do
 * not fit the key take a hash merge and an introsort instead. Both give the
 * same order and the same sums.
 *
 *-------------------------------------------------------------------------
 */
#include "btyd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "valueset.h"

/* Inputs of at least this many patterns try the radix sort. */
#define RADIX_MIN 4096
/* Widest radix digit (2^11 counters per pass stay in L1). */
#define RADIX_DIGIT_MAX 11
/* Bits of each value id packed into a key before ranking (3 x 21 <= 64). */
#define ID_BITS 21

/* Orders RFM patterns by x, then tx, then T. */
static int
CmpRfm(const void *pa, const void *pb)
{
	const crm_rfm_pattern *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return (a->x < b->x) ? -1 : 1;
	if (a->tx != b->tx)
		return (a->tx < b->tx) ? -1 : 1;
	if (a->T != b->T)
		return (a->T < b->T) ? -1 : 1;
	return 0;
}

/* Orders spend patterns by x, then m. */
static int
CmpSpend(const void *pa, const void *pb)
{
	const crm_spend_pattern *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return (a->x < b->x) ? -1 : 1;
	if (a->m != b->m)
		return (a->m < b->m) ? -1 : 1;
	return 0;
}

/* True when patterns are already strictly sorted (compressed). */
int
crm_rfm_sorted_distinct(const crm_rfm_pattern *p, size_t n)
{
	size_t		i;

	for (i = 1; i < n; i++)
		if (CmpRfm(&p[i - 1], &p[i]) >= 0)
			return 0;
	return 1;
}

/* Hash of an RFM pattern's (x, tx, T) bits. */
static inline uint64_t
RfmHash(const crm_rfm_pattern *p)
{
	uint64_t	k[3],
				h = UINT64_C(0x9e3779b97f4a7c15);
	int			i;

	memcpy(&k[0], &p->x, 8);
	memcpy(&k[1], &p->tx, 8);
	memcpy(&k[2], &p->T, 8);
	for (i = 0; i < 3; i++)
	{
		h ^= k[i];
		h *= UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
	}
	return h;
}

/*
 * Merges identical patterns into the front of p with a hash table (one pass,
 * first occurrence keeps its place); returns the distinct count, or 0 when
 * the table cannot be allocated (nothing changed then).
 */
static size_t
MergeRfmHashed(crm_rfm_pattern *p, size_t n)
{
	size_t		size = 64,
				mask,
				i,
				k = 0;
	uint32_t   *slots;

	while (size < 2 * n)
		size *= 2;
	if (n >= UINT32_MAX || (slots = crm_big_malloc(sizeof(uint32_t) * size)) == NULL)
		return 0;
	memset(slots, 0xff, sizeof(uint32_t) * size);
	mask = size - 1;
	for (i = 0; i < n; i++)
	{
		size_t		h = (size_t) RfmHash(&p[i]) & mask;

		while (slots[h] != UINT32_MAX && CmpRfm(&p[slots[h]], &p[i]) != 0)
			h = (h + 1) & mask;
		if (slots[h] != UINT32_MAX)
			p[slots[h]].n += p[i].n;
		else
		{
			p[k] = p[i];
			slots[h] = (uint32_t) k++;
		}
	}
	free(slots);
	return k;
}

/* Merges identical RFM patterns in place without sorting (see btyd.h). */
size_t
crm_merge_rfm(crm_rfm_pattern *p, size_t n)
{
	size_t		m = n > 1 ? MergeRfmHashed(p, n) : n;

	return m > 0 ? m : n;
}

/* Strict (x, tx, T) order for the sort (CmpRfm inlined). */
static inline int
RfmBefore(const crm_rfm_pattern *a, const crm_rfm_pattern *b)
{
	return CmpRfm(a, b) < 0;
}

/* Swaps two patterns. */
static inline void
SwapRfm(crm_rfm_pattern *a, crm_rfm_pattern *b)
{
	crm_rfm_pattern t = *a;

	*a = *b;
	*b = t;
}

/* Restores the max-heap property below node i of p[0..n). */
static void
SiftRfm(crm_rfm_pattern *p, size_t i, size_t n)
{
	for (;;)
	{
		size_t		c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && RfmBefore(&p[c], &p[c + 1]))
			c++;
		if (!RfmBefore(&p[i], &p[c]))
			return;
		SwapRfm(&p[i], &p[c]);
		i = c;
	}
}

/*
 * In-place introsort by (x, tx, T): quicksort with median-of-three pivots,
 * insertion sort for short runs, heapsort when the depth budget runs out.
 * No allocation (glibc's qsort mallocs a copy of the array and merge sorts).
 */
static void
SortRfm(crm_rfm_pattern *p, size_t n, int depth)
{
	while (n > 16)
	{
		size_t		i,
					j,
					mid = n / 2;
		crm_rfm_pattern pivot;

		if (depth-- <= 0)
		{
			for (i = n / 2; i-- > 0;)
				SiftRfm(p, i, n);
			for (i = n - 1; i > 0; i--)
			{
				SwapRfm(&p[0], &p[i]);
				SiftRfm(p, 0, i);
			}
			return;
		}
		if (RfmBefore(&p[mid], &p[0]))
			SwapRfm(&p[mid], &p[0]);
		if (RfmBefore(&p[n - 1], &p[0]))
			SwapRfm(&p[n - 1], &p[0]);
		if (RfmBefore(&p[n - 1], &p[mid]))
			SwapRfm(&p[n - 1], &p[mid]);
		pivot = p[mid];
		/* Hoare partition: p[0..j] <= pivot <= p[j+1..n) */
		i = 0;
		j = n - 1;
		for (;;)
		{
			while (RfmBefore(&p[i], &pivot))
				i++;
			while (RfmBefore(&pivot, &p[j]))
				j--;
			if (i >= j)
				break;
			SwapRfm(&p[i], &p[j]);
			i++;
			j--;
		}
		/* recurse into the smaller part, loop on the larger */
		if (j + 1 < n - j - 1)
		{
			SortRfm(p, j + 1, depth);
			p += j + 1;
			n -= j + 1;
		}
		else
		{
			SortRfm(p + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++)
	{
		crm_rfm_pattern v = p[i];
		size_t		j = i;

		while (j > 0 && RfmBefore(&v, &p[j - 1]))
		{
			p[j] = p[j - 1];
			j--;
		}
		p[j] = v;
	}
}

/* A value and its id in a crm_value_set (to rank the distinct values). */
typedef struct RankedValue
{
	double		v;
	uint32_t	id;
} RankedValue;

/* Bits needed for the numbers 0 .. count - 1. */
static int
BitsFor(size_t count)
{
	int			b = 0;

	while (b < 64 && ((size_t) 1 << b) < count)
		b++;
	return b;
}

/* Orders ranked values by value. */
static int
CmpRankedValue(const void *pa, const void *pb)
{
	const RankedValue *a = pa,
			   *b = pb;

	return (a->v > b->v) - (a->v < b->v);
}

/* rank[id] = position of vs->val[id] among the sorted distinct values; -1 when out of memory. */
static int
RankValues(const crm_value_set *vs, uint32_t *rank)
{
	RankedValue *rv = malloc(sizeof(RankedValue) * (vs->n + 1));
	size_t		j;

	if (rv == NULL)
		return -1;
	for (j = 0; j < vs->n; j++)
	{
		rv[j].v = vs->val[j];
		rv[j].id = (uint32_t) j;
	}
	qsort(rv, vs->n, sizeof(RankedValue), CmpRankedValue);
	for (j = 0; j < vs->n; j++)
		rank[rv[j].id] = (uint32_t) j;
	free(rv);
	return 0;
}

/*
 * Stable LSD radix sort of key[0..n) by its bits [lo, lo + width): one
 * counting pass for every digit, then one scatter per digit that is not the
 * same in every key. tmp has room for n keys. Returns the sorted array (key
 * or tmp), or NULL when out of memory.
 */
static uint64_t *
RadixSort(uint64_t *key, uint64_t *tmp, size_t n, int lo, int width)
{
	int			passes = (width + RADIX_DIGIT_MAX - 1) / RADIX_DIGIT_MAX,
				digit,
				d;
	size_t		buckets,
				i;
	size_t	   *count;

	if (width == 0)
		return key;
	digit = (width + passes - 1) / passes;
	buckets = (size_t) 1 << digit;
	count = calloc((size_t) passes * buckets, sizeof(size_t));
	if (count == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		for (d = 0; d < passes; d++)
			count[d * buckets + ((key[i] >> (lo + d * digit)) & (buckets - 1))]++;
	for (d = 0; d < passes; d++)
	{
		size_t	   *c = count + d * buckets,
					sum = 0,
					b;
		int			shift = lo + d * digit;
		uint64_t   *swap;

		for (b = 0; b < buckets; b++)
		{
			size_t		cb = c[b];

			if (cb == n)
				break;			/* every key has this digit: the pass would copy */
			c[b] = sum;
			sum += cb;
		}
		if (b < buckets)
			continue;
		for (i = 0; i < n; i++)
			tmp[c[(key[i] >> shift) & (buckets - 1)]++] = key[i];
		swap = key;
		key = tmp;
		tmp = swap;
	}
	free(count);
	return key;
}

/*
 * crm_compress_rfm by ranks: key = (rank x, rank tx, rank T, position),
 * radix sorted; equal ranks merge, their counts summed in input order, and
 * the values are read back from the sorted distinct values (-0 becomes 0).
 * Scratch: two arrays of n keys. Returns the distinct count, or 0 (p
 * unchanged) when a value is NaN, a coordinate has more than 2^21 distinct
 * values, the key needs more than 64 bits, or memory runs out.
 */
static size_t
CompressRfmRadix(crm_rfm_pattern *p, size_t n)
{
	crm_value_set vs[3];
	uint32_t   *rank[3] = {NULL, NULL, NULL};
	double	   *sorted_val[3] = {NULL, NULL, NULL};
	uint64_t   *key = NULL,
			   *tmp = NULL,
			   *sorted;
	double	   *wsum;
	const uint64_t id_mask = (UINT64_C(1) << ID_BITS) - 1;
	int			ibits = BitsFor(n),
				bits[3],
				c;
	size_t		i,
				j,
				k = 0;

	memset(vs, 0, sizeof(vs));
	if (n >= UINT32_MAX)
		return 0;
	key = crm_big_malloc(sizeof(uint64_t) * n);
	tmp = crm_big_malloc(sizeof(uint64_t) * n);
	if (key == NULL || tmp == NULL)
		goto done;
	for (c = 0; c < 3; c++)
		if (crm_value_set_init(&vs[c], 8) != 0)
			goto done;
	/* pass 1: the three value ids of each pattern, packed into its key */
	for (i = 0; i < n; i++)
	{
		const double v[3] = {p[i].x, p[i].tx, p[i].T};
		uint64_t	ids = 0;

		for (c = 0; c < 3; c++)
		{
			uint32_t	id;

			if (v[c] != v[c] || (id = crm_value_set_intern(&vs[c], v[c])) > id_mask)
				goto done;
			ids = (ids << ID_BITS) | id;
		}
		key[i] = ids;
		/* give up early when the ranks already cannot fit the key */
		if ((i & 0xffff) == 0xffff &&
			BitsFor(vs[0].n) + BitsFor(vs[1].n) + BitsFor(vs[2].n) + ibits > 64)
			goto done;
	}
	for (c = 0; c < 3; c++)
		bits[c] = BitsFor(vs[c].n);
	if (bits[0] + bits[1] + bits[2] + ibits > 64)
		goto done;
	for (c = 0; c < 3; c++)
	{
		rank[c] = malloc(sizeof(uint32_t) * vs[c].n);
		sorted_val[c] = malloc(sizeof(double) * vs[c].n);
		if (rank[c] == NULL || sorted_val[c] == NULL || RankValues(&vs[c], rank[c]) != 0)
			goto done;
		for (j = 0; j < vs[c].n; j++)
			sorted_val[c][rank[c][j]] = vs[c].val[j];
	}
	/* pass 2: ids -> ranks, then the position below them */
	for (i = 0; i < n; i++)
	{
		uint64_t	ids = key[i];
		uint64_t	r = rank[0][ids >> (2 * ID_BITS)];

		r = (r << bits[1]) | rank[1][(ids >> ID_BITS) & id_mask];
		r = (r << bits[2]) | rank[2][ids & id_mask];
		key[i] = (r << ibits) | i;
	}
	if ((sorted = RadixSort(key, tmp, n, ibits, bits[0] + bits[1] + bits[2])) == NULL)
		goto done;
	/* the other buffer is free now: the summed counts of the distinct patterns */
	wsum = (double *) (sorted == key ? tmp : key);
	for (i = 0; i < n; i++)
	{
		uint64_t	ranks = sorted[i] >> ibits;
		double		w = p[sorted[i] & ((UINT64_C(1) << ibits) - 1)].n;

		if (k > 0 && ranks == sorted[k - 1])
			wsum[k - 1] += w;
		else
		{
			wsum[k] = w;
			sorted[k++] = ranks;	/* in place: k <= i */
		}
	}
	for (j = 0; j < k; j++)
	{
		uint64_t	r = sorted[j];

		p[j].T = sorted_val[2][r & ((UINT64_C(1) << bits[2]) - 1)];
		r >>= bits[2];
		p[j].tx = sorted_val[1][r & ((UINT64_C(1) << bits[1]) - 1)];
		p[j].x = sorted_val[0][r >> bits[1]];
		p[j].n = wsum[j];
	}
done:
	for (c = 0; c < 3; c++)
	{
		crm_value_set_free(&vs[c]);
		free(rank[c]);
		free(sorted_val[c]);
	}
	free(key);
	free(tmp);
	return k;
}

/* Sorts and merges identical RFM patterns. */
size_t
crm_compress_rfm(crm_rfm_pattern *p, size_t n)
{
	size_t		i,
				k = 0;
	int			depth = 0;

	if (n == 0)
		return 0;
	/* large inputs: rank-key radix sort when the ranks fit 64 bits */
	if (n >= RADIX_MIN && (k = CompressRfmRadix(p, n)) > 0)
		return k;
	/* else merge duplicates first, then sort only the distinct ones */
	if (n > 1024)
		n = crm_merge_rfm(p, n);
	for (i = n; i > 1; i >>= 1)
		depth += 2;
	SortRfm(p, n, depth);
	for (i = 1; i < n; i++)
	{
		if (CmpRfm(&p[i], &p[k]) == 0)
			p[k].n += p[i].n;
		else
			p[++k] = p[i];
	}
	return k + 1;
}

/* Sorts and merges identical spend patterns. */
size_t
crm_compress_spend(crm_spend_pattern *p, size_t n)
{
	size_t		i,
				k = 0;

	if (n == 0)
		return 0;
	qsort(p, n, sizeof(*p), CmpSpend);
	for (i = 1; i < n; i++)
	{
		if (CmpSpend(&p[i], &p[k]) == 0)
			p[k].n += p[i].n;
		else
			p[++k] = p[i];
	}
	return k + 1;
}
