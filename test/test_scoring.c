/*-------------------------------------------------------------------------
 *
 * test_scoring.c
 *	  Scoring math against brute force: quantile scores by counting,
 *	  linear sub-scores by hand, percentile positions by definition.
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>

#include "scoring.h"
#include "unit.h"

int
main(void)
{
	/* Quantile scores: 1 + number of cuts strictly below; ties share a score. */
	{
		double		cuts[4] = {1, 1, 1, 2};
		double		rc[4] = {3, 10, 30, 90};
		int			v;

		CHECK(crm_quantile_score(1, cuts, 4, 1) == 1);	/* the many one-time buyers score 1 */
		CHECK(crm_quantile_score(2, cuts, 4, 1) == 4);
		CHECK(crm_quantile_score(3, cuts, 4, 1) == 5);
		CHECK(crm_quantile_score(0.5, cuts, 4, 1) == 1);
		CHECK(crm_quantile_score(2, rc, 4, 0) == 5);	/* most recent scores 5 */
		CHECK(crm_quantile_score(3, rc, 4, 0) == 5);
		CHECK(crm_quantile_score(3.5, rc, 4, 0) == 4);
		CHECK(crm_quantile_score(1000, rc, 4, 0) == 1);
		for (v = -5; v < 100; v++)
		{
			int			i, below = 0;

			for (i = 0; i < 4; i++)
				below += rc[i] < v;
			CHECK(crm_quantile_score(v, rc, 4, 1) == 1 + below);
			CHECK(crm_quantile_score(v, rc, 4, 0) == 5 - below);
		}
	}
	/* Linear sub-scores, both directions, clamped. */
	CHECK_CLOSE(crm_linear_score(0.3, 0.3, 1.0), 0, 0, 1e-12);
	CHECK_CLOSE(crm_linear_score(0.65, 0.3, 1.0), 50, 1e-12, 0);
	CHECK_CLOSE(crm_linear_score(2.0, 0.3, 1.0), 100, 0, 0);
	CHECK_CLOSE(crm_linear_score(-1, 0.3, 1.0), 0, 0, 0);
	CHECK_CLOSE(crm_linear_score(6, 6, 0), 0, 0, 0);		/* 6 tickets/month is bad */
	CHECK_CLOSE(crm_linear_score(1.5, 6, 0), 75, 1e-12, 0);
	CHECK_CLOSE(crm_linear_score(48.5, 90, 7), 50, 1e-12, 0);
	/* Percentile positions: exact at cuts, linear between, ties to the middle. */
	{
		double		cuts[5] = {0, 10, 20, 20, 40};

		CHECK_CLOSE(crm_percentile_position(-1, cuts, 5), 0, 0, 0);
		CHECK_CLOSE(crm_percentile_position(0, cuts, 5), 0, 0, 1e-12);
		CHECK_CLOSE(crm_percentile_position(5, cuts, 5), 12.5, 1e-12, 0);
		CHECK_CLOSE(crm_percentile_position(10, cuts, 5), 25, 1e-12, 0);
		CHECK_CLOSE(crm_percentile_position(20, cuts, 5), 62.5, 1e-12, 0);
		CHECK_CLOSE(crm_percentile_position(30, cuts, 5), 87.5, 1e-12, 0);
		CHECK_CLOSE(crm_percentile_position(40, cuts, 5), 100, 1e-12, 0);
		CHECK_CLOSE(crm_percentile_position(99, cuts, 5), 100, 0, 0);
	}
	/* Percentile position of a sample's own values tracks its empirical rank. */
	{
		enum { N = 2001 };
		static double vals[N];
		double		cuts[101];
		int			i, k;

		for (i = 0; i < N; i++)
			vals[i] = (double) i * i;			/* already ascending, distinct */
		for (k = 0; k <= 100; k++)
			cuts[k] = vals[k * (N - 1) / 100];	/* exact percentiles of this sample */
		for (i = 0; i < N; i += 37)
			CHECK_CLOSE(crm_percentile_position(vals[i], cuts, 101), 100.0 * i / (N - 1), 0, 1.0);
	}
	/* Health: weighted mean over present dimensions, contributions add up, missing ones re-normalised away. */
	{
		double		raw[3] = {0.65, 0, 48.5};
		int			present[3] = {1, 0, 1};
		double		bad[3] = {0.3, 6, 90}, good[3] = {1.0, 0, 7}, w[3] = {0.3, 0.2, 0.1};
		double		sub[3], contrib[3];
		double		score = crm_health_combine(raw, present, bad, good, w, 3, sub, contrib);

		CHECK_CLOSE(sub[0], 50, 1e-12, 0);
		CHECK_CLOSE(sub[2], 50, 1e-12, 0);
		CHECK_CLOSE(score, (0.3 * 50 + 0.1 * 50) / 0.4, 1e-12, 0);
		CHECK_CLOSE(contrib[0] + contrib[2], score, 1e-12, 0);
		CHECK_CLOSE(contrib[1], 0, 0, 0);
		present[0] = present[2] = 0;
		CHECK(crm_health_combine(raw, present, bad, good, w, 3, sub, contrib) == -1.0);
		present[1] = 1;
		w[1] = 0;
		CHECK(crm_health_combine(raw, present, bad, good, w, 3, sub, contrib) == -1.0);
	}
	return UNIT_DONE("scoring");
}
