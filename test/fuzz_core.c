/*-------------------------------------------------------------------------
 *
 * fuzz_core.c
 *	  libFuzzer harness for the numeric core: decodes doubles from the
 *	  input and drives the special functions, the rate test and the public
 *	  BTYD functions (validating first, as the PostgreSQL glue does). Any
 *	  call that reports success with a non-finite value aborts.
 *
 * Build and run: make fuzz [FUZZ_SECONDS=60] (needs clang with libFuzzer).
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "btyd.h"
#include "ratetest.h"
#include "specfun.h"

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
	char		msg[256];
	int			i;

	for (i = 0; i < CRM_MAX_PARAMS; i++)
		par[i] = NextDouble(in);
	if (crm_check_params(kind, par, msg, sizeof(msg)) != CRM_OK)
		return;
	if (kind == CRM_GG)
	{
		if (x >= 1.0 && m > 0.0 && isfinite(m))
			MustBeFinite(crm_gg_loglik(par, x, m, grad));
		if (crm_gg_expected_spend(par, x, m, &out, msg, sizeof(msg)) == CRM_OK)
			MustBeFinite(out);
		return;
	}
	if (kind == CRM_SBG)
	{
		double		alive[6];
		double		size = floor(fabs(m)) + 1.0;

		alive[0] = size;
		for (i = 1; i < 6; i++)
			alive[i] = floor(alive[i - 1] *
							 (0.5 + 0.5 * (isfinite(tx) ? fmod(fabs(tx) * i, 1.0) : 0.5)));
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
	if (crm_expected_purchases(kind, par, t, &out, msg, sizeof(msg)) == CRM_OK)
		MustBeFinite(out);
	if (crm_prob_n_purchases(kind, par, x, t, &out, msg, sizeof(msg)) == CRM_OK)
		MustBeFinite(out);
	if (crm_check_rfm(x, tx, T, msg, sizeof(msg)) != CRM_OK)
		return;
	switch (kind)
	{
		case CRM_BGNBD:
			MustBeFinite(crm_bgnbd_loglik(par, x, tx, T, grad));
			break;
		case CRM_MBGNBD:
			MustBeFinite(crm_mbgnbd_loglik(par, x, tx, T, grad));
			break;
		case CRM_PNBD:
			MustBeFinite(crm_pnbd_loglik(par, x, tx, T, grad));
			if (crm_pnbd_dert(par, fabs(m), x, tx, T, &out, msg, sizeof(msg)) == CRM_OK)
				MustBeFinite(out);
			break;
		default:
			break;
	}
	for (i = 0; i < 4 && kind != CRM_GG && kind != CRM_SBG; i++)
		MustBeFinite(grad[i]);
	if (crm_conditional_expected(kind, par, t, x, tx, T, &out, msg, sizeof(msg)) == CRM_OK)
		MustBeFinite(out);
	if (crm_p_alive(kind, par, x, tx, T, &out, msg, sizeof(msg)) == CRM_OK)
	{
		MustBeFinite(out);
		if (out < 0.0 || out > 1.0)
			__builtin_trap();
	}
	if (crm_clv(kind, par, fabs(m), x, tx, T, fmod(fabs(t), 1000.0), 1.0 + fabs(fmod(t, 5.0)), 0.01,
				&out, msg, sizeof(msg)) == CRM_OK)
		MustBeFinite(out);
}

/* libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzInput	in = {data, size, 0};

	if (size < 8)
		return 0;
	if (data[0] & 1)
		FuzzSpecfun(&in);
	else
		FuzzBtyd(&in);
	return 0;
}
