/*-------------------------------------------------------------------------
 *
 * test_scoring.c
 *	  Scoring math against brute force: quantile scores by counting,
 *	  linear sub-scores by hand, percentile positions by definition; the
 *	  exact "%.1f" and "%.6g" roundings against glibc's printf.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scoring.h"
#include "unit.h"

static int	round_failures = 0;

/* splitmix64: a reproducible stream of 64-bit values. */
static uint64_t
NextRandom(uint64_t *state)
{
	uint64_t	z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A uniform double in [lo, hi). */
static double
Uniform(uint64_t *state, double lo, double hi)
{
	return lo + (hi - lo) * ((double) (NextRandom(state) >> 11) * 0x1.0p-53);
}

/*
 * Reads printf's text as numeric_in would: *digits * 10^-*scale with the
 * trailing zeros of digits removed (scale decreases with each), sign kept,
 * "-0" read as 0.
 */
static void
ParseNumber(const char *text, long long *digits, int *scale)
{
	long long	d = 0;
	int			sc = 0,
				after_point = 0,
				neg = 0;
	const char *p = text;

	if (*p == '-')
	{
		neg = 1;
		p++;
	}
	for (; *p && *p != 'e'; p++)
	{
		if (*p == '.')
			after_point = 1;
		else
		{
			d = d * 10 + (*p - '0');
			sc += after_point;
		}
	}
	if (*p == 'e')
		sc -= atoi(p + 1);
	while (d != 0 && d % 10 == 0)
	{
		d /= 10;
		sc--;
	}
	if (d == 0)
		sc = sc > 0 ? sc : 0;	/* numeric zero: only its dscale matters */
	*digits = neg ? -d : d;
	*scale = sc;
}

/* crm_round_tenths(v) against printf("%.1f"); 0 if v is outside its fast range. */
static int
CheckTenths(double v)
{
	char		text[400];
	long long	got = 12345,
				want;
	int			scale;

	if (!crm_round_tenths(v, &got))
		return 0;
	snprintf(text, sizeof(text), "%.1f", v);
	ParseNumber(text, &want, &scale);
	/* back to tenths: scale is 1, or less after trailing zeros went */
	for (; scale < 1; scale++)
		want *= 10;
	if (got != want || scale != 1)
	{
		if (round_failures++ < 10)
			fprintf(stderr, "FAIL tenths of %.17g: %lld, printf says %s\n", v, got, text);
		return -1;
	}
	return 1;
}

/*
 * crm_round_numeric_tenths(v) against printf("%.15g") (PostgreSQL's float8
 * to numeric) rounded to tenths half away from zero by decimal arithmetic;
 * 0 if v is outside its fast range.
 */
static int
CheckNumericTenths(double v)
{
	char		text[400];
	long long	got = 12345,
				d,
				want;
	int			scale;

	if (!crm_round_numeric_tenths(v, &got))
		return 0;
	snprintf(text, sizeof(text), "%.15g", v);
	ParseNumber(text, &d, &scale);
	want = d < 0 ? -d : d;
	if (scale <= 1)
		for (; scale < 1; scale++)
			want *= 10;
	else if (scale - 1 >= 19)
		want = 0;
	else
	{
		long long	p = 1;
		int			k;

		for (k = 0; k < scale - 1; k++)
			p *= 10;
		want = want / p + (2 * (want % p) >= p);
	}
	if (d < 0)
		want = -want;
	if (got != want)
	{
		if (round_failures++ < 10)
			fprintf(stderr, "FAIL round(numeric, 1) of %.17g: %lld, printf says %s\n", v, got, text);
		return -1;
	}
	return 1;
}

/* crm_round_sig6(v) against printf("%.6g"); 0 if v is outside its fast range. */
static int
CheckSig6(double v)
{
	char		text[400];
	long long	got = 12345,
				want;
	int			got_scale = 99,
				want_scale;

	if (!crm_round_sig6(v, &got, &got_scale))
		return 0;
	snprintf(text, sizeof(text), "%.6g", v);
	ParseNumber(text, &want, &want_scale);
	if (got == 0 && got_scale < 0)
		got_scale = 0;
	if (got != want || got_scale != want_scale)
	{
		if (round_failures++ < 10)
			fprintf(stderr, "FAIL %%.6g of %.17g: %lld e%d, printf says %s\n", v, got, -got_scale, text);
		return -1;
	}
	return 1;
}

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
	/*
	 * Exact "%.1f" and "%.6g": identical to glibc's printf over random
	 * values, near-ties, exact ties (ties to even) and edge cases.
	 */
	{
		static const double edges[] = {
			0.0, -0.0, 0.25, 0.35, 0.05, 0.15, 0.45, 0.75, 1.25, -0.25, -0.35, 1e-300, -1e-300,
			4.9406564584124654e-324, 99.95, 99.949999999999989, 100.0, -0.04, -0.05, 0.049999999999999996,
			33.35, 12.5, 1e13, 99999999999999.0, 99999999999999.98, 1e14, -1e14, 1e15, 1e300,
			999999.5, 999999.4999999999, 9999995.0, 1234565.0, 1234575.0, 100000.5, 100001.5,
			0.1, 1e-5, 1e-4, 9.999995e-5, 0.000123456789, 5e-5, 1e-17, 9.9999999999999998e-18,
			1e22, 1e21, 123456.5, 1e26, 9.99999e26, 1e27, 2.5e-17, 1.5, 2.5, 1e6, 1e5, 99999.95,
			0.01, 0.0099999999999999, 0.049999999999999996, 0.05, 0.95, 999999999999999.9, 99999999999999.95,
			1e13, 9999999999999.95, 0.15000000000000002, 12.35, 12.349999999999999
		};
		uint64_t	state = 20240917;
		int			quick = getenv("CRM_UNIT_QUICK") != NULL;
		long		nrand = quick ? 30000 : 400000;
		long		i,
					fast_tenths = 0,
					fast_sig6 = 0,
					fast_numeric = 0,
					bad = 0;
		int			r;

		for (i = 0; i < (long) (sizeof(edges) / sizeof(edges[0])); i++)
		{
			bad += CheckTenths(edges[i]) < 0;
			bad += CheckSig6(edges[i]) < 0;
			bad += CheckTenths(nextafter(edges[i], 1e300)) < 0;
			bad += CheckTenths(nextafter(edges[i], -1e300)) < 0;
			bad += CheckSig6(nextafter(edges[i], 1e300)) < 0;
			bad += CheckSig6(nextafter(edges[i], -1e300)) < 0;
			bad += CheckNumericTenths(edges[i]) < 0;
			bad += CheckNumericTenths(nextafter(edges[i], 1e300)) < 0;
			bad += CheckNumericTenths(nextafter(edges[i], -1e300)) < 0;
		}
		for (i = 0; i < nrand; i++)
		{
			double		v = Uniform(&state, -1000.0, 1000.0);
			double		m = Uniform(&state, -1.0, 1.0) * pow(10.0, floor(Uniform(&state, -20.0, 29.0)));
			double		tie = (floor(Uniform(&state, -40000.0, 40000.0)) + 0.5) / 10.0;	/* x.x5 */
			double		tie6 = (floor(Uniform(&state, 100000.0, 1000000.0)) + 0.5) *
				pow(10.0, floor(Uniform(&state, -22.0, 22.0)));
			uint64_t	bits = NextRandom(&state);
			double		any;

			memcpy(&any, &bits, sizeof(any));
			r = CheckTenths(v);
			fast_tenths += r > 0;
			bad += r < 0;
			bad += CheckTenths(tie) < 0;
			bad += CheckTenths(nextafter(tie, 0.0)) < 0;
			bad += CheckTenths(m) < 0;
			bad += CheckTenths(Uniform(&state, 0.0, 100.0)) < 0;
			bad += CheckTenths(floor(Uniform(&state, 0.0, 400.0)) / 4.0) < 0;	/* exact ties */
			r = CheckSig6(m);
			fast_sig6 += r > 0;
			bad += r < 0;
			bad += CheckSig6(v) < 0;
			bad += CheckSig6(tie6) < 0;
			bad += CheckSig6(nextafter(tie6, 0.0)) < 0;
			bad += CheckSig6(nextafter(tie6, 1e300)) < 0;
			bad += CheckSig6(floor(Uniform(&state, 1e6, 1e7)) * 10.0 + 5.0) < 0;	/* exact ties */
			bad += CheckSig6(any) < 0;
			bad += CheckTenths(any) < 0;
			r = CheckNumericTenths(v);
			fast_numeric += r > 0;
			bad += r < 0;
			bad += CheckNumericTenths(m) < 0;
			bad += CheckNumericTenths(tie) < 0;
			bad += CheckNumericTenths(nextafter(tie, 0.0)) < 0;
			bad += CheckNumericTenths(nextafter(tie, 1e300)) < 0;
			bad += CheckNumericTenths(Uniform(&state, 0.0, 100.0)) < 0;
			bad += CheckNumericTenths(any) < 0;
		}
		CHECK(bad == 0);
		CHECK(fast_tenths == nrand);	/* all of [-1000, 1000] */
		CHECK(fast_sig6 > nrand * 0.8);	/* most of 1e-20 .. 1e29 */
		CHECK(fast_numeric == nrand);	/* all of [-1000, 1000] */
		/* Outside the fast ranges the callers print. */
		{
			long long	t = 7;
			int			sc = 7;

			CHECK(!crm_round_tenths(1e14, &t) && !crm_round_tenths(NAN, &t) && !crm_round_tenths(-INFINITY, &t) && t == 7);
			CHECK(!crm_round_sig6(1e27, &t, &sc) && !crm_round_sig6(1e-18, &t, &sc) && !crm_round_sig6(NAN, &t, &sc) && t == 7);
			CHECK(crm_round_sig6(-0.0, &t, &sc) && t == 0 && sc == 0);
			CHECK(crm_round_sig6(212.6936689814814815, &t, &sc) && t == 212694 && sc == 3);
			CHECK(crm_round_sig6(1234565.0, &t, &sc) && t == 123456 && sc == -1);	/* tie to even */
			CHECK(crm_round_tenths(0.25, &t) && t == 2);	/* tie to even */
			CHECK(crm_round_tenths(0.35, &t) && t == 3);	/* 0.34999999999999998 */
			CHECK(crm_round_tenths(-0.04, &t) && t == 0);
			CHECK(crm_round_numeric_tenths(0.04999999999999999, &t) && t == 1);	/* "0.05" -> 0.1 */
			CHECK(crm_round_numeric_tenths(0.25, &t) && t == 3);	/* half away from zero */
			CHECK(crm_round_numeric_tenths(-0.25, &t) && t == -3);
			CHECK(crm_round_numeric_tenths(0.35, &t) && t == 4);	/* "0.35" */
			CHECK(crm_round_numeric_tenths(99.95, &t) && t == 1000);
			CHECK(!crm_round_numeric_tenths(1e15, &t) && !crm_round_numeric_tenths(INFINITY, &t));
		}
	}
	return UNIT_DONE("scoring");
}
