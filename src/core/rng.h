/*-------------------------------------------------------------------------
 *
 * rng.h
 *	  Deterministic pseudo-random numbers (xoshiro256**) and the draws the
 *	  sample generator and the model simulators need.
 *
 * Pure C, no PostgreSQL headers. Same seed, same stream, on every platform.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_RNG_H
#define CRM_CORE_RNG_H

#include <stdint.h>

typedef struct crm_rng
{
	uint64_t	s[4];
} crm_rng;

/* Mixes a 64-bit value (splitmix64 finaliser); used to derive per-entity seeds. */
uint64_t	crm_hash64(uint64_t x);

/* Seeds the generator from one 64-bit value. */
void		crm_rng_seed(crm_rng *rng, uint64_t seed);

/* Next raw 64-bit output. */
uint64_t	crm_rng_next(crm_rng *rng);

/* Uniform on the open interval (0, 1). */
double		crm_rng_uniform(crm_rng *rng);

/* Standard normal. */
double		crm_rng_normal(crm_rng *rng);

/* Exponential with the given rate (> 0). */
double		crm_rng_exponential(crm_rng *rng, double rate);

/* Gamma with shape > 0 and rate > 0 (mean shape/rate). */
double		crm_rng_gamma(crm_rng *rng, double shape, double rate);

/* Beta(a, b), a > 0, b > 0. */
double		crm_rng_beta(crm_rng *rng, double a, double b);

/* Poisson with the given mean (>= 0). */
uint64_t	crm_rng_poisson(crm_rng *rng, double mean);

/* Bernoulli(p): 1 with probability p. */
int			crm_rng_bernoulli(crm_rng *rng, double p);

#endif
