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
 *		 + log[ (alpha+T)^-(r+x) + [x+m > 0] a/(b+x+m-1) (alpha+tx)^-(r+x) ],
 * evaluated as log G(r+x)/G(r) - x log alpha + log B(a, b+x+m)/B(a, b)
 *		 + log[ e^(-(r+x) log1p(T/alpha)) + [x+m > 0] a/(b+x+m-1) e^(-(r+x) log1p(tx/alpha)) ]
 * with shifted differences (crm_lpoch, crm_lbeta_ratio): when a fit runs off
 * (r and alpha, or a and b, huge together) no two large terms cancel.
 *
 * E[Y(t) | x, tx, T] = P(alive) K/(a-1) [1 - (u/(u+t))^(r+x) 2F1(r+x, b+x+m;
 * K; t/(u+t))], u = alpha+T, K = a+b+x+m-1, is evaluated at a block of
 * horizons through Euler's (or, when dropout barely matters, Pfaff's)
 * transformation, whose 2F1 parameters do not grow with x, as series shared
 * by the block and written without division by a - 1 (see AliveSeries).
 * A horizon they cannot serve to 1e-11 goes down one chain, each step
 * taken only when its own error estimate allows: the small-p series (b
 * huge), then per a: the direct 2F1 series, the 1-z connection formula of
 * the Euler form (r+x huge), that of the 2F1 itself (t >> alpha+T), the
 * integral over p (AliveExpectationQuad, no 2F1 at all, also at a = 1), and
 * last the robust 2F1 (to 1e-7; across a = 1 interpolated). Horizons with
 * t/(alpha+T) below 1e-10/(r+x+2) take the series' first two terms.
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
/* Most terms of the 1-z series of the alive expectation (AliveExpectationFar). */
#define FAR_MAX_TERMS 100000
/* Least b, and largest n, for which I_z(n, b)'s complement is a finite sum (see LogBetaInc). */
#define BETAINC_SUM_B 1e4
#define BETAINC_SUM_N 1e6
/* Most terms of the small-p series of the alive expectation (AliveExpectationSmallP). */
#define SMALLP_MAX_TERMS 2000
/* Largest estimated relative error of the robust 2F1 alive expectation (the quadrature failed). */
#define ROBUST_MAX_ERR 1e-7
/* p w below which the quadrature's integrand is taken as its Taylor line (AliveExpectationQuad). */
#define QUAD_PW_LEFT 1e-7
/* Most unit panels of that quadrature. */
#define QUAD_MAX_PANELS 4000
/*
 * Estimated error of the robust 2F1 path above which the quadrature is
 * preferred: as strict as every other path (its estimates ran up to 16
 * times low, and the quadrature costs about 0.1 ms).
 */
#define QUAD_ABOVE_ERR 1e-11
/*
 * t/u below which (times s+2) the small-p series serves (it converges at
 * once there; the shared series' w may be subnormal, digits lost).
 */
#define TINY_T 1e-10
/* Largest u/(u+t), most terms, for the connection form (AliveExpectationConnection). */
#define CONN_MAX_NU 0.5
#define CONN_MAX_TERMS 20000
/* Most negative C of its series (HypSeriesTail) the connection form takes. */
#define CONN_MIN_C 20.0

/* Per-x constants of the log-likelihood and their derivatives. */
typedef struct XTerms
{
	double		x;				/* the group's repeat purchases */
	double		c;				/* x-only part of LL */
	double		dc[4];			/* its gradient (d/dalpha is taken in AddGroup) */
	double		hc[4][4];		/* its Hessian in r, a, b (filled only for Hessian sums) */
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
				ialpha,
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
	pt->ialpha = 1.0 / pt->alpha;
	pt->log_a = log(pt->a);
}

/*
 * log1p(u / alpha) and u / (alpha + u) of one time u: the pattern terms are
 * -(r + x) log1p(u / alpha), small when r and alpha run off together. One
 * division, and log where it is as accurate as log1p and faster, so that
 * the table costs about what log(alpha + u) and 1 / (alpha + u) did.
 */
static inline void
SetTimeTerms(const ParTerms *pt, double u, double *l, double *q)
{
	double		v = u * pt->ialpha;

	if (v < 0.5)
		*l = log1p(v);
	else if (isfinite(v))
		*l = log(1.0 + v);
	else						/* alpha near the subnormal range */
		*l = log(pt->alpha + u) - pt->lalpha;
	*q = u * (1.0 / (pt->alpha + u));
}

/* Fills xt->hc, the Hessian of the x-only part of LL in r, a, b (after SetXTerms). */
static void
SetXHessian(XTerms *xt, const ParTerms *pt)
{
	double		xm = xt->x + pt->m;

	memset(xt->hc, 0, sizeof(xt->hc));
	xt->hc[0][0] = crm_trigamma_diff(pt->r, xt->x);
	if (xm > 0)
	{
		double		tab = crm_trigamma_diff(pt->a + pt->b, xm);

		xt->hc[2][2] = xt->hc[2][3] = xt->hc[3][2] = -tab;
		xt->hc[3][3] = crm_trigamma_diff(pt->b, xm) - tab;
	}
}

/*
 * Fills the constants of one x value: log G(r+x)/G(r) - x log alpha +
 * log B(a, b+x+m)/B(a, b), each a shifted difference that stays accurate
 * when r and alpha, or a and b, are huge.
 */
static void
SetXTerms(XTerms *xt, const ParTerms *pt, double x)
{
	double		xm = x + pt->m;

	xt->x = x;
	xt->rx = pt->r + x;
	xt->c = crm_lpoch(pt->r, x) - x * pt->lalpha;
	xt->dc[0] = crm_digamma_diff(pt->r, x);
	xt->dc[1] = 0.0;
	xt->dc[2] = 0.0;
	xt->dc[3] = 0.0;
	xt->has4 = (xm > 0);
	if (xt->has4)
	{
		double		dab = crm_digamma_diff(pt->a + pt->b, xm);

		xt->c += crm_lbeta_ratio(pt->a, pt->b, xm);
		xt->dc[2] = -dab;
		xt->dc[3] = crm_digamma_diff(pt->b, xm) - dab;
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
 * Accumulates one pattern of weight w given SetTimeTerms' l and q at T and
 * at tx. acc = {ll, d/dr, sum of w (p3 q(T) + p4 q(tx)), sum of w * p4}.
 * Returns p4, the weight of the dropout-after-last-purchase branch (0 when
 * it does not exist).
 */
static inline double
AddPattern(const XTerms *xt, double w, double lT, double qT, double lx, double qx,
		   double acc[4])
{
	double		a3 = -xt->rx * lT;

	if (xt->has4)
	{
		double		a4 = xt->c4 - xt->rx * lx;
		double		d = a4 - a3;
		double		e,
					p4,
					p3;

		/* both branches below the double range (r near 1e308): -inf, not NaN */
		if (isnan(d))
			d = xt->c4 + xt->rx * (lT - lx);
		e = exp(-fabs(d));
		p4 = (d > 0) ? 1.0 / (1.0 + e) : e / (1.0 + e);
		p3 = 1.0 - p4;

		acc[0] += w * (fmax(a3, a4) + log1p(e));
		acc[1] -= w * (p3 * lT + p4 * lx);
		acc[2] += w * (p3 * qT + p4 * qx);
		acc[3] += w * p4;
		return p4;
	}
	acc[0] += w * a3;
	acc[1] -= w * lT;
	acc[2] += w * qT;
	return 0.0;
}

/*
 * Adds one x group's totals (weight W, pattern sums acc) to ll and grad.
 * d/dalpha = ((r+x) sum q - W x) / alpha: the pattern terms' (r+x) u /
 * (alpha (alpha+u)) and the constant's -x / alpha, bounded by (r+x) / alpha.
 */
static void
AddGroup(const XTerms *xt, const ParTerms *pt, double W, const double acc[4],
		 double *ll, double grad[4])
{
	*ll += W * xt->c + acc[0];
	grad[0] += W * xt->dc[0] + acc[1];
	grad[1] += (xt->rx * acc[2] - W * xt->x) / pt->alpha;
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
			double		lT,
						qT,
						lx,
						qx;

			SetTimeTerms(&pt, p[i].T, &lT, &qT);
			SetTimeTerms(&pt, p[i].tx, &lx, &qx);
			AddPattern(&xt, p[i].n, lT, qT, lx, qx, acc);
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
 * d1 = 1/(alpha+T) - 1/(alpha+tx)): s2 = sum of p3 q(T) (2 - q(T)) +
 * p4 q(tx) (2 - q(tx)) (q(u) = u / (alpha+u)), then q, q d0, q d1, q d0^2,
 * q d0 d1, q d1^2.
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

/*
 * Accumulates one pattern's Hessian sums (see HessAcc), given its times,
 * SetTimeTerms' l and q at both and AddPattern's p4. d0 = l(T) - l(tx) and
 * d1 as a quotient of (T - tx): both accurate for every alpha.
 */
static inline void
AddPatternHessian(const XTerms *xt, const ParTerms *pt, double w, double T, double tx,
				  double lT, double qT, double lx, double qx, double p4, HessAcc *h)
{
	if (xt->has4)
	{
		double		p3 = 1.0 - p4;
		double		wq = w * p3 * p4,
					d0 = lT - lx,
					d1 = -(T - tx) / (pt->alpha + T) / (pt->alpha + tx);

		h->s2 += w * (p3 * qT * (2.0 - qT) + p4 * qx * (2.0 - qx));
		h->q += wq;
		h->q0 += wq * d0;
		h->q1 += wq * d1;
		h->q00 += wq * d0 * d0;
		h->q01 += wq * d0 * d1;
		h->q11 += wq * d1 * d1;
	}
	else
		h->s2 += w * qT * (2.0 - qT);
}

/*
 * Adds one x group's Hessian of LL: the x-only part (W times xt->hc), the
 * weighted Hessians of the two branches, and the p3 p4 outer product of
 * their gradient difference (log-sum-exp rule). In alpha, the branches'
 * -(r+x) log1p(u/alpha) give (r+x) q/alpha and -(r+x) q (2-q)/alpha^2, the
 * constant's -x log alpha gives x/alpha^2 (together -r/alpha^2 +
 * (r+x)/(alpha+u)^2, without its cancellation at huge r). acc is the
 * group's AddPattern sums.
 */
static void
AddGroupHessian(const XTerms *xt, const ParTerms *pt, double W, const double acc[4],
				const HessAcc *h, double hess[4][4])
{
	double		rx = xt->rx,
				ia = 1.0 / pt->a,
				db = xt->dc4b;
	double		g[4][4] = {{0}};
	int			i,
				j;

	g[0][0] = h->q00;
	g[0][1] = acc[2] / pt->alpha + rx * h->q01;
	g[1][1] = (W * xt->x - rx * h->s2) / pt->alpha / pt->alpha + rx * rx * h->q11;
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
 * Summed LL over a prep, log1p(u / alpha) once per distinct time; with grad,
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
			   *qu = prep->work + prep->nu;
	size_t		gi,
				i;

	SetParTerms(&pt, par, modified);
	for (i = 0; i < prep->nu; i++)
		SetTimeTerms(&pt, prep->uval[i], &lu[i], &qu[i]);
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
			double		p4 = AddPattern(&xt, prep->w[i], lu[jT], qu[jT], lu[jx], qu[jx], acc);

			if (hess)
				AddPatternHessian(&xt, &pt, prep->w[i], prep->uval[jT], prep->uval[jx],
								  lu[jT], qu[jT], lu[jx], qu[jx], p4, &h);
			W += prep->w[i];
		}
		AddGroup(&xt, &pt, W, acc, &ll, g);
		if (hess)
		{
			SetXHessian(&xt, &pt);
			AddGroupHessian(&xt, &pt, W, acc, &h, H);
		}
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	if (hess)
		memcpy(hess, H, sizeof(H));
	return ll;
}

/* Summed LL over a prep: log1p(u / alpha) once per distinct time. */
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
 * The alive expectation where (1+w)^-(s-a) is negligible, w = t/u, s = r+x,
 * B = b+x+m, K = a+B-1: there its 2F1 (about (1+w)^s, s w terms) is
 * mostly not needed. The 1-z connection formula of the Euler form,
 * K/(a-1) [1 - (1+w)^(1-a) 2F1(K-s, a-1; K; z)], keeps one term:
 *	  [K - G(a+B)/G(B) G(s+1-a)/G(s) (1+w)^(1-a) S] / (a-1),
 * S = 2F1(K-s, a-1; a-s; y), y = 1/(1+w), summed while i << s-a (its
 * pole at i = s-a, with the dropped term, is O(y^((s-a)/2))), about
 * 40/log(1+w) terms, no large logs. (a -> 0: S = z + K y/s, E = s w.)
 * Taken even where the direct series is shorter: its log 2F1 of about s
 * log(1+w) costs eps s log(1+w) (2.5e-11 at r = 1e8, t/u = 4e-4). Returns
 * -1 where it does not apply or its estimated error exceeds 1e-11.
 */
static int
AliveExpectationFar(const double par[4], int m, double t, double x, double T, double *out)
{
	double		a = par[2],
				s = par[0] + x,
				B = par[3] + x + m,
				K = a + B - 1.0,
				u = par[1] + T;
	double		w = t / u,
				z = t / (u + t),
				y = u / (u + t),
				L = log1p(w),
				cost = (40.0 + fmax(a, 0.0)) / L;
	double		lc,
				term,
				sum,
				abssum,
				big,
				err;
	int			i;

	if (!(t > 0.0) || a == 1.0 || !(K + 1.0 > 0.0) || !(s - a > 8.0 * cost) ||
		cost > FAR_MAX_TERMS || (a - 1.0) * -log(z) > 600.0 ||
		(s - a) * L < 1600.0 + 2.0 * (fabs(B) + fabs(K) + 2.0) * (log(s) - log(z)))
		return -1;
	/* i = 0, 1 at once: 1 - y (s-K)(1-a)/(s-a), without the cancellation at small z */
	term = (K - s) * (a - 1.0) / (a - s) * y;
	sum = z + y * ((K - a) + a * (s - K)) / (s - a);
	abssum = z + y * fabs((K - a) + a * (s - K)) / (s - a);
	for (i = 1; i < 8.0 * cost; i++)
	{
		double		next = fmax(1.0, (a - 1.0 + i) / (i + 1.0)) * y *
			(1.0 + 2.0 * fmax(0.0, 1.0 - B) / (s - a));

		term *= (K - s + i) / (a - s + i) * ((a - 1.0 + i) / (i + 1.0)) * y;
		sum += term;
		abssum += fabs(term);
		/* later ratios are at most next (while i <= (s-a)/2) */
		if (next < 1.0 && fabs(term) * next / (1.0 - next) <= 1e-17 * fabs(sum))
			break;
	}
	if (i >= 8.0 * cost || !(sum > 0.0) || !isfinite(abssum))
		return -1;
	lc = crm_lpoch(B, a) + (a <= 1.0 ? crm_lpoch(s, 1.0 - a) : -crm_lpoch(s + 1.0 - a, a - 1.0)) +
		(1.0 - a) * L;
	big = exp(lc) * sum;
	*out = (K - big) / (a - 1.0);
	/* the rounding of S, of lc and of the difference */
	err = DBL_EPSILON * ((abssum / sum * (4.0 + sqrt((double) i)) + fabs(lc) + 4.0) * big + fabs(K)) /
		fabs(K - big);
	return *out > 0.0 && isfinite(*out) && err <= 1e-11 ? 0 : -1;
}

/*
 * The sum of the terms i >= 1 of the series 2F1(A, B; C; nu), 0 <= nu < 1,
 * each parameter given as base + whole offset (A = Ab + Ao, ...), and of
 * their magnitudes. A + i is formed as Ab + (Ao + i): a parameter near -i
 * (a - 1 for a tiny, a - r - x near -x) keeps its distance from -i, and no
 * 1 is added or A divided out (A tiny keeps its digits). -1 where it does
 * not settle within CONN_MAX_TERMS or meets a pole. Later ratios are
 * bounded by max(|A+i+1|/(i+2), 1) max(|B+i+1| / |C+i+1|, 1) nu (each
 * factor monotone in i once C+i+1 > 0).
 */
static int
HypSeriesTail(double Ab, double Ao, double Bb, double Bo, double Cb, double Co, double nu,
			  double *sum, double *abssum, int *terms)
{
	double		term = 1.0;
	int			i;

	*sum = 0.0;
	*abssum = 0.0;
	/*
	 * C well below 0: the terms shrink, may underflow, and grow again past i
	 * = -C, by as much as they shrank (the 2F1 is O(1) only through
	 * cancellation there)
	 */
	if (Cb + Co < -CONN_MIN_C)
		return -1;
	for (i = 0; i < CONN_MAX_TERMS; i++)
	{
		double		c = Cb + (Co + i),
					c1 = Cb + (Co + i + 1.0),
					next;

		if (c == 0.0)
			return -1;
		term *= (Ab + (Ao + i)) * (Bb + (Bo + i)) / (c * (i + 1.0)) * nu;
		*sum += term;
		*abssum += fabs(term);
		if (term == 0.0)
		{
			/* a polynomial, or an underflow past the poles of (C)_i; not one before them */
			if (!(c1 > 0.0) && Ab + (Ao + i) != 0.0 && Bb + (Bo + i) != 0.0)
				return -1;
			break;
		}
		if (!(c1 > 0.0))
			continue;
		next = fmax(fabs(Ab + (Ao + i + 1.0)) / (i + 2.0), 1.0) *
			fmax(fabs(Bb + (Bo + i + 1.0)) / c1, 1.0) * nu;
		if (next < 1.0 && fabs(term) * next / (1.0 - next) <= 1e-17 * *abssum)
			break;
	}
	*terms = i;
	return i < CONN_MAX_TERMS && isfinite(*abssum) ? 0 : -1;
}

/* 1/(distance of y to Gamma's nearest pole) for y <= 1/2, else 0: a rounding's lever on log |G(y)|. */
static double
PoleSensitivity(double y)
{
	return y > 0.5 ? 0.0 : 1.0 / fabs(y - nearbyint(y));
}

/*
 * The alive expectation by the 1-z connection formula (A&S 15.3.6) of its
 * own 2F1, nu = u/(u+t), s = r+x, B = b+x+m, K = a+B-1, mu = a-1-s:
 *	  nu^s 2F1(s, B; K; 1-nu) = e^l1 2F1(s, B; 1-mu; nu) + T2,
 *	  l1 = log G(K)/G(K-s) + log G(mu)/G(a-1) - s log(1+t/u),
 *	  T2 = nu^(a-1) G(K) G(-mu) / (G(B) G(s)) 2F1(K-s, a-1; 1+mu; nu),
 * E = K/(a-1) [-expm1(l1) - e^l1 (2F1(s, B; 1-mu; nu) - 1) - T2]. The
 * Gamma ratios are shifts (crm_lgamma_shift) and 2F1 - 1 is summed without
 * its 1, so neither b huge (the generic formula loses eps log G(K)) nor s
 * tiny (the bracket is O(s)) costs digits. For t >= u, about K nu terms.
 * Returns -1 where it does not apply or its estimated error exceeds 1e-11.
 */
static int
AliveExpectationConnection(const double par[4], int m, double t, double x, double T,
						   double *out)
{
	double		a = par[2],
				s = par[0] + x,
				B = par[3] + x + m,
				K = par[2] + par[3] + (x + m - 1.0),
				u = par[1] + T;
	double		nu = u / (u + t),
				L = log1p(t / u),
				r_a = par[0] - a,	/* exact when close: a - r - x near -x keeps its digits */
				mu = -r_a - (1.0 + x);
	double		l1,
				sh,
				abs1,
				abs2,
				abs3,
				g1,
				g1abs,
				g2,
				g2abs,
				lc2,
				lgs,
				lgm,
				c2,
				t1,
				t2,
				d,
				err;
	int			sg,
				sg1 = 1,
				n1,
				n2;

	if (!(t > 0.0) || !(s > 0.0) || !(K > 0.0) || a == 1.0 || !(nu <= CONN_MAX_NU) ||
		!(K * nu < CONN_MAX_TERMS / 2) || (mu <= 0.0 && mu == floor(mu)) ||
		(K - s <= 0.0 && K - s == floor(K - s)))
		return -1;
	/*
	 * G(mu)/G(a-1) = G(1+a-s)/G(1+a) a (a-1) / ((a-s) (a-s-1)) for s < 1+a:
	 * mu and a-1 near one pole (a and s tiny: mu = -1 - 8e-9) keep their
	 * distances to it, a - s and a, exactly; else signed log Gammas
	 */
	if (s < 1.0 + a)
	{
		double		as = -r_a - x,	/* a - s */
					as1 = -r_a - (1.0 + x),	/* a - 1 - s */
					c = -r_a + (1.0 - x);	/* 1 + a - s, in (0, 1 + a] */

		/* near its pole at 0 (x = 1, r < a tiny) from c itself, not as a shift */
		if (c < 0.5)
		{
			double		lc = crm_lgamma(c),
						l1a = crm_lgamma(1.0 + a);

			sh = lc - l1a;
			abs2 = fabs(lc) + fabs(l1a);
		}
		else
			sh = crm_lgamma_shift(1.0 + a, -s, &abs2);
		sh += log(a) - log(fabs(as)) + log(fabs(a - 1.0)) - log(fabs(as1));
		sg1 = ((as > 0.0) == (as1 > 0.0)) == (a > 1.0) ? 1 : -1;
		abs2 += fabs(log(a)) + fabs(log(fabs(as))) + fabs(log(fabs(a - 1.0))) + fabs(log(fabs(as1)));
	}
	else
	{
		int			sa,
					sb;
		double		la = crm_lgamma_signed(mu, &sa),
					lb = crm_lgamma_signed(a - 1.0, &sb);

		sh = la - lb;
		sg1 = sa * sb;
		/* mu carries the rounding of a - 1 - s, a - 1 that of a */
		abs2 = fabs(la) + fabs(lb) + (fabs(a) + 1.0 + s) * PoleSensitivity(mu) +
			PoleSensitivity(a - 1.0);
	}
	/* G(K)/G(K-s) likewise (K-s < 0: r+x above a+b+m-1) */
	if (K - s > 0.0)
		l1 = crm_lgamma_shift(K - s, s, &abs1);
	else
	{
		int			sk;
		double		lk = crm_lgamma_signed(K - s, &sk),
					lgk = crm_lgamma(K);

		l1 = lgk - lk;
		sg1 *= sk;
		abs1 = fabs(lgk) + fabs(lk) + (K + s) * PoleSensitivity(K - s);
	}
	l1 += sh - s * L;
	lgm = crm_lgamma_signed(r_a + (1.0 + x), &sg);	/* G(1 + s - a) */
	lgs = crm_lgamma(s);
	lc2 = (1.0 - a) * L + crm_lgamma_shift(B, a - 1.0, &abs3) + lgm - lgs;
	abs3 += (fabs(par[0]) + fabs(a)) * PoleSensitivity(r_a + (1.0 + x));
	if (!isfinite(l1) || !isfinite(lc2) || sg == 0 ||
		HypSeriesTail(par[0], x, par[3], x + m, r_a, 2.0 + x, nu, &g1, &g1abs, &n1) != 0 ||
		HypSeriesTail(a + par[3] - par[0], m - 1.0, a, -1.0, -r_a, -x, nu, &g2, &g2abs, &n2) != 0)
		return -1;
	c2 = sg * exp(lc2);
	t1 = exp(l1);
	t2 = c2 * (1.0 + g2);
	/* 1 - sg1 e^l1 (1 + g1) - T2, its 1 - e^l1 by expm1 */
	d = sg1 > 0 ? -expm1(l1) - t1 * g1 - t2 : 1.0 + t1 * (1.0 + g1) - t2;
	*out = K / (a - 1.0) * d;
	/* the rounding of l1 (absolute), of the two series, of T2's factor and of the sum */
	err = DBL_EPSILON * ((4.0 * (abs1 + abs2) + 2.0 * fabs(s * L)) * t1 * (1.0 + fabs(g1)) +
						 (6.0 + sqrt((double) n1)) * t1 * g1abs +
						 (4.0 * (fabs((1.0 - a) * L) + abs3 + fabs(lgm) + fabs(lgs)) + 4.0) *
						 fabs(t2) +
						 (4.0 + sqrt((double) n2)) * fabs(c2) * (1.0 + g2abs) +
						 3.0 * ((sg1 > 0 ? fabs(expm1(l1)) : 1.0 + t1) + t1 * fabs(g1) + fabs(t2))) /
		fabs(d);
	return *out > 0.0 && isfinite(*out) && err <= 1e-11 ? 0 : -1;
}

/* 20-point Gauss-Legendre rule on [-1, 1]: its positive nodes and their weights. */
static const double GL20_X[10] = {0.076526521133497333755, 0.22778585114164507808,
	0.37370608871541956067, 0.510867001950827098, 0.63605368072651502545,
	0.74633190646015079261, 0.83911697182221882339, 0.91223442825132590587,
	0.96397192727791379127, 0.99312859918509492479};
static const double GL20_W[10] = {0.1527533871307258507, 0.14917298647260374679,
	0.14209610931838205133, 0.1316886384491766269, 0.11819453196151841731,
	0.10193011981724043504, 0.083276741576704748725, 0.06267204833410906357,
	0.040601429800386941331, 0.017614007139152118312};

/* a log p + B log(1-p) at v = logit p, without overflow. */
static double
LogBetaKernel(double v, double a, double B)
{
	double		l = log1p(exp(-fabs(v)));

	/* log p = -log(1 + e^-v), log(1-p) = -log(1 + e^v) */
	return v < 0.0 ? a * (v - l) - B * l : -a * l - B * (v + l);
}

/* g(p) = (1 - (1+pw)^-s)/p: an alive customer's purchases in t given p (lambda integrated out). */
static inline double
AliveGivenP(double p, double s, double w)
{
	return -expm1(-s * log1p(p * w)) / p;
}

/* The alive expectation's integrand over v = logit p: g(p) times the Beta density in v. */
static double
AliveIntegrand(double v, double s, double a, double B, double w, double lbeta)
{
	double		p = v < 0.0 ? exp(v) / (1.0 + exp(v)) : 1.0 / (1.0 + exp(-v));

	return AliveGivenP(p, s, w) * exp(LogBetaKernel(v, a, B) - lbeta);
}

/* One panel [v, v+h] of the integral above by the 20-point rule. */
static double
AlivePanel(double v, double h, double s, double a, double B, double w, double lbeta)
{
	double		mid = v + 0.5 * h,
				sum = 0.0;
	int			i;

	for (i = 0; i < 10; i++)
		sum += GL20_W[i] * (AliveIntegrand(mid - 0.5 * h * GL20_X[i], s, a, B, w, lbeta) +
							AliveIntegrand(mid + 0.5 * h * GL20_X[i], s, a, B, w, lbeta));
	return 0.5 * h * sum;
}

/*
 * The alive expectation as the integral over p ~ Beta(a, B) of g(p) = (1 -
 * (1+pw)^-s)/p (lambda integrated out), w = t/u, s = r+x, B = b+x+m. Near
 * either end g is its Taylor line to 1e-14 and is integrated exactly with
 * incomplete Betas: below p_L = QUAD_PW_LEFT/(w(s+2)), g = s w (1 - (s+1) p
 * w/2); above 1 - q_R, q_R = QUAD_PW_LEFT/(2 + s w/(1+w)), g = g(1) + g'(1)
 * (p-1). Between, unit panels in v = logit p (the density is smooth there;
 * they stop early once it has fallen e^-50 below its peak). No 2F1 and no
 * division by a - 1: any a, B > 0, so it serves where the series and
 * connection formulas cancel (a near 1, a-1-s near an integer, a + b < 1).
 * Error: each panel against its two halves, plus the rounding of the
 * density's exponent (about eps (a + B)); -1 above 1e-11.
 */
static int
AliveExpectationQuad(const double par[4], int m, double t, double x, double T, double *out)
{
	double		s = par[0] + x,
				a = par[2],
				B = par[3] + x + m,
				w = t / (par[1] + T);
	double		pl = QUAD_PW_LEFT / (w * (s + 2.0)),
				qr = QUAD_PW_LEFT / (2.0 + s * w / (1.0 + w)),
				g1 = AliveGivenP(1.0, s, w),
				lbeta,
				v,
				vl,
				vr,
				vpk,
				hpk,
				left,
				right,
				coarse = 0.0,
				fine = 0.0;
	int			k;

	if (!(t > 0.0) || !(s > 0.0) || !(a > 0.0) || !(B > 0.0) || !isfinite(s * w) || !(pl < 0.5))
		return -1;
	lbeta = crm_lbeta(a, B);
	v = vl = log(pl) - log1p(-pl);
	vr = log1p(-qr) - log(qr);
	if (!(vr > vl))
		return -1;
	left = s * w * (exp(crm_log_betainc(a, B, pl)) -
					0.5 * (s + 1.0) * w * a / (a + B) * exp(crm_log_betainc(a + 1.0, B, pl)));
	/* g'(1) = s w (1+w)^-(s+1) - g(1); E[(1-p); p > 1-q] = B/(a+B) I_q(B+1, a) */
	right = g1 * exp(crm_log_betainc(B, a, qr)) -
		(s * w * exp(-(s + 1.0) * log1p(w)) - g1) * B / (a + B) *
		exp(crm_log_betainc(B + 1.0, a, qr));
	/*
	 * Panels outward from the density's peak in v (p = a/(a+B)), at most half
	 * its width there (1/sqrt((a+B) p (1-p))): a and B huge make a spike that
	 * unit panels could step over, both rules agreeing on nothing. Each side
	 * stops at its end or once the integrand is e^-50 below its value at the
	 * peak: g falls with p, and to its left rises at most to s w.
	 */
	vpk = fmin(fmax(v, log(a) - log(B)), vr);
	hpk = LogBetaKernel(vpk, a, B);
	{
		double		p = 1.0 / (1.0 + exp(-vpk)),
					h = fmin(1.0, 0.5 / sqrt((a + B) * p * (1.0 - p))),
					rise = log(s * w) - log(AliveGivenP(p, s, w));
		int			side;

		for (side = -1, k = 0; side <= 1; side += 2)
			for (v = vpk; k < QUAD_MAX_PANELS && (side > 0 ? v < vr : v > vl); k++)
			{
				double		hh = fmin(h, side > 0 ? vr - v : v - vl),
							lo = side > 0 ? v : v - hh;

				coarse += AlivePanel(lo, hh, s, a, B, w, lbeta);
				fine += AlivePanel(lo, 0.5 * hh, s, a, B, w, lbeta) +
					AlivePanel(lo + 0.5 * hh, 0.5 * hh, s, a, B, w, lbeta);
				v += side * hh;
				if (LogBetaKernel(v, a, B) < hpk - 50.0 - (side < 0 ? fmax(rise, 0.0) : 0.0))
					break;
			}
	}
	*out = left + fine + right;
	/* the panels' difference, and the rounding of the density's exponent (a, B huge) */
	return k < QUAD_MAX_PANELS && isfinite(*out) && *out > 0.0 &&
		fabs(fine - coarse) / *out + 8.0 * DBL_EPSILON * (fabs(hpk) + fabs(lbeta)) <= 1e-11 ?
		0 : -1;
}

/*
 * Estimated relative error of AliveFromLog2F1: the rounding of log 2F1 (or
 * its estimated error lerr) and of the log power against their difference
 * y, and the rounding of K = a + b+x+m-1, which shifts the a inside the 2F1
 * by about eps K against the exact a - 1 outside (the bracket is O((a-1)/K):
 * eps K / |a-1|, huge when b is).
 */
static double
AliveRobustError(const double par[4], int m, double t, double x, double T, double lf,
				 double lerr)
{
	double		lp = (par[0] + x) * log1p(t / (par[1] + T)),
				y = lf - lp,
				K = par[2] + par[3] + (x + m - 1.0);

	/* lerr times 16: crm_log_hyp2f1's estimates ran up to 16 times below its errors */
	return (DBL_EPSILON * 4.0 * (fabs(lf) + fabs(lp)) + 16.0 * lerr) / fabs(expm1(-y)) +
		DBL_EPSILON * fabs(K) / fabs(par[2] - 1.0);
}

/*
 * The alive expectation as a series in the moments of p ~ Beta(a, B), B =
 * b+x+m, for p small (B huge against the purchases expected in t): with
 * w = t/u and s = r+x, E = E_p[(1 - (1+pw)^-s)/p]
 *	  = s w sum_k (-1)^k (s+1)_k (a)_k / ((2)_k (a+B)_k) w^k.
 * (1 - (1+pw)^-s)/p = s w int_0^1 (1+pwv)^-(s+1) dv is completely monotone
 * in p, so each partial sum is off by at most the next term for every p,
 * hence also after the expectation: the series envelopes E even where it
 * only converges asymptotically (w > 1). No division by a - 1, no
 * cancellation of K against anything: accurate for B up to the double
 * range. Returns -1 where it does not settle or its estimated error exceeds
 * 1e-12.
 */
static int
AliveExpectationSmallP(const double par[4], int m, double t, double x, double T, double *out)
{
	double		s = par[0] + x,
				a = par[2],
				aB = par[2] + par[3] + (x + m),
				w = t / (par[1] + T);
	double		term = 1.0,
				sum = 1.0,
				abssum = 1.0,
				sw = s * w,
				err;
	int			k;

	if (!(t > 0.0) || !(aB > 0.0) || !isfinite(sw))
		return -1;
	/* a subnormal w has lost digits: s w as s/u times t, or from logs */
	if (w < DBL_MIN)
	{
		sw = s / (par[1] + T) * t;
		if (sw < DBL_MIN)
			sw = exp(log(s) + log(t) - log(par[1] + T));
	}
	for (k = 0; k < SMALLP_MAX_TERMS; k++)
	{
		term *= -(s + (1.0 + k)) * (a + k) / ((2.0 + k) * (aB + k)) * w;
		/* the truncation error is at most this term */
		if (fabs(term) <= 1e-17 * fabs(sum))
			break;
		sum += term;
		abssum += fabs(term);
	}
	if (k >= SMALLP_MAX_TERMS || !(sum > 0.0) || !isfinite(abssum))
		return -1;
	err = DBL_EPSILON * abssum / sum * (4.0 + sqrt((double) k)) + fabs(term) / sum;
	*out = sw * sum;
	return *out > 0.0 && isfinite(*out) && err <= 1e-12 ? 0 : -1;
}

/*
 * K/(a-1) * [1 - (u/(u+t))^(r+x) 2F1(r+x, b+x+m; a+b+x+m-1; t/(u+t))],
 * u = alpha + T, K = a+b+x+m-1: the expected purchases in t of a customer
 * alive now, for a away from 1 (the 2F1 paths) or any a (the quadrature).
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
	double		lf,
				lerr = 0.0,		/* beyond the rounding of the fast path's positive terms */
				err = INFINITY;
	int			fast = crm_log_hyp2f1_fast(r + x, b + x + m, c, &z, 1, &lf) == 0;

	if (fast)
	{
		*out = AliveFromLog2F1(par, m, t, x, T, lf);
		err = AliveRobustError(par, m, t, x, T, lf, lerr);
		if (isfinite(*out) && err <= QUAD_ABOVE_ERR)
			return 0;
	}
	else
	{
		/* r+x huge against 1/log(1+w): the connection formula, cheaply */
		if (AliveExpectationFar(par, m, t, x, T, out) == 0)
			return 0;
		/* t >> u: the connection formula with its Gamma ratios as shifts */
		if (AliveExpectationConnection(par, m, t, x, T, out) == 0)
			return 0;
	}
	/* no 2F1 at all, about 0.1 ms (the robust 2F1 near z = 1 can take 10) */
	if (AliveExpectationQuad(par, m, t, x, T, out) == 0)
		return 0;
	/* last: the 2F1 to its estimated 1e-7 */
	if (!fast)
	{
		if (crm_log_hyp2f1_err(r + x, b + x + m, c, z, u / (u + t), &lf, &lerr) != 0)
			return -1;
		err = AliveRobustError(par, m, t, x, T, lf, lerr);
	}
	*out = AliveFromLog2F1(par, m, t, x, T, lf);
	return isfinite(*out) && err <= ROBUST_MAX_ERR ? 0 : -1;
}

/*
 * Alive expectation valid for every a: across |a - 1| < A_ONE_DELTA, where
 * the formula is 0/0, the quadrature (no division by a - 1), else cubic
 * Lagrange interpolation through a = 1 + k delta, k = -2, -1, 1, 2 (the
 * function is analytic in a; error O(delta^4): 9e-10 where it is steep).
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
	if (AliveExpectationQuad(par, m, t, x, T, out) == 0)
		return 0;
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
	/* a customer who is surely gone expects nothing (and the series may be slow) */
	if (pa == 0.0)
	{
		for (k = 0; k < n; k++)
			out[k] = 0.0;
		return 0;
	}
	AliveSeries(par, modified, tt, n, x, T, e);
	for (k = 0; k < n; k++)
	{
		if (tt[k] == 0.0)
			e[k] = 0.0;
		else if ((!isfinite(e[k]) || tt[k] < TINY_T * (par[1] + T) / (par[0] + x + 2.0)) &&
				 AliveExpectationSmallP(par, modified, tt[k], x, T, &e[k]) != 0 &&
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

/*
 * log P(N < n), N ~ NB(b, z) (P(N = k) = (b)_k / k! z^k (1-z)^b), for
 * integer n >= 1 and b >= 1: 1 - I_z(n, b) as a finite sum, from k = n - 1
 * down. The ratio P(N = k-1) / P(N = k) = k / ((b + k - 1) z) falls with
 * k, so once it is below 1 the rest is bounded geometrically.
 */
static double
LogNegBinBelow(double n, double b, double lz, double lzc)
{
	double		z = exp(lz),
				term = 1.0,
				sum = 1.0,
				k;

	for (k = n - 1.0; k > 0.0; k -= 1.0)
	{
		double		q = k / ((b + (k - 1.0)) * z);

		term *= q;
		sum += term;
		if (q < 1.0 && term * q <= 1e-17 * (1.0 - q) * sum)
			break;
	}
	return crm_lpoch(b, n - 1.0) - crm_lgamma(n) + (n - 1.0) * lz + b * lzc + log(sum);
}

/*
 * log I_z(n, b) for whole n >= 1: I_z = 1 - (1-z)^b sum_{j<n} (b)_j z^j / j!
 * = -expm1(b log(1-z) + log1p(T)), T the sum's terms after its 1, each
 * carrying the factor b: for b tiny both parts of the exponent are O(b)
 * and I_z keeps its digits (1 minus a value near 1 would not). At most n
 * terms.
 */
static double
LogBetaIncWholeA(double n, double b, double lz, double lzc)
{
	double		z = exp(lz),
				term = 1.0,
				sum = 0.0,
				j;

	for (j = 0.0; j < n - 1.0; j += 1.0)
	{
		term *= (b + j) / (j + 1.0) * z;
		sum += term;
	}
	return log(-expm1(b * lzc + log1p(sum)));
}

/*
 * log I_z(a, b) given lz = log z and lzc = log(1 - z) (both accurate: b may
 * be huge, and b log(1 - z) must not come from a rounded 1 - z).
 */
static double
LogBetaInc(double a, double b, double lz, double lzc)
{
	double		cf,
				lc;

	if (lz == -INFINITY)
		return -INFINITY;
	if (lzc == -INFINITY)
		return 0.0;
	if (lz < log((a + 1.0) / (a + b + 2.0)))
	{
		cf = BetaCF(a, b, exp(lz));
		if (cf <= 0.0)
			return NAN;
		return a * lz + b * lzc - crm_lbeta(a, b) + log(cf) - log(a);
	}
	/*
	 * The complement's fraction at 1 - z starts from 1 - (a+b)(1-z)/(b+1),
	 * a difference of two numbers near 1 when b is huge: it loses about
	 * 1e-2 eps b (2e-6 at b = 1e12). For integer a, the negative binomial
	 * sum instead (here a <= about its mean, so no cancellation in 1 - it;
	 * at most a terms).
	 */
	if (b >= BETAINC_SUM_B && a >= 1.0 && a <= BETAINC_SUM_N && a == floor(a))
		return crm_log1mexp(fmin(0.0, LogNegBinBelow(a, b, lz, lzc)));
	cf = BetaCF(b, a, exp(lzc));
	if (cf <= 0.0)
		return NAN;
	lc = b * lzc + a * lz - crm_lbeta(a, b) + log(cf) - log(b);
	if (lc <= -0.1)
		return crm_log1mexp(fmin(0.0, lc));
	/*
	 * I_z = 1 - e^lc small (b tiny: I_z is O(b)): 1 - e^lc would keep only
	 * eps/|lc| of its digits. For whole a, the finite sum; else the direct
	 * fraction, slower this side of its switch point (failure if it does not
	 * settle, not the cancellation)
	 */
	if (a == floor(a) && a <= BETAINC_SUM_N)
		return LogBetaIncWholeA(a, b, lz, lzc);
	if ((cf = BetaCF(a, b, exp(lz))) > 0.0)
		return a * lz + b * lzc - crm_lbeta(a, b) + log(cf) - log(a);
	return NAN;
}

/* log of the regularized incomplete beta I_z(a, b). */
double
crm_log_betainc(double a, double b, double z)
{
	if (z <= 0.0)
		return -INFINITY;
	if (z >= 1.0)
		return 0.0;
	return LogBetaInc(a, b, log(z), log1p(-z));
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
		lnb += crm_lpoch(r, n) - crm_lgamma(n + 1.0) + n * lz;
	/* ratios of log Betas, accurate when a and b are huge */
	l1 = crm_lbeta_ratio(a, b, n + m) + lnb;
	if (n + m > 0)
	{
		double		ltail = (n > 0) ? LogBetaInc(n, r, lz, lzc) : 0.0;

		if (isnan(ltail))
			return -1;
		/* log B(a+1, b+n+m-1) - log B(a, b), with log B(a+1, b)/B(a, b) = log(a/(a+b)) */
		l2 = crm_lbeta_ratio(a + 1.0, b, n + m - 1.0) - log1p(b / a) + ltail;
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
