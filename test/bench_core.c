/*-------------------------------------------------------------------------
 *
 * bench_core.c
 *	  Standalone timing of the BTYD fit driver (not a unit test): simulates
 *	  customers with crm_simulate_rfm, T spread over 30..80 weeks in whole
 *	  days, recency rounded to whole days, compresses and fits. Kind
 *	  "palive" times Pareto/NBD P(alive) per customer at parameters fitted
 *	  on real data (weeks; alpha and beta far apart), T up to two years.
 *	  Kind "clv" times BG/NBD crm_clv (12 monthly steps) and E[Y(52)].
 *
 *	  Build: gcc -O2 -Isrc/core -Itest test/bench_core.c src/core/(*).c -lm
 *	  Usage: bench_core [customers (default 1000000)] [kinds, e.g. "bgnbd,pnbd,palive,clv"]
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btyd.h"
#include "pnbd.h"
#include "rng.h"

/*
 * CPU seconds of this process: the machine is shared, so CPU time is the
 * stable measure (the program is single-threaded; wall time >= CPU time).
 */
static double
Now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Monotonic wall-clock seconds. */
static double
Wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Simulates, compresses and fits one kind; prints the timings. */
static void
BenchKind(crm_model_kind kind, const double *par, size_t n)
{
	crm_rfm_pattern *p = malloc(sizeof(*p) * n);
	crm_rng		rng;
	crm_fit_result res;
	double		t0,
				t1,
				t2,
				t3,
				w2,
				w3,
				ll;
	size_t		i,
				m;
	int			j;

	if (p == NULL)
		return;
	crm_rng_seed(&rng, 12345);
	t0 = Now();
	for (i = 0; i < n; i++)
	{
		double		T = (210.0 + (double) (crm_rng_next(&rng) % 351)) / 7.0;
		double		x,
					tx;

		crm_simulate_rfm(kind, par, T, &rng, &x, &tx);
		p[i].x = x;
		p[i].tx = floor(tx * 7.0) / 7.0;
		p[i].T = T;
		p[i].n = 1.0;
	}
	t1 = Now();
	m = crm_compress_rfm(p, n);
	t2 = Now();
	w2 = Wall();
	crm_fit_rfm(kind, p, m, NULL, &res);
	t3 = Now();
	w3 = Wall();
	printf("%-7s customers %zu  distinct patterns %zu  CPU s: simulate %.3f  compress %.3f  fit %.3f"
		   " (fit wall %.3f)\n", crm_model_name(kind), n, m, t1 - t0, t2 - t1, t3 - t2, w3 - w2);
	printf("        status %d converged %d iterations %d loglik %.2f  params",
		   (int) res.status, res.converged, res.iterations, res.loglik);
	for (j = 0; j < res.nparams; j++)
		printf(" %s=%.4g (true %.4g, se %.2g)", crm_model_param_name(kind, j),
			   res.params[j], par[j], res.se[j]);
	printf("\n");
	/* one summed evaluation with gradient on the compressed patterns */
	t0 = Now();
	for (j = 0; j < 10; j++)
	{
		double		g[4];

		if (kind == CRM_BGNBD)
			ll = crm_bgnbd_loglik_sum(res.params, p, m, g);
		else if (kind == CRM_MBGNBD)
			ll = crm_mbgnbd_loglik_sum(res.params, p, m, g);
		else
			break;
		(void) ll;
	}
	if (j == 10)
		printf("        loglik_sum with gradient: %.3f ms per call (%.1f ns per pattern)\n",
			   (Now() - t0) * 100.0, (Now() - t0) * 1e8 / (double) m);
	free(p);
}

/* Sorts doubles ascending (qsort). */
static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Pareto/NBD P(alive) and E[Y] at 3 horizons (conditional_multi) per
 * customer over simulated customers: T over 1..730 days, recency rounded to
 * whole days; prints the minimum and median CPU time per call of 7 passes.
 */
static void
BenchPAlive(const double *par, size_t n)
{
	static const double horizons[3] = {13.0, 26.0, 52.0};
	double	   *x = malloc(sizeof(double) * n);
	double	   *tx = malloc(sizeof(double) * n);
	double	   *T = malloc(sizeof(double) * n);
	double		tp[7],
				tc[7];
	double		sum = 0.0;
	crm_rng		rng;
	size_t		i;
	int			k,
				fails = 0;

	if (x == NULL || tx == NULL || T == NULL)
	{
		free(x);
		free(tx);
		free(T);
		return;
	}
	crm_rng_seed(&rng, 4242);
	for (i = 0; i < n; i++)
	{
		T[i] = (1.0 + (double) (crm_rng_next(&rng) % 730)) / 7.0;
		crm_pnbd_simulate(par, T[i], &rng, &x[i], &tx[i]);
		tx[i] = floor(tx[i] * 7.0) / 7.0;
	}
	for (k = 0; k < 7; k++)
	{
		double		t0 = Now();

		for (i = 0; i < n; i++)
		{
			double		lp;

			if (crm_pnbd_log_p_alive(par, x[i], tx[i], T[i], &lp) != 0)
				fails++;
			else
				sum += lp;
		}
		tp[k] = (Now() - t0) * 1e6 / (double) n;
		t0 = Now();
		for (i = 0; i < n; i++)
		{
			double		e[3];

			if (crm_pnbd_conditional_multi(par, horizons, 3, x[i], tx[i], T[i], e) != 0)
				fails++;
			else
				sum += e[0];
		}
		tc[k] = (Now() - t0) * 1e6 / (double) n;
	}
	qsort(tp, 7, sizeof(double), CmpDouble);
	qsort(tc, 7, sizeof(double), CmpDouble);
	printf("palive  customers %zu  CPU us per call (min / median of 7): log_p_alive %.3f / %.3f"
		   "  conditional_multi(3) %.3f / %.3f  failures %d (checksum %.6g)\n",
		   n, tp[0], tp[3], tc[0], tc[3], fails, sum);
	free(x);
	free(tx);
	free(T);
}

/*
 * BG/NBD CLV as crm.clv computes it: Gamma-Gamma expected spend, then crm_clv
 * over 12 monthly steps (weeks, 10% a year), and E[Y(52 weeks)], per
 * simulated customer with x > 0, at parameters fitted on 1M real customers
 * (Gamma-Gamma q < 1); T over 3..730 days, recency in whole days. Prints the
 * minimum and median CPU time per call of 7 passes.
 */
static void
BenchClv(size_t n)
{
	static const double bg[4] = {0.42533305979205016, 1.815977170131486,
	0.37715555732802747, 6.266769908342488};
	static const double gg[3] = {15.6347, 0.90607, 2.16968};
	double		horizon = 365.25 / 7.0,
				rate = expm1(log1p(0.1) / 12.0);
	double	   *c = malloc(sizeof(double) * 4 * n);
	double		tc[7],
				te[7],
				sum = 0.0;
	crm_rng		rng;
	size_t		i;
	int			k,
				fails = 0;
	char		msg[256];

	if (c == NULL)
		return;
	crm_rng_seed(&rng, 2024);
	for (i = 0; i < n; i++)
	{
		double	   *p = c + 4 * i;	/* x, tx, T, mean spend */

		do
		{
			p[2] = (3.0 + (double) (crm_rng_next(&rng) % 728)) / 7.0;
			crm_simulate_rfm(CRM_BGNBD, bg, p[2], &rng, &p[0], &p[1]);
		} while (p[0] == 0.0);
		p[1] = floor(p[1] * 7.0) / 7.0;
		p[3] = crm_simulate_gg_mean(gg, p[0], &rng);
	}
	for (k = 0; k < 7; k++)
	{
		double		t0 = Now();

		for (i = 0; i < n; i++)
		{
			const double *p = c + 4 * i;
			double		spend,
						v;

			if (crm_gg_expected_spend(gg, p[0], p[3], &spend, msg, sizeof(msg)) != CRM_OK ||
				crm_clv(CRM_BGNBD, bg, spend, p[0], p[1], p[2], horizon, horizon / 12.0, rate,
						&v, msg, sizeof(msg)) != CRM_OK)
				fails++;
			else
				sum += v;
		}
		tc[k] = (Now() - t0) * 1e6 / (double) n;
		t0 = Now();
		for (i = 0; i < n; i++)
		{
			const double *p = c + 4 * i;
			double		v;

			if (crm_conditional_expected(CRM_BGNBD, bg, 52.0, p[0], p[1], p[2], &v,
										 msg, sizeof(msg)) != CRM_OK)
				fails++;
			else
				sum += v;
		}
		te[k] = (Now() - t0) * 1e6 / (double) n;
	}
	qsort(tc, 7, sizeof(double), CmpDouble);
	qsort(te, 7, sizeof(double), CmpDouble);
	printf("clv     customers %zu (x > 0)  CPU us per call (min / median of 7): clv(12 months) %.3f / %.3f"
		   "  E[Y(52)] %.3f / %.3f  failures %d (checksum %.6g)\n",
		   n, tc[0], tc[3], te[0], te[3], fails, sum);
	free(c);
}

/* Runs the benchmark for the kinds named on the command line. */
int
main(int argc, char **argv)
{
	static const double bg[4] = {0.243, 4.414, 0.793, 2.426};
	static const double pn[4] = {0.553, 10.578, 0.606, 11.669};
	/* fitted on 1M real customers, weeks */
	static const double pa[4] = {0.5748183564287601, 2.5418973106819993,
	0.6580889489901004, 39.49699573889285};
	size_t		n = (argc > 1) ? (size_t) atol(argv[1]) : 1000000;
	const char *kinds = (argc > 2) ? argv[2] : "bgnbd,mbgnbd,pnbd,palive";

	if (strstr(kinds, "bgnbd") && (strncmp(kinds, "bgnbd", 5) == 0 || strstr(kinds, ",bgnbd")))
		BenchKind(CRM_BGNBD, bg, n);
	if (strstr(kinds, "mbgnbd"))
		BenchKind(CRM_MBGNBD, bg, n);
	if (strstr(kinds, "pnbd"))
		BenchKind(CRM_PNBD, pn, n);
	if (strstr(kinds, "palive"))
		BenchPAlive(pa, n);
	if (strstr(kinds, "clv"))
		BenchClv(n);
	return 0;
}
