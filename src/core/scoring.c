/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Scoring math of crm.refresh() (see scoring.h).
 *
 *-------------------------------------------------------------------------
 */
#include "scoring.h"

/* Number of cuts strictly below v (cuts ascending), by binary search. */
static int
CountBelow(double v, const double *cuts, int n)
{
	int			lo = 0;
	int			hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (cuts[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Number of cuts at or below v (cuts ascending). */
static int
CountAtOrBelow(double v, const double *cuts, int n)
{
	int			lo = 0;
	int			hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (cuts[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
crm_quantile_score(double v, const double *cuts, int n, int higher_is_better)
{
	int			below = CountBelow(v, cuts, n);

	return higher_is_better ? 1 + below : n + 1 - below;
}

double
crm_linear_score(double raw, double bad, double good)
{
	double		f = (raw - bad) / (good - bad);

	if (f <= 0.0)
		return 0.0;
	if (f >= 1.0)
		return 100.0;
	return 100.0 * f;
}

double
crm_percentile_position(double v, const double *cuts, int n)
{
	int			lo;
	int			hi;
	double		pos;

	if (n < 2)
		return 50.0;
	lo = CountBelow(v, cuts, n);		/* first cut >= v */
	hi = CountAtOrBelow(v, cuts, n);	/* first cut > v */
	if (hi == 0)
		return 0.0;
	if (lo == n)
		return 100.0;
	if (hi > lo)						/* v equals a run of cuts: its middle */
		pos = 0.5 * ((double) lo + (double) (hi - 1));
	else								/* cuts[lo-1] < v < cuts[lo] */
		pos = (double) (lo - 1) + (v - cuts[lo - 1]) / (cuts[lo] - cuts[lo - 1]);
	return 100.0 * pos / (double) (n - 1);
}

double
crm_health_combine(const double *raw, const int *present, const double *bad,
				   const double *good, const double *w, int n, double *sub,
				   double *contrib)
{
	double		wsum = 0.0,
				score = 0.0;
	int			i;

	for (i = 0; i < n; i++)
	{
		sub[i] = present[i] ? crm_linear_score(raw[i], bad[i], good[i]) : 0.0;
		contrib[i] = 0.0;
		if (present[i])
			wsum += w[i];
	}
	if (!(wsum > 0.0))
		return -1.0;
	for (i = 0; i < n; i++)
		if (present[i])
		{
			contrib[i] = w[i] * sub[i] / wsum;
			score += contrib[i];
		}
	return score < 0.0 ? 0.0 : (score > 100.0 ? 100.0 : score);
}
