/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Scoring math of crm.refresh() (see scoring.h).
 *
 *-------------------------------------------------------------------------
 */
#include "scoring.h"

#include <math.h>

/* The powers of ten that are exact doubles: 10^0 .. 10^22. */
static const double Pow10[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

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

/* f or f + 1, whichever is nearer to t (ties to even), given d of the sign of t - f - 1/2. */
static double
HalfEven(double f, double d)
{
	if (d > 0.0 || (d == 0.0 && fmod(f, 2.0) != 0.0))
		return f + 1.0;
	return f;
}

/*
 * With t = 10 v exactly, n = floor(fl(10 v)) is floor(t) or, when fl rounds
 * t up to an integer, floor(t) + 1 = the integer nearest t. fma gives
 * 20 v - (2n + 1) = 2 (t - n - 1/2) rounded once, so its sign is exact; in
 * the second case it is negative and n stays, which is right.
 */
int
crm_round_tenths(double v, long long *tenths)
{
	double		n;

	if (!(fabs(v) < 1e14))		/* also NaN; keeps 2n + 1 exact */
		return 0;
	n = floor(v * 10.0);
	*tenths = (long long) HalfEven(n, fma(v, 20.0, -(2.0 * n + 1.0)));
	return 1;
}

/*
 * a > 0 rounded to sig + 1 significant digits (ties to even): *n in
 * [10^sig, 10^(sig+1)) and decimal exponent *ex, a ~ *n 10^(*ex - sig).
 * The exact t = a 10^(sig - ex) is x + e (product: e = fma's exact error)
 * or x + e / q (quotient by q = 10^(ex - sig): e = the exact remainder),
 * with ex adjusted until 10^sig <= t < 10^(sig+1). The comparisons with t
 * and t's rounding use only exact quantities or a single rounding, whose
 * sign is exact (x < 2^50, so x - floor(x) - 1/2 is exact). Returns 0
 * when the scale 10^|sig - ex| would not be an exact double.
 */
static int
RoundSignificant(double a, int sig, double *n, int *ex)
{
	double		lo = Pow10[sig],
				hi = Pow10[sig + 1],
				x = 0.0,
				e = 0.0,
				q = 1.0,
				f;
	int			tries;

	*ex = (int) floor(log10(a));
	for (tries = 0;; tries++)
	{
		if (*ex < sig - 22 || *ex > sig + 22 || tries > 3)
			return 0;
		if (*ex <= sig)
		{
			x = a * Pow10[sig - *ex];
			e = fma(a, Pow10[sig - *ex], -x);
		}
		else
		{
			q = Pow10[*ex - sig];
			x = a / q;
			e = fma(-x, q, a);
		}
		if (x < lo || (x == lo && e < 0.0))
			(*ex)--;
		else if (x > hi || (x == hi && e >= 0.0))
			(*ex)++;
		else
			break;
	}
	f = floor(x);
	if (*ex <= sig)
		*n = HalfEven(f, (x - f - 0.5) + e);
	else
		*n = HalfEven(f, fma(x - f - 0.5, q, e));
	if (*n >= hi)				/* 999999.5 -> 1e+06 */
	{
		*n = lo;
		(*ex)++;
	}
	return 1;
}

/* printf's "%.6g": six significant digits, then its trailing zeros dropped. */
int
crm_round_sig6(double v, long long *digits, int *scale)
{
	double		n;
	int			ex;
	long long	d;
	int			sc;

	if (v == 0.0)
	{
		*digits = 0;
		*scale = 0;
		return 1;
	}
	if (!(fabs(v) >= 1e-17 && fabs(v) < 1e27) || !RoundSignificant(fabs(v), 5, &n, &ex))
		return 0;
	d = (long long) n;
	sc = 5 - ex;
	while (d % 10 == 0)
	{
		d /= 10;
		sc--;
	}
	*digits = v < 0.0 ? -d : d;
	*scale = sc;
	return 1;
}

/*
 * PostgreSQL 15's float8-to-numeric prints "%.15g" (DBL_DIG digits); then
 * round(numeric, 1) drops the digits k = 13 - ex below the tenths of those
 * 15 digits, half away from zero. Below 0.01 that is always 0 (the 15
 * digits round to at most 0.01).
 */
int
crm_round_numeric_tenths(double v, long long *tenths)
{
	double		n;
	int			ex;
	long long	d;

	if (!(fabs(v) < 1e15))		/* also NaN */
		return 0;
	if (fabs(v) < 0.01)
	{
		*tenths = 0;
		return 1;
	}
	if (!RoundSignificant(fabs(v), 14, &n, &ex))
		return 0;
	d = (long long) n;
	if (ex >= 13)
	{
		for (; ex > 13; ex--)
			d *= 10;
	}
	else
	{
		long long	p = 1;
		long long	r;

		for (; ex < 13; ex++)
			p *= 10;
		r = d % p;
		d = d / p + (2 * r >= p);
	}
	*tenths = v < 0.0 ? -d : d;
	return 1;
}
