/*-------------------------------------------------------------------------
 *
 * pnbd.c
 *	  Pareto/NBD likelihood, gradient, predictions and simulator.
 *
 * Given lambda and mu the likelihood of (x, tx, T) is
 *	  lambda^x e^-(lambda+mu)T + int_tx^T lambda^x e^-lambda tau mu e^-mu tau dtau;
 * mixing over lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta) gives
 *	  L = K(x) [T1(T) + F(tx) - F(T)],
 *	  K(x) = Gamma(r+x) alpha^r / Gamma(r),
 *	  T1(t) = (alpha+t)^-(r+x) (beta/(beta+t))^s,
 *	  F(t) = int_t^inf s beta^s (beta+tau)^-(s+1) (alpha+tau)^-(r+x) dtau.
 * We work with the ratio R(t) = F(t) / T1(t) in (0, 1], which has two power
 * series (analytic continuations of each other, a = r+s+x):
 *	  R = s/a 2F1(1, r+x; a+1; (alpha-beta)/(alpha+t))
 *	  R = s/a (alpha+t)/(beta+t) 2F1(1, s+1; a+1; (beta-alpha)/(beta+t)).
 * Both have z = 0 at alpha == beta (no 0/0), positive or alternating terms
 * and easy parameter derivatives. Values without gradient (P(alive), E[Y],
 * DERT, the likelihood) take the form with z in [0, 1) and sum its 2F1 by
 * Gauss's continued fraction for the ratio of contiguous functions
 * 2F1(1, b; a+1; z) / 2F1(0, b; a; z): it converges in the whole cut plane,
 * geometrically at about (1 - sqrt(1-z)) / (1 + sqrt(1-z)) per level and
 * faster for large x, so z = 0.94 (alpha and beta far apart, t small) takes
 * some 70 levels where the series needs many hundred terms. R(tx) and R(T)
 * share its coefficients and run as two interleaved recurrences. The
 * gradient, and values whose fraction does not converge in CF_MAX_LEVELS (z
 * very close to 1), use the faster convergent series; when neither
 * converges quickly the integral from t to the point where z = 1/2 is done
 * by Gauss-Legendre quadrature on a logarithmic variable (the integrand is
 * log-concave there, so pieces are sized by how much the log-integrand
 * drops: 16 points where it drops by up to 8, 32 up to 44, so that one
 * piece of 32 covers it where r and alpha run off) and the rest by the
 * series; its gradient averages d log f / d par less d log T1(t) / d par,
 * formed without differences of r / alpha (or s / beta) sized terms.
 * Everything is kept in log space, with log ratios that get multiplied by
 * r + x taken by log1p; alpha^r and beta^s enter only as
 * (alpha/(alpha+t))^r and (beta/(beta+t))^s, so r, alpha or s, beta of 1e7
 * and more (a fit without heterogeneity runs off there) lose nothing.
 * P(X(t) = n) uses the same quadrature. The summed likelihood computes R(t)
 * once per distinct t of an x group, be it a tx or a T.
 *
 *-------------------------------------------------------------------------
 */
#include "pnbd.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "specfun.h"
#include "valueset.h"

/* Series are used when their effective ratio is at most this. */
#define PNBD_SERIES_MAX_RATIO 0.5
/* The quadrature covers tau from t up to where z falls to this value. */
#define PNBD_SPLIT_Z 0.5
/* The series there is left out when T1(t1) / T1(t) is below this share of the quadrature. */
#define PNBD_SPLIT_REST 1e-20
/*
 * Largest drop of the log-integrand across one quadrature piece of 16 (32)
 * points that starts at the peak: the rule's error on an exponential or a
 * Gaussian falling that far is below 1e-19 (1e-24) of the integral. A piece
 * starting L below the peak, whose share of the integral is below e^-L, may
 * drop QUAD_TAIL_SLOPE L more, up to QUAD_TAIL_DROP16 (32).
 */
#define QUAD_DROP16 8.0
#define QUAD_DROP32 44.0
#define QUAD_TAIL_SLOPE (1.0 / 3.0)
#define QUAD_TAIL_DROP16 20.0
#define QUAD_TAIL_DROP32 60.0
/*
 * The share of the allowed drop a piece is sized for; a trial end point
 * that shows less than QUAD_AIM_LOW of the aim moves on, at most
 * QUAD_TRIALS times.
 */
#define QUAD_AIM 0.75
#define QUAD_AIM_LOW 0.7
#define QUAD_TRIALS 4
/* The quadrature stops where the rest is below this share of the integral. */
#define QUAD_REST 1e-17
/*
 * Widest quadrature piece: the integrands, in their log variables, have
 * their singularities pi off the real axis, so 16 points on a piece this
 * wide are accurate to rounding.
 */
#define QUAD_MAX_WIDTH 2.0
/* Iteration caps. */
#define SERIES_MAX_TERMS 20000
#define QUAD_MAX_PIECES 4000
#define CF_MAX_LEVELS 400		/* even */
/* Continued fraction: stop when 4 more levels change G by at most this. */
#define CF_TOL 4e-16
/* Largest condition number of G in z the continued fraction is used at (RatioFast). */
#define PNBD_CF_MAX_COND 1000.0

/* 16- and 32-point Gauss-Legendre rules on [-1, 1], positive halves. */
static const double Gl16Node[8] = {
	0.095012509837637440185, 0.28160355077925891323,
	0.45801677765722738634, 0.61787624440264374845,
	0.7554044083550030339, 0.86563120238783174388,
	0.94457502307323257608, 0.9894009349916499326
};
static const double Gl16Weight[8] = {
	0.18945061045506849629, 0.18260341504492358887,
	0.16915651939500253819, 0.14959598881657673208,
	0.12462897125553387205, 0.09515851168249278481,
	0.062253523938647892863, 0.027152459411754094852
};
static const double Gl32Node[16] = {
	0.048307665687738316235, 0.14447196158279649349,
	0.23928736225213707454, 0.33186860228212764978,
	0.42135127613063534536, 0.50689990893222939002,
	0.58771575724076232904, 0.66304426693021520098,
	0.73218211874028968039, 0.79448379596794240696,
	0.84936761373256997013, 0.89632115576605212397,
	0.93490607593773968917, 0.96476225558750643077,
	0.9856115115452683354, 0.99726386184948156354
};
static const double Gl32Weight[16] = {
	0.096540088514727800567, 0.095638720079274859419,
	0.093844399080804565639, 0.091173878695763884713,
	0.087652093004403811143, 0.083311924226946755222,
	0.078193895787070306472, 0.072345794108848506225,
	0.065822222776361846838, 0.058684093478535547145,
	0.050998059262376176196, 0.042835898022226680657,
	0.034273862913021433103, 0.025392065309262059456,
	0.016274394730905670605, 0.0070186100094700966004
};

/* Parameters and x-dependent constants shared by the tail computations. */
typedef struct PnbdCtx
{
	double		r;
	double		alpha;
	double		s;
	double		beta;
	double		x;
	double		p;				/* r + x */
	double		a;				/* r + s + x */
	double		log_alpha;
	double		log_beta;
} PnbdCtx;

/*
 * One point t: its logs, log T1(t) + r log(alpha) (log K takes the rest of
 * the likelihood) and the gradient of that.
 */
typedef struct PnbdPoint
{
	double		t;
	double		la;				/* log(alpha + t) */
	double		lb;				/* log(beta + t) */
	double		lar;			/* log((alpha + t) / alpha), exactly */
	double		lbr;			/* log((beta + t) / beta), exactly */
	double		lt1;			/* log T1(t) + r log(alpha) */
	double		dlt1[4];
} PnbdPoint;

/* Log-integrand callback: returns log f(u), its slope and (vec) d log f / d par. */
typedef double (*LogIntegrand) (const void *ctx, double u, double *slope, double vec[4]);

/*
 * log(m + t) and log((m + t) / m) by one logarithm. Where t < m, log1p: the
 * ratio, multiplied by r or s, must not be a difference of logs (fits run off
 * to huge m there); else that difference, which is at least log 2 and so
 * accurate relative to itself.
 */
static inline void
LogPair(double m, double log_m, double t, double *l, double *lr)
{
	if (t < m)
	{
		*lr = log1p(t / m);
		*l = log_m + *lr;
	}
	else
	{
		*l = log(m + t);
		*lr = *l - log_m;
	}
}

/*
 * Fills a point: logs of alpha + t, beta + t, and
 *	  log T1(t) + r log(alpha) = -r log((alpha+t)/alpha) - x log(alpha+t)
 *		- s log((beta+t)/beta)
 * with its gradient. The log ratios are log1p, not differences of logs: r and
 * s multiply them, and they may be 1e7 or more when the fit finds little
 * heterogeneity in the purchase or the dropout rate.
 */
static void
SetPoint(const PnbdCtx *c, double t, PnbdPoint *pt)
{
	pt->t = t;
	LogPair(c->alpha, c->log_alpha, t, &pt->la, &pt->lar);
	LogPair(c->beta, c->log_beta, t, &pt->lb, &pt->lbr);
	pt->lt1 = -c->r * pt->lar - c->x * pt->la - c->s * pt->lbr;
	pt->dlt1[0] = -pt->lar;
	/* r t / (alpha (alpha + t)), no intermediate above r / alpha */
	pt->dlt1[1] = c->r * (t / (c->alpha + t)) / c->alpha - c->x / (c->alpha + t);
	pt->dlt1[2] = -pt->lbr;
	pt->dlt1[3] = (c->s / c->beta) * (t / (c->beta + t));
}

/*
 * Sums G = 2F1(1, b; cc; z) = sum_k (b)_k / (cc)_k z^k for |z| <= 1, b < cc,
 * with dG/db, dG/dcc, dG/dz. Returns 0, or -1 when it did not converge.
 */
static int
SeriesG(double b, double cc, double z, int want_grad, double *G, double dG[3])
{
	double		term = 1.0;
	double		sum = 0.0;
	double		sb = 0.0;
	double		sc = 0.0;
	double		gb = 0.0;
	double		gc = 0.0;
	double		gz = 0.0;
	double		tailf = (z < 0.0) ? 1.0 : 1.0 - z;
	int			k;

	if (!want_grad)
	{
		for (k = 0; k < SERIES_MAX_TERMS; k++)
		{
			sum += term;
			term *= z * (b + k) / (cc + k);
			if (fabs(term) <= 1e-17 * sum * tailf)
				break;
		}
	}
	else
	{
		for (k = 0; k < SERIES_MAX_TERMS; k++)
		{
			double		bk = b + k,
						ck = cc + k,
						prod = bk * ck,
						ib,
						ic,
						q;

			/* one division gives both 1 / (b + k) and 1 / (cc + k) ... */
			if (prod < 1e300)
			{
				double		inv = 1.0 / prod;

				ib = ck * inv;
				ic = bk * inv;
				q = bk * bk * inv;
			}
			else
			{
				/* ... unless the product overflows (r past 1e150) */
				ib = 1.0 / bk;
				ic = 1.0 / ck;
				q = bk * ic;
			}
			sum += term;
			gb += term * sb;
			gc += term * sc;
			gz += (k + 1) * term * q;
			sb += ib;
			sc -= ic;
			term *= q * z;
			if (fabs(term) * (k + 2) <= 1e-17 * sum * tailf)
				break;
		}
	}
	if (k >= SERIES_MAX_TERMS || !(sum > 0.0))
		return -1;
	*G = sum;
	if (want_grad)
	{
		dG[0] = gb;
		dG[1] = gc;
		dG[2] = gz;
	}
	return 0;
}

/*
 * Advances one continued fraction by two levels, an odd one (coefficient eodd
 * = d(2m+1) z) and an even one (eeven = d(2m+2) z), by the forward recurrence
 * X(n+1) = X(n) + e X(n-1) of numerators (pa, pb) and denominators (qa, qb).
 * Inlined: the two fractions ContFracG advances together still overlap.
 */
static inline void
ContFracLevels(double *pa, double *pb, double *qa, double *qb, double eodd, double eeven)
{
	double		pn = *pb + eodd * *pa;
	double		qn = *qb + eodd * *qa;

	*pa = pn;
	*qa = qn;
	*pb = pn + eeven * *pb;
	*qb = qn + eeven * *qb;
}

/*
 * Renormalises one continued fraction (convergent numerators pa, pb and
 * denominators qa, qb of 1/G) so that pb = 1, and tests it: sets *done and
 * G once the convergent G = qb moved by at most CF_TOL since the last test.
 * Returns -1 when the convergent is out of range.
 */
static inline int
ContFracTest(double *pa, double *pb, double *qa, double *qb, double *prev,
			 int *done, double *G)
{
	double		inv = 1.0 / *pb;
	double		g = *qb * inv;

	*pa *= inv;
	*qa *= inv;
	*pb = 1.0;
	*qb = g;
	if (*done)
		return 0;
	if (!(g >= 1.0) || !(g < INFINITY))
		return -1;
	if (fabs(g - *prev) <= CF_TOL * g)
	{
		*G = g;
		*done = 1;
	}
	*prev = g;
	return 0;
}

/*
 * G = 2F1(1, b; a+1; z) for 0 <= z < 1 by the Gauss continued fraction
 *	  G = 1 / (1 + d1 z / (1 + d2 z / (1 + ...))),
 *	  d(2m+1) = -(a+m)(b+m) / ((a+2m)(a+2m+1)),
 *	  d(2m) = m(b-a-m) / ((a+2m-1)(a+2m)),
 * for two values z0, z1 at once: they share the d's, and the two
 * independent recurrences overlap in the pipeline. The convergents come from
 * the forward recurrence, renormalised and tested every 4 levels. Returns a
 * mask: bit k set when G_k converged within CF_MAX_LEVELS.
 */
static int
ContFracG(double b, double a, double z0, double z1, double *G0, double *G1)
{
	/* convergents of 1/G at levels n-1 (a) and n (b): numerators p, denominators q */
	double		pa0 = 1.0, pb0 = 1.0, qa0 = 0.0, qb0 = 1.0, prev0 = 1.0;
	double		pa1 = 1.0, pb1 = 1.0, qa1 = 0.0, qb1 = 1.0, prev1 = 1.0;
	int			done0 = 0;
	int			done1 = 0;
	int			m;

	for (m = 0; m < CF_MAX_LEVELS / 2; m++)
	{
		double		a2 = a + 2.0 * m;
		/* one division serves both levels */
		double		w = 1.0 / (a2 * (a2 + 1.0) * (a2 + 2.0));
		double		dodd = -(a + m) * (b + m) * (a2 + 2.0) * w;
		double		deven = (m + 1.0) * (b - a - m - 1.0) * a2 * w;

		ContFracLevels(&pa0, &pb0, &qa0, &qb0, dodd * z0, deven * z0);
		ContFracLevels(&pa1, &pb1, &qa1, &qb1, dodd * z1, deven * z1);
		if ((m & 1) == 0)
			continue;
		if (ContFracTest(&pa0, &pb0, &qa0, &qb0, &prev0, &done0, G0) != 0 ||
			ContFracTest(&pa1, &pb1, &qa1, &qb1, &prev1, &done1, G1) != 0 ||
			(done0 && done1))
			break;
	}
	return done0 | (done1 << 1);
}

/*
 * R(t) = F(t) / T1(t) by series: form 1 uses z = (alpha-beta)/(alpha+t),
 * form 2 uses z = (beta-alpha)/(beta+t). Returns 0, or -1.
 */
static int
RatioSeries(const PnbdCtx *c, const PnbdPoint *pt, int form, double *R, double dR[4])
{
	double		at = c->alpha + pt->t;
	double		bt = c->beta + pt->t;
	double		sa = c->s / c->a;
	double		cc = c->a + 1.0;
	double		G;
	double		dG[3];
	int			want = (dR != NULL);

	if (form == 1)
	{
		double		z = (c->alpha - c->beta) / at;

		if (SeriesG(c->p, cc, z, want, &G, dG) != 0)
			return -1;
		*R = sa * G;
		if (want)
		{
			dR[0] = -*R / c->a + sa * (dG[0] + dG[1]);
			dR[1] = sa * dG[2] * (bt / (at * at));
			dR[2] = *R * (c->p / c->a / c->s) + sa * dG[1];
			dR[3] = -sa * dG[2] / at;
		}
	}
	else
	{
		double		z = (c->beta - c->alpha) / bt;
		double		rho = at / bt;

		if (SeriesG(c->s + 1.0, cc, z, want, &G, dG) != 0)
			return -1;
		*R = sa * rho * G;
		if (want)
		{
			dR[0] = -*R / c->a + sa * rho * dG[1];
			dR[1] = *R / at - sa * rho * dG[2] / bt;
			dR[2] = *R * (c->p / c->a / c->s) + sa * rho * (dG[0] + dG[1]);
			dR[3] = -*R / bt + sa * rho * dG[2] * (at / (bt * bt));
		}
	}
	return 0;
}

/*
 * R at t[0] and t[1] without gradient by the continued fraction, in the form
 * whose z lies in [0, 1). Returns a mask: bit k set when R[k] was computed.
 * The fraction takes z, whose rounding moves log G by about
 * eps min(1 / (1 - z), b / (a + 1 - b)): where that passes PNBD_CF_MAX_COND eps
 * (s and beta huge, beta >> alpha + t) the bit stays clear and the caller
 * takes the series or quadrature, which work with 1 - z directly.
 */
static int
RatioFast(const PnbdCtx *c, const double t[2], double R[2])
{
	int			form1 = (c->alpha >= c->beta);
	double		diff = form1 ? c->alpha - c->beta : c->beta - c->alpha;
	double		m = form1 ? c->alpha : c->beta;
	double		small = form1 ? c->beta : c->alpha;
	double		b = form1 ? c->p : c->s + 1.0;
	double		bpart = b / (c->a + 1.0 - b);
	double		G[2] = {1.0, 1.0};
	int			ok = 0;
	int			mask;
	int			k;

	for (k = 0; k < 2; k++)
		if (fmin((m + t[k]) / (small + t[k]), bpart) <= PNBD_CF_MAX_COND)
			ok |= 1 << k;
	if (ok == 0)
		return 0;
	mask = ok & ContFracG(b, c->a, diff / (m + t[0]), diff / (m + t[1]), &G[0], &G[1]);
	for (k = 0; k < 2; k++)
	{
		R[k] = c->s / c->a * G[k];
		if (!form1)
			R[k] *= (c->alpha + t[k]) / (c->beta + t[k]);
	}
	return mask;
}

/* Sums one Gauss-Legendre piece [u0, u0 + h] (16 or 32 points) into *S and Sv. */
static void
QuadPiece(LogIntegrand fn, const void *ctx, double u0, double h, double ref,
		  int points, int want, double *S, double Sv[4])
{
	const double *node = (points == 32) ? Gl32Node : Gl16Node;
	const double *weight = (points == 32) ? Gl32Weight : Gl16Weight;
	double		half = 0.5 * h;
	double		mid = u0 + half;
	int			i;
	int			sgn;

	for (i = 0; i < points / 2; i++)
	{
		for (sgn = -1; sgn <= 1; sgn += 2)
		{
			double		slope;
			double		vec[4];
			double		lf = fn(ctx, mid + sgn * half * node[i], &slope, want ? vec : NULL);
			double		w = weight[i] * half * exp(lf - ref);

			*S += w;
			if (want)
			{
				Sv[0] += w * vec[0];
				Sv[1] += w * vec[1];
				Sv[2] += w * vec[2];
				Sv[3] += w * vec[3];
			}
		}
	}
}

/*
 * Length h over which a log-integrand falling with slope g >= 0 and
 * curvature c >= 0 drops by d: g h + c h^2 / 2 = d.
 */
static inline double
StepFor(double g, double c, double d)
{
	double		den = g + sqrt(g * g + 2.0 * c * d);

	return den > 0.0 ? 2.0 * d / den : INFINITY;
}

/*
 * Integrates one side of the mode: from u0 (log-integrand lf, slope there)
 * towards the end ue (either direction), where the log-integrand decreases.
 * Each piece is sized by a quadratic model of the log-integrand (its
 * curvature from the slopes at the ends of the last piece) to drop by
 * QUAD_AIM of what 16 points allow, or, when the stop test below needs more,
 * to where it passes, as far as 32 points allow; shorter when the end point
 * shows a larger drop. Stops once the rest is provably negligible
 * (log-concave tail bound). Returns 0, or -1.
 */
static int
QuadSide(LogIntegrand fn, const void *ctx, double u0, double ue, double lf, double slope,
		 double ref, int want, double *S, double Sv[4])
{
	double		dir = (ue >= u0) ? 1.0 : -1.0;
	double		u = u0;
	double		curv = 0.0;
	int			pieces;

	for (pieces = 0; pieces < QUAD_MAX_PIECES; pieces++)
	{
		double		rest = fabs(ue - u);
		double		down = fmax(-slope * dir, 0.0);
		double		level = fmax(ref - lf, 0.0);
		double		d16 = fmin(QUAD_DROP16 + QUAD_TAIL_SLOPE * level, QUAD_TAIL_DROP16);
		double		d32 = fmin(QUAD_DROP32 + QUAD_TAIL_SLOPE * level, QUAD_TAIL_DROP32);
		double		aim = QUAD_AIM * d16;
		double		low;
		double		d;
		double		h;
		double		hmax;
		double		lf1;
		double		slope1;
		int			trial;

		if (!(rest > 0.0))
			return 0;
		low = QUAD_AIM_LOW * aim;
		if (down > 0.0)
		{
			/* the slope only steepens: the stop test passes this far down */
			double		Sest = (*S > 0.0) ? *S : exp(lf - ref) / down;
			double		need = (lf - ref) - log(QUAD_REST * Sest * down) + 0.5;

			if (need > d32)
			{
				aim = QUAD_AIM * d32;
				low = QUAD_AIM_LOW * aim;
			}
			else if (need > aim)
			{
				aim = need;
				low = need - 0.5;
			}
		}
		hmax = fmin(rest, QUAD_MAX_WIDTH);
		h = fmin(hmax, StepFor(down, curv, aim));
		/* only an infinite slope or curvature gets no length */
		if (!(h > 0.0))
			return -1;
		for (trial = 0;; trial++)
		{
			double		hn;

			lf1 = fn(ctx, u + dir * h, &slope1, NULL);
			d = lf - lf1;
			if (h <= 1e-15 * (fabs(u) + rest))
				break;
			if (d <= d32 && (d >= low || h >= hmax || trial >= QUAD_TRIALS))
				break;
			/* the model through this point, and at most 10 times shorter or longer */
			curv = fmax(2.0 * (d - down * h) / (h * h), 0.0);
			hn = StepFor(down, curv, aim);
			if (d > d32)
				h = (hn < 0.5 * h) ? fmax(hn, 0.1 * h) : 0.5 * h;
			else if (hn > h)
				h = fmin(fmin(hn, 10.0 * h), hmax);
			else
				break;
		}
		QuadPiece(fn, ctx, dir > 0 ? u : u - h, h, ref, (d <= d16) ? 16 : 32, want, S, Sv);
		u = (h >= rest) ? ue : u + dir * h;
		curv = fmax((slope - slope1) * dir / h, 0.0);
		lf = lf1;
		slope = slope1;
		/* log-concave: the rest is at most f(u) / |slope| (and f(u) * length) */
		if (slope * dir < 0.0 &&
			exp(lf - ref) * fmin(1.0 / fabs(slope), fabs(ue - u)) <= QUAD_REST * *S)
			return 0;
	}
	return -1;
}

/*
 * Integrates exp(fn) over [lo, hi] for a log-concave integrand: finds the
 * mode, then sweeps both sides. Writes log of the integral and, when gvec is
 * not NULL, the integrand-weighted mean of vec (= d log I / d par).
 * Returns 0, or -1.
 */
static int
LogConcaveQuad(LogIntegrand fn, const void *ctx, double lo, double hi,
			   double *logI, double gvec[4])
{
	double		slo;
	double		shi;
	double		mode;
	double		ref;
	double		slope;
	double		S = 0.0;
	double		Sv[4] = {0.0, 0.0, 0.0, 0.0};
	int			want = (gvec != NULL);
	int			i;

	/* falling from lo (log-concave: all the way), rising to hi, or a peak between */
	ref = fn(ctx, lo, &slo, NULL);
	mode = lo;
	slope = slo;
	if (slo > 0.0)
	{
		double		fhi = fn(ctx, hi, &shi, NULL);

		mode = hi;
		ref = fhi;
		slope = shi;
		if (shi < 0.0)
		{
			double		a = lo;
			double		b = hi;

			for (i = 0; i < 200 && b - a > 1e-13 * (1.0 + fabs(a) + fabs(b)); i++)
			{
				double		m = 0.5 * (a + b);

				fn(ctx, m, &slope, NULL);
				if (slope > 0.0)
					a = m;
				else
					b = m;
			}
			mode = 0.5 * (a + b);
			ref = fn(ctx, mode, &slope, NULL);
		}
	}
	if (!isfinite(ref))
		return -1;
	if (QuadSide(fn, ctx, mode, hi, ref, slope, ref, want, &S, Sv) != 0 ||
		QuadSide(fn, ctx, mode, lo, ref, slope, ref, want, &S, Sv) != 0)
		return -1;
	if (!(S > 0.0) || !isfinite(S))
		return -1;
	*logI = ref + log(S);
	if (want)
		for (i = 0; i < 4; i++)
			gvec[i] = Sv[i] / S;
	return 0;
}

/* Context of the tail-piece integrand: v = log((m + tau) / (m + t)). */
typedef struct TailQuadCtx
{
	const PnbdCtx *c;
	const PnbdPoint *pt;
	int			form;			/* 1: m = beta (alpha > beta); 2: m = alpha */
	double		logs;			/* log(s) */
} TailQuadCtx;

/*
 * base * (e^v - 1) without overflow: v passes 709 when alpha and beta are
 * hundreds of orders of magnitude apart (e.g. alpha 1e-294, beta 1e40).
 */
static inline double
GrowBy(double base, double v)
{
	return v < 700.0 ? base * expm1(v) : exp(v + log(base)) - base;
}

/*
 * d log T1(tau) / d par - d log T1(t) / d par, tau = t + grow, given alpha +
 * tau, beta + tau and log((alpha + tau) / (alpha + t)), log((beta + tau) /
 * (beta + t)): no difference of the r / alpha or s / beta sized terms.
 */
static inline void
DlT1Diff(const PnbdCtx *c, const PnbdPoint *pt, double grow, double apt, double bpt,
		 double dla, double dlb, double d[4])
{
	d[0] = -dla;
	d[1] = c->p / (c->alpha + pt->t) * (grow / apt);
	d[2] = -dlb;
	d[3] = c->s / (c->beta + pt->t) * (grow / bpt);
}

/*
 * log of f(tau) (m + tau) / T1(t) at v, with slope and d log f / d par less
 * d log T1(t) / d par (the integrand-weighted mean of that is dR / R).
 */
static double
TailIntegrand(const void *vctx, double v, double *slope, double vec[4])
{
	const TailQuadCtx *q = (const TailQuadCtx *) vctx;
	const PnbdCtx *c = q->c;
	const PnbdPoint *pt = q->pt;
	double		apt;			/* alpha + tau */
	double		bpt;			/* beta + tau */
	double		dl;				/* log of (alpha + tau) / (alpha + t) or the beta one */
	double		grow;			/* tau - t */
	double		lf;

	/* the log ratios by log1p: they are multiplied by r + x, maybe 1e5 */
	if (q->form == 1)
	{
		grow = GrowBy(c->beta + pt->t, v);
		bpt = (c->beta + pt->t) + grow;
		apt = (c->alpha + pt->t) + grow;
		dl = log1p(grow / (c->alpha + pt->t));
		lf = q->logs - c->s * v - c->p * dl;
		*slope = -c->s - c->p * (bpt / apt);
		if (vec)
			DlT1Diff(c, pt, grow, apt, bpt, dl, v, vec);
	}
	else
	{
		grow = GrowBy(c->alpha + pt->t, v);
		apt = (c->alpha + pt->t) + grow;
		bpt = (c->beta + pt->t) + grow;
		dl = log1p(grow / (c->beta + pt->t));
		lf = q->logs + (1.0 - c->p) * v - (c->s + 1.0) * dl + pt->la - pt->lb;
		*slope = 1.0 - c->p - (c->s + 1.0) * (apt / bpt);
		if (vec)
			DlT1Diff(c, pt, grow, apt, bpt, v, dl, vec);
	}
	if (vec)
	{
		/* f has s and 1 / (beta + tau) besides T1(tau) */
		vec[2] += 1.0 / c->s;
		vec[3] -= 1.0 / bpt;
	}
	return lf;
}

/*
 * R(t) when alpha and beta are far apart and t is small: quadrature from t
 * to t1 (where the convergent series has z = PNBD_SPLIT_Z) plus the series at
 * t1 times T1(t1) / T1(t), unless that is negligible. Derivatives are taken
 * with t1 held fixed (the total does not depend on t1). Returns 0, or -1.
 */
static int
RatioSplit(const PnbdCtx *c, const PnbdPoint *pt, int form, double *R, double dR[4])
{
	double		diff = fabs(c->alpha - c->beta);
	double		m = (form == 1) ? c->beta : c->alpha;
	double		big = (form == 1) ? c->alpha : c->beta;
	double		t1 = diff / PNBD_SPLIT_Z - big;
	PnbdPoint	p1;
	TailQuadCtx q;
	double		R1;
	double		dR1[4];
	double		logI;
	double		gvec[4];
	double		I;
	double		e1;
	double		dla;
	double		dlb;
	int			i;

	if (!(t1 > pt->t))
		return RatioSeries(c, pt, form, R, dR);
	q.c = c;
	q.pt = pt;
	q.form = form;
	q.logs = log(c->s);
	/* a difference of logs: the ratio overflows when m + t is tiny */
	if (LogConcaveQuad(TailIntegrand, &q, 0.0, log(m + t1) - log(m + pt->t),
					   &logI, dR ? gvec : NULL) != 0)
		return -1;
	I = exp(logI);
	/* T1(t1) / T1(t), accurate for large r + x */
	dla = log1p((t1 - pt->t) / (c->alpha + pt->t));
	dlb = log1p((t1 - pt->t) / (c->beta + pt->t));
	e1 = exp(-c->p * dla - c->s * dlb);
	*R = I;
	if (dR)
		for (i = 0; i < 4; i++)
			dR[i] = I * gvec[i];
	/*
	 * R(t1) <= 1, so the series adds at most e1: nothing where r and alpha
	 * run off (alpha + t1 is about 2 alpha, e1 about 2^-(r+x))
	 */
	if (!(e1 > PNBD_SPLIT_REST * I))
		return 0;
	SetPoint(c, t1, &p1);
	if (RatioSeries(c, &p1, form, &R1, dR ? dR1 : NULL) != 0)
		return -1;
	*R += R1 * e1;
	if (dR)
	{
		double		d1[4];

		DlT1Diff(c, pt, t1 - pt->t, c->alpha + t1, c->beta + t1, dla, dlb, d1);
		for (i = 0; i < 4; i++)
			dR[i] += e1 * (dR1[i] + R1 * d1[i]);
	}
	return 0;
}

/* R(t) and (dR not NULL) its gradient by series or quadrature. Returns 0, or -1. */
static int
RatioSlow(const PnbdCtx *c, const PnbdPoint *pt, double *R, double dR[4])
{
	double		cc = c->a + 1.0;
	double		z1 = (c->alpha - c->beta) / (c->alpha + pt->t);
	double		z2 = (c->beta - c->alpha) / (c->beta + pt->t);
	/* effective ratio of each series a few terms in */
	double		q1 = fabs(z1) * (c->p + 8.0) / (cc + 8.0);
	double		q2 = fabs(z2) * (c->s + 9.0) / (cc + 8.0);
	int			pos = (z1 >= 0.0) ? 1 : 2;

	if (fabs(z1) > 1.0)
		q1 = INFINITY;
	if (fabs(z2) > 1.0)
		q2 = INFINITY;
	if (q1 <= PNBD_SERIES_MAX_RATIO || q2 <= PNBD_SERIES_MAX_RATIO)
	{
		if (RatioSeries(c, pt, q1 <= q2 ? 1 : 2, R, dR) == 0)
			return 0;
	}
	return RatioSplit(c, pt, pos, R, dR);
}

/* R(t) = F(t) / T1(t) and (dR not NULL) its gradient. Returns 0, or -1. */
static int
Ratio(const PnbdCtx *c, const PnbdPoint *pt, double *R, double dR[4])
{
	double		t[2] = {pt->t, pt->t};
	double		RR[2];

	if (dR == NULL && (RatioFast(c, t, RR) & 1) != 0)
	{
		*R = RR[0];
		return 0;
	}
	return RatioSlow(c, pt, R, dR);
}

/*
 * R at t[0] and t[1] without gradient: the continued fraction, else series or
 * quadrature. Returns 0, or -1.
 */
static int
RatioPair(const PnbdCtx *c, const double t[2], double R[2])
{
	int			mask = RatioFast(c, t, R);
	int			k;

	for (k = 0; k < 2; k++)
	{
		PnbdPoint	pt;

		if (mask & (1 << k))
			continue;
		SetPoint(c, t[k], &pt);
		if (RatioSlow(c, &pt, &R[k], NULL) != 0)
			return -1;
	}
	return 0;
}

/* Fills the x-dependent context. */
static void
SetCtx(const double par[4], double x, PnbdCtx *c)
{
	c->r = par[0];
	c->alpha = par[1];
	c->s = par[2];
	c->beta = par[3];
	c->x = x;
	c->p = par[0] + x;
	c->a = par[0] + par[2] + x;
	c->log_alpha = log(par[1]);
	c->log_beta = log(par[3]);
}

/* Parameters finite and positive. */
static int
ParamsOk(const double par[4])
{
	int			i;

	for (i = 0; i < 4; i++)
		if (!(par[i] > 0.0) || !isfinite(par[i]))
			return 0;
	return 1;
}

/* x >= 0, 0 <= tx <= T, T > 0, all finite. */
static int
DataOk(double x, double tx, double T)
{
	return x >= 0.0 && isfinite(x) && tx >= 0.0 && T > 0.0 && isfinite(T) && tx <= T;
}

/*
 * log L - LogK = log(alpha^r (T1(T) + F(tx) - F(T))) given the two points,
 * and its gradient (without the LogK part). RTknown, when not NULL, is R(T)
 * already computed, and dRTknown its gradient (used when grad is wanted; if
 * NULL then, R(T) is computed again with its gradient).
 */
static int
LogBracket(const PnbdCtx *c, const PnbdPoint *ptx, const PnbdPoint *pT,
		   const double *Rtx, const double *dRtx, double *out, double grad[4],
		   const double *RTknown, const double *dRTknown)
{
	double		RT;
	double		dRT[4];
	double		D;
	double		e;
	double		W;
	int			i;

	if (ptx->t >= pT->t)
	{
		*out = pT->lt1;
		if (grad)
			for (i = 0; i < 4; i++)
				grad[i] = pT->dlt1[i];
		return 0;
	}
	if (RTknown != NULL && grad == NULL)
		RT = *RTknown;
	else if (RTknown != NULL && dRTknown != NULL)
	{
		RT = *RTknown;
		memcpy(dRT, dRTknown, sizeof(dRT));
	}
	else if (Ratio(c, pT, &RT, grad ? dRT : NULL) != 0)
		return -1;
	D = ptx->lt1 - pT->lt1;
	if (D < 0.0)
		D = 0.0;
	e = exp(-D);
	if (RT > 1.0)
		RT = 1.0;
	W = *Rtx + (1.0 - RT) * e;
	if (!(W > 0.0) || !isfinite(W))
		return -1;
	*out = ptx->lt1 + log(W);
	if (grad)
		for (i = 0; i < 4; i++)
			grad[i] = ptx->dlt1[i] +
				(dRtx[i] - e * (dRT[i] + (1.0 - RT) * (ptx->dlt1[i] - pT->dlt1[i]))) / W;
	return 0;
}

/*
 * log K(x) - r log(alpha) = lgamma(r+x) - lgamma(r) and its gradient (r
 * log(alpha) is in PnbdPoint.lt1).
 */
static double
LogK(const double par[4], double x, double dK[4])
{
	if (dK)
	{
		dK[0] = crm_digamma_diff(par[0], x);
		dK[1] = 0.0;
		dK[2] = 0.0;
		dK[3] = 0.0;
	}
	return crm_lpoch(par[0], x);
}

/* Per-customer log-likelihood. Returns 0, or -1. */
static int
LogLik(const double par[4], double x, double tx, double T, double *ll, double grad[4])
{
	PnbdCtx		c;
	PnbdPoint	ptx;
	PnbdPoint	pT;
	double		R[2] = {0.0, 0.0};	/* R(tx), R(T) */
	double		dRtx[4] = {0.0, 0.0, 0.0, 0.0};
	double		dK[4];
	double		lk;
	int			i;

	if (!ParamsOk(par) || !DataOk(x, tx, T))
		return -1;
	SetCtx(par, x, &c);
	SetPoint(&c, tx, &ptx);
	SetPoint(&c, T, &pT);
	if (tx < T)
	{
		double		t[2] = {tx, T};

		if ((grad ? Ratio(&c, &ptx, &R[0], dRtx) : RatioPair(&c, t, R)) != 0)
			return -1;
	}
	if (LogBracket(&c, &ptx, &pT, &R[0], dRtx, ll, grad, grad ? NULL : &R[1], NULL) != 0)
		return -1;
	lk = LogK(par, x, grad ? dK : NULL);
	*ll += lk;
	if (grad)
		for (i = 0; i < 4; i++)
			grad[i] += dK[i];
	return isfinite(*ll) ? 0 : -1;
}

/* Per-customer log-likelihood with gradient; -INFINITY when not computable. */
double
crm_pnbd_loglik(const double par[4], double x, double tx, double T, double grad[4])
{
	double		ll;
	int			i;

	if (LogLik(par, x, tx, T, &ll, grad) != 0)
	{
		if (grad)
			for (i = 0; i < 4; i++)
				grad[i] = 0.0;
		return -INFINITY;
	}
	return ll;
}

/* A point t (a T or a tx) of the current x group with R(t) (and its gradient), computed once. */
typedef struct TCacheEntry
{
	PnbdPoint	pt;
	double		R;
	double		dR[4];
	uint32_t	gen;			/* x group that filled the entry (0: none) */
	int			has_r;			/* R (and dR, when summing with gradient) set */
} TCacheEntry;

/* Open-addressing table of the points of one x group; a new group bumps gen. */
typedef struct TCache
{
	TCacheEntry *e;
	size_t		mask;
	int			shift;			/* 64 - log2(mask + 1), for crm_value_slot */
	size_t		used;			/* entries of the current group */
	uint32_t	gen;
} TCache;

/* Starts an empty cache of 2^log2size entries; -1 when out of memory. */
static int
TCacheInit(TCache *tc, int log2size)
{
	tc->mask = ((size_t) 1 << log2size) - 1;
	tc->shift = 64 - log2size;
	tc->e = calloc(tc->mask + 1, sizeof(TCacheEntry));
	tc->used = 0;
	tc->gen = 1;
	return tc->e != NULL ? 0 : -1;
}

/* Forgets every entry: the next x group starts empty. */
static void
TCacheNextGroup(TCache *tc)
{
	tc->used = 0;
	if (++tc->gen == 0)
	{
		memset(tc->e, 0, sizeof(TCacheEntry) * (tc->mask + 1));
		tc->gen = 1;
	}
}

/*
 * The entry of t in the current group, its point set (SetPoint) when new;
 * NULL when out of memory. Valid until the next call (the table may grow).
 */
static TCacheEntry *
TCacheGet(TCache *tc, const PnbdCtx *c, double t)
{
	size_t		h;

	for (h = crm_value_slot(t, tc->shift); tc->e[h].gen == tc->gen; h = (h + 1) & tc->mask)
		if (tc->e[h].pt.t == t)
			return &tc->e[h];
	if (2 * (tc->used + 1) > tc->mask + 1)
	{
		TCache		big;
		size_t		j;

		big.mask = 2 * tc->mask + 1;
		big.shift = tc->shift - 1;
		big.e = calloc(big.mask + 1, sizeof(TCacheEntry));
		if (big.e == NULL)
			return NULL;
		big.used = tc->used;
		big.gen = 1;
		for (j = 0; j <= tc->mask; j++)
		{
			if (tc->e[j].gen != tc->gen)
				continue;
			for (h = crm_value_slot(tc->e[j].pt.t, big.shift); big.e[h].gen != 0; h = (h + 1) & big.mask)
				;
			big.e[h] = tc->e[j];
			big.e[h].gen = 1;
		}
		free(tc->e);
		*tc = big;
		for (h = crm_value_slot(t, tc->shift); tc->e[h].gen == tc->gen; h = (h + 1) & tc->mask)
			;
	}
	SetPoint(c, t, &tc->e[h].pt);
	tc->e[h].gen = tc->gen;
	tc->e[h].has_r = 0;
	tc->used++;
	return &tc->e[h];
}

/* The entry of t with R(t) (and, when want, its gradient) set; NULL on failure. */
static TCacheEntry *
TCacheRatio(TCache *tc, const PnbdCtx *c, double t, int want)
{
	TCacheEntry *te = TCacheGet(tc, c, t);

	if (te == NULL)
		return NULL;
	if (!te->has_r && Ratio(c, &te->pt, &te->R, want ? te->dR : NULL) != 0)
		return NULL;
	te->has_r = 1;
	return te;
}

/*
 * Sum of n * loglik over patterns. x-only terms (K, and R(tx) for equal
 * (x, tx)) are reused across runs of equal values, so patterns sorted by
 * (x, tx, T) are fastest. -INFINITY when some pattern is not computable.
 */
double
crm_pnbd_loglik_sum(const double par[4], const crm_rfm_pattern *p, size_t n,
					double grad[4])
{
	PnbdCtx		c;
	PnbdPoint	ptx;
	PnbdPoint	pT;
	TCache		tc = {NULL, 0, 0, 0, 0};
	double		total = 0.0;
	double		g[4] = {0.0, 0.0, 0.0, 0.0};
	double		lk = 0.0;
	double		dK[4] = {0.0, 0.0, 0.0, 0.0};
	double		Rtx = 0.0;
	double		dRtx[4] = {0.0, 0.0, 0.0, 0.0};
	double		cur_x = -1.0;
	double		cur_tx = -1.0;
	int			have_rtx = 0;
	int			want = (grad != NULL);
	int			cached;
	size_t		k;
	int			i;

	if (grad)
		for (i = 0; i < 4; i++)
			grad[i] = 0.0;
	if (!ParamsOk(par))
		return -INFINITY;

	/*
	 * R(t) depends on (x, t) only: once per distinct t of each x group, be
	 * it a T or a tx (days repeat in both)
	 */
	cached = (n > 1 && TCacheInit(&tc, 10) == 0);
	for (k = 0; k < n; k++)
	{
		const crm_rfm_pattern *q = &p[k];
		const PnbdPoint *pTp = &pT;
		const double *RT = NULL,
				   *dRT = NULL;
		double		br;
		double		gb[4];

		if (!DataOk(q->x, q->tx, q->T) || !(q->n >= 0.0))
			goto fail;
		if (q->x != cur_x)
		{
			cur_x = q->x;
			SetCtx(par, cur_x, &c);
			lk = LogK(par, cur_x, want ? dK : NULL);
			cur_tx = -1.0;
			if (cached)
				TCacheNextGroup(&tc);
		}
		if (q->tx != cur_tx)
		{
			cur_tx = q->tx;
			if (cached)
			{
				/* the cache sets the point once per distinct t (it may also be a T) */
				TCacheEntry *te = TCacheGet(&tc, &c, cur_tx);

				if (te == NULL)
					goto fail;
				ptx = te->pt;
			}
			else
				SetPoint(&c, cur_tx, &ptx);
			have_rtx = 0;
		}
		if (q->tx < q->T && !have_rtx)
		{
			if (cached)
			{
				TCacheEntry *te = TCacheRatio(&tc, &c, q->tx, want);

				if (te == NULL)
					goto fail;
				Rtx = te->R;
				memcpy(dRtx, te->dR, sizeof(dRtx));
			}
			else if (Ratio(&c, &ptx, &Rtx, want ? dRtx : NULL) != 0)
				goto fail;
			have_rtx = 1;
		}
		if (cached)
		{
			TCacheEntry *te = (q->tx < q->T) ? TCacheRatio(&tc, &c, q->T, want) :
			TCacheGet(&tc, &c, q->T);

			if (te == NULL)
				goto fail;
			pTp = &te->pt;
			if (q->tx < q->T)
			{
				RT = &te->R;
				dRT = te->dR;
			}
		}
		else
			SetPoint(&c, q->T, &pT);
		if (LogBracket(&c, &ptx, pTp, &Rtx, dRtx, &br, want ? gb : NULL, RT, dRT) != 0)
			goto fail;
		total += q->n * (lk + br);
		if (want)
			for (i = 0; i < 4; i++)
				g[i] += q->n * (dK[i] + gb[i]);
	}
	if (cached)
		free(tc.e);
	if (!isfinite(total))
		return -INFINITY;
	if (grad)
		for (i = 0; i < 4; i++)
			grad[i] = g[i];
	return total;
fail:
	if (cached)
		free(tc.e);
	return -INFINITY;
}

/*
 * log of (1 - (b/(b+t))^(s-1)) / (s-1) = log(L exprel(-(s-1) L)), L = log1p(t/b);
 * the s = 1 limit is log(L). For t/b < 1e-10, log L = log t - log b - t/(2b):
 * t/b itself may be subnormal, with digits lost (3.5e-8 at t = 1e-309, b = 8e6).
 */
static double
LogPowerDiff(double s, double b, double t)
{
	double		L = log1p(t / b);
	double		v = (1.0 - s) * L;	/* the bracket is (e^v - 1) / v times L */

	if (t < 1e-10 * b)
	{
		double		lL = log(t) - log(b) - 0.5 * (t / b);

		if (v == 0.0)
			return lL;
		return (v > 0.0 ? v + log(-expm1(-v) / v) : log(expm1(v) / v)) + lL;
	}
	if (v == 0.0)
		return log(L);
	if (v > 0.0)
		return v + log(-expm1(-v) / v * L);
	return log(expm1(v) / v * L);
}

/* E[X(t)] = r beta / (alpha (s-1)) (1 - (beta/(beta+t))^(s-1)). */
int
crm_pnbd_expected(const double par[4], double t, double *out)
{
	double		v;

	if (!ParamsOk(par) || !(t >= 0.0) || !isfinite(t))
		return -1;
	if (t == 0.0)
	{
		*out = 0.0;
		return 0;
	}
	v = exp(log(par[0]) + log(par[3]) - log(par[1]) + LogPowerDiff(par[2], par[3], t));
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/*
 * log P(alive | x, tx, T) = log T1(T) - log(T1(T) + F(tx) - F(T))
 *	  = -D - log(R(tx) + (1 - R(T)) e^-D),  D = log T1(tx) - log T1(T) >= 0.
 */
int
crm_pnbd_log_p_alive(const double par[4], double x, double tx, double T, double *out)
{
	PnbdCtx		c;
	double		t[2] = {tx, T};
	double		R[2];
	double		D;
	double		W;

	if (!ParamsOk(par) || !DataOk(x, tx, T))
		return -1;
	if (tx >= T)
	{
		*out = 0.0;
		return 0;
	}
	SetCtx(par, x, &c);
	if (RatioPair(&c, t, R) != 0)
		return -1;
	D = c.p * crm_log1p_ratio(T - tx, c.alpha + tx) + c.s * crm_log1p_ratio(T - tx, c.beta + tx);
	W = R[0] + (1.0 - (R[1] < 1.0 ? R[1] : 1.0)) * exp(-D);
	if (!(W > 0.0) || !isfinite(W) || !isfinite(D))
		return -1;
	*out = -D - log(W);
	if (*out > 0.0)
		*out = 0.0;
	return 0;
}

/* P(alive | x, tx, T). */
int
crm_pnbd_p_alive(const double par[4], double x, double tx, double T, double *out)
{
	double		lp;

	if (crm_pnbd_log_p_alive(par, x, tx, T, &lp) != 0)
		return -1;
	*out = exp(lp);
	return 0;
}

/*
 * E[Y(t) | x, tx, T] = P(alive) (r+x)(beta+T) / ((alpha+T)(s-1))
 *	  (1 - ((beta+T)/(beta+T+t))^(s-1)).
 */
int
crm_pnbd_conditional(const double par[4], double t, double x, double tx, double T,
					 double *out)
{
	return crm_pnbd_conditional_multi(par, &t, 1, x, tx, T, out);
}

/* Conditional expectations at several horizons, the formula above (see pnbd.h). */
int
crm_pnbd_conditional_multi(const double par[4], const double *t, int n, double x, double tx,
						   double T, double *out)
{
	double		lp;
	int			k;

	if (crm_pnbd_log_p_alive(par, x, tx, T, &lp) != 0)
		return -1;
	lp += log(par[0] + x) + log(par[3] + T) - log(par[1] + T);
	for (k = 0; k < n; k++)
	{
		if (!(t[k] >= 0.0) || !isfinite(t[k]))
			return -1;
		out[k] = t[k] == 0.0 ? 0.0 : exp(lp + LogPowerDiff(par[2], par[3] + T, t[k]));
		if (!isfinite(out[k]))
			return -1;
	}
	return 0;
}

/*
 * DERT (Fader, Hardie & Lee 2005):
 *	  alpha^r beta^s delta^(s-1) Gamma(r+x+1) U(s, s; delta(beta+T))
 *	  / (Gamma(r) (alpha+T)^(r+x+1) L),  with U(s, s; z) = e^z Gamma(1-s, z).
 * beta^s delta^(s-1) U(s, s; z) is (beta/(beta+T))^s (beta+T) z^(s-1) e^z
 * Gamma(1-s, z), the second factor E[1 / (delta + mu)] under the Gamma(s,
 * beta+T) posterior of mu: the scaled incomplete gamma takes it whole, and
 * the first is a log1p ratio, so s and beta of 1e14 (no heterogeneity in
 * dropout, mu = s/beta) cancel nothing.
 */
int
crm_pnbd_dert_core(const double par[4], double delta, double x, double tx, double T,
				   double *out)
{
	double		ll;
	double		lu;
	double		v;
	double		r = par[0];
	double		s = par[2];

	if (!(delta > 0.0) || !isfinite(delta) || LogLik(par, x, tx, T, &ll, NULL) != 0)
		return -1;
	/* log E[1 / (delta + mu)] */
	lu = log(par[3] + T) + crm_log_upper_gamma_scaled(1.0 - s, delta * (par[3] + T));
	if (!isfinite(lu))
		return -1;
	/* (alpha / (alpha+T))^r and (beta / (beta+T))^s by log1p: r, s may be huge */
	v = exp(crm_lpoch(r, x + 1.0) - r * crm_log1p_ratio(T, par[1]) - (x + 1.0) * log(par[1] + T) -
			s * crm_log1p_ratio(T, par[3]) + lu - ll);
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/*
 * log of tau^(x+1) (alpha+tau)^-(r+x) (beta+tau)^-(s+1) alpha^r beta^s at
 * u = log(tau) (context: the PnbdCtx of x = n), the log ratios as SetPoint.
 */
static double
ProbNIntegrand(const void *vctx, double u, double *slope, double vec[4])
{
	const PnbdCtx *c = (const PnbdCtx *) vctx;
	double		tau = exp(u);
	double		la,
				lar,
				lb,
				lbr;

	(void) vec;
	LogPair(c->alpha, c->log_alpha, tau, &la, &lar);
	LogPair(c->beta, c->log_beta, tau, &lb, &lbr);
	*slope = (c->x + 1.0) - c->p * (tau / (c->alpha + tau)) - (c->s + 1.0) * (tau / (c->beta + tau));
	return (c->x + 1.0) * u - c->r * lar - c->x * la - c->s * lbr - lb;
}

/*
 * P(X(t) = n) = Gamma(r+n) alpha^r / (Gamma(r) n!) [t^n (alpha+t)^-(r+n)
 *	  (beta/(beta+t))^s + int_0^t tau^n (alpha+tau)^-(r+n) s beta^s
 *	  (beta+tau)^-(s+1) dtau]  (dropout at tau, n purchases before it).
 */
int
crm_pnbd_prob_n(const double par[4], double n, double t, double *out)
{
	PnbdCtx		c;
	PnbdPoint	pt;
	double		lt;
	double		first;
	double		logJ;
	double		lc;
	double		v;

	if (!ParamsOk(par) || !(n >= 0.0) || !isfinite(n) || n != floor(n) ||
		!(t >= 0.0) || !isfinite(t))
		return -1;
	if (t == 0.0)
	{
		*out = (n == 0.0) ? 1.0 : 0.0;
		return 0;
	}
	SetCtx(par, n, &c);
	SetPoint(&c, t, &pt);
	lt = log(t);
	/* alpha^r and beta^s are in log T1 and the integrand, as ratios: r, s may be huge */
	first = n * lt + pt.lt1;
	if (LogConcaveQuad(ProbNIntegrand, &c, lt - 750.0, lt, &logJ, NULL) != 0)
		return -1;
	logJ += log(c.s);
	lc = crm_lpoch(c.r, n) - crm_lgamma(n + 1.0);
	v = exp(lc + crm_logaddexp(first, logJ));
	if (!isfinite(v))
		return -1;
	*out = fmin(v, 1.0);
	return 0;
}

/*
 * One customer over (0, T]: lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta),
 * lifetime ~ Exp(mu); x ~ Poisson(lambda min(lifetime, T)) repeat purchases,
 * tx the last of them (the maximum of x uniforms: L U^(1/x)).
 */
void
crm_pnbd_simulate(const double par[4], double T, crm_rng *rng, double *x, double *tx)
{
	double		lambda = crm_rng_gamma(rng, par[0], par[1]);
	double		mu = crm_rng_gamma(rng, par[2], par[3]);
	double		life = (mu > 0.0) ? crm_rng_exponential(rng, mu) : INFINITY;
	double		L = fmin(life, T);
	double		k = (double) crm_rng_poisson(rng, lambda * L);

	*x = k;
	*tx = (k > 0.0) ? L * pow(crm_rng_uniform(rng), 1.0 / k) : 0.0;
}
