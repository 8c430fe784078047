/*-------------------------------------------------------------------------
 *
 * test_sample.c
 *	  Unit tests of the sample-data generator (src/core/sample.c).
 *
 * Checks the closed-form mean lifetime against numerical integration, that
 * a simulated population recovers the requested mean purchases, that the
 * data is overdispersed with one-time buyers, that decliners really decline,
 * determinism, and every table invariant the SQL schema enforces.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sample.h"
#include "unit.h"

#define DAY CRM_SAMPLE_DAY

/* Midpoint-rule value of E[min(tau, T)] for T ~ U(0, w): a double integral. */
static double
LifetimeByQuadrature(double s, double beta, double w)
{
	const int	n = 2000;
	double		h = w / n;
	double		inner = 0.0;
	double		outer = 0.0;
	int			i;

	/* running int_0^T (beta/(beta+t))^s dt, averaged over T on a grid */
	for (i = 0; i < n; i++)
	{
		double		t_mid = (i + 0.5) * h;
		double		f = pow(beta / (beta + t_mid), s);

		/* value at the middle of cell i: inner + half of this cell */
		outer += inner + 0.5 * f * h;
		inner += f * h;
	}
	return outer / n;
}

/* Closed form against quadrature, and invalid input. */
static void
TestMeanLifetime(void)
{
	const double shapes[] = {0.3, 0.5, 1.0, 1.7, 2.0, 3.0};
	int			i;

	for (i = 0; i < 6; i++)
		CHECK_CLOSE(crm_sample_mean_lifetime(shapes[i], 200.0, 730.0),
					LifetimeByQuadrature(shapes[i], 200.0, 730.0), 1e-5, 0.0);
	/* no dropout at all (tiny mu): mean age is w / 2 */
	CHECK_CLOSE(crm_sample_mean_lifetime(1e-9, 1.0, 730.0), 365.0, 1e-6, 0.0);
	CHECK(crm_sample_mean_lifetime(0.0, 200.0, 730.0) < 0.0);
	CHECK(crm_sample_mean_lifetime(0.5, -1.0, 730.0) < 0.0);
	CHECK(crm_sample_mean_lifetime(NAN, 200.0, 730.0) < 0.0);
}

/* Out-of-range arguments are refused with a message naming the value. */
static void
TestConfigErrors(void)
{
	crm_sample_config cfg;
	char		err[256];

	CHECK(crm_sample_config_init(&cfg, 1, 0, 0.5, err, sizeof(err)) == -1);
	CHECK(strstr(err, "purchases_per_customer 0.5") != NULL && strstr(err, "1.05 to 200") != NULL);
	CHECK(crm_sample_config_init(&cfg, 1, 0, NAN, err, sizeof(err)) == -1);
	CHECK(crm_sample_config_init(&cfg, 1, 0, INFINITY, err, sizeof(err)) == -1);
	CHECK(crm_sample_config_init(&cfg, 1, -4000LL * DAY, 10.0, err, sizeof(err)) == -1);
	CHECK(strstr(err, "as_of") != NULL && strstr(err, "1990-01-01") != NULL);
	CHECK(crm_sample_config_init(&cfg, 1, 0, 10.0, err, sizeof(err)) == 0);
	CHECK_FINITE(cfg.alpha);
	CHECK(cfg.alpha > 0.0);
}

/* Same seed and number give the same customer and rows; another seed does not. */
static void
TestDeterminism(void)
{
	crm_sample_config a;
	crm_sample_config b;
	crm_sample_customer c1;
	crm_sample_customer c2;
	crm_sample_customer c3;
	static crm_sample_purchase p1[CRM_SAMPLE_MAX_ROWS];
	static crm_sample_purchase p2[CRM_SAMPLE_MAX_ROWS];
	char		err[256];
	int			n1;
	int			n2;
	int			differ = 0;
	int64_t		no;

	crm_sample_config_init(&a, 42, 9678LL * DAY, 10.0, err, sizeof(err));
	crm_sample_config_init(&b, 43, 9678LL * DAY, 10.0, err, sizeof(err));
	crm_sample_customer_draw(&a, 17, &c1);
	crm_sample_customer_draw(&a, 17, &c2);
	CHECK(memcmp(&c1, &c2, sizeof(c1)) == 0);
	n1 = crm_sample_purchases(&a, &c1, p1, CRM_SAMPLE_MAX_ROWS);
	n2 = crm_sample_purchases(&a, &c2, p2, CRM_SAMPLE_MAX_ROWS);
	CHECK(n1 == n2 && memcmp(p1, p2, sizeof(p1[0]) * n1) == 0);
	/* another seed changes (almost) every customer */
	for (no = 1; no <= 50; no++)
	{
		crm_sample_customer_draw(&a, no, &c1);
		crm_sample_customer_draw(&b, no, &c3);
		differ += c1.acquired != c3.acquired;
	}
	CHECK(differ >= 49);
}

/* Scratch buffers for the population test. */
static crm_sample_purchase purchases[CRM_SAMPLE_MAX_ROWS];
static crm_sample_interaction interactions[CRM_SAMPLE_MAX_ROWS];
static crm_sample_ticket tickets[CRM_SAMPLE_MAX_ROWS];
static crm_sample_answer feedback[CRM_SAMPLE_MAX_ROWS];
static crm_sample_contract contracts[CRM_SAMPLE_MAX_ROWS];
static crm_sample_contact contacts[CRM_SAMPLE_MAX_ROWS];
static crm_sample_opportunity opportunities[CRM_SAMPLE_MAX_ROWS];

/* A simulated population: moments, heterogeneity, decline, invariants. */
static void
TestPopulation(double ppc, int ncust)
{
	crm_sample_config cfg;
	char		err[256];
	int64_t		as_of = 9677LL * DAY;	/* 2026-06-30 */
	int64_t		drop_from = as_of - 45LL * DAY;
	double		sum = 0.0;
	double		sumsq = 0.0;
	int			one_time = 0;
	int			business = 0;
	int			bad = 0;
	double		usage[2] = {0, 0};
	double		urgent[2] = {0, 0};
	double		nps_sum[2] = {0, 0};
	double		nps_n[2] = {0, 0};
	int			group_n[2] = {0, 0};
	int			big_contract = 0;
	int64_t		no;

	crm_sample_config_init(&cfg, 7, as_of, ppc, err, sizeof(err));
	for (no = 1; no <= ncust; no++)
	{
		crm_sample_customer c;
		int			n;
		int			i;
		int			sales = 0;
		int			g;

		crm_sample_customer_draw(&cfg, no, &c);
		g = c.declining;
		group_n[g]++;
		business += c.business;
		bad += c.acquired > as_of || c.acquired < as_of - 730LL * DAY;
		bad += c.declining && c.died <= as_of;

		n = crm_sample_purchases(&cfg, &c, purchases, CRM_SAMPLE_MAX_ROWS);
		for (i = 0; i < n; i++)
		{
			sales += purchases[i].cents > 0;
			bad += purchases[i].at > as_of || purchases[i].at < c.acquired || purchases[i].cents == 0;
			bad += i > 0 && purchases[i].at < purchases[i - 1].at;
		}
		bad += n < 1 || purchases[0].at != c.acquired || purchases[0].cents <= 0;
		sum += sales;
		sumsq += (double) sales * sales;
		one_time += sales == 1;

		n = crm_sample_interactions(&cfg, &c, interactions, CRM_SAMPLE_MAX_ROWS);
		for (i = 0; i < n; i++)
		{
			const crm_sample_interaction *it = &interactions[i];
			int			usage_kind = it->kind == CRM_IK_LOGIN || it->kind == CRM_IK_FEATURE_USE;

			bad += it->at > as_of || it->at < c.acquired || it->at > c.died;
			bad += usage_kind != (it->direction == -1);
			bad += (it->feature != NULL) != (it->kind == CRM_IK_FEATURE_USE);
			bad += it->contact >= c.n_contacts || (c.business && !usage_kind && it->contact < 0);
			if (it->kind == CRM_IK_LOGIN && it->at >= drop_from)
				usage[g] += 1.0;
		}

		n = crm_sample_tickets(&cfg, &c, tickets, CRM_SAMPLE_MAX_ROWS);
		for (i = 0; i < n; i++)
		{
			const crm_sample_ticket *t = &tickets[i];

			bad += t->opened > as_of || t->opened < c.acquired;
			bad += t->first_response != CRM_SAMPLE_NO_TIME && (t->first_response < t->opened || t->first_response > as_of);
			bad += t->resolved != CRM_SAMPLE_NO_TIME && (t->resolved < t->opened || t->resolved > as_of);
			bad += t->satisfaction < 0 || t->satisfaction > 5 || (t->satisfaction > 0 && t->resolved == CRM_SAMPLE_NO_TIME);
			urgent[g] += t->priority == 0;
		}

		n = crm_sample_feedback(&cfg, &c, feedback, CRM_SAMPLE_MAX_ROWS);
		for (i = 0; i < n; i++)
		{
			const crm_sample_answer *f = &feedback[i];

			bad += f->at > as_of || f->at < c.acquired;
			bad += f->nps < -1 || f->nps > 10 || f->csat < 0 || f->csat > 5 || f->ces < 0 || f->ces > 7;
			bad += f->nps < 0 && f->csat == 0 && f->ces == 0;
			if (f->nps >= 0)
			{
				nps_sum[g] += f->nps;
				nps_n[g] += 1.0;
			}
		}

		n = crm_sample_contracts(&cfg, &c, contracts, CRM_SAMPLE_MAX_ROWS);
		bad += c.business ? (n < 1 || n > 4) : n != 0;
		for (i = 0; i < n; i++)
		{
			const crm_sample_contract *k = &contracts[i];

			bad += k->signed_at > as_of || k->starts_on * (int64_t) DAY > as_of || k->ends_on < k->starts_on;
			bad += k->renews_previous != (i > 0);
			/* every row but the last was renewed; the last is not */
			bad += (i < n - 1) != (k->status == CRM_CS_RENEWED);
			bad += k->status == CRM_CS_ACTIVE && c.died <= as_of;
			bad += k->value_cents < 1 || k->value_cents > 99999999999999LL;
			big_contract += k->value_cents > 500000000LL;
		}

		n = crm_sample_contacts(&cfg, &c, contacts, CRM_SAMPLE_MAX_ROWS);
		bad += n != c.n_contacts || n > CRM_SAMPLE_MAX_CONTACTS || (c.business && n < 1);
		for (i = 0; i < n; i++)
			bad += contacts[i].created > as_of || strchr(contacts[i].email, '@') == NULL;

		n = crm_sample_opportunities(&cfg, &c, opportunities, CRM_SAMPLE_MAX_ROWS);
		for (i = 0; i < n; i++)
		{
			const crm_sample_opportunity *o = &opportunities[i];
			int			closed_stage = o->stage == CRM_ST_WON || o->stage == CRM_ST_LOST;

			bad += o->opened > as_of || o->stage_changed > as_of || o->stage_changed < o->opened;
			bad += closed_stage != (o->closed != CRM_SAMPLE_NO_TIME);
			bad += closed_stage && (o->closed < o->opened || o->closed > as_of);
		}
	}
	CHECK(bad == 0);
	{
		double		mean = sum / ncust;
		double		var = sumsq / ncust - mean * mean;
		/* the count's sd is about sqrt(var): allow 5 standard errors */
		double		tol = 5.0 * sqrt(var / ncust);

		CHECK_CLOSE(mean, ppc, 0.0, tol);
		CHECK(var > 3.0 * mean);	/* overdispersed: Poisson would have var = mean */
		CHECK(one_time > ncust / 10 && one_time < ncust * 6 / 10);
	}
	CHECK_CLOSE((double) business / ncust, 0.35, 0.0, 5.0 * sqrt(0.35 * 0.65 / ncust));
	CHECK(group_n[1] > ncust / 20 && group_n[1] < ncust / 4);
	/* decliners: far fewer recent logins, more urgent tickets, lower NPS */
	CHECK(usage[1] / group_n[1] < 0.3 * usage[0] / group_n[0]);
	CHECK(urgent[1] / group_n[1] > 3.0 * urgent[0] / group_n[0]);
	CHECK(nps_sum[1] / nps_n[1] < nps_sum[0] / nps_n[0] - 1.0);
	/* heavy-tailed contract values: some exceed 5,000,000 in a large sample */
	if (ncust >= 20000)
		CHECK(big_contract >= 1);
}

int
main(void)
{
	int			quick = getenv("CRM_UNIT_QUICK") != NULL;

	TestMeanLifetime();
	TestConfigErrors();
	TestDeterminism();
	TestPopulation(10.0, quick ? 4000 : 30000);
	TestPopulation(3.0, quick ? 2000 : 10000);
	return UNIT_DONE("sample");
}
