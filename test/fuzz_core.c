/*-------------------------------------------------------------------------
 *
 * fuzz_core.c
 *	  libFuzzer harness for the numeric core: decodes doubles from the
 *	  input and drives the special functions, the rate test and the public
 *	  BTYD functions (validating first, as the PostgreSQL glue does). Any
 *	  call that reports success with a non-finite value, or with one outside
 *	  its bounds (a probability in [0, 1]; expected purchases at most the
 *	  no-dropout mean), or breaking an identity (P(X(t) = n) sums to 1 with
 *	  mean E[X(t)]; P(alive) monotone in tx and T, E[Y(t)] in t), aborts. A third
 *	  target feeds purchases to the summary accumulator (summary.h) and
 *	  aborts when it disagrees with a brute force; a fourth compresses
 *	  thousands of RFM patterns and aborts when they differ from qsort's.
 *
 * Build and run: make fuzz [FUZZ_SECONDS=60] (needs clang with libFuzzer).
 *
 *-------------------------------------------------------------------------
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btyd.h"
#include "pattern_ref.h"
#include "ratetest.h"
#include "specfun.h"
#include "summary.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cursor over the fuzzer's bytes. */
typedef struct FuzzInput
{
	const uint8_t *data;
	size_t		size;
	size_t		pos;
} FuzzInput;

/* Next 8 bytes as an integer (zero-padded at the end). */
static uint64_t
NextWord(FuzzInput *in)
{
	uint64_t	w = 0;
	size_t		i;

	for (i = 0; i < 8; i++)
	{
		w <<= 8;
		if (in->pos < in->size)
			w |= in->data[in->pos++];
	}
	return w;
}

/*
 * Next double: mostly values of "interesting" size (sign, 1..10 mantissa,
 * decimal exponent -12..12, small integers, exact 0/1), sometimes raw bits.
 */
static double
NextDouble(FuzzInput *in)
{
	uint64_t	w = NextWord(in);
	unsigned	mode = (unsigned) (w & 7);
	double		frac = (double) (w >> 11) * 0x1.0p-53;
	double		sign = (w & 8) ? -1.0 : 1.0;
	double		v;

	switch (mode)
	{
		case 0:
			memcpy(&v, &w, sizeof(v));
			return v;
		case 1:
			return (double) ((w >> 8) % 64);
		case 2:
			return sign * (double) ((w >> 8) % 5);
		default:
			return sign * (1.0 + 9.0 * frac) * pow(10.0, (double) ((int) ((w >> 4) % 25) - 12));
	}
}

/* Aborts when a success-returning call produced a non-finite value. */
static void
MustBeFinite(double v)
{
	if (!isfinite(v))
		__builtin_trap();
}

/*
 * Aborts unless lo <= v <= hi, up to rounding: 1e-9 relative, and DBL_MIN
 * absolute (below it precision is absolute: E[Y(t)] at t = 3.5e-310 is
 * 3.2e-321 against a bound of 2.2e-321, a fuzz finding).
 */
static void
MustBeWithin(double v, double lo, double hi)
{
	MustBeFinite(v);
	if (v < lo - 1e-9 * fabs(lo) - DBL_MIN || v > hi + 1e-9 * fabs(hi) + DBL_MIN)
		__builtin_trap();
}

/* Special functions and the rate test. */
static void
FuzzSpecfun(FuzzInput *in)
{
	double		a = NextDouble(in);
	double		b = NextDouble(in);
	double		c = NextDouble(in);
	double		z = NextDouble(in);
	double		v;
	double		p;
	char		msg[256];

	if (crm_log_hyp2f1(a, b, c, z, &v) == 0)
		MustBeFinite(v);
	if (isfinite(a) && isfinite(b) && b > 0.0 && fabs(a) < 1e6)
		MustBeFinite(crm_log_upper_gamma(a, b));
	/* the scaled form also takes any s < -1000 (DERT with s and beta huge) */
	if (isfinite(a) && isfinite(b) && b > 0.0 && (fabs(a) < 1e6 || a < -1000.0))
		MustBeFinite(crm_log_upper_gamma_scaled(a, b));
	if (a > 0.0 && a < 1e300)	/* lgamma overflows beyond ~2.5e305 */
	{
		MustBeFinite(crm_lgamma(a));
		MustBeFinite(crm_digamma(a));
		if (a > 1e-150)			/* below, psi'(a) ~ 1/a^2 overflows */
			MustBeFinite(crm_trigamma(a));
	}
	if (a > 0.0 && b > 0.0 && isfinite(a) && isfinite(b))
		MustBeFinite(crm_lbeta(a, b));
	if (crm_poisson_rate_test(floor(fabs(a)), b, floor(fabs(c)), z, (int) (NextWord(in) & 1),
							  &p, msg, sizeof(msg)) == 0)
	{
		MustBeFinite(p);
		if (p < 0.0 || p > 1.0)
			__builtin_trap();
	}
}

/*
 * Shapes and T-scaled rates within 1e-15..1e15: where the fits can go (they
 * scale T to about 1 and keep log-parameters within 30 of it). BG/NBD's a
 * and b are shapes, Pareto/NBD's beta a rate.
 */
static int
InFitDomain(crm_model_kind kind, const double *par, double T)
{
	double		v[4] = {par[0], par[1] / T, par[2], kind == CRM_PNBD ? par[3] / T : par[3]};
	int			i;

	for (i = 0; i < 4; i++)
		if (!(v[i] >= 1e-15 && v[i] <= 1e15))
			return 0;
	return 1;
}

/* Within [lo, hi] in the fit domain; elsewhere (known open cases) finite. */
static void
MustBeWithinInDomain(double v, double lo, double hi, int in_domain)
{
	if (in_domain)
		MustBeWithin(v, lo, hi);
	else
		MustBeFinite(v);
}

/*
 * Relative accuracy of E[Y(t) | x, tx, T]: BG/NBD and MBG/NBD accept an
 * estimated error up to 1e-7 (ROBUST_MAX_ERR in bgnbd.c), Pareto/NBD is
 * within about 1e-11 (test_pnbd.c), here given the harness's 1e-9.
 */
static double
ExpectRelErr(crm_model_kind kind)
{
	return kind == CRM_PNBD ? 1e-9 : 1e-7;
}

/* Aborts unless lo <= hi up to rel (relative to the larger) and DBL_MIN: a monotonicity. */
static void
MustBeOrdered(double lo, double hi, double rel)
{
	MustBeFinite(lo);
	MustBeFinite(hi);
	if (lo > hi + rel * fmax(fabs(lo), fabs(hi)) + DBL_MIN)
		__builtin_trap();
}

/*
 * Sum over n of P(X(t) = n) is 1 and of n P(X(t) = n) is E[X(t)], in the
 * fit domain of T = t. X(t) is at most the no-dropout count, negative
 * binomial NB(r, z), z = t / (alpha + t) (same lambda, purchases stopped by
 * dropout), so the tails beyond N of both sums are at most NB's: its term
 * at N times q / (1 - q) and (N q / (1 - q) + q / (1 - q)^2), q the
 * largest later term ratio z max(1, (r + N) / (N + 1)) (falling in N for
 * r >= 1, rising to z for r < 1). Summed until those are negligible
 * (1e-10, 1e-8 E), at most FUZZ_PROB_TERMS terms, else
 * skipped (heavy tails: r small with t / alpha huge, or E large). Allowed:
 * the tail bounds plus 1e-9 for the sum (each P(n) is accurate to about
 * 1e-11 relative, the suites check 1e-10 and 1e-13) and, for the mean,
 * the expectation's own relative accuracy (ExpectRelErr) plus 1e-9.
 */
#define FUZZ_PROB_TERMS 400

static void
CheckProbSums(crm_model_kind kind, const double *par, double t)
{
	double		r = par[0],
				lz = log(t) - log(par[1] + t),
				lnb = -r * log1p(t / par[1]),	/* log NB(0) */
				e,
				sum = 0.0,
				mean = 0.0,
				tail = 1.0,
				tailmean = 1.0;
	char		msg[256];
	int			n;

	if (!(t > 0.0) || !InFitDomain(kind, par, t) ||
		crm_expected_purchases(kind, par, t, &e, msg, sizeof(msg)) != CRM_OK)
		return;
	for (n = 0; n < FUZZ_PROB_TERMS; n++)
	{
		double		p,
					q;

		if (crm_prob_n_purchases(kind, par, (double) n, t, &p, msg, sizeof(msg)) != CRM_OK)
			return;
		sum += p;
		mean += n * p;
		/* NB tail beyond n: ratios of later terms are at most q */
		q = exp(lz) * fmax(1.0, (r + n) / (n + 1.0));
		/* 1 - q from a rounded q: used where it is at least 1e-3 */
		if (q < 0.999)
		{
			tail = exp(lnb) * q / (1.0 - q);
			tailmean = exp(lnb) * (n * q / (1.0 - q) + q / ((1.0 - q) * (1.0 - q)));
			if (tail <= 1e-10 && tailmean <= 1e-8 * e)
				break;
		}
		lnb += log((r + n) / (n + 1.0)) + lz;
	}
	if (n == FUZZ_PROB_TERMS)
		return;
	if (fabs(sum - 1.0) > 1e-9 + tail ||
		fabs(mean - e) > (ExpectRelErr(kind) + 1e-9) * e + tailmean)
		__builtin_trap();
}

/*
 * P(alive | x, tx, T) is non-decreasing in tx and non-increasing in T,
 * E[Y(t) | x, tx, T] non-decreasing in t, in the fit domain. P(alive) =
 * A / (A + D) with A (alive at T) and D (dropped since tx) the mixed
 * likelihoods: for given rates D falls with tx and A does not depend on
 * it; in T, (M)BG/NBD's D is constant and A falls (BG/NBD, x = 0: D = 0, 1
 * throughout), and for Pareto/NBD d/dT (A / (A + D)) has the sign of
 * -(D E[lambda] + (A + D) E[mu]), expectations under the alive part.
 * Every model: E[Y(t)] counts purchases in (T, T + t]. Second points:
 * tx' = u T, T' = T (1 + 4 u), t' = u t. Allowed: P(alive) is accurate to
 * about 1e-11 relative (its 1 / (1 + e^d), the suites' Pareto/NBD 2F1
 * ratio), given 1e-9; the expectations twice ExpectRelErr.
 */
static void
CheckMonotone(crm_model_kind kind, const double *par, double t, double x, double tx,
			  double T, double u)
{
	double		p1,
				p2,
				e1,
				e2,
				T2 = T * (1.0 + 4.0 * u),
				tx2 = u * T;
	char		msg[256];

	if (!InFitDomain(kind, par, T))
		return;
	if (x > 0 && crm_p_alive(kind, par, x, tx, T, &p1, msg, sizeof(msg)) == CRM_OK &&
		crm_p_alive(kind, par, x, tx2, T, &p2, msg, sizeof(msg)) == CRM_OK)
	{
		if (tx2 < tx)
			MustBeOrdered(p2, p1, 1e-9);
		else
			MustBeOrdered(p1, p2, 1e-9);
	}
	if (isfinite(T2) && InFitDomain(kind, par, T2) &&
		crm_p_alive(kind, par, x, tx, T, &p1, msg, sizeof(msg)) == CRM_OK &&
		crm_p_alive(kind, par, x, tx, T2, &p2, msg, sizeof(msg)) == CRM_OK)
		MustBeOrdered(p2, p1, 1e-9);
	if (crm_conditional_expected(kind, par, t, x, tx, T, &e1, msg, sizeof(msg)) == CRM_OK &&
		crm_conditional_expected(kind, par, u * t, x, tx, T, &e2, msg, sizeof(msg)) == CRM_OK)
		MustBeOrdered(e2, e1, 2.0 * ExpectRelErr(kind));
}

/* The BTYD public functions on validated parameters and data. */
static void
FuzzBtyd(FuzzInput *in)
{
	crm_model_kind kind = (crm_model_kind) (1 + NextWord(in) % 5);
	double		par[CRM_MAX_PARAMS];
	double		grad[CRM_MAX_PARAMS];
	double		x = floor(fabs(NextDouble(in)));
	double		tx = NextDouble(in);
	double		T = NextDouble(in);
	double		t = NextDouble(in);
	double		m = NextDouble(in);
	double		out;
	double		u;
	char		msg[256];
	int			i;

	for (i = 0; i < CRM_MAX_PARAMS; i++)
		par[i] = NextDouble(in);
	/* a fraction in [0, 1) for the second points of the identities (0.5 when absent) */
	u = fmod((double) (NextWord(in) >> 11) * 0x1.0p-53 + 0.5, 1.0);
	if (crm_check_params(kind, par, msg, sizeof(msg)) != CRM_OK)
		return;
	if (kind == CRM_GG)
	{
		if (x >= 1.0 && m > 0.0 && isfinite(m))
		{
			double		ll = crm_gg_loglik(par, x, m, grad);

			/* past p x = 1e300 the LL (about -p x log(...)) may pass the double range */
			if (par[0] * x < 1e300)
				MustBeFinite(ll);
			else if (isnan(ll) || ll == INFINITY)
				__builtin_trap();
		}
		if (crm_gg_expected_spend(par, x, m, &out, msg, sizeof(msg)) == CRM_OK)
			MustBeFinite(out);
		return;
	}
	if (kind == CRM_SBG)
	{
		double		alive[6];
		double		size = floor(fabs(m)) + 1.0;

		/*
		 * Non-increasing counts; |tx| i may overflow for a finite tx (tx =
		 * -9e307: fmod(inf, 1) is NaN, so were the counts and the LL, a
		 * fuzz finding), hence the check of the product.
		 */
		alive[0] = size;
		for (i = 1; i < 6; i++)
		{
			double		f = fabs(tx) * i;

			alive[i] = floor(alive[i - 1] * (0.5 + 0.5 * (isfinite(f) ? fmod(f, 1.0) : 0.5)));
		}
		if (size < 1e12)
			MustBeFinite(crm_sbg_loglik(par, alive, 5, grad));
		if (crm_sbg_survival(par, t, &out, msg, sizeof(msg)) == CRM_OK)
			MustBeFinite(out);
		if (crm_sbg_retention(par, t, &out, msg, sizeof(msg)) == CRM_OK)
			MustBeFinite(out);
		if (crm_sbg_derl(par, fabs(m), fabs(x), &out, msg, sizeof(msg)) == CRM_OK)
			MustBeFinite(out);
		return;
	}
	/*
	 * Dropout only removes purchases: E[X(t)] <= E[lambda] t = r t / alpha.
	 * Checked in the fit domain of T = t (beyond it BG/NBD broke it at r =
	 * 2e254 with t = 3.5e-310 and at b = 1e16, both fixed since; not enforced
	 * there).
	 */
	if (crm_expected_purchases(kind, par, t, &out, msg, sizeof(msg)) == CRM_OK)
		MustBeWithinInDomain(out, 0.0, par[0] / par[1] * t, InFitDomain(kind, par, t));
	if (crm_prob_n_purchases(kind, par, x, t, &out, msg, sizeof(msg)) == CRM_OK)
		MustBeWithin(out, 0.0, 1.0);
	CheckProbSums(kind, par, t);
	if (crm_check_rfm(x, tx, T, msg, sizeof(msg)) != CRM_OK)
		return;
	switch (kind)
	{
		case CRM_BGNBD:
		case CRM_MBGNBD:
			{
				/*
				 * Finite in the fit domain; beyond, the LL may pass the double
				 * range (r = 1.3e308: -1.8e308) and -inf is its value, NaN never
				 */
				double		ll = kind == CRM_BGNBD ? crm_bgnbd_loglik(par, x, tx, T, grad) :
					crm_mbgnbd_loglik(par, x, tx, T, grad);

				if (InFitDomain(kind, par, T))
					MustBeFinite(ll);
				else if (isnan(ll) || ll == INFINITY)
					__builtin_trap();
			}
			break;
		case CRM_PNBD:
			/*
			 * Finite wherever a fit can go (the fits scale T to about 1 and keep
			 * log-parameters within 30 of it). Beyond, both terms of the
			 * likelihood may fall below the double range (r = 1e252 with alpha
			 * = 1e155, or alpha = 1e-306 with r = 1e42: fuzz findings) and the
			 * LL is -inf, "not computable"; the predictions there report failure.
			 */
			if (InFitDomain(kind, par, T))
				MustBeFinite(crm_pnbd_loglik(par, x, tx, T, grad));
			else if (isnan(crm_pnbd_loglik(par, x, tx, T, grad)))
				__builtin_trap();
			if (crm_pnbd_dert(par, fabs(m), x, tx, T, &out, msg, sizeof(msg)) == CRM_OK)
				MustBeFinite(out);
			break;
		default:
			break;
	}
	/*
	 * The gradient must be finite wherever its true value is: d/dalpha is
	 * about (r + x) / alpha, which can pass the double range (r = 3e69,
	 * alpha = 3e-305, T = 1.4e-309: 4.5e369), and so can Pareto/NBD's
	 * d/dbeta, about (s + 1) / beta. The fits never go there
	 * (log-parameters stay within +-30 of the data's scale). Pareto/NBD's
	 * intermediates may overflow before that, outside the fit domain (alpha
	 * = 3e-294, beta = 1e-255 with s = 1.6e40, T = 1.5e-18: a fuzz finding).
	 */
	if ((par[0] + x) / par[1] < 1e300 &&
		(kind != CRM_PNBD || ((par[2] + 1.0) / par[3] < 1e300 && InFitDomain(kind, par, T))))
		for (i = 0; i < 4 && kind != CRM_GG && kind != CRM_SBG; i++)
			MustBeFinite(grad[i]);
	/* alive, lambda is Gamma(r + x, alpha + T) in every model: E[Y(t)] <= its mean t */
	if (crm_conditional_expected(kind, par, t, x, tx, T, &out, msg, sizeof(msg)) == CRM_OK)
		MustBeWithinInDomain(out, 0.0, (par[0] + x) / (par[1] + T) * t, InFitDomain(kind, par, T));
	if (crm_p_alive(kind, par, x, tx, T, &out, msg, sizeof(msg)) == CRM_OK)
	{
		MustBeFinite(out);
		if (out < 0.0 || out > 1.0)
			__builtin_trap();
	}
	CheckMonotone(kind, par, t, x, tx, T, u);
	if (crm_clv(kind, par, fabs(m), x, tx, T, fmod(fabs(t), 1000.0), 1.0 + fabs(fmod(t, 5.0)), 0.01,
				&out, msg, sizeof(msg)) == CRM_OK)
		MustBeFinite(out);
}

/* An accumulator and its data[] capacity. */
typedef struct FuzzAcc
{
	crm_summary_acc *acc;
	size_t		cap;
} FuzzAcc;

/* Replaces a by a copy with exactly `need` bytes (or double), in the given form. */
static void
FuzzGrow(FuzzAcc *a, size_t need, int hashed, int exact)
{
	size_t		cap = exact ? need : (need > 2 * a->cap ? need : 2 * a->cap);
	crm_summary_acc *b = malloc(sizeof(crm_summary_acc) + cap);

	if (b == NULL)
		abort();
	crm_summary_acc_copy(b, cap, a->acc, hashed);
	free(a->acc);
	a->acc = b;
	a->cap = cap;
}

/*
 * Purchases from the input (clustered or scattered days, any order, before
 * and after 2000) go into two partial accumulators that start tiny and grow
 * as asked, then are merged. Day count, bounds, first-day amount and the
 * ascending day list must match a brute force; so must a reload.
 */
static void
FuzzSummary(FuzzInput *in)
{
	enum
	{
		MAXN = 96
	};
	int64_t		time[MAXN];
	int32_t		day[MAXN];
	int32_t		distinct[MAXN];
	int32_t		got[MAXN];
	FuzzAcc		part[2];
	uint64_t	w = NextWord(in);
	int32_t		base = (int32_t) (w % 2000000) - 1000000;
	int			exact = (int) ((w >> 32) & 1);
	int			n = 0,
				nd = 0,
				i,
				j;
	int64_t		first = 0,
				last = 0;
	crm_money	first_amount = 0;
	size_t		need;
	int			hashed;

	while (n < MAXN && in->pos < in->size)
	{
		uint64_t	v = NextWord(in);
		int32_t		spread = (v & 1) ? 8 : (v & 2) ? 400 : 1 << 20;

		day[n] = base + (int32_t) ((v >> 2) % (uint64_t) spread);
		time[n] = (int64_t) day[n] * CRM_SUMMARY_DAY_USECS +
			(int64_t) ((v >> 24) % (uint64_t) CRM_SUMMARY_DAY_USECS);
		n++;
	}
	if (n == 0)
		return;
	for (i = 0; i < 2; i++)
	{
		part[i].cap = (size_t) ((w >> (40 + 4 * i)) & 15);
		part[i].acc = malloc(sizeof(crm_summary_acc) + part[i].cap);
		if (part[i].acc == NULL)
			abort();
		crm_summary_acc_init(part[i].acc);
	}
	for (i = 0; i < n; i++)
	{
		FuzzAcc    *a = &part[(w >> (i % 24)) & 1];

		while ((need = crm_summary_acc_add(a->acc, a->cap, time[i], CRM_MONEY_UNITS, &hashed)) != 0)
			FuzzGrow(a, need, hashed, exact);
	}
	need = crm_summary_merge_need(part[0].acc, part[1].acc, &hashed);
	if (need > part[0].cap || (hashed && !part[0].acc->hashed))
		FuzzGrow(&part[0], need, hashed, exact);
	crm_summary_acc_merge(part[0].acc, part[0].cap, part[1].acc);

	/* brute force: distinct days ascending, bounds, purchases on the first day */
	for (i = 0; i < n; i++)
	{
		int			seen = 0;

		for (j = 0; j < nd; j++)
			seen |= (distinct[j] == day[i]);
		if (!seen)
		{
			for (j = nd; j > 0 && distinct[j - 1] > day[i]; j--)
				distinct[j] = distinct[j - 1];
			distinct[j] = day[i];
			nd++;
		}
		if (i == 0 || time[i] < first)
			first = time[i];
		if (i == 0 || time[i] > last)
			last = time[i];
	}
	for (i = 0; i < n; i++)
		first_amount += (day[i] == distinct[0]) ? CRM_MONEY_UNITS : 0;
	if (part[0].acc->ndays != nd || part[0].acc->first_time != first ||
		part[0].acc->last_time != last || part[0].acc->total_amount != (crm_money) n * CRM_MONEY_UNITS ||
		part[0].acc->first_day_amount != first_amount)
		__builtin_trap();
	crm_summary_acc_days(part[0].acc, got);
	if (memcmp(got, distinct, sizeof(int32_t) * (size_t) nd) != 0 ||
		crm_summary_list_need(got, nd) < 0)
		__builtin_trap();
	{
		size_t		cap = (size_t) crm_summary_list_need(got, nd);
		crm_summary_acc *back = malloc(sizeof(crm_summary_acc) + cap);
		crm_summary s1,
					s2;

		if (back == NULL)
			abort();
		crm_summary_acc_load(back, got, nd, first, last, first_amount,
							 (crm_money) n * CRM_MONEY_UNITS);
		if (!crm_summary_compute(back, base + (1 << 21), 7.0, &s1) ||
			!crm_summary_compute(part[0].acc, base + (1 << 21), 7.0, &s2) ||
			memcmp(&s1, &s2, sizeof(s1)) != 0)
			__builtin_trap();
		free(back);
	}
	free(part[0].acc);
	free(part[1].acc);
}

/*
 * 4096 to 12287 patterns (enough for the radix path) from a generator seeded
 * by the input, with value ranges the input picks per coordinate (a few
 * values, whole days, continuous, -0 mixed with 0, huge or tiny, NaN):
 * crm_compress_rfm must equal qsort's order and sums (integer counts, exact).
 */
static void
FuzzCompress(FuzzInput *in)
{
	uint64_t	w = NextWord(in),
				state = NextWord(in) | 1;
	size_t		n = 4096 + (size_t) (w % 8192),
				m = 0,
				i;
	crm_rfm_pattern *p = malloc(sizeof(*p) * n),
			   *q = malloc(sizeof(*q) * n);
	int			c;

	if (p == NULL || q == NULL)
		abort();
	for (i = 0; i < n; i++)
	{
		double		v[3];

		for (c = 0; c < 3; c++)
		{
			uint64_t	r;
			int			range = (int) ((w >> (16 + 4 * c)) & 7);

			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			r = state >> 11;
			switch (range)
			{
				case 0:
					v[c] = (double) (r % 3);
					break;
				case 1:
					v[c] = (double) (r % 700) / 7.0;
					break;
				case 2:
					v[c] = (double) r * 0x1p-53 * 100.0;
					break;
				case 3:
					v[c] = (r & 1) ? -0.0 : 0.0;
					break;
				case 4:
					v[c] = ldexp((double) (r % 5), (int) (r % 2000) - 1000);
					break;
				case 5:
					v[c] = (r % 997 == 0) ? NAN : (double) (r % 50);
					break;
				default:
					v[c] = (double) (r % (1 + (w >> 40) % 100000));
					break;
			}
		}
		p[i].x = v[0];
		p[i].tx = v[1];
		p[i].T = v[2];
		p[i].n = (double) (1 + (state & 3));
	}
	for (i = 0; i < n; i++)
		if (p[i].x != p[i].x || p[i].tx != p[i].tx || p[i].T != p[i].T)
			break;
	if (i == n)
	{
		memcpy(q, p, sizeof(*p) * n);
		m = RefCompress(q, n);
		if (crm_compress_rfm(p, n) != m)
			__builtin_trap();
		for (i = 0; i < m; i++)
			if (CmpPattern(&p[i], &q[i]) != 0 || p[i].n != q[i].n)
				__builtin_trap();
	}
	else
		(void) crm_compress_rfm(p, n);	/* NaN: no order to check, but no crash */
	free(p);
	free(q);
}

/* libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size, 0};

	if (size < 8)
		return 0;
	switch (data[0] % 4)
	{
		case 0:
			FuzzBtyd(&in);
			break;
		case 1:
			FuzzSpecfun(&in);
			break;
		case 2:
			FuzzSummary(&in);
			break;
		default:
			FuzzCompress(&in);
			break;
	}
	return 0;
}
