/*-------------------------------------------------------------------------
 *
 * sample.c
 *	  Deterministic sample data: per-customer behaviour draws (see sample.h).
 *
 * Each customer has one stream per table, seeded from the seed, the customer
 * number and the table, so tables can be generated separately and still
 * agree (the purchases stop at the same dropout time the contracts see).
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sample.h"

/* Population parameters (days): heterogeneous rates, realistic churn. */
#define POP_R				0.55	/* shape of lambda: many light buyers */
#define POP_S				0.5		/* shape of mu */
#define POP_BETA			200.0	/* rate of mu: ~60% still alive after 1 year */
#define POP_P				6.25	/* Gamma-Gamma spend (CDNOW fit) */
#define POP_Q				3.74
#define POP_GAMMA			15.44
#define BUSINESS_SHARE		0.35
#define BUSINESS_SPEND		12.0	/* businesses spend this many times more */
#define DECLINING_SHARE		0.25	/* of live customers older than 90 days */
#define DECLINE_USAGE_KEEP	0.1		/* share of usage kept in the drop window */
#define DECLINE_BUY_KEEP	0.3		/* share of purchases kept in the drop window */
#define REFUND_SHARE		0.03
#define MAX_LIFETIME_DAYS	1.0e6	/* caps a dropout time drawn from a tiny mu */
#define MAX_CONTRACT_CENTS	90000000000000LL	/* below numeric(14,2)'s limit */

/* Streams: one per table, so tables can be generated independently. */
enum
{
	STREAM_CUSTOMER, STREAM_PURCHASES, STREAM_INTERACTIONS, STREAM_TICKETS,
	STREAM_FEEDBACK, STREAM_OPPORTUNITIES, STREAM_CONTRACTS, STREAM_CONTACTS
};

const char *const crm_sample_channel_labels[CRM_CH_COUNT] = {
	"web", "mobile", "email", "phone", "video", "chat", "social", "store", "visit", "partner"
};
const char *const crm_sample_ikind_labels[CRM_IK_COUNT] = {
	"login", "feature_use", "visit", "email", "call", "video", "chat", "social", "store"
};
const char *const crm_sample_cstatus_labels[CRM_CS_COUNT] = {
	"active", "expired", "cancelled", "renewed"
};
const char *const crm_sample_stage_labels[CRM_ST_COUNT] = {
	"lead", "qualified", "demo", "proposal", "negotiation", "won", "lost"
};
const char *const crm_sample_category_labels[3] = {"product", "service", "process"};
const char *const crm_sample_priority_labels[3] = {"urgent", "important", "general"};
const char *const crm_sample_direction_labels[2] = {"inbound", "outbound"};

static const char *const owners[] = {
	"am_alice", "am_bob", "am_carol", "am_dave", "am_erin", "am_frank", "am_grace", "am_heidi"
};
static const char *const first_names[] = {
	"Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas",
	"Karin", "Lukas", "Mia", "Noah", "Olga", "Paul", "Rosa", "Samuel", "Tina", "Umar",
	"Vera", "William", "Xenia", "Yusuf", "Zoe", "Li", "Priya", "Mateo", "Sofia", "Kenji",
	"Amara", "Lars"
};
static const char *const last_names[] = {
	"Schmidt", "Garcia", "Chen", "Okafor", "Novak", "Rossi", "Kowalski", "Smith",
	"Jensen", "Tanaka", "Silva", "Dubois", "Nguyen", "Meyer", "Haddad", "Larsen",
	"Patel", "Brown", "Ivanova", "Fischer", "Moreau", "Kim", "Santos", "Weber",
	"Andersson", "Costa", "Yilmaz", "Hughes", "Bauer", "Lopez", "Wagner", "Sato"
};
static const char *const company_words[] = {
	"Alpine", "Blue", "Cedar", "Delta", "Evergreen", "Falcon", "Granite", "Harbor",
	"Iron", "Juniper", "Keystone", "Lumen", "Meridian", "Northwind", "Orbit", "Pioneer"
};
static const char *const company_nouns[] = {
	"Logistics", "Systems", "Foods", "Health", "Energy", "Retail", "Labs", "Media",
	"Motors", "Textiles", "Partners", "Analytics", "Construction", "Pharma", "Travel", "Finance"
};
static const char *const company_forms[] = {"Inc", "Ltd", "GmbH", "AG", "LLC", "SA"};
static const char *const industries[] = {
	"manufacturing", "retail", "healthcare", "software", "finance", "logistics",
	"energy", "education", "hospitality", "public sector"
};
static const char *const regions[] = {"north", "south", "east", "west", "central"};
static const char *const titles[] = {
	"CEO", "CFO", "Head of IT", "Purchasing Manager", "Operations Manager",
	"Project Lead", "Office Manager", "Assistant"
};
#define DECISION_TITLES 4		/* the first titles above decide */
static const char *const features[] = {
	"dashboard", "reports", "export", "api", "workflows", "mobile_app", "integrations", "billing"
};
static const char *const needs[] = {
	"Needs: wants an API integration with their ERP.",
	"Needs: asks for volume pricing for next quarter.",
	"Needs: interested in training for new staff.",
	"Needs: wants a single invoice for all sites.",
	"Needs: looking for faster delivery options.",
	"Needs: asks about the new mobile app features."
};
static const char *const pains[] = {
	"Pain point: reports are too slow at month end.",
	"Pain point: repeated login problems since the update.",
	"Pain point: invoices had errors twice this quarter.",
	"Pain point: support took too long to answer.",
	"Pain point: a competitor offered a lower price.",
	"Pain point: the team stopped using the tool, unclear value."
};
static const char *const subjects[3][4] = {
	{"Error when exporting a report", "Feature does not work as documented",
	 "Data missing after import", "App crashes on login"},
	{"Slow response from support", "Onboarding session was cancelled",
	 "Account manager unreachable", "Wrong advice from the hotline"},
	{"Invoice amount is wrong", "Cannot change the billing address",
	 "Contract renewal question", "Refund still not received"}
};
static const char *const happy_comments[] = {
	"Great service, thank you.", "Easy to use and reliable.", "The team is very responsive."
};
static const char *const neutral_comments[] = {
	"Works, but could be faster.", "Pricing is a bit high.", "Documentation could be better."
};
static const char *const unhappy_comments[] = {
	"Too many problems lately.", "We are evaluating alternatives.", "Support does not solve our issues."
};
static const char *const products[] = {"Platform", "Analytics add-on", "Support plan", "Training", "Licences"};
static const char *const deal_kinds[] = {"expansion", "renewal upsell", "new project", "pilot"};

#define COUNT(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* Seeds the stream of one table for one customer. */
static void
StreamSeed(crm_rng *rng, const crm_sample_customer *c, uint64_t stream)
{
	crm_rng_seed(rng, crm_hash64(c->key ^ crm_hash64(stream + 0x5A17ULL)));
}

/* Uniform integer in [0, n). */
static int
Pick(crm_rng *rng, int n)
{
	int			i = (int) (crm_rng_uniform(rng) * n);

	return i < n ? i : n - 1;
}

/* Index drawn with the given weights (they need not sum to 1). */
static int
PickWeighted(crm_rng *rng, const double *w, int n)
{
	double		total = 0.0;
	double		u;
	int			i;

	for (i = 0; i < n; i++)
		total += w[i];
	u = crm_rng_uniform(rng) * total;
	for (i = 0; i < n - 1; i++)
	{
		if (u < w[i])
			return i;
		u -= w[i];
	}
	return n - 1;
}

/* Day number (since 2000-01-01) of a time in seconds. */
static int32_t
DayOf(int64_t t)
{
	int64_t		d = t / CRM_SAMPLE_DAY;

	if (t < 0 && t % CRM_SAMPLE_DAY != 0)
		d--;
	return (int32_t) d;
}

/* A time plus a number of days, as whole seconds. */
static int64_t
AddDays(int64_t t, double days)
{
	return t + (int64_t) floor(days * CRM_SAMPLE_DAY);
}

/* Earlier of two times. */
static int64_t
MinTime(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Later of two times. */
static int64_t
MaxTime(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Amount in cents, at least one cent. */
static int64_t
Cents(double amount)
{
	double		c = floor(amount * 100.0 + 0.5);

	if (!(c >= 1.0))
		return 1;
	if (c > (double) MAX_CONTRACT_CENTS)
		return MAX_CONTRACT_CENTS;
	return (int64_t) c;
}

/* A channel drawn for a purchase or usage event of this customer. */
static int
PurchaseChannel(crm_rng *rng, const crm_sample_customer *c)
{
	static const int person_ch[] = {CRM_CH_WEB, CRM_CH_MOBILE, CRM_CH_STORE, CRM_CH_PHONE};
	static const double person_w[] = {45, 35, 15, 5};
	static const int business_ch[] = {CRM_CH_WEB, CRM_CH_EMAIL, CRM_CH_PHONE, CRM_CH_PARTNER};
	static const double business_w[] = {50, 20, 15, 15};

	if (crm_rng_uniform(rng) < 0.6)
		return c->channel;
	return c->business ? business_ch[PickWeighted(rng, business_w, 4)]
		: person_ch[PickWeighted(rng, person_w, 4)];
}

/* Orders rows of any kind by their leading int64 time. */
static int
CompareTime(const void *a, const void *b)
{
	int64_t		x;
	int64_t		y;

	memcpy(&x, a, sizeof(int64_t));
	memcpy(&y, b, sizeof(int64_t));
	return (x > y) - (x < y);
}

/* Lower-cases an ASCII name into an e-mail local part (letters only). */
static void
MailPart(char *dst, size_t len, const char *src)
{
	size_t		n = 0;

	for (; *src && n + 1 < len; src++)
	{
		char		ch = *src;

		if (ch >= 'A' && ch <= 'Z')
			dst[n++] = (char) (ch - 'A' + 'a');
		else if (ch >= 'a' && ch <= 'z')
			dst[n++] = ch;
	}
	dst[n] = '\0';
}

/* A fake phone number; draws in a fixed order. */
static void
Phone(crm_rng *rng, char *dst, size_t len)
{
	unsigned	a = (unsigned) Pick(rng, 10000);
	unsigned	b = (unsigned) Pick(rng, 10000);

	snprintf(dst, len, "+1-555-%04u-%04u", a % 10000u, b % 10000u);
}

/* Sets up the generator; -1 with a message when an argument is out of range. */
int
crm_sample_config_init(crm_sample_config *cfg, uint64_t seed, int64_t as_of,
					   double purchases_per_customer, char *err, size_t errlen)
{
	/* 1990-01-01 and 2200-01-01 in seconds since 2000-01-01 */
	const int64_t min_as_of = -3652LL * CRM_SAMPLE_DAY;
	const int64_t max_as_of = 73049LL * CRM_SAMPLE_DAY;
	double		lifetime;

	memset(cfg, 0, sizeof(*cfg));
	if (!(purchases_per_customer >= CRM_SAMPLE_MIN_PPC && purchases_per_customer <= CRM_SAMPLE_MAX_PPC))
	{
		snprintf(err, errlen, "purchases_per_customer %g is out of range: allowed %g to %g",
				 purchases_per_customer, CRM_SAMPLE_MIN_PPC, CRM_SAMPLE_MAX_PPC);
		return -1;
	}
	if (as_of < min_as_of || as_of > max_as_of)
	{
		snprintf(err, errlen, "as_of %lld seconds after 2000-01-01 is out of range: allowed 1990-01-01 to 2200-01-01",
				 (long long) as_of);
		return -1;
	}
	cfg->seed = seed;
	cfg->as_of = as_of;
	cfg->purchases_per_customer = purchases_per_customer;
	cfg->r = POP_R;
	cfg->s = POP_S;
	cfg->beta = POP_BETA;
	cfg->p = POP_P;
	cfg->q = POP_Q;
	cfg->gamma = POP_GAMMA;
	/* mean sales = 1 (first) + E[lambda] E[min(tau, T)] = 1 + r / alpha * lifetime */
	lifetime = crm_sample_mean_lifetime(cfg->s, cfg->beta, CRM_SAMPLE_WINDOW_DAYS);
	cfg->alpha = cfg->r * lifetime / (purchases_per_customer - 1.0);
	return 0;
}

/*
 * Mean of min(tau, T) in days, tau ~ Exp(mu), mu ~ Gamma(s, beta), T uniform
 * on (0, window): E[min(tau, T) | T] = int_0^T (beta / (beta + t))^s dt, then
 * averaged over T. Returns -1 for invalid arguments.
 */
double
crm_sample_mean_lifetime(double s, double beta, double window_days)
{
	double		w = window_days;
	double		z;
	double		inner;

	if (!(s > 0.0 && beta > 0.0 && w > 0.0) || !isfinite(s) || !isfinite(beta) || !isfinite(w))
		return -1.0;
	z = 1.0 + w / beta;
	if (fabs(s - 1.0) < 1e-12)
		/* E[min | T] = beta log(1 + T/beta) */
		return beta * ((beta + w) * log(z) - w) / w;
	/* int_0^w (1 + T/beta)^(1-s) dT */
	if (fabs(s - 2.0) < 1e-12)
		inner = beta * log(z);
	else
		inner = beta / (2.0 - s) * (exp((2.0 - s) * log(z)) - 1.0);
	return beta / (1.0 - s) * (inner / w - 1.0);
}

/* Draws customer `no`: latent behaviour first, then master data. */
void
crm_sample_customer_draw(const crm_sample_config *cfg, int64_t no, crm_sample_customer *c)
{
	static const double contact_w[] = {30, 35, 20, 15};
	crm_rng		rng;
	double		tau;
	int64_t		age;
	int			first;
	int			last;
	char		part[32];

	memset(c, 0, sizeof(*c));
	c->no = no;
	c->key = crm_hash64(crm_hash64(cfg->seed) + (uint64_t) no);
	StreamSeed(&rng, c, STREAM_CUSTOMER);

	c->business = crm_rng_uniform(&rng) < BUSINESS_SHARE;
	c->acquired = cfg->as_of - (int64_t) floor(crm_rng_uniform(&rng) * CRM_SAMPLE_WINDOW_DAYS * CRM_SAMPLE_DAY);
	c->lambda = crm_rng_gamma(&rng, cfg->r, cfg->alpha);
	c->mu = crm_rng_gamma(&rng, cfg->s, cfg->beta);
	tau = c->mu > 0.0 ? crm_rng_exponential(&rng, c->mu) : MAX_LIFETIME_DAYS;
	if (!(tau < MAX_LIFETIME_DAYS))
		tau = MAX_LIFETIME_DAYS;
	c->died = AddDays(c->acquired, tau);
	c->nu = crm_rng_gamma(&rng, cfg->q, cfg->gamma);
	c->spend_scale = c->business ? BUSINESS_SPEND : 1.0;
	age = cfg->as_of - c->acquired;
	c->declining = (crm_rng_uniform(&rng) < DECLINING_SHARE) &&
		c->died > cfg->as_of && age >= 90LL * CRM_SAMPLE_DAY;
	c->usage_rate = crm_rng_gamma(&rng, 2.0, 2.0 / (c->business ? 0.12 : 0.04));
	/* Pareto(8000, 0.9) annual value: a few accounts above 5,000,000 */
	c->acv = c->business ? fmin(8000.0 * pow(crm_rng_uniform(&rng), -1.0 / 0.9), 4.0e8) : 0.0;
	c->n_contacts = c->business ? 1 + PickWeighted(&rng, contact_w, 4) : 0;
	c->channel = c->business ? (crm_rng_uniform(&rng) < 0.7 ? CRM_CH_WEB : CRM_CH_EMAIL)
		: (crm_rng_uniform(&rng) < 0.55 ? CRM_CH_MOBILE : CRM_CH_WEB);
	if (crm_rng_uniform(&rng) < (c->business ? 0.85 : 0.5))
		c->owner = owners[Pick(&rng, COUNT(owners))];
	c->industry = c->business ? industries[Pick(&rng, COUNT(industries))] : NULL;
	c->region = regions[Pick(&rng, COUNT(regions))];
	/* persons: 18 to 80 years old; businesses: founded 1 to 60 years ago */
	c->birthday = DayOf(cfg->as_of) - (int32_t) floor(365.25 * (c->business
				? 1.0 + 59.0 * crm_rng_uniform(&rng) : 18.0 + 62.0 * crm_rng_uniform(&rng)));
	c->acquisition_cost_cents = Cents(crm_rng_gamma(&rng, 2.0, 2.0 / (c->business ? 1500.0 : 40.0)));

	first = Pick(&rng, COUNT(first_names));
	last = Pick(&rng, COUNT(last_names));
	if (c->business)
	{
		int			w = Pick(&rng, COUNT(company_words));
		int			nn = Pick(&rng, COUNT(company_nouns));
		int			f = Pick(&rng, COUNT(company_forms));

		snprintf(c->name, sizeof(c->name), "%s %s %s", company_words[w], company_nouns[nn], company_forms[f]);
		snprintf(c->company, sizeof(c->company), "%s", c->name);
		snprintf(c->email, sizeof(c->email), "office.%lld@example.com", (long long) no);
	}
	else
	{
		snprintf(c->name, sizeof(c->name), "%s %s", first_names[first], last_names[last]);
		MailPart(part, sizeof(part), first_names[first]);
		snprintf(c->email, sizeof(c->email), "%s.%lld@example.com", part, (long long) no);
	}
	Phone(&rng, c->phone, sizeof(c->phone));
}

/* Contacts of a business: 1-4 people, decision makers among them. */
int
crm_sample_contacts(const crm_sample_config *cfg, const crm_sample_customer *c,
					crm_sample_contact *rows, int cap)
{
	crm_rng		rng;
	int			n = 0;
	int			i;

	StreamSeed(&rng, c, STREAM_CONTACTS);
	for (i = 0; i < c->n_contacts && n < cap; i++)
	{
		crm_sample_contact *row = &rows[n++];
		int			first = Pick(&rng, COUNT(first_names));
		int			last = Pick(&rng, COUNT(last_names));
		int			title;
		char		a[32];
		char		b[32];

		/* the first contact usually decides; later ones rarely */
		if (crm_rng_uniform(&rng) < (i == 0 ? 0.75 : 0.25))
			title = Pick(&rng, DECISION_TITLES);
		else
			title = DECISION_TITLES + Pick(&rng, COUNT(titles) - DECISION_TITLES);
		snprintf(row->name, sizeof(row->name), "%s %s", first_names[first], last_names[last]);
		row->title = titles[title];
		row->decision_maker = title < DECISION_TITLES;
		MailPart(a, sizeof(a), first_names[first]);
		MailPart(b, sizeof(b), last_names[last]);
		snprintf(row->email, sizeof(row->email), "%s.%s.%lld@example.com", a, b, (long long) c->no);
		Phone(&rng, row->phone, sizeof(row->phone));
		row->created = MinTime(AddDays(c->acquired, crm_rng_exponential(&rng, 1.0 / 3.0)), cfg->as_of);
	}
	return n;
}

/* Contracts of a business: 1-year terms renewed while the customer is alive. */
int
crm_sample_contracts(const crm_sample_config *cfg, const crm_sample_customer *c,
					 crm_sample_contract *rows, int cap)
{
	crm_rng		rng;
	int			n = 0;
	int64_t		signed_at;
	int32_t		start;
	double		value = c->acv;

	if (!c->business)
		return 0;
	StreamSeed(&rng, c, STREAM_CONTRACTS);
	signed_at = MinTime(AddDays(c->acquired, crm_rng_exponential(&rng, 0.5)), cfg->as_of);
	start = DayOf(signed_at);
	while (n < cap)
	{
		crm_sample_contract *row = &rows[n];
		int64_t		term_over = (int64_t) (start + 365) * CRM_SAMPLE_DAY;	/* first second after */
		double		growth;

		row->value_cents = Cents(value);
		row->signed_at = signed_at;
		row->starts_on = start;
		row->ends_on = start + 364;
		row->renews_previous = n > 0;
		row->auto_renew = crm_rng_uniform(&rng) < 0.4;
		row->attachments_signed = crm_rng_uniform(&rng) < 0.9;
		n++;
		if (c->died < term_over && c->died <= cfg->as_of)
		{
			/* dropped out during this term: cancelled early, or left to expire */
			if (term_over <= cfg->as_of && crm_rng_uniform(&rng) < 0.5)
				row->status = CRM_CS_EXPIRED;
			else
			{
				row->status = CRM_CS_CANCELLED;
				row->ends_on = DayOf(MaxTime(c->died, (int64_t) start * CRM_SAMPLE_DAY));
			}
			break;
		}
		if (term_over > cfg->as_of)
		{
			row->status = CRM_CS_ACTIVE;
			break;
		}
		if (crm_rng_uniform(&rng) < 0.05)
		{
			row->status = CRM_CS_EXPIRED;	/* lapsed although still buying */
			break;
		}
		row->status = CRM_CS_RENEWED;
		signed_at = AddDays(term_over, -(1.0 + 29.0 * crm_rng_uniform(&rng)));
		start += 365;
		growth = 1.05 + 0.1 * crm_rng_normal(&rng);
		value *= fmin(fmax(growth, 0.5), 1.5);
	}
	return n;
}

/* Sales (first at acquisition, then Poisson until dropout) and a few refunds. */
int
crm_sample_purchases(const crm_sample_config *cfg, const crm_sample_customer *c,
					 crm_sample_purchase *rows, int cap)
{
	crm_rng		rng;
	int			n = 0;
	int64_t		end = MinTime(c->died, cfg->as_of);
	int64_t		drop_from = cfg->as_of - (int64_t) CRM_SAMPLE_DECLINE_DAYS * CRM_SAMPLE_DAY;
	double		t = 0.0;		/* days since acquisition */
	int64_t		at = c->acquired;

	StreamSeed(&rng, c, STREAM_PURCHASES);
	while (n < cap)
	{
		int64_t		cents = Cents(crm_rng_gamma(&rng, cfg->p, c->nu) * c->spend_scale);
		int			channel = PurchaseChannel(&rng, c);

		rows[n].at = at;
		rows[n].cents = cents;
		rows[n].channel = channel;
		n++;
		if (crm_rng_uniform(&rng) < REFUND_SHARE && n < cap)
		{
			int64_t		back = AddDays(at, crm_rng_exponential(&rng, 1.0 / 7.0));

			if (back <= cfg->as_of)
			{
				rows[n].at = back;
				rows[n].cents = crm_rng_uniform(&rng) < 0.6 ? -cents
					: -(int64_t) fmax(1.0, floor(cents * (0.1 + 0.8 * crm_rng_uniform(&rng))));
				rows[n].channel = channel;
				n++;
			}
		}
		/* next sale; decliners skip most of them in the drop window */
		for (;;)
		{
			if (!(c->lambda > 0.0))
				goto done;
			t += crm_rng_exponential(&rng, c->lambda);
			if (!(t < MAX_LIFETIME_DAYS))
				goto done;
			at = AddDays(c->acquired, t);
			if (at > end)
				goto done;
			if (!c->declining || at < drop_from || crm_rng_uniform(&rng) < DECLINE_BUY_KEEP)
				break;
		}
	}
done:
	qsort(rows, n, sizeof(rows[0]), CompareTime);
	return n;
}

/* Poisson event times at `rate` per day in (from, to]; returns how many. */
static int
EventTimes(crm_rng *rng, double rate, int64_t from, int64_t to, int64_t *times, int cap)
{
	double		t = 0.0;
	int			n = 0;

	if (!(rate > 0.0) || to <= from)
		return 0;
	while (n < cap)
	{
		int64_t		at;

		t += crm_rng_exponential(rng, rate);
		if (!(t < MAX_LIFETIME_DAYS))
			break;
		at = AddDays(from, t);
		if (at > to)
			break;
		times[n++] = at;
	}
	return n;
}

/* Usage (logins, feature use) in the last 120 days and two-way touch points. */
int
crm_sample_interactions(const crm_sample_config *cfg, const crm_sample_customer *c,
						crm_sample_interaction *rows, int cap)
{
	static const int b_kinds[] = {CRM_IK_EMAIL, CRM_IK_CALL, CRM_IK_VIDEO, CRM_IK_VISIT, CRM_IK_CHAT};
	static const double b_w[] = {40, 25, 15, 10, 10};
	static const int p_kinds[] = {CRM_IK_EMAIL, CRM_IK_CHAT, CRM_IK_SOCIAL, CRM_IK_STORE, CRM_IK_CALL};
	static const double p_w[] = {35, 25, 15, 15, 10};
	int64_t		times[CRM_SAMPLE_MAX_ROWS];
	crm_rng		rng;
	int			n = 0;
	int			k;
	int			i;
	int64_t		end = MinTime(c->died, cfg->as_of);
	int64_t		drop_from = cfg->as_of - (int64_t) CRM_SAMPLE_DECLINE_DAYS * CRM_SAMPLE_DAY;
	int64_t		recent = cfg->as_of - 60LL * CRM_SAMPLE_DAY;

	if (cap > CRM_SAMPLE_MAX_ROWS)
		cap = CRM_SAMPLE_MAX_ROWS;
	StreamSeed(&rng, c, STREAM_INTERACTIONS);

	/* usage: decliners keep only a tenth of it in the last 45 days */
	k = EventTimes(&rng, c->usage_rate, MaxTime(c->acquired, cfg->as_of - 120LL * CRM_SAMPLE_DAY),
				   end, times, cap);
	for (i = 0; i < k; i++)
	{
		crm_sample_interaction *row;
		int			feature_use = crm_rng_uniform(&rng) < 0.3;
		const char *feature = feature_use ? features[Pick(&rng, COUNT(features))] : NULL;
		int			mobile = crm_rng_uniform(&rng) < (c->business ? 0.3 : 0.6);

		if (c->declining && times[i] >= drop_from && crm_rng_uniform(&rng) >= DECLINE_USAGE_KEEP)
			continue;
		row = &rows[n++];
		row->at = times[i];
		row->kind = feature_use ? CRM_IK_FEATURE_USE : CRM_IK_LOGIN;
		row->feature = feature;
		row->direction = -1;
		row->channel = mobile ? CRM_CH_MOBILE : CRM_CH_WEB;
		row->contact = -1;
		row->converted = 0;
		row->notes = NULL;
	}

	/* touch points in the last year; decliners complain more in the last 60 days */
	k = EventTimes(&rng, c->business ? 0.015 : 0.004,
				   MaxTime(c->acquired, cfg->as_of - 365LL * CRM_SAMPLE_DAY), end, times, cap - n);
	if (c->declining && n + k < cap)
		k += EventTimes(&rng, 0.03, MaxTime(c->acquired, recent), end, times + k, cap - n - k);
	for (i = 0; i < k; i++)
	{
		crm_sample_interaction *row = &rows[n++];
		int			kind = c->business ? b_kinds[PickWeighted(&rng, b_w, 5)] : p_kinds[PickWeighted(&rng, p_w, 5)];
		int			outbound = crm_rng_uniform(&rng) < 0.55;
		int			unhappy = c->declining && times[i] >= recent;
		double		u = crm_rng_uniform(&rng);

		row->at = times[i];
		row->kind = kind;
		row->direction = outbound;
		switch (kind)
		{
			case CRM_IK_EMAIL:
				row->channel = CRM_CH_EMAIL;
				break;
			case CRM_IK_CALL:
				row->channel = CRM_CH_PHONE;
				break;
			case CRM_IK_VIDEO:
				row->channel = CRM_CH_VIDEO;
				break;
			case CRM_IK_VISIT:
				row->channel = CRM_CH_VISIT;
				break;
			case CRM_IK_CHAT:
				row->channel = CRM_CH_CHAT;
				break;
			case CRM_IK_SOCIAL:
				row->channel = CRM_CH_SOCIAL;
				break;
			default:
				row->channel = CRM_CH_STORE;
				break;
		}
		row->contact = c->n_contacts > 0 ? Pick(&rng, c->n_contacts) : -1;
		row->feature = NULL;
		if (u < (unhappy ? 0.7 : 0.15))
			row->notes = pains[Pick(&rng, COUNT(pains))];
		else if (u < (unhappy ? 0.8 : 0.35))
			row->notes = needs[Pick(&rng, COUNT(needs))];
		else
			row->notes = NULL;
		row->converted = !unhappy && crm_rng_uniform(&rng) < (outbound ? 0.12 : 0.06);
	}
	qsort(rows, n, sizeof(rows[0]), CompareTime);
	return n;
}

/* Support tickets; decliners file more, and more urgent, ones lately. */
int
crm_sample_tickets(const crm_sample_config *cfg, const crm_sample_customer *c,
				   crm_sample_ticket *rows, int cap)
{
	static const double normal_priority[] = {10, 30, 60};
	static const double decline_priority[] = {45, 35, 20};
	static const double category_w[] = {45, 30, 25};
	static const double normal_sat[] = {3, 5, 12, 35, 45};
	static const double decline_sat[] = {30, 30, 20, 12, 8};
	static const double response_hours[] = {3, 10, 24};
	int64_t		times[CRM_SAMPLE_MAX_ROWS];
	crm_rng		rng;
	int64_t		end = MinTime(c->died, cfg->as_of);
	int64_t		recent = cfg->as_of - 60LL * CRM_SAMPLE_DAY;
	int			k;
	int			i;

	if (cap > CRM_SAMPLE_MAX_ROWS)
		cap = CRM_SAMPLE_MAX_ROWS;
	StreamSeed(&rng, c, STREAM_TICKETS);
	k = EventTimes(&rng, c->business ? 0.003 : 0.0008,
				   MaxTime(c->acquired, cfg->as_of - 365LL * CRM_SAMPLE_DAY), end, times, cap);
	if (c->declining)
		k += EventTimes(&rng, 0.04, MaxTime(c->acquired, recent), end, times + k, cap - k);
	for (i = 0; i < k; i++)
	{
		crm_sample_ticket *row = &rows[i];
		int			unhappy = c->declining && times[i] >= recent;
		int64_t		resolved;

		row->opened = times[i];
		row->category = PickWeighted(&rng, category_w, 3);
		row->priority = PickWeighted(&rng, unhappy ? decline_priority : normal_priority, 3);
		row->subject = subjects[row->category][Pick(&rng, 4)];
		row->first_response = AddDays(row->opened,
									  crm_rng_exponential(&rng, 24.0 / response_hours[row->priority]));
		resolved = AddDays(row->first_response, crm_rng_exponential(&rng, row->priority == 0 ? 1.0 : 0.4));
		row->satisfaction = 0;
		if (row->first_response > cfg->as_of)
			row->first_response = CRM_SAMPLE_NO_TIME;
		if (resolved > cfg->as_of || row->first_response == CRM_SAMPLE_NO_TIME)
			row->resolved = CRM_SAMPLE_NO_TIME;
		else
		{
			row->resolved = resolved;
			if (crm_rng_uniform(&rng) < 0.6)
				row->satisfaction = 1 + PickWeighted(&rng, unhappy ? decline_sat : normal_sat, 5);
		}
	}
	qsort(rows, k, sizeof(rows[0]), CompareTime);
	return k;
}

/* Survey answers: promoters and passives mostly, detractors among decliners. */
int
crm_sample_feedback(const crm_sample_config *cfg, const crm_sample_customer *c,
					crm_sample_answer *rows, int cap)
{
	static const double happy[] = {10, 35, 55};	/* detractor, passive, promoter */
	static const double leaving[] = {35, 40, 25};
	static const double unhappy[] = {70, 22, 8};
	int64_t		times[CRM_SAMPLE_MAX_ROWS];
	crm_rng		rng;
	int64_t		end = MinTime(c->died, cfg->as_of);
	int64_t		recent = cfg->as_of - (int64_t) CRM_SAMPLE_DECLINE_DAYS * CRM_SAMPLE_DAY;
	int			k;
	int			i;

	if (cap > CRM_SAMPLE_MAX_ROWS)
		cap = CRM_SAMPLE_MAX_ROWS;
	StreamSeed(&rng, c, STREAM_FEEDBACK);
	k = EventTimes(&rng, 0.0025, MaxTime(c->acquired, cfg->as_of - 365LL * CRM_SAMPLE_DAY), end, times, cap);
	if (c->declining)
		k += EventTimes(&rng, 0.025, MaxTime(c->acquired, recent), end, times + k, cap - k);
	for (i = 0; i < k; i++)
	{
		crm_sample_answer *row = &rows[i];
		int			sad = c->declining && times[i] >= recent;
		int			seg = PickWeighted(&rng, sad ? unhappy : (c->died <= cfg->as_of ? leaving : happy), 3);
		double		u = crm_rng_uniform(&rng);

		row->at = times[i];
		row->nps = crm_rng_uniform(&rng) < 0.8 ? (seg == 2 ? 9 + Pick(&rng, 2)
												  : seg == 1 ? 7 + Pick(&rng, 2)
												  : (int) floor(6.99 * sqrt(crm_rng_uniform(&rng)))) : -1;
		row->csat = crm_rng_uniform(&rng) < 0.6 ? (seg == 2 ? 4 + Pick(&rng, 2)
												   : seg == 1 ? 3 + Pick(&rng, 2) : 1 + Pick(&rng, 3)) : 0;
		row->ces = crm_rng_uniform(&rng) < 0.4 ? (seg == 2 ? 1 + Pick(&rng, 3)
												  : seg == 1 ? 2 + Pick(&rng, 3) : 4 + Pick(&rng, 4)) : 0;
		if (row->nps < 0 && row->csat == 0 && row->ces == 0)
			row->nps = seg == 2 ? 9 : seg == 1 ? 7 : 3;
		if (u < 0.25)
			row->comment = seg == 2 ? happy_comments[Pick(&rng, COUNT(happy_comments))]
				: seg == 1 ? neutral_comments[Pick(&rng, COUNT(neutral_comments))]
				: unhappy_comments[Pick(&rng, COUNT(unhappy_comments))];
		else
			row->comment = NULL;
	}
	qsort(rows, k, sizeof(rows[0]), CompareTime);
	return k;
}

/* Opportunities of a business across the pipeline stages. */
int
crm_sample_opportunities(const crm_sample_config *cfg, const crm_sample_customer *c,
						 crm_sample_opportunity *rows, int cap)
{
	static const double open_w[] = {30, 25, 20, 15, 10};
	crm_rng		rng;
	int			k;
	int			i;

	if (!c->business)
		return 0;
	StreamSeed(&rng, c, STREAM_OPPORTUNITIES);
	k = (int) crm_rng_poisson(&rng, 1.2);
	if (k > 6)
		k = 6;
	if (k > cap)
		k = cap;
	for (i = 0; i < k; i++)
	{
		crm_sample_opportunity *row = &rows[i];
		int64_t		span = cfg->as_of - c->acquired;
		int64_t		opened = c->acquired + (int64_t) floor(crm_rng_uniform(&rng) * (double) span);
		int			gone = c->died <= cfg->as_of;
		double		u = crm_rng_uniform(&rng);
		int			product;
		int			deal;

		row->opened = opened;
		if ((cfg->as_of - opened > 90LL * CRM_SAMPLE_DAY && u < 0.85) || gone)
		{
			row->stage = crm_rng_uniform(&rng) < (gone ? 0.1 : 0.4) ? CRM_ST_WON : CRM_ST_LOST;
			row->closed = MinTime(AddDays(opened, crm_rng_exponential(&rng, 1.0 / 45.0)), cfg->as_of);
			row->stage_changed = row->closed;
		}
		else
		{
			row->stage = PickWeighted(&rng, open_w, 5);
			row->closed = CRM_SAMPLE_NO_TIME;
			row->stage_changed = opened + (int64_t) floor(crm_rng_uniform(&rng) * (double) (cfg->as_of - opened));
		}
		row->expected_close = DayOf(opened) + 30 + Pick(&rng, 91);
		row->cents = Cents(c->acv * (0.1 + 0.5 * crm_rng_uniform(&rng)));
		row->owner = c->owner ? c->owner
			: (crm_rng_uniform(&rng) < 0.5 ? owners[Pick(&rng, COUNT(owners))] : NULL);
		product = Pick(&rng, COUNT(products));
		deal = Pick(&rng, COUNT(deal_kinds));
		snprintf(row->name, sizeof(row->name), "%s: %s %s", c->name, products[product], deal_kinds[deal]);
	}
	qsort(rows, k, sizeof(rows[0]), CompareTime);
	return k;
}
