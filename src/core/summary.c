/*-------------------------------------------------------------------------
 *
 * summary.c
 *	  One-pass buy-till-you-die summary accumulator (see summary.h).
 *
 *-------------------------------------------------------------------------
 */
#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY_SLOT INT32_MIN

/* Lists up to this many bytes are edited in place for out-of-order days. */
#define LIST_EDIT_MAX 64

/* Bytes of a LEB128 varint holding v. */
static inline size_t
VarintLen(uint32_t v)
{
	return v < (1u << 7) ? 1 : v < (1u << 14) ? 2 : v < (1u << 21) ? 3 : v < (1u << 28) ? 4 : 5;
}

/* Writes v as a LEB128 varint; returns the byte after it. */
static inline uint8_t *
PutVarint(uint8_t *p, uint32_t v)
{
	while (v >= 0x80)
	{
		*p++ = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t) v;
	return p;
}

/* Reads a LEB128 varint into *v; returns the byte after it. */
static inline const uint8_t *
GetVarint(const uint8_t *p, uint32_t *v)
{
	uint32_t	result = 0;
	int			shift = 0;

	while (*p & 0x80)
	{
		result |= (uint32_t) (*p++ & 0x7f) << shift;
		shift += 7;
	}
	*v = result | ((uint32_t) *p++ << shift);
	return p;
}

/* Bytes of a hash set with room for n days at load factor <= 3/4. */
static inline size_t
HashBytes(int64_t n)
{
	return (size_t) (n + n / 3 + 2) * sizeof(int32_t);
}

/* Slot of a day in a table of nslots (multiplicative hash, then fast range). */
static inline uint32_t
DaySlot(int32_t day, uint32_t nslots)
{
	return (uint32_t) (((uint64_t) ((uint32_t) day * 2654435761u) * nslots) >> 32);
}

/* Inserts a day into a hash set; returns 1 when it was new. */
static int
HashInsert(int32_t *slots, uint32_t nslots, int32_t day)
{
	uint32_t	i = DaySlot(day, nslots);

	while (slots[i] != EMPTY_SLOT)
	{
		if (slots[i] == day)
			return 0;
		if (++i == nslots)
			i = 0;
	}
	slots[i] = day;
	return 1;
}

/*
 * Puts a day into a short list, between or before the listed days. Returns
 * 0 when done (new or known), else the capacity the list would need.
 */
static size_t
ListInsert(crm_summary_acc *acc, size_t cap, int32_t day, int32_t first_day)
{
	uint8_t    *p = acc->data;
	uint8_t    *end = acc->data + acc->used;
	int32_t		prev = first_day;
	uint32_t	gap = 0;
	size_t		oldlen = 0;
	size_t		newlen;

	if (day < first_day)
		newlen = VarintLen((uint32_t) (first_day - day));
	else
	{
		/* find the listed day after `day`: gap runs from prev to it */
		while (p < end)
		{
			const uint8_t *next = GetVarint(p, &gap);

			if (prev + (int32_t) gap == day)
				return 0;
			if (prev + (int32_t) gap > day)
				break;
			prev += (int32_t) gap;
			p = (uint8_t *) next;
		}
		/* the append case (p == end) never gets here: the caller handles it */
		oldlen = VarintLen(gap);
		newlen = VarintLen((uint32_t) (day - prev)) +
			VarintLen((uint32_t) (prev + (int32_t) gap - day));
	}
	if (acc->used + newlen - oldlen > cap)
		return acc->used + newlen - oldlen;
	memmove(p + newlen, p + oldlen, (size_t) (end - p) - oldlen);
	if (day < first_day)
		PutVarint(p, (uint32_t) (first_day - day));
	else
		PutVarint(PutVarint(p, (uint32_t) (day - prev)), (uint32_t) (prev + (int32_t) gap - day));
	acc->used += (uint32_t) (newlen - oldlen);
	acc->ndays++;
	return 0;
}

/* Inserts every day of src into dst's hash set. */
static void
InsertDays(crm_summary_acc *dst, const crm_summary_acc *src)
{
	int32_t    *slots = (int32_t *) dst->data;

	if (src->hashed)
	{
		const int32_t *s = (const int32_t *) src->data;
		uint32_t	i;

		for (i = 0; i < src->used; i++)
			if (s[i] != EMPTY_SLOT)
				dst->ndays += HashInsert(slots, dst->used, s[i]);
	}
	else
	{
		const uint8_t *p = src->data;
		const uint8_t *end = src->data + src->used;
		int32_t		day = crm_summary_day(src->first_time);
		uint32_t	gap;

		dst->ndays += HashInsert(slots, dst->used, day);
		while (p < end)
		{
			p = GetVarint(p, &gap);
			day += (int32_t) gap;
			dst->ndays += HashInsert(slots, dst->used, day);
		}
	}
}

/*
 * Folds another purchase's (or accumulator's) first/last bookkeeping into
 * acc, whose first day (the day of acc->first_time) the caller has at hand.
 */
static void
NoteBounds(crm_summary_acc *acc, int32_t acc_first_day, int64_t first_time,
		   int64_t last_time, crm_money first_day_amount, crm_money total_amount)
{
	int32_t		first_day = crm_summary_day(first_time);

	if (first_day < acc_first_day)
		acc->first_day_amount = first_day_amount;
	else if (first_day == acc_first_day)
		acc->first_day_amount += first_day_amount;
	if (first_time < acc->first_time)
		acc->first_time = first_time;
	if (last_time > acc->last_time)
		acc->last_time = last_time;
	acc->total_amount += total_amount;
}

int
crm_money_from_double(double amount, crm_money *out)
{
	if (!(fabs(amount) < CRM_MONEY_MAX_AMOUNT))	/* also NaN */
		return 0;
	*out = (crm_money) round(amount * CRM_MONEY_UNITS);
	return 1;
}

int32_t
crm_summary_day(int64_t time)
{
	int64_t		day = time / CRM_SUMMARY_DAY_USECS;

	if (time % CRM_SUMMARY_DAY_USECS < 0)
		day--;
	return (int32_t) day;
}

void
crm_summary_acc_init(crm_summary_acc *acc)
{
	memset(acc, 0, sizeof(crm_summary_acc));
}

size_t
crm_summary_acc_add(crm_summary_acc *acc, size_t cap, int64_t time, crm_money amount,
					int *hashed)
{
	int32_t		day = crm_summary_day(time);
	int32_t		first_day;
	int32_t		last_day;

	if (acc->ndays == 0)
	{
		/* the first day is implied by first_time: nothing to store */
		acc->ndays = 1;
		acc->first_time = acc->last_time = time;
		acc->first_day_amount = acc->total_amount = amount;
		return 0;
	}
	first_day = crm_summary_day(acc->first_time);
	last_day = crm_summary_day(acc->last_time);
	if (acc->hashed)
	{
		if (4 * ((int64_t) acc->ndays + 1) > 3 * (int64_t) acc->used)
		{
			*hashed = 1;
			return HashBytes((int64_t) acc->ndays + 1);
		}
		acc->ndays += HashInsert((int32_t *) acc->data, acc->used, day);
	}
	else if (day > last_day)
	{
		uint32_t	gap = (uint32_t) (day - last_day);
		size_t		len = VarintLen(gap);

		if (acc->used + len > cap)
		{
			*hashed = 0;
			return acc->used + len;
		}
		PutVarint(acc->data + acc->used, gap);
		acc->used += (uint32_t) len;
		acc->ndays++;
	}
	else if (day != last_day && day != first_day)
	{
		size_t		need;

		if (acc->used > LIST_EDIT_MAX)
		{
			*hashed = 1;
			return HashBytes((int64_t) acc->ndays + 1);
		}
		need = ListInsert(acc, cap, day, first_day);
		if (need)
		{
			*hashed = 0;
			return need;
		}
	}
	NoteBounds(acc, first_day, time, time, amount, amount);
	return 0;
}

size_t
crm_summary_merge_need(const crm_summary_acc *dst, const crm_summary_acc *src, int *hashed)
{
	*hashed = dst->hashed;
	if (src->ndays == 0)
		return 0;
	if (dst->ndays == 0)
	{
		*hashed = src->hashed;
		return src->hashed ? HashBytes(src->ndays) : src->used;
	}
	if (!dst->hashed && !src->hashed)
	{
		int32_t		dst_first = crm_summary_day(dst->first_time);
		int32_t		dst_last = crm_summary_day(dst->last_time);
		int32_t		src_first = crm_summary_day(src->first_time);
		int32_t		src_last = crm_summary_day(src->last_time);

		if (src_first > dst_last)
			return dst->used + VarintLen((uint32_t) (src_first - dst_last)) + src->used;
		if (src_last < dst_first)
			return src->used + VarintLen((uint32_t) (dst_first - src_last)) + dst->used;
	}
	*hashed = 1;
	return HashBytes((int64_t) dst->ndays + src->ndays);
}

void
crm_summary_acc_merge(crm_summary_acc *dst, size_t cap, const crm_summary_acc *src)
{
	if (src->ndays == 0)
		return;
	if (dst->ndays == 0)
	{
		crm_summary_acc_copy(dst, cap, src, src->hashed);
		return;
	}
	if (!dst->hashed)
	{
		/* two lists over disjoint day ranges (crm_summary_merge_need said so) */
		int32_t		dst_first = crm_summary_day(dst->first_time);
		int32_t		dst_last = crm_summary_day(dst->last_time);
		int32_t		src_first = crm_summary_day(src->first_time);
		int32_t		src_last = crm_summary_day(src->last_time);
		uint8_t    *p;

		if (src_first > dst_last)
		{
			p = PutVarint(dst->data + dst->used, (uint32_t) (src_first - dst_last));
			memcpy(p, src->data, src->used);
			dst->used = (uint32_t) (p - dst->data) + src->used;
		}
		else
		{
			size_t		len = src->used + VarintLen((uint32_t) (dst_first - src_last));

			memmove(dst->data + len, dst->data, dst->used);
			memcpy(dst->data, src->data, src->used);
			PutVarint(dst->data + src->used, (uint32_t) (dst_first - src_last));
			dst->used += (uint32_t) len;
		}
		dst->ndays += src->ndays;
	}
	else
		InsertDays(dst, src);
	NoteBounds(dst, crm_summary_day(dst->first_time), src->first_time, src->last_time,
			   src->first_day_amount, src->total_amount);
}

void
crm_summary_acc_copy(crm_summary_acc *dst, size_t cap, const crm_summary_acc *src, int hashed)
{
	uint32_t	i;

	if (!hashed)
	{
		/* list to list: a hash set never goes back to a list */
		memcpy(dst, src, sizeof(crm_summary_acc) + src->used);
		return;
	}
	*dst = *src;
	dst->ndays = 0;
	dst->hashed = 1;
	dst->used = (uint32_t) (cap / sizeof(int32_t));
	for (i = 0; i < dst->used; i++)
		((int32_t *) dst->data)[i] = EMPTY_SLOT;
	if (src->ndays > 0)
		InsertDays(dst, src);
}

/* qsort order of int32 days. */
static int
CompareDays(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

int32_t
crm_summary_sort_days(int32_t *days, int32_t n)
{
	int32_t		i,
				k = 1;

	if (n <= 1)
		return n;
	for (i = 1; i < n && days[i] > days[i - 1]; i++)
		;
	if (i == n)
		return n;				/* already strictly ascending */
	qsort(days, (size_t) n, sizeof(int32_t), CompareDays);
	for (i = 1; i < n; i++)
		if (days[i] != days[k - 1])
			days[k++] = days[i];
	return k;
}

void
crm_summary_acc_days(const crm_summary_acc *acc, int32_t *days)
{
	int32_t		n = 0;

	if (acc->ndays == 0)
		return;
	if (acc->hashed)
	{
		const int32_t *s = (const int32_t *) acc->data;
		uint32_t	i;

		for (i = 0; i < acc->used; i++)
			if (s[i] != EMPTY_SLOT)
				days[n++] = s[i];
		qsort(days, (size_t) n, sizeof(int32_t), CompareDays);
	}
	else
	{
		const uint8_t *p = acc->data;
		const uint8_t *end = acc->data + acc->used;
		uint32_t	gap;

		days[n++] = crm_summary_day(acc->first_time);
		while (p < end)
		{
			p = GetVarint(p, &gap);
			days[n] = days[n - 1] + (int32_t) gap;
			n++;
		}
	}
}

int64_t
crm_summary_list_need(const int32_t *days, int32_t n)
{
	int64_t		need = 0;
	int32_t		i;

	for (i = 1; i < n; i++)
	{
		if (days[i] <= days[i - 1])
			return -1;
		need += (int64_t) VarintLen((uint32_t) (days[i] - days[i - 1]));
	}
	return need;
}

void
crm_summary_acc_load(crm_summary_acc *acc, const int32_t *days, int32_t n,
					 int64_t first_time, int64_t last_time,
					 crm_money first_day_amount, crm_money total_amount)
{
	uint8_t    *p = acc->data;
	int32_t		i;

	crm_summary_acc_init(acc);
	if (n == 0)
		return;
	for (i = 1; i < n; i++)
		p = PutVarint(p, (uint32_t) (days[i] - days[i - 1]));
	acc->used = (uint32_t) (p - acc->data);
	acc->ndays = n;
	acc->first_time = first_time;
	acc->last_time = last_time;
	acc->first_day_amount = first_day_amount;
	acc->total_amount = total_amount;
}

int
crm_summary_compute(const crm_summary_acc *acc, int32_t as_of_day,
					double unit_days, crm_summary *out)
{
	int32_t		first_day;

	if (acc->ndays == 0)
		return 0;
	first_day = crm_summary_day(acc->first_time);
	out->x = (double) (acc->ndays - 1);
	out->tx = (double) (crm_summary_day(acc->last_time) - first_day) / unit_days;
	out->T = (double) (as_of_day - first_day) / unit_days;
	out->total_amount = (double) acc->total_amount / CRM_MONEY_UNITS;
	out->monetary = acc->ndays > 1 ?
		(double) (acc->total_amount - acc->first_day_amount) / (CRM_MONEY_UNITS * out->x) : 0.0;
	return 1;
}
