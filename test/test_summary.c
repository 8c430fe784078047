/*-------------------------------------------------------------------------
 *
 * test_summary.c
 *	  The BTYD summary accumulator against a brute-force computation:
 *	  random purchases in random order, split across partial states and
 *	  merged (as parallel workers do), must give the same x, t_x, T, spend.
 *
 *-------------------------------------------------------------------------
 */
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

/* Allocates an accumulator with room for ndays distinct days. */
static crm_summary_acc *
NewAcc(int64_t ndays)
{
	int32_t		nslots = crm_summary_slots_for(ndays);
	crm_summary_acc *acc = malloc(crm_summary_acc_size(nslots));

	crm_summary_acc_init(acc, nslots);
	return acc;
}

/* Adds a purchase, growing the accumulator when it is full. */
static crm_summary_acc *
AddGrowing(crm_summary_acc *acc, int32_t day, double amount)
{
	if (crm_summary_acc_full(acc))
	{
		crm_summary_acc *bigger = NewAcc(acc->ndays + 1);

		crm_summary_acc_merge(bigger, acc);
		free(acc);
		acc = bigger;
	}
	crm_summary_acc_add(acc, day, (int64_t) day * 86400 + 3600, amount);
	return acc;
}

/* Brute force: sort days, merge duplicates, compute the summary directly. */
static void
BruteForce(const int32_t *day, const double *amt, int n, int32_t as_of,
		   double unit, crm_summary *out, int *nonempty)
{
	int			i, j, distinct = 0;
	int32_t		first = 0, last = 0;
	double		first_amt = 0, total = 0;

	*nonempty = 0;
	for (i = 0; i < n; i++)
	{
		if (!*nonempty || day[i] < first)
			first = day[i];
		if (!*nonempty || day[i] > last)
			last = day[i];
		*nonempty = 1;
		total += amt[i];
	}
	for (i = 0; i < n; i++)
	{
		int			seen = 0;

		if (day[i] == first)
			first_amt += amt[i];
		for (j = 0; j < i; j++)
			if (day[j] == day[i])
				seen = 1;
		distinct += !seen;
	}
	out->x = distinct - 1;
	out->tx = (last - first) / unit;
	out->T = (as_of - first) / unit;
	out->total_amount = total;
	out->monetary = distinct > 1 ? (total - first_amt) / (distinct - 1) : 0;
}

int
main(void)
{
	static int32_t day[MAXP];
	static double amt[MAXP];
	int			trial;

	for (trial = 0; trial < 400; trial++)
	{
		int			n = 1 + NextRand() % (trial < 300 ? 40 : MAXP);
		int			span = 1 + NextRand() % (trial % 3 == 0 ? 5 : 2000);
		int			parts = 1 + NextRand() % 4;
		int32_t		as_of = 20000 + span;
		double		unit = (trial % 3 == 0) ? 1.0 : (trial % 3 == 1 ? 7.0 : 30.4375);
		crm_summary_acc *part[4];
		crm_summary_acc *total;
		crm_summary got, want;
		int			i, nonempty;

		for (i = 0; i < n; i++)
		{
			day[i] = 20000 + (int32_t) (NextRand() % span);
			amt[i] = (NextRand() % 100000) / 100.0;
		}
		for (i = 0; i < parts; i++)
			part[i] = NewAcc(0);
		for (i = 0; i < n; i++)
		{
			int			k = NextRand() % parts;

			part[k] = AddGrowing(part[k], day[i], amt[i]);
		}
		total = NewAcc(0);
		for (i = 0; i < parts; i++)
		{
			crm_summary_acc *bigger = NewAcc(total->ndays + part[i]->ndays);

			crm_summary_acc_merge(bigger, total);
			crm_summary_acc_merge(bigger, part[i]);
			free(total);
			free(part[i]);
			total = bigger;
		}
		BruteForce(day, amt, n, as_of, unit, &want, &nonempty);
		CHECK(crm_summary_compute(total, as_of, unit, &got) == nonempty);
		CHECK_CLOSE(got.x, want.x, 0, 0);
		CHECK_CLOSE(got.tx, want.tx, 1e-12, 0);
		CHECK_CLOSE(got.T, want.T, 1e-12, 0);
		CHECK_CLOSE(got.monetary, want.monetary, 1e-9, 1e-9);
		CHECK_CLOSE(got.total_amount, want.total_amount, 1e-9, 1e-9);
		free(total);
	}

	/* Empty accumulator: no summary. */
	{
		crm_summary_acc *acc = NewAcc(0);
		crm_summary	s;

		CHECK(crm_summary_compute(acc, 10, 1.0, &s) == 0);
		free(acc);
	}

	/* Same-day purchases merge: two rows on one day = one period, x = 0. */
	{
		crm_summary_acc *acc = NewAcc(0);
		crm_summary	s;

		acc = AddGrowing(acc, 100, 5.0);
		acc = AddGrowing(acc, 100, 7.0);
		CHECK(crm_summary_compute(acc, 107, 7.0, &s) == 1);
		CHECK_CLOSE(s.x, 0, 0, 0);
		CHECK_CLOSE(s.T, 1.0, 0, 1e-15);
		CHECK_CLOSE(s.monetary, 0, 0, 0);
		acc = AddGrowing(acc, 103, 4.0);
		acc = AddGrowing(acc, 103, 2.0);
		CHECK(crm_summary_compute(acc, 107, 7.0, &s) == 1);
		CHECK_CLOSE(s.x, 1, 0, 0);
		CHECK_CLOSE(s.tx, 3.0 / 7.0, 1e-15, 0);
		CHECK_CLOSE(s.monetary, 6.0, 1e-15, 0);
		free(acc);
	}

	/* A heavy buyer: 100,000 distinct days. */
	{
		crm_summary_acc *acc = NewAcc(0);
		crm_summary	s;
		int32_t		d;

		for (d = 0; d < 100000; d++)
			acc = AddGrowing(acc, 100000 - d, 1.0);
		CHECK(crm_summary_compute(acc, 100001, 1.0, &s) == 1);
		CHECK_CLOSE(s.x, 99999, 0, 0);
		CHECK_CLOSE(s.tx, 99999, 0, 0);
		CHECK_CLOSE(s.T, 100000, 0, 0);
		CHECK_CLOSE(s.monetary, 1.0, 1e-12, 0);
		free(acc);
	}
	return UNIT_DONE("summary");
}
