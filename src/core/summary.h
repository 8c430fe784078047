/*-------------------------------------------------------------------------
 *
 * summary.h
 *	  One-pass buy-till-you-die summary of a customer's purchases:
 *	  frequency x, recency t_x, age T and mean repeat spend.
 *
 * The accumulator is a flat block (no pointers) so the PostgreSQL glue can
 * keep it inside a varlena aggregate state and ship it between parallel
 * workers. Times are microseconds since an epoch; a purchase's day is
 * floor(time / 86400e6). Distinct purchase days are kept in one of two
 * forms, in the caller's buffer of `cap` bytes after the header:
 *
 *	list: the gaps between consecutive days, ascending, as LEB128 varints
 *		  (most gaps take one or two bytes). Purchases usually arrive in time
 *		  order, so a new day is an append and the state stays small.
 *	hash: an open-addressing set of int32 days, used once a purchase
 *		  arrives out of order for a customer with more than a few days.
 *
 * When the buffer is too small the accumulator is left unchanged and the
 * caller copies it into a bigger one (crm_summary_acc_copy) and retries.
 *
 * Amounts are exact integers of 10^-4 (crm_money), so a summary does not
 * depend on the order in which purchases or partial states arrive.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_SUMMARY_H
#define CRM_CORE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#define CRM_SUMMARY_DAY_USECS INT64_C(86400000000)

/* Money as an exact integer of 10^-4, 8-byte aligned like PostgreSQL's int128. */
__extension__ typedef __int128 crm_money __attribute__((aligned(8)));

#define CRM_MONEY_UNITS 10000	/* crm_money units per currency unit */
#define CRM_MONEY_MAX_AMOUNT 1e18	/* largest |amount| of one purchase */

typedef struct crm_summary_acc
{
	int32_t		ndays;			/* distinct purchase days seen */
	uint32_t	used:31;		/* list: bytes of data[] in use */
	uint32_t	hashed:1;		/* 0 = list of day gaps, 1 = hash set of days */
	int64_t		first_time;		/* earliest purchase, microseconds */
	int64_t		last_time;		/* latest purchase, microseconds */
	crm_money	first_day_amount;	/* amount spent on the first day */
	crm_money	total_amount;	/* amount spent on all days */
	uint8_t		data[];			/* list or hash, see above */
} crm_summary_acc;

typedef struct crm_summary
{
	double		x;				/* distinct purchase days - 1 */
	double		tx;				/* (last_day - first_day) / unit_days */
	double		T;				/* (as_of_day - first_day) / unit_days */
	double		monetary;		/* mean spend per repeat day (0 when x = 0) */
	double		total_amount;	/* spend over all days, first included */
} crm_summary;

/*
 * One purchase's amount as crm_money: amount * 10^4 rounded half away from
 * zero (the product is rounded first, so 0.00045 gives 5, and 0.00015,
 * held as 0.000149999..., gives 1). 0 when it is not finite or
 * CRM_MONEY_MAX_AMOUNT or more in magnitude.
 */
int			crm_money_from_double(double amount, crm_money *out);

/* The day of a time in microseconds (floor division). */
int32_t		crm_summary_day(int64_t time);

/* Initialises an empty accumulator (list form). */
void		crm_summary_acc_init(crm_summary_acc *acc);

/*
 * Adds one purchase. Returns 0 when done. Otherwise acc is unchanged and the
 * result is the data[] capacity a grown copy needs; *hashed says which form
 * that copy must take.
 */
size_t		crm_summary_acc_add(crm_summary_acc *acc, size_t cap, int64_t time,
								crm_money amount, int *hashed);

/* Capacity and form dst needs before crm_summary_acc_merge(dst, src). */
size_t		crm_summary_merge_need(const crm_summary_acc *dst, const crm_summary_acc *src,
								   int *hashed);

/* Merges src into dst, which has the capacity and form merge_need asked for. */
void		crm_summary_acc_merge(crm_summary_acc *dst, size_t cap, const crm_summary_acc *src);

/* Copies src into dst (cap bytes), in list form or as a hash set. */
void		crm_summary_acc_copy(crm_summary_acc *dst, size_t cap, const crm_summary_acc *src,
								 int hashed);

/* Writes the distinct days ascending into days[ndays] (scratch for hashes). */
void		crm_summary_acc_days(const crm_summary_acc *acc, int32_t *days);

/* Sorts days[n] ascending and drops repeats in place; returns how many remain. */
int32_t		crm_summary_sort_days(int32_t *days, int32_t n);

/* List capacity for strictly ascending days[n]; -1 if not strictly ascending. */
int64_t		crm_summary_list_need(const int32_t *days, int32_t n);

/* Sets acc to the strictly ascending days[n] and the given totals (list form). */
void		crm_summary_acc_load(crm_summary_acc *acc, const int32_t *days, int32_t n,
								 int64_t first_time, int64_t last_time,
								 crm_money first_day_amount, crm_money total_amount);

/* Computes the summary as of `as_of_day` in units of `unit_days`; 0 if empty. */
int			crm_summary_compute(const crm_summary_acc *acc, int32_t as_of_day,
								double unit_days, crm_summary *out);

#endif
