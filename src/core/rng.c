/*-------------------------------------------------------------------------
 *
 * rng.c
 *	  xoshiro256** generator (Blackman & Vigna 2018) seeded by splitmix64,
 *	  and the distributions the simulators need (see rng.h).
 *
 * Gamma: Marsaglia & Tsang (2000), with the U^(1/shape) boost for
 * shape < 1 carried in log space so tiny shapes do not underflow to 0/0.
 * Poisson: sequential inversion for small means, Hoermann's PTRS
 * transformed rejection (1993, exact) for mean >= 10.
 *
 *-------------------------------------------------------------------------
 */
#include "rng.h"

#include <math.h>

#include "specfun.h"

#define CRM_SPLITMIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* Rotates a 64-bit word left by k bits. */
static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The splitmix64 output function applied to one value. */
static inline uint64_t
SplitMixFinal(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Mixes a 64-bit value (one splitmix64 step from state x). */
uint64_t
crm_hash64(uint64_t x)
{
	return SplitMixFinal(x + CRM_SPLITMIX_GAMMA);
}

/* Seeds the four state words from consecutive splitmix64 outputs. */
void
crm_rng_seed(crm_rng *rng, uint64_t seed)
{
	uint64_t	state = seed;
	int			i;

	for (i = 0; i < 4; i++)
	{
		state += CRM_SPLITMIX_GAMMA;
		rng->s[i] = SplitMixFinal(state);
	}
	/* The all-zero state is a fixed point; splitmix64 never yields it, but be safe. */
	if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
		rng->s[0] = CRM_SPLITMIX_GAMMA;
}

/* Next raw xoshiro256** output. */
uint64_t
crm_rng_next(crm_rng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = Rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = Rotl(s[3], 45);
	return result;
}

/* Uniform on (0, 1): the top 53 bits, offset by half a step. */
double
crm_rng_uniform(crm_rng *rng)
{
	return ((double) (crm_rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

/* Standard normal by Box-Muller (one of the pair; keeps the state flat). */
double
crm_rng_normal(crm_rng *rng)
{
	double		u1 = crm_rng_uniform(rng);
	double		u2 = crm_rng_uniform(rng);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586477 * u2);
}

/* Exponential by inversion; rate <= 0 or NaN gives 0. */
double
crm_rng_exponential(crm_rng *rng, double rate)
{
	double		u = crm_rng_uniform(rng);

	if (!(rate > 0.0))
		return 0.0;
	return -log(u) / rate;
}

/* log of a Gamma(shape, 1) draw; Marsaglia-Tsang, boosted for shape < 1. */
static double
LogGammaDraw(crm_rng *rng, double shape)
{
	double		boost = 0.0;
	double		d;
	double		c;

	if (shape < 1.0)
	{
		/* G(shape) = G(shape + 1) * U^(1/shape), in logs */
		boost = log(crm_rng_uniform(rng)) / shape;
		shape += 1.0;
	}
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		x = crm_rng_normal(rng);
		double		v = 1.0 + c * x;
		double		u;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = crm_rng_uniform(rng);
		if (u < 1.0 - 0.0331 * (x * x) * (x * x) ||
			log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return log(d) + log(v) + boost;
	}
}

/* Gamma with shape > 0 and rate > 0; invalid arguments give 0. */
double
crm_rng_gamma(crm_rng *rng, double shape, double rate)
{
	if (!(shape > 0.0) || !(rate > 0.0) || isinf(shape))
		return 0.0;
	return exp(LogGammaDraw(rng, shape)) / rate;
}

/* Beta(a, b) as G_a / (G_a + G_b), formed from log draws (safe for tiny a, b). */
double
crm_rng_beta(crm_rng *rng, double a, double b)
{
	double		la;
	double		lb;

	if (!(a > 0.0) || !(b > 0.0) || isinf(a) || isinf(b))
		return 0.5;
	la = LogGammaDraw(rng, a);
	lb = LogGammaDraw(rng, b);
	/* 1 / (1 + exp(lb - la)), written to stay in [0, 1] */
	if (lb > la)
	{
		double		e = exp(la - lb);

		return e / (1.0 + e);
	}
	return 1.0 / (1.0 + exp(lb - la));
}

/* Poisson by sequential inversion (mean < 10). */
static uint64_t
PoissonInversion(crm_rng *rng, double mean)
{
	double		u = crm_rng_uniform(rng);
	double		p = exp(-mean);
	double		cdf = p;
	uint64_t	k = 0;

	/* mean < 10: the tail beyond 200 is far below double resolution */
	while (u > cdf && k < 200)
	{
		k++;
		p *= mean / (double) k;
		cdf += p;
	}
	return k;
}

/* Poisson by PTRS transformed rejection (Hoermann 1993), mean >= 10. */
static uint64_t
PoissonPtrs(crm_rng *rng, double mean)
{
	double		slam = sqrt(mean);
	double		loglam = log(mean);
	double		b = 0.931 + 2.53 * slam;
	double		a = -0.059 + 0.02483 * b;
	double		invalpha = 1.1239 + 1.1328 / (b - 3.4);
	double		vr = 0.9277 - 3.6224 / (b - 2.0);

	for (;;)
	{
		double		u = crm_rng_uniform(rng) - 0.5;
		double		v = crm_rng_uniform(rng);
		double		us = 0.5 - fabs(u);
		double		k = floor((2.0 * a / us + b) * u + mean + 0.43);

		if (us >= 0.07 && v <= vr)
			return (uint64_t) k;
		if (k < 0.0 || (us < 0.013 && v > us))
			continue;
		if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
			-mean + k * loglam - crm_lgamma(k + 1.0))
			return (uint64_t) k;
	}
}

/* Poisson with the given mean; mean <= 0 or NaN gives 0. */
uint64_t
crm_rng_poisson(crm_rng *rng, double mean)
{
	if (!(mean > 0.0))
		return 0;
	if (mean > 1e18)
		return (uint64_t) mean;		/* beyond exact integers in double anyway */
	if (mean < 10.0)
		return PoissonInversion(rng, mean);
	return PoissonPtrs(rng, mean);
}

/* Bernoulli(p): 1 with probability p (p outside [0, 1] is clamped). */
int
crm_rng_bernoulli(crm_rng *rng, double p)
{
	return crm_rng_uniform(rng) < p ? 1 : 0;
}
