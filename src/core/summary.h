/*-------------------------------------------------------------------------
 *
 * summary.h
 *	  One-pass buy-till-you-die summary of a customer's purchases:
 *	  frequency x, recency t_x, age T and mean repeat spend.
 *
 * The accumulator is a flat block (no pointers) so the PostgreSQL glue can
 * keep it inside a varlena aggregate state and ship it between parallel
 * workers. Purchases are merged per day: a hash set of day numbers counts
 * distinct purchase days whatever order the rows arrive in.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_SUMMARY_H
#define CRM_CORE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#define CRM_SUMMARY_EMPTY_SLOT INT32_MIN
#define CRM_SUMMARY_MIN_SLOTS 8

typedef struct crm_summary_acc
{
	int32_t		ndays;			/* distinct purchase days seen */
	int32_t		nslots;			/* hash slots, a power of two */
	int32_t		first_day;		/* earliest purchase day */
	int32_t		last_day;		/* latest purchase day */
	int64_t		first_time;		/* earliest purchase, caller's time unit */
	int64_t		last_time;		/* latest purchase, caller's time unit */
	double		first_day_amount;	/* amount spent on first_day */
	double		total_amount;	/* amount spent on all days */
	int32_t		slots[];		/* day numbers, CRM_SUMMARY_EMPTY_SLOT = free */
} crm_summary_acc;

typedef struct crm_summary
{
	double		x;				/* distinct purchase days - 1 */
	double		tx;				/* (last_day - first_day) / unit_days */
	double		T;				/* (as_of_day - first_day) / unit_days */
	double		monetary;		/* mean spend per repeat day (0 when x = 0) */
	double		total_amount;	/* spend over all days, first included */
} crm_summary;

/* Bytes needed for an accumulator with nslots slots. */
size_t		crm_summary_acc_size(int32_t nslots);

/* Initialises an empty accumulator with nslots slots (a power of two >= 8). */
void		crm_summary_acc_init(crm_summary_acc *acc, int32_t nslots);

/* Slots needed so that `ndays` days keep the load factor at most 1/2. */
int32_t		crm_summary_slots_for(int64_t ndays);

/* True when one more distinct day could exceed the load factor. */
int			crm_summary_acc_full(const crm_summary_acc *acc);

/* Adds one purchase; the caller ensures !crm_summary_acc_full() first. */
void		crm_summary_acc_add(crm_summary_acc *acc, int32_t day, int64_t time, double amount);

/* Copies src into dst, which was initialised with at least as many slots. */
void		crm_summary_acc_copy(crm_summary_acc *dst, const crm_summary_acc *src);

/* Merges src into dst; dst must have crm_summary_slots_for(dst->ndays + src->ndays) slots. */
void		crm_summary_acc_merge(crm_summary_acc *dst, const crm_summary_acc *src);

/* Computes the summary as of `as_of_day` in units of `unit_days`; 0 if empty. */
int			crm_summary_compute(const crm_summary_acc *acc, int32_t as_of_day,
								double unit_days, crm_summary *out);

#endif
