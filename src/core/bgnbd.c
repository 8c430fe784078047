/*-------------------------------------------------------------------------
 *
 * bgnbd.c
 *	  BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel &
 *	  Filiztekin 2007): log-likelihoods with analytic gradients, summed
 *	  likelihoods with per-x caching, predictions and the simulator.
 *
 * The two models differ only in where dropout can happen: BG/NBD after each
 * repeat purchase, MBG/NBD also right after the first. With m = 0 (BG) or
 * m = 1 (MBG), per customer:
 *	  LL = log G(r+x)/G(r) + r log alpha + log B(a, b+x+m)/B(a, b)
 *		 + log[ (alpha+T)^-(r+x) + [x+m > 0] a/(b+x+m-1) (alpha+tx)^-(r+x) ]
 *
 * E[Y(t) | x, tx, T] = P(alive) K/(a-1) [1 - (u/(u+t))^(r+x) 2F1(r+x, b+x+m;
 * K; t/(u+t))], u = alpha+T, K = a+b+x+m-1, is evaluated at a block of
 * horizons through Euler's (or, when dropout barely matters, Pfaff's)
 * transformation, whose 2F1 parameters do not grow with x, as series shared
 * by the block and written without division by a - 1 (see AliveSeries);
 * horizons they cannot serve accurately take the robust 2F1 path.
 *
 *-------------------------------------------------------------------------
 */
#include "btyd.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "specfun.h"
#include "valueset.h"

/* Half-width of the window around a = 1 bridged by interpolation. */
#define A_ONE_DELTA 1e-3
/* Largest t / (alpha + T) for the Pfaff form of the alive expectation. */
#define PFAFF_W 0.5

/* Per-x constants of the log-likelihood and their derivatives. */
typedef struct XTerms
{
	double		c;				/* x-only part of LL */
	double		dc[4];			/* its gradient */
	double		hc[4][4];		/* its Hessian (filled only for Hessian sums) */
	double		c4;				/* log a - log(b + x + m - 1) */
	double		dc4b;			/* d c4 / d b (d c4 / d a = 1/a) */
	double		rx;				/* r + x */
	int			has4;			/* the dropout-after-last-purchase term exists */
} XTerms;

/* Parameter-only constants shared by every x. */
typedef struct ParTerms
{
	double		r,
				alpha,
				a,
				b;
	double		lalpha,
				psi_r,
				lbeta_ab,
				psi_ab,
				psi_b,
				log_a;
	int			m;
} ParTerms;

/* Fills the parameter-only constants. */
static void
SetParTerms(ParTerms *pt, const double par[4], int modified)
{
	pt->r = par[0];
	pt->alpha = par[1];
	pt->a = par[2];
	pt->b = par[3];
	pt->m = modified ? 1 : 0;
	pt->lalpha = log(pt->alpha);
	pt->psi_r = crm_digamma(pt->r);
	pt->lbeta_ab = crm_lbeta(pt->a, pt->b);
	pt->psi_ab = crm_digamma(pt->a + pt->b);
	pt->psi_b = crm_digamma(pt->b);
	pt->log_a = log(pt->a);
}

/* Fills xt->hc, the Hessian of the x-only part of LL (after SetXTerms). */
static void
SetXHessian(XTerms *xt, const ParTerms *pt, double x)
{
	double		xm = x + pt->m;

	memset(xt->hc, 0, sizeof(xt->hc));
	if (x > 0)
		xt->hc[0][0] = crm_trigamma(pt->r + x) - crm_trigamma(pt->r);
	xt->hc[0][1] = xt->hc[1][0] = 1.0 / pt->alpha;
	xt->hc[1][1] = -pt->r / (pt->alpha * pt->alpha);
	if (xm > 0)
	{
		double		t_ab = crm_trigamma(pt->a + pt->b),
					t_abx = crm_trigamma(pt->a + pt->b + xm);

		xt->hc[2][2] = xt->hc[2][3] = xt->hc[3][2] = t_ab - t_abx;
		xt->hc[3][3] = crm_trigamma(pt->b + xm) - crm_trigamma(pt->b) + t_ab - t_abx;
	}
}

/* Fills the constants of one x value. */
static void
SetXTerms(XTerms *xt, const ParTerms *pt, double x)
{
	double		xm = x + pt->m;
	double		a1,
				da1r;

	/* log G(r+x)/G(r) + r log alpha */
	if (x > 0)
	{
		a1 = crm_lgamma(x) - crm_lbeta(pt->r, x);
		da1r = crm_digamma(pt->r + x) - pt->psi_r;
	}
	else
	{
		a1 = 0.0;
		da1r = 0.0;
	}
	xt->rx = pt->r + x;
	xt->c = a1 + pt->r * pt->lalpha;
	xt->dc[0] = da1r + pt->lalpha;
	xt->dc[1] = pt->r / pt->alpha;
	xt->dc[2] = 0.0;
	xt->dc[3] = 0.0;
	/* log B(a, b+x+m) / B(a, b) */
	if (xm > 0)
	{
		double		psi_abx = crm_digamma(pt->a + pt->b + xm);

		xt->c += crm_lbeta(pt->a, pt->b + xm) - pt->lbeta_ab;
		xt->dc[2] = pt->psi_ab - psi_abx;
		xt->dc[3] = crm_digamma(pt->b + xm) - pt->psi_b + pt->psi_ab - psi_abx;
	}
	xt->has4 = (xm > 0);
	if (xt->has4)
	{
		/* b + (x + m - 1): b + x + m - 1 would lose b when b << 1 = x + m */
		xt->c4 = pt->log_a - log(pt->b + (xm - 1.0));
		xt->dc4b = -1.0 / (pt->b + (xm - 1.0));
	}
	else
	{
		xt->c4 = 0.0;
		xt->dc4b = 0.0;
	}
}

/*
 * Accumulates one pattern of weight w given log(alpha+T), 1/(alpha+T),
 * log(alpha+tx), 1/(alpha+tx). acc = {ll, d/dr, d/dalpha, sum of w * p4}.
 * Returns p4, the weight of the dropout-after-last-purchase branch (0 when
 * it does not exist).
 */
static inline double
AddPattern(const XTerms *xt, double w, double lT, double iT, double ltx, double itx,
		   double acc[4])
{
	double		a3 = -xt->rx * lT;

	if (xt->has4)
	{
		double		a4 = xt->c4 - xt->rx * ltx;
		double		d = a4 - a3;
		double		e = exp(-fabs(d));
		double		p4 = (d > 0) ? 1.0 / (1.0 + e) : e / (1.0 + e);
		double		p3 = 1.0 - p4;

		acc[0] += w * (fmax(a3, a4) + log1p(e));
		acc[1] -= w * (p3 * lT + p4 * ltx);
		acc[2] -= w * xt->rx * (p3 * iT + p4 * itx);
		acc[3] += w * p4;
		return p4;
	}
	acc[0] += w * a3;
	acc[1] -= w * lT;
	acc[2] -= w * xt->rx * iT;
	return 0.0;
}

/* Adds one x group's totals (weight W, pattern sums acc) to ll and grad. */
static void
AddGroup(const XTerms *xt, const ParTerms *pt, double W, const double acc[4],
		 double *ll, double grad[4])
{
	*ll += W * xt->c + acc[0];
	grad[0] += W * xt->dc[0] + acc[1];
	grad[1] += W * xt->dc[1] + acc[2];
	grad[2] += W * xt->dc[2] + acc[3] / pt->a;
	grad[3] += W * xt->dc[3] + acc[3] * xt->dc4b;
}

/* Summed LL over raw patterns, caching x terms over runs of equal x. */
static double
LoglikSum(const double par[4], int modified, const crm_rfm_pattern *p, size_t n,
		  double grad[4])
{
	ParTerms	pt;
	XTerms		xt;
	double		ll = 0.0,
				g[4] = {0, 0, 0, 0};
	size_t		i = 0;

	SetParTerms(&pt, par, modified);
	while (i < n)
	{
		double		acc[4] = {0, 0, 0, 0};
		double		W = 0.0;
		double		x = p[i].x;

		SetXTerms(&xt, &pt, x);
		for (; i < n && p[i].x == x; i++)
		{
			double		uT = pt.alpha + p[i].T,
						utx = pt.alpha + p[i].tx;

			AddPattern(&xt, p[i].n, log(uT), 1.0 / uT, log(utx), 1.0 / utx, acc);
			W += p[i].n;
		}
		AddGroup(&xt, &pt, W, acc, &ll, g);
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	return ll;
}

/* BG/NBD log-likelihood of one customer. */
double
crm_bgnbd_loglik(const double par[4], double x, double tx, double T, double grad[4])
{
	crm_rfm_pattern p = {x, tx, T, 1.0};

	return LoglikSum(par, 0, &p, 1, grad);
}

/* MBG/NBD log-likelihood of one customer. */
double
crm_mbgnbd_loglik(const double par[4], double x, double tx, double T, double grad[4])
{
	crm_rfm_pattern p = {x, tx, T, 1.0};

	return LoglikSum(par, 1, &p, 1, grad);
}

/* Summed BG/NBD log-likelihood over patterns. */
double
crm_bgnbd_loglik_sum(const double par[4], const crm_rfm_pattern *p, size_t n, double grad[4])
{
	return LoglikSum(par, 0, p, n, grad);
}

/* Summed MBG/NBD log-likelihood over patterns. */
double
crm_mbgnbd_loglik_sum(const double par[4], const crm_rfm_pattern *p, size_t n, double grad[4])
{
	return LoglikSum(par, 1, p, n, grad);
}

/* Builds the evaluation tables from patterns sorted by x. */
int
crm_rfm_prep_init(crm_rfm_prep *prep, const crm_rfm_pattern *p, size_t n)
{
	crm_value_set times;
	size_t		i;
	int			ok;

	memset(prep, 0, sizeof(*prep));
	prep->n = n;
	prep->xval = malloc(sizeof(double) * (n + 1));
	prep->xstart = malloc(sizeof(size_t) * (n + 2));
	prep->w = crm_big_malloc(sizeof(double) * (n + 1));
	prep->iT = malloc(sizeof(uint32_t) * (n + 1));
	prep->itx = malloc(sizeof(uint32_t) * (n + 1));
	ok = (crm_value_set_init(&times, 8) == 0);
	if (!prep->xval || !prep->xstart || !prep->w || !prep->iT || !prep->itx || !ok ||
		n > UINT32_MAX / 4)
	{
		crm_value_set_free(&times);
		crm_rfm_prep_free(prep);
		return -1;
	}
	for (i = 0; i < n && ok; i++)
	{
		/* sorted input repeats tx (and often T) from one pattern to the next */
		uint32_t	jT = (i > 0 && p[i].T == p[i - 1].T) ? prep->iT[i - 1] : crm_value_set_intern(&times, p[i].T);
		uint32_t	jx = (i > 0 && p[i].tx == p[i - 1].tx) ? prep->itx[i - 1] : crm_value_set_intern(&times, p[i].tx);

		prep->w[i] = p[i].n;
		ok = (jT != UINT32_MAX && jx != UINT32_MAX);
		prep->iT[i] = jT;
		prep->itx[i] = jx;
		if (i == 0 || p[i].x != p[i - 1].x)
		{
			prep->xval[prep->nx] = p[i].x;
			prep->xstart[prep->nx++] = i;
		}
	}
	prep->xstart[prep->nx] = n;
	/* the distinct times become the prep's table */
	prep->uval = times.val;
	prep->nu = times.n;
	times.val = NULL;
	crm_value_set_free(&times);
	prep->work = ok ? malloc(sizeof(double) * (2 * prep->nu + 2)) : NULL;
	if (prep->work == NULL)
	{
		crm_rfm_prep_free(prep);
		return -1;
	}
	return 0;
}

/* Frees a prep's arrays (safe on a zeroed or partly built prep). */
void
crm_rfm_prep_free(crm_rfm_prep *prep)
{
	free(prep->xval);
	free(prep->xstart);
	free(prep->w);
	free(prep->iT);
	free(prep->itx);
	free(prep->uval);
	free(prep->work);
	memset(prep, 0, sizeof(*prep));
}

/*
 * Pattern sums of one x group that the Hessian needs, beyond AddPattern's
 * (weighted, with q = p3 p4, d0 = log(alpha+T) - log(alpha+tx) and
 * d1 = 1/(alpha+T) - 1/(alpha+tx)): s2 = sum of p3/(alpha+T)^2 +
 * p4/(alpha+tx)^2, then q, q d0, q d1, q d0^2, q d0 d1, q d1^2.
 */
typedef struct HessAcc
{
	double		s2,
				q,
				q0,
				q1,
				q00,
				q01,
				q11;
} HessAcc;

/* Accumulates one pattern's Hessian sums (see HessAcc), given AddPattern's p4. */
static inline void
AddPatternHessian(const XTerms *xt, double w, double lT, double iT, double ltx, double itx,
				  double p4, HessAcc *h)
{
	if (xt->has4)
	{
		double		p3 = 1.0 - p4;
		double		wq = w * p3 * p4,
					d0 = lT - ltx,
					d1 = iT - itx;

		h->s2 += w * (p3 * iT * iT + p4 * itx * itx);
		h->q += wq;
		h->q0 += wq * d0;
		h->q1 += wq * d1;
		h->q00 += wq * d0 * d0;
		h->q01 += wq * d0 * d1;
		h->q11 += wq * d1 * d1;
	}
	else
		h->s2 += w * iT * iT;
}

/*
 * Adds one x group's Hessian of LL: the x-only part (W times xt->hc), the
 * weighted Hessians of log(alpha+T)^-(r+x) and of the dropout term, and the
 * p3 p4 outer product of their gradient difference (log-sum-exp rule).
 * acc is the group's AddPattern sums.
 */
static void
AddGroupHessian(const XTerms *xt, const ParTerms *pt, double W, const double acc[4],
				const HessAcc *h, double hess[4][4])
{
	double		rx = xt->rx,
				ia = 1.0 / pt->a,
				db = xt->dc4b;
	/* sum of w (p3/(alpha+T) + p4/(alpha+tx)), from acc[2] = -rx times it */
	double		s1 = -acc[2] / rx;
	double		g[4][4] = {{0}};
	int			i,
				j;

	g[0][0] = h->q00;
	g[0][1] = -s1 + rx * h->q01;
	g[1][1] = rx * h->s2 + rx * rx * h->q11;
	g[0][2] = h->q0 * ia;
	g[0][3] = h->q0 * db;
	g[1][2] = rx * h->q1 * ia;
	g[1][3] = rx * h->q1 * db;
	g[2][2] = (h->q - acc[3]) * ia * ia;
	g[2][3] = h->q * db * ia;
	g[3][3] = (acc[3] + h->q) * db * db;
	for (i = 0; i < 4; i++)
		for (j = i; j < 4; j++)
		{
			hess[i][j] += W * xt->hc[i][j] + g[i][j];
			if (j != i)
				hess[j][i] = hess[i][j];
		}
}

/*
 * Summed LL over a prep, log(alpha + u) once per distinct time; with grad,
 * its gradient; with hess, its Hessian (row-major 4 x 4).
 */
static double
PrepSum(const double par[4], int modified, crm_rfm_prep *prep, double grad[4], double hess[16])
{
	ParTerms	pt;
	XTerms		xt;
	double		ll = 0.0,
				g[4] = {0, 0, 0, 0},
				H[4][4] = {{0}};
	double	   *lu = prep->work,
			   *iu = prep->work + prep->nu;
	size_t		gi,
				i;

	SetParTerms(&pt, par, modified);
	for (i = 0; i < prep->nu; i++)
	{
		double		u = pt.alpha + prep->uval[i];

		lu[i] = log(u);
		iu[i] = 1.0 / u;
	}
	for (gi = 0; gi < prep->nx; gi++)
	{
		double		acc[4] = {0, 0, 0, 0};
		double		W = 0.0;
		HessAcc		h = {0, 0, 0, 0, 0, 0, 0};

		SetXTerms(&xt, &pt, prep->xval[gi]);
		for (i = prep->xstart[gi]; i < prep->xstart[gi + 1]; i++)
		{
			uint32_t	jT = prep->iT[i],
						jx = prep->itx[i];
			double		p4 = AddPattern(&xt, prep->w[i], lu[jT], iu[jT], lu[jx], iu[jx], acc);

			if (hess)
				AddPatternHessian(&xt, prep->w[i], lu[jT], iu[jT], lu[jx], iu[jx], p4, &h);
			W += prep->w[i];
		}
		AddGroup(&xt, &pt, W, acc, &ll, g);
		if (hess)
		{
			SetXHessian(&xt, &pt, prep->xval[gi]);
			AddGroupHessian(&xt, &pt, W, acc, &h, H);
		}
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	if (hess)
		memcpy(hess, H, sizeof(H));
	return ll;
}

/* Summed LL over a prep: log(alpha + u) once per distinct time. */
double
crm_bgnbd_loglik_prep(const double par[4], int modified, crm_rfm_prep *prep, double grad[4])
{
	return PrepSum(par, modified, prep, grad, NULL);
}

/* Summed LL over a prep with its gradient and analytic Hessian. */
double
crm_bgnbd_hessian_prep(const double par[4], int modified, crm_rfm_prep *prep, double grad[4],
					   double hess[16])
{
	return PrepSum(par, modified, prep, grad, hess);
}

/*
 * 1 / (1 + a/(b+x+m-1) ((alpha+T)/(alpha+tx))^(r+x)): P(alive); 1 when there
 * is no dropout term (BG/NBD with x = 0).
 */
static double
AliveFactor(const double par[4], int m, double x, double tx, double T)
{
	double		d;

	if (x + m <= 0)
		return 1.0;
	d = log(par[2] / (par[3] + (x + m - 1.0))) + (par[0] + x) * log1p((T - tx) / (par[1] + tx));
	/* 1 / (1 + e^d) without overflow */
	if (d > 0)
	{
		d = exp(-d);
		return d / (1.0 + d);
	}
	return 1.0 / (1.0 + exp(d));
}

/* The alive expectation below, given lf = log of its 2F1. */
static double
AliveFromLog2F1(const double par[4], double m, double t, double x, double T, double lf)
{
	double		c = par[2] + par[3] + (x + m - 1.0);
	double		y = lf - (par[0] + x) * log1p(t / (par[1] + T));

	/* positive in exact arithmetic (both factors change sign at a = 1) */
	return fmax(0.0, c / (par[2] - 1.0) * (-expm1(y)));
}

/*
 * K/(a-1) * [1 - (u/(u+t))^(r+x) 2F1(r+x, b+x+m; a+b+x+m-1; t/(u+t))],
 * u = alpha + T, K = a+b+x+m-1: the expected purchases in t of a customer
 * alive now, for a away from 1.
 */
static int
AliveExpectation(const double par[4], int m, double t, double x, double T, double *out)
{
	double		r = par[0],
				a = par[2],
				b = par[3];
	double		u = par[1] + T;
	double		c = a + b + (x + m - 1.0);
	double		z = t / (u + t);
	double		lf;

	if (crm_log_hyp2f1_fast(r + x, b + x + m, c, &z, 1, &lf) != 0 &&
		crm_log_hyp2f1(r + x, b + x + m, c, z, &lf) != 0)
		return -1;
	*out = AliveFromLog2F1(par, m, t, x, T, lf);
	return isfinite(*out) ? 0 : -1;
}

/*
 * Alive expectation valid for every a: across |a - 1| < A_ONE_DELTA, where
 * the formula is 0/0, cubic Lagrange interpolation through a = 1 + k delta,
 * k = -2, -1, 1, 2 (the function is analytic in a; error O(delta^4)).
 */
static int
AliveExpectationStable(const double par[4], int m, double t, double x, double T, double *out)
{
	static const double nodes[4] = {-2.0, -1.0, 1.0, 2.0};
	double		s = (par[2] - 1.0) / A_ONE_DELTA;
	double		sum = 0.0;
	int			i,
				j;

	if (fabs(s) >= 1.0)
		return AliveExpectation(par, m, t, x, T, out);
	for (i = 0; i < 4; i++)
	{
		double		q[4] = {par[0], par[1], 1.0 + nodes[i] * A_ONE_DELTA, par[3]};
		double		v,
					lw = 1.0;

		if (AliveExpectation(q, m, t, x, T, &v) != 0)
			return -1;
		for (j = 0; j < 4; j++)
			if (j != i)
				lw *= (s - nodes[j]) / (nodes[i] - nodes[j]);
		sum += lw * v;
	}
	*out = fmax(sum, 0.0);
	return 0;
}

/*
 * Alive expectations at t[k] (k < n <= CRM_HYP_FAST_MAX_Z) from shared
 * series, none divided by a - 1 (so a = 1 needs no special case). With
 * w = t/u, z = w/(1+w), s = r+x, K = a+b+x+m-1 and h(A; v) = (2F1(A, a-1;
 * K; v) - 1) / (a-1):
 *	  Pfaff:  K/(a-1) [1 - 2F1(a-1, s; K; -w)] = -K h(s; -w),
 * alternating for w < 1, no cancellation;
 *	  Euler:  K/(a-1) [1 - P 2F1(A', a-1; K; z)] = K [l exprel(-(a-1) l) - P h(A'; z)],
 * l = log(1+w), P = (1+w)^(1-a), A' = a+b+m-1-r: the parameters do not grow
 * with x (fast for heavy buyers, and z < 1 always), but the two terms cancel
 * by about A'/s at small z. Pfaff serves w <= PFAFF_W when A' > 8 s, Euler
 * the rest. out[k] = NAN where a series failed or the estimated error
 * exceeds 1e-11 (the caller then takes the robust path).
 */
static void
AliveSeries(const double par[4], int m, const double *t, int n, double x, double T,
			double *out)
{
	double		r = par[0],
				a = par[2],
				b = par[3];
	double		iu = 1.0 / (par[1] + T),
				ia = 1.0 / (a - 1.0);
	double		K = a + b + (x + m - 1.0),
				A = a + b - r + (m - 1.0);
	double		v[CRM_HYP_FAST_MAX_Z],	/* -w (Pfaff) or z (Euler) */
				l[CRM_HYP_FAST_MAX_Z],
				h[CRM_HYP_FAST_MAX_Z],
				mag[CRM_HYP_FAST_MAX_Z];
	int			kp[CRM_HYP_FAST_MAX_Z],
				ke[CRM_HYP_FAST_MAX_Z];
	int			pfaff = (A > 8.0 * (r + x));
	int			np = 0,
				ne = 0,
				j,
				k;

	for (k = 0; k < n; k++)
		out[k] = NAN;
	if (n < 1 || n > CRM_HYP_FAST_MAX_Z || !(K > 0.0))
		return;
	for (k = 0; k < n; k++)
		if (pfaff && t[k] * iu <= PFAFF_W)
			kp[np++] = k;
		else
			ke[ne++] = k;
	if (np > 0)
	{
		for (j = 0; j < np; j++)
			v[j] = -t[kp[j]] * iu;
		/* h[j] = NAN where the series fails */
		(void) crm_hyp2f1_m1_multi(r + x, a - 1.0, K, v, np, h, mag);
		for (j = 0; j < np; j++)
			if (-h[j] > 0.0 && 16.0 * mag[j] <= 1e-11 / DBL_EPSILON * -h[j])
				out[kp[j]] = -K * h[j];
	}
	if (ne == 0)
		return;
	for (j = 0; j < ne; j++)
	{
		double		w = t[ke[j]] * iu;

		v[j] = w / (1.0 + w);
		/* log is as accurate as log1p once w is not small, and faster */
		l[j] = w < 0.5 ? log1p(w) : log(1.0 + w);
	}
	(void) crm_hyp2f1_m1_multi(A, a - 1.0, K, v, ne, h, mag);
	for (j = 0; j < ne; j++)
	{
		double		y = (1.0 - a) * l[j];
		double		P,
					t1,
					t2,
					e;

		if (!isfinite(h[j]))
			continue;
		/* P = e^y; t1 = l exprel(y) = (1 - P)/(a-1), by its series near y = 0 (a = 1) */
		if (fabs(y) < 1e-5)
		{
			P = 1.0 + y * (1.0 + y * (0.5 + y / 6.0));
			t1 = l[j] * (1.0 + y * (0.5 + y / 6.0));
		}
		else if (fabs(y) < 0.5)
		{
			P = expm1(y);
			t1 = -P * ia;
			P += 1.0;
		}
		else
		{
			P = exp(y);
			t1 = (1.0 - P) * ia;
		}
		t2 = h[j] * P;
		e = K * (t1 - t2);
		/* rounding of t1 and of h against the difference */
		if (e > 0.0 && e < INFINITY &&
			4.0 * fabs(t1) + 16.0 * mag[j] * P <= 1e-11 / DBL_EPSILON * (t1 - t2))
			out[ke[j]] = e;
	}
}

/*
 * E[Y(t[k]) | x, tx, T] for k < n <= CRM_HYP_FAST_MAX_Z: P(alive) times the
 * alive expectations from one shared series, each failure on the robust path.
 */
static int
ConditionalBlock(const double par[4], int modified, const double *t, int n, double x,
				 double tx, double T, double *out)
{
	double		tt[CRM_HYP_FAST_MAX_Z],
				e[CRM_HYP_FAST_MAX_Z];
	double		pa = AliveFactor(par, modified, x, tx, T);
	int			k;

	for (k = 0; k < n; k++)
	{
		if (!isfinite(t[k]))
			return -1;
		tt[k] = t[k] > 0.0 ? t[k] : 0.0;	/* no time, no purchases */
	}
	AliveSeries(par, modified, tt, n, x, T, e);
	for (k = 0; k < n; k++)
	{
		if (tt[k] == 0.0)
			e[k] = 0.0;
		else if (!isfinite(e[k]) &&
				 AliveExpectationStable(par, modified, tt[k], x, T, &e[k]) != 0)
			return -1;
		out[k] = e[k] * pa;
		if (!isfinite(out[k]))
			return -1;
	}
	return 0;
}

/* E[X(t)] for a new customer. */
int
crm_bgnbd_expected(const double par[4], int modified, double t, double *out)
{
	return crm_bgnbd_conditional(par, modified, t, 0.0, 0.0, 0.0, out);
}

/* E[Y(t) | x, tx, T] = P(alive) * alive expectation (T = 0 gives E[X(t)]). */
int
crm_bgnbd_conditional(const double par[4], int modified, double t, double x,
					  double tx, double T, double *out)
{
	if (t <= 0.0)
	{
		*out = 0.0;
		return 0;
	}
	return ConditionalBlock(par, modified, &t, 1, x, tx, T, out);
}

/* Conditional expectations at several horizons (see btyd.h). */
int
crm_bgnbd_conditional_multi(const double par[4], int modified, const double *t, int n,
							double x, double tx, double T, double *out)
{
	int			k;

	for (k = 0; k < n; k += CRM_HYP_FAST_MAX_Z)
		if (ConditionalBlock(par, modified, t + k, n - k < CRM_HYP_FAST_MAX_Z ? n - k : CRM_HYP_FAST_MAX_Z,
							 x, tx, T, out + k) != 0)
			return -1;
	return 0;
}

/* P(alive | x, tx, T). */
int
crm_bgnbd_p_alive(const double par[4], int modified, double x, double tx, double T,
				  double *out)
{
	*out = AliveFactor(par, modified, x, tx, T);
	return 0;
}

/* Continued fraction of the incomplete beta (modified Lentz); -1 if it fails. */
static double
BetaCF(double a, double b, double z)
{
	const double tiny = 1e-300;
	double		c = 1.0,
				d = 1.0 - (a + b) * z / (a + 1.0),
				h;
	int			mi;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (mi = 1; mi <= 200000; mi++)
	{
		double		m2 = 2.0 * mi,
					aa,
					del;

		aa = mi * (b - mi) * z / ((a + m2 - 1.0) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + mi) * (a + b + mi) * z / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			return h;
	}
	return -1.0;
}

/* log I_z(a, b) given z and zc = 1 - z (both accurate). */
static double
LogBetaInc(double a, double b, double z, double zc)
{
	double		cf;

	if (z <= 0.0)
		return -INFINITY;
	if (zc <= 0.0)
		return 0.0;
	if (z < (a + 1.0) / (a + b + 2.0))
	{
		cf = BetaCF(a, b, z);
		if (cf <= 0.0)
			return NAN;
		return a * log(z) + b * log(zc) - crm_lbeta(a, b) + log(cf) - log(a);
	}
	cf = BetaCF(b, a, zc);
	if (cf <= 0.0)
		return NAN;
	return crm_log1mexp(fmin(0.0, b * log(zc) + a * log(z) - crm_lbeta(a, b)
							 + log(cf) - log(b)));
}

/* log of the regularized incomplete beta I_z(a, b). */
double
crm_log_betainc(double a, double b, double z)
{
	return LogBetaInc(a, b, z, 1.0 - z);
}

/*
 * P(X(t) = n): mixes, over p ~ Beta(a, b), "alive through n purchases and
 * exactly n in t" and "dropped right after the n-th, which came before t".
 */
int
crm_bgnbd_prob_n(const double par[4], int modified, double n, double t, double *out)
{
	double		r = par[0],
				alpha = par[1],
				a = par[2],
				b = par[3];
	int			m = modified ? 1 : 0;
	double		lbab = crm_lbeta(a, b);
	double		lz,
				lzc,
				lnb,
				l1,
				l2 = -INFINITY;

	if (t <= 0.0)
	{
		*out = (n == 0.0) ? 1.0 : 0.0;
		return 0;
	}
	lzc = -log1p(t / alpha);	/* log(alpha / (alpha + t)) */
	lz = log(t) - log(alpha + t);
	lnb = r * lzc;
	if (n > 0)
		lnb += crm_lgamma(n) - crm_lbeta(r, n) - crm_lgamma(n + 1.0) + n * lz;
	l1 = crm_lbeta(a, b + n + m) - lbab + lnb;
	if (n + m > 0)
	{
		double		ltail = (n > 0) ? LogBetaInc(n, r, exp(lz), exp(lzc)) : 0.0;

		if (isnan(ltail))
			return -1;
		l2 = crm_lbeta(a + 1.0, b + (n + m - 1.0)) - lbab + ltail;
	}
	*out = exp(crm_logaddexp(l1, l2));
	return isfinite(*out) ? 0 : -1;
}

/* Draws one customer's (x, tx) over (0, T]. */
void
crm_bgnbd_simulate(const double par[4], int modified, double T, crm_rng *rng,
				   double *x, double *tx)
{
	double		lambda = crm_rng_gamma(rng, par[0], par[1]);
	double		p = crm_rng_beta(rng, par[2], par[3]);
	double		t = 0.0;

	*x = 0.0;
	*tx = 0.0;
	if (!(lambda > 0.0) || (modified && crm_rng_bernoulli(rng, p)))
		return;
	for (;;)
	{
		t += crm_rng_exponential(rng, lambda);
		if (t > T)
			break;
		*x += 1.0;
		*tx = t;
		if (crm_rng_bernoulli(rng, p))
			break;
	}
}
