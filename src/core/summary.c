/*-------------------------------------------------------------------------
 *
 * summary.c
 *	  One-pass buy-till-you-die summary accumulator (see summary.h).
 *
 *-------------------------------------------------------------------------
 */
#include "summary.h"

#include <string.h>

/* Multiplicative hash of a day number onto nslots (a power of two). */
static inline uint32_t
DaySlot(int32_t day, int32_t nslots)
{
	return ((uint32_t) day * 2654435761u) & (uint32_t) (nslots - 1);
}

/* Inserts a day into the hash set; returns 1 when it was new. */
static int
InsertDay(crm_summary_acc *acc, int32_t day)
{
	uint32_t	mask = (uint32_t) (acc->nslots - 1);
	uint32_t	i = DaySlot(day, acc->nslots);

	while (acc->slots[i] != CRM_SUMMARY_EMPTY_SLOT)
	{
		if (acc->slots[i] == day)
			return 0;
		i = (i + 1) & mask;
	}
	acc->slots[i] = day;
	acc->ndays++;
	return 1;
}

/* Folds the first/last bookkeeping of one purchase (or one day) into acc. */
static void
NoteBounds(crm_summary_acc *acc, int was_empty, int32_t day, int64_t first_time,
		   int64_t last_time, int32_t last_day, double first_day_amount)
{
	if (was_empty || day < acc->first_day)
	{
		acc->first_day = day;
		acc->first_day_amount = first_day_amount;
	}
	else if (day == acc->first_day)
		acc->first_day_amount += first_day_amount;
	if (was_empty || last_day > acc->last_day)
		acc->last_day = last_day;
	if (was_empty || first_time < acc->first_time)
		acc->first_time = first_time;
	if (was_empty || last_time > acc->last_time)
		acc->last_time = last_time;
}

size_t
crm_summary_acc_size(int32_t nslots)
{
	return sizeof(crm_summary_acc) + (size_t) nslots * sizeof(int32_t);
}

void
crm_summary_acc_init(crm_summary_acc *acc, int32_t nslots)
{
	int32_t		i;

	memset(acc, 0, sizeof(crm_summary_acc));
	acc->nslots = nslots;
	for (i = 0; i < nslots; i++)
		acc->slots[i] = CRM_SUMMARY_EMPTY_SLOT;
}

int32_t
crm_summary_slots_for(int64_t ndays)
{
	int32_t		nslots = CRM_SUMMARY_MIN_SLOTS;

	while ((int64_t) nslots < 2 * ndays + 2)
		nslots *= 2;
	return nslots;
}

int
crm_summary_acc_full(const crm_summary_acc *acc)
{
	return 2 * ((int64_t) acc->ndays + 1) > acc->nslots;
}

void
crm_summary_acc_add(crm_summary_acc *acc, int32_t day, int64_t time, double amount)
{
	int			was_empty = (acc->ndays == 0);

	NoteBounds(acc, was_empty, day, time, time, day, amount);
	acc->total_amount += amount;
	InsertDay(acc, day);
}

void
crm_summary_acc_copy(crm_summary_acc *dst, const crm_summary_acc *src)
{
	int32_t		nslots = dst->nslots;

	crm_summary_acc_init(dst, nslots);
	crm_summary_acc_merge(dst, src);
}

void
crm_summary_acc_merge(crm_summary_acc *dst, const crm_summary_acc *src)
{
	int32_t		i;

	if (src->ndays == 0)
		return;
	NoteBounds(dst, dst->ndays == 0, src->first_day, src->first_time,
			   src->last_time, src->last_day, src->first_day_amount);
	dst->total_amount += src->total_amount;
	for (i = 0; i < src->nslots; i++)
		if (src->slots[i] != CRM_SUMMARY_EMPTY_SLOT)
			InsertDay(dst, src->slots[i]);
}

int
crm_summary_compute(const crm_summary_acc *acc, int32_t as_of_day,
					double unit_days, crm_summary *out)
{
	if (acc->ndays == 0)
		return 0;
	out->x = (double) (acc->ndays - 1);
	out->tx = (double) (acc->last_day - acc->first_day) / unit_days;
	out->T = (double) (as_of_day - acc->first_day) / unit_days;
	out->total_amount = acc->total_amount;
	out->monetary = acc->ndays > 1 ?
		(acc->total_amount - acc->first_day_amount) / out->x : 0.0;
	return 1;
}
