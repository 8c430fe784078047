/*-------------------------------------------------------------------------
 *
 * test_summary.c
 *	  The BTYD summary accumulator against a brute-force computation:
 *	  random purchases in random order, split across partial states and
 *	  merged (as parallel workers do), must give the same x, t_x, T, spend.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "unit.h"

#define MAXP 3000

/* Small deterministic LCG so this suite does not depend on rng.c. */
static uint64_t lcg_state = 12345;
static uint32_t
NextRand(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t) (lcg_state >> 33);
}

/* An accumulator with its data[] capacity, as the glue keeps it. */
typedef struct Acc
{
	crm_summary_acc *acc;
	size_t		cap;
} Acc;

/* Allocates an empty accumulator with cap bytes of data[]. */
static Acc
NewAcc(size_t cap)
{
	Acc			a;

	a.cap = cap;
	a.acc = malloc(sizeof(crm_summary_acc) + cap);
	crm_summary_acc_init(a.acc);
	return a;
}

/* Replaces a by a copy with at least `need` bytes (doubling), in the given form. */
static void
Grow(Acc *a, size_t need, int hashed)
{
	Acc			b = NewAcc(need > 2 * a->cap ? need : 2 * a->cap);

	crm_summary_acc_copy(b.acc, b.cap, a->acc, hashed);
	free(a->acc);
	*a = b;
}

/* Adds a purchase at `time`, growing the accumulator as asked. */
static void
AddGrowing(Acc *a, int64_t time, double amount)
{
	size_t		need;
	int			hashed;
	crm_money	m = 0;

	CHECK(crm_money_from_double(amount, &m));
	while ((need = crm_summary_acc_add(a->acc, a->cap, time, m, &hashed)) != 0)
		Grow(a, need, hashed);
}

/* Merges src into dst, growing dst as asked. */
static void
MergeGrowing(Acc *dst, const Acc *src)
{
	int			hashed;
	size_t		need = crm_summary_merge_need(dst->acc, src->acc, &hashed);

	if (need > dst->cap || (hashed && !dst->acc->hashed))
		Grow(dst, need, hashed);
	crm_summary_acc_merge(dst->acc, dst->cap, src->acc);
}

/* Checks that the days of acc, ascending, survive a reload into a list. */
static void
CheckReload(const crm_summary_acc *acc, int32_t as_of, double unit)
{
	int32_t    *days = malloc(sizeof(int32_t) * (size_t) (acc->ndays + 1));
	int64_t		need;
	Acc			back;
	crm_summary s1, s2;

	crm_summary_acc_days(acc, days);
	need = crm_summary_list_need(days, acc->ndays);
	CHECK(need >= 0);
	back = NewAcc((size_t) need);
	crm_summary_acc_load(back.acc, days, acc->ndays, acc->first_time, acc->last_time,
						 acc->first_day_amount, acc->total_amount);
	CHECK(crm_summary_compute(back.acc, as_of, unit, &s2) == crm_summary_compute(acc, as_of, unit, &s1));
	if (acc->ndays > 0)
	{
		CHECK(days[0] == crm_summary_day(acc->first_time));
		CHECK(days[acc->ndays - 1] == crm_summary_day(acc->last_time));
		CHECK(memcmp(&s1, &s2, sizeof(s1)) == 0);
	}
	free(days);
	free(back.acc);
}

/*
 * Brute force: sort days, merge duplicates, compute the summary directly.
 * Amounts are whole cents, summed as integers, so the money is exact.
 */
static void
BruteForce(const int32_t *day, const int64_t *cents, int n, int32_t as_of,
		   double unit, crm_summary *out, int *nonempty)
{
	int			i, j, distinct = 0;
	int32_t		first = 0, last = 0;
	int64_t		first_amt = 0, total = 0;

	*nonempty = 0;
	for (i = 0; i < n; i++)
	{
		if (!*nonempty || day[i] < first)
			first = day[i];
		if (!*nonempty || day[i] > last)
			last = day[i];
		*nonempty = 1;
		total += cents[i];
	}
	for (i = 0; i < n; i++)
	{
		int			seen = 0;

		if (day[i] == first)
			first_amt += cents[i];
		for (j = 0; j < i; j++)
			if (day[j] == day[i])
				seen = 1;
		distinct += !seen;
	}
	out->x = distinct - 1;
	out->tx = (last - first) / unit;
	out->T = (as_of - first) / unit;
	out->total_amount = (double) (total * 100) / CRM_MONEY_UNITS;
	out->monetary = distinct > 1 ?
		(double) ((total - first_amt) * 100) / ((double) CRM_MONEY_UNITS * (distinct - 1)) : 0;
}

/* A time on `day`, `usecs` into it. */
static int64_t
TimeOn(int32_t day, int64_t usecs)
{
	return (int64_t) day * CRM_SUMMARY_DAY_USECS + usecs;
}

/* Random permutation helpers for the arrival order of purchases. */
static int
CompareByTime(const void *a, const void *b, const int64_t *time)
{
	int64_t		x = time[*(const int *) a];
	int64_t		y = time[*(const int *) b];

	return (x > y) - (x < y);
}

static const int64_t *sort_times;

static int
CompareIndex(const void *a, const void *b)
{
	return CompareByTime(a, b, sort_times);
}

int
main(void)
{
	static int32_t day[MAXP];
	static int64_t time[MAXP];
	static double amt[MAXP];
	static int64_t cents[MAXP];
	static int	order[MAXP];
	int			trial;

	for (trial = 0; trial < 800; trial++)
	{
		int			n = 1 + NextRand() % (trial < 600 ? 40 : MAXP);
		int			span = 1 + NextRand() % (trial % 3 == 0 ? 5 : 2000);
		int			parts = 1 + NextRand() % 4;
		int32_t		base = (trial % 2) ? 20000 : -1500;	/* days before 2000 are negative */
		int32_t		as_of = base + span;
		double		unit = (trial % 3 == 0) ? 1.0 : (trial % 3 == 1 ? 7.0 : 30.4375);
		int			arrival = trial % 4;	/* ascending, descending, random, nearly ascending */
		int			by_range = (trial % 5 == 0);	/* each part a time range, as block ranges */
		Acc			part[4];
		Acc			total;
		Acc			serial;
		crm_summary again;
		crm_summary got, want;
		int64_t		first_time = 0, last_time = 0;
		int			i, nonempty;

		for (i = 0; i < n; i++)
		{
			day[i] = base + (int32_t) (NextRand() % span);
			time[i] = TimeOn(day[i], (int64_t) (NextRand() % 86400) * 1000000);
			cents[i] = (int64_t) (NextRand() % 100000);
			amt[i] = cents[i] / 100.0;	/* mostly not a binary fraction */
			order[i] = i;
			if (i == 0 || time[i] < first_time)
				first_time = time[i];
			if (i == 0 || time[i] > last_time)
				last_time = time[i];
		}
		if (arrival != 2)
		{
			sort_times = time;
			qsort(order, (size_t) n, sizeof(int), CompareIndex);
		}
		if (arrival == 1)
			for (i = 0; i < n / 2; i++)
			{
				int			t = order[i];

				order[i] = order[n - 1 - i];
				order[n - 1 - i] = t;
			}
		if (arrival == 2 || arrival == 3)
			for (i = 0; i < (arrival == 2 ? n : 1 + n / 20); i++)
			{
				int			j = NextRand() % n;
				int			k = (arrival == 2) ? (int) (NextRand() % n) : (j + 1 < n ? j + 1 : j);
				int			t = order[j];

				order[j] = order[k];
				order[k] = t;
			}
		for (i = 0; i < parts; i++)
			part[i] = NewAcc(16);	/* smaller than the glue's 64 bytes: more growth */
		for (i = 0; i < n; i++)
		{
			int			k = by_range ? (int) ((int64_t) i * parts / n) : (int) (NextRand() % parts);

			AddGrowing(&part[k], time[order[i]], amt[order[i]]);
		}
		total = NewAcc(16);
		for (i = 0; i < parts; i++)
		{
			/* merge the parts in a scrambled order */
			int			k = (i + trial) % parts;

			MergeGrowing(&total, &part[k]);
			free(part[k].acc);
		}
		BruteForce(day, cents, n, as_of, unit, &want, &nonempty);
		CHECK(crm_summary_compute(total.acc, as_of, unit, &got) == nonempty);
		CHECK_CLOSE(got.x, want.x, 0, 0);
		CHECK_CLOSE(got.tx, want.tx, 1e-12, 0);
		CHECK_CLOSE(got.T, want.T, 1e-12, 0);
		/* exact money: the same bits as the integer brute force */
		CHECK(got.monetary == want.monetary);
		CHECK(got.total_amount == want.total_amount);
		/* any order of rows and merges gives the same bits (here: one part, reversed) */
		serial = NewAcc(16);
		for (i = n - 1; i >= 0; i--)
			AddGrowing(&serial, time[i], amt[i]);
		CHECK(crm_summary_compute(serial.acc, as_of, unit, &again) == nonempty);
		CHECK(memcmp(&got, &again, sizeof(got)) == 0);
		free(serial.acc);
		CHECK(total.acc->first_time == first_time);
		CHECK(total.acc->last_time == last_time);
		/* in time order a customer's days stay a compact list */
		if (arrival == 0 && parts == 1)
			CHECK(!total.acc->hashed);
		CheckReload(total.acc, as_of, unit);
		free(total.acc);
	}

	/* Empty accumulator: no summary; merging it changes nothing. */
	{
		Acc			acc = NewAcc(16);
		Acc			other = NewAcc(16);
		crm_summary	s;

		CHECK(crm_summary_compute(acc.acc, 10, 1.0, &s) == 0);
		AddGrowing(&other, TimeOn(5, 0), 3.0);
		MergeGrowing(&other, &acc);
		CHECK(crm_summary_compute(other.acc, 10, 1.0, &s) == 1);
		CHECK_CLOSE(s.total_amount, 3.0, 0, 0);
		free(acc.acc);
		free(other.acc);
	}

	/* Same-day purchases merge: two rows on one day = one period, x = 0. */
	{
		Acc			acc = NewAcc(16);
		crm_summary	s;

		AddGrowing(&acc, TimeOn(100, 5), 5.0);
		AddGrowing(&acc, TimeOn(100, 1), 7.0);
		CHECK(crm_summary_compute(acc.acc, 107, 7.0, &s) == 1);
		CHECK_CLOSE(s.x, 0, 0, 0);
		CHECK_CLOSE(s.T, 1.0, 0, 1e-15);
		CHECK_CLOSE(s.monetary, 0, 0, 0);
		CHECK(acc.acc->first_time == TimeOn(100, 1));
		AddGrowing(&acc, TimeOn(103, 0), 4.0);
		AddGrowing(&acc, TimeOn(103, 9), 2.0);
		CHECK(crm_summary_compute(acc.acc, 107, 7.0, &s) == 1);
		CHECK_CLOSE(s.x, 1, 0, 0);
		CHECK_CLOSE(s.tx, 3.0 / 7.0, 1e-15, 0);
		CHECK_CLOSE(s.monetary, 6.0, 1e-15, 0);
		free(acc.acc);
	}

	/* Day boundaries: the last microsecond of a day and midnight before 2000. */
	{
		Acc			acc = NewAcc(16);
		crm_summary	s;

		CHECK(crm_summary_day(-1) == -1);
		CHECK(crm_summary_day(0) == 0);
		CHECK(crm_summary_day(-CRM_SUMMARY_DAY_USECS) == -1);
		CHECK(crm_summary_day(-CRM_SUMMARY_DAY_USECS - 1) == -2);
		AddGrowing(&acc, -1, 1.0);
		AddGrowing(&acc, 0, 2.0);
		AddGrowing(&acc, -CRM_SUMMARY_DAY_USECS, 4.0);
		CHECK(crm_summary_compute(acc.acc, 0, 1.0, &s) == 1);
		CHECK_CLOSE(s.x, 1, 0, 0);
		CHECK_CLOSE(s.monetary, 2.0, 0, 0);
		free(acc.acc);
	}

	/* A heavy buyer: 100,000 distinct days, in reverse and in time order. */
	{
		Acc			rev = NewAcc(16);
		Acc			fwd = NewAcc(16);
		crm_summary	s;
		int32_t		d;

		for (d = 0; d < 100000; d++)
		{
			AddGrowing(&rev, TimeOn(100000 - d, 0), 1.0);
			AddGrowing(&fwd, TimeOn(1 + d, 0), 1.0);
			AddGrowing(&fwd, TimeOn(1 + d, 1), 1.0);
		}
		CHECK(rev.acc->hashed);
		CHECK(!fwd.acc->hashed);
		CHECK(fwd.cap < 4 * 100000);	/* one-byte gaps: about 1 byte per day */
		CHECK(crm_summary_compute(rev.acc, 100001, 1.0, &s) == 1);
		CHECK_CLOSE(s.x, 99999, 0, 0);
		CHECK_CLOSE(s.tx, 99999, 0, 0);
		CHECK_CLOSE(s.T, 100000, 0, 0);
		CHECK_CLOSE(s.monetary, 1.0, 1e-12, 0);
		CHECK(crm_summary_compute(fwd.acc, 100001, 1.0, &s) == 1);
		CHECK_CLOSE(s.x, 99999, 0, 0);
		CHECK_CLOSE(s.monetary, 2.0, 1e-12, 0);
		MergeGrowing(&rev, &fwd);
		CHECK(crm_summary_compute(rev.acc, 100001, 1.0, &s) == 1);
		CHECK_CLOSE(s.x, 99999, 0, 0);
		CheckReload(rev.acc, 100001, 1.0);
		free(rev.acc);
		free(fwd.acc);
	}

	/* Money: rounded half away from zero to 10^-4; out of range refused. */
	{
		crm_money	m = 0;

		CHECK(crm_money_from_double(12.34, &m) && m == 123400);
		CHECK(crm_money_from_double(-0.1, &m) && m == -1000);
		CHECK(crm_money_from_double(0.00016, &m) && m == 2);
		CHECK(crm_money_from_double(-0.00016, &m) && m == -2);
		CHECK(crm_money_from_double(0.00004, &m) && m == 0);
		/* ties of the product amount * 10^4, away from zero; 0.00015 is 0.000149999... */
		CHECK(crm_money_from_double(-0.00005, &m) && m == -1);
		CHECK(crm_money_from_double(0.00045, &m) && m == 5);
		CHECK(crm_money_from_double(0.00015, &m) && m == 1);
		CHECK(crm_money_from_double(123456789012.5, &m) && m == (crm_money) 1234567890125000);
		CHECK(crm_money_from_double(5e17, &m) && m == (crm_money) 5000000000000000000 * 1000);
		CHECK(!crm_money_from_double(1e18, &m));
		CHECK(!crm_money_from_double(-1e18, &m));
		CHECK(!crm_money_from_double(NAN, &m));
		CHECK(!crm_money_from_double(INFINITY, &m));
		CHECK(!crm_money_from_double(-INFINITY, &m));
	}

	/* Sorting for a reload: ascending, repeats dropped; sorted input untouched. */
	{
		int32_t		mixed[6] = {9, -2, 9, 5, -2, 7};
		int32_t		sorted[3] = {1, 4, 8};

		CHECK(crm_summary_sort_days(mixed, 6) == 4);
		CHECK(mixed[0] == -2 && mixed[1] == 5 && mixed[2] == 7 && mixed[3] == 9);
		CHECK(crm_summary_sort_days(sorted, 3) == 3);
		CHECK(sorted[0] == 1 && sorted[1] == 4 && sorted[2] == 8);
		CHECK(crm_summary_sort_days(sorted, 0) == 0);
	}

	/* Reload refuses days out of order. */
	{
		int32_t		bad[3] = {5, 9, 9};

		CHECK(crm_summary_list_need(bad, 3) == -1);
		CHECK(crm_summary_list_need(bad, 2) == 1);
	}
	return UNIT_DONE("summary");
}
