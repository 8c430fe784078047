/*-------------------------------------------------------------------------
 *
 * sample.h
 *	  Deterministic sample data: per-customer behaviour draws for the demo,
 *	  the tests and the benchmarks.
 *
 * Every customer number gets its own random streams, seeded from
 * crm_hash64(seed, customer number, table), so any customer can be generated
 * alone, in any order, and the same seed always gives the same rows.
 *
 * Behaviour follows the buy-till-you-die models: each customer has a latent
 * purchase rate lambda ~ Gamma(r, alpha) and dropout rate mu ~ Gamma(s, beta)
 * (Pareto/NBD), spend per purchase ~ Gamma(p, nu) with nu ~ Gamma(q, gamma)
 * (Gamma-Gamma). A "declining" subset of live customers loses most of its
 * product usage in the last 45 days and files more, more urgent tickets and
 * worse survey answers.
 *
 * Times are whole seconds since 2000-01-01 00:00 UTC (the PostgreSQL epoch),
 * dates are days since then. No event lies after as_of; planned dates
 * (a contract's end, an opportunity's expected close) may.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_SAMPLE_H
#define CRM_CORE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#define CRM_SAMPLE_DAY				86400	/* seconds per day */
#define CRM_SAMPLE_WINDOW_DAYS		730		/* acquisitions spread over 2 years */
#define CRM_SAMPLE_DECLINE_DAYS		45		/* usage drop window of decliners */
#define CRM_SAMPLE_MAX_ROWS			4096	/* rows per customer and table, at most */
#define CRM_SAMPLE_MAX_CONTACTS		4
#define CRM_SAMPLE_NO_TIME			INT64_MIN	/* "not yet" (open ticket, ...) */
#define CRM_SAMPLE_MIN_PPC			1.05
#define CRM_SAMPLE_MAX_PPC			200.0

/* Enumerated labels; the arrays below give the SQL enum label of each. */
typedef enum crm_sample_channel
{
	CRM_CH_WEB, CRM_CH_MOBILE, CRM_CH_EMAIL, CRM_CH_PHONE, CRM_CH_VIDEO,
	CRM_CH_CHAT, CRM_CH_SOCIAL, CRM_CH_STORE, CRM_CH_VISIT, CRM_CH_PARTNER,
	CRM_CH_COUNT
} crm_sample_channel;

typedef enum crm_sample_ikind
{
	CRM_IK_LOGIN, CRM_IK_FEATURE_USE, CRM_IK_VISIT, CRM_IK_EMAIL, CRM_IK_CALL,
	CRM_IK_VIDEO, CRM_IK_CHAT, CRM_IK_SOCIAL, CRM_IK_STORE, CRM_IK_COUNT
} crm_sample_ikind;

typedef enum crm_sample_cstatus
{
	CRM_CS_ACTIVE, CRM_CS_EXPIRED, CRM_CS_CANCELLED, CRM_CS_RENEWED, CRM_CS_COUNT
} crm_sample_cstatus;

typedef enum crm_sample_stage
{
	CRM_ST_LEAD, CRM_ST_QUALIFIED, CRM_ST_DEMO, CRM_ST_PROPOSAL,
	CRM_ST_NEGOTIATION, CRM_ST_WON, CRM_ST_LOST, CRM_ST_COUNT
} crm_sample_stage;

extern const char *const crm_sample_channel_labels[CRM_CH_COUNT];
extern const char *const crm_sample_ikind_labels[CRM_IK_COUNT];
extern const char *const crm_sample_cstatus_labels[CRM_CS_COUNT];
extern const char *const crm_sample_stage_labels[CRM_ST_COUNT];
extern const char *const crm_sample_category_labels[3];	/* product, service, process */
extern const char *const crm_sample_priority_labels[3];	/* urgent, important, general */
extern const char *const crm_sample_direction_labels[2];	/* inbound, outbound */

/* Generator settings and the population parameters derived from them. */
typedef struct crm_sample_config
{
	uint64_t	seed;
	int64_t		as_of;			/* seconds since 2000-01-01 UTC */
	double		purchases_per_customer; /* target mean purchases (sales) */
	double		r;				/* lambda ~ Gamma(r, alpha), per day */
	double		alpha;
	double		s;				/* mu ~ Gamma(s, beta), per day */
	double		beta;
	double		p;				/* spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma) */
	double		q;
	double		gamma;
} crm_sample_config;

/* One customer's latent behaviour and master data. */
typedef struct crm_sample_customer
{
	int64_t		no;				/* customer number (also its customer_id) */
	uint64_t	key;			/* per-customer stream key */
	int			business;		/* 1 business, 0 person */
	int			declining;		/* 1 when usage drops before as_of */
	int64_t		acquired;		/* acquisition time (created_at) */
	int64_t		died;			/* latent dropout time; may be after as_of */
	double		lambda;			/* purchases per day while alive */
	double		mu;				/* dropout rate per day */
	double		nu;				/* spend rate: mean spend = p / nu * scale */
	double		spend_scale;	/* 1 for persons, larger for businesses */
	double		usage_rate;		/* logins and feature uses per day */
	double		acv;			/* base annual contract value (businesses) */
	int			n_contacts;		/* 0 for persons */
	int			channel;		/* preferred purchase channel */
	const char *owner;			/* account manager role name, NULL = pool */
	const char *industry;		/* NULL for persons */
	const char *region;
	int32_t		birthday;		/* date: birthday or founding date */
	int64_t		acquisition_cost_cents;
	char		name[64];
	char		company[64];	/* empty = NULL */
	char		email[64];
	char		phone[24];
} crm_sample_customer;

typedef struct crm_sample_contact
{
	char		name[48];
	const char *title;
	char		email[80];
	char		phone[24];
	int			decision_maker;
	int64_t		created;
} crm_sample_contact;

typedef struct crm_sample_contract
{
	int64_t		value_cents;	/* annual value */
	int64_t		signed_at;
	int32_t		starts_on;		/* date */
	int32_t		ends_on;		/* date (may be after as_of: the planned end) */
	int			status;			/* crm_sample_cstatus */
	int			renews_previous;	/* 1: renewal_of = previous row's contract */
	int			auto_renew;
	int			attachments_signed;
} crm_sample_contract;

typedef struct crm_sample_purchase
{
	int64_t		at;
	int64_t		cents;			/* > 0 sale, < 0 refund */
	int			channel;
} crm_sample_purchase;

typedef struct crm_sample_interaction
{
	int64_t		at;
	int			kind;			/* crm_sample_ikind */
	int			direction;		/* -1 none (usage), 0 inbound, 1 outbound */
	int			channel;
	int			contact;		/* index among the customer's contacts, -1 none */
	int			converted;
	const char *feature;		/* feature_use only, else NULL */
	const char *notes;			/* NULL = none */
} crm_sample_interaction;

typedef struct crm_sample_ticket
{
	int64_t		opened;
	int64_t		first_response;	/* CRM_SAMPLE_NO_TIME = not answered */
	int64_t		resolved;		/* CRM_SAMPLE_NO_TIME = open */
	int			category;		/* index into crm_sample_category_labels */
	int			priority;		/* index into crm_sample_priority_labels */
	int			satisfaction;	/* 1..5, 0 = none */
	const char *subject;
} crm_sample_ticket;

typedef struct crm_sample_answer
{
	int64_t		at;
	int			nps;			/* 0..10, -1 = none */
	int			csat;			/* 1..5, 0 = none */
	int			ces;			/* 1..7, 0 = none */
	const char *comment;		/* NULL = none */
} crm_sample_answer;

typedef struct crm_sample_opportunity
{
	char		name[96];
	int			stage;			/* crm_sample_stage */
	int64_t		cents;
	const char *owner;			/* NULL = none */
	int64_t		opened;
	int64_t		stage_changed;
	int64_t		closed;			/* CRM_SAMPLE_NO_TIME unless won or lost */
	int32_t		expected_close;	/* date */
} crm_sample_opportunity;

/*
 * Sets up the generator; returns 0, or -1 with a message in err naming the
 * bad value and the allowed range.
 */
int			crm_sample_config_init(crm_sample_config *cfg, uint64_t seed, int64_t as_of,
								   double purchases_per_customer, char *err, size_t errlen);

/* Mean of min(dropout time, age) in days over the population (closed form). */
double		crm_sample_mean_lifetime(double s, double beta, double window_days);

/* Draws customer `no` (>= 1): latent behaviour and master data. */
void		crm_sample_customer_draw(const crm_sample_config *cfg, int64_t no,
									 crm_sample_customer *c);

/* Each fills at most cap rows for customer c and returns how many it wrote. */
int			crm_sample_contacts(const crm_sample_config *cfg, const crm_sample_customer *c,
								crm_sample_contact *rows, int cap);
int			crm_sample_contracts(const crm_sample_config *cfg, const crm_sample_customer *c,
								 crm_sample_contract *rows, int cap);
int			crm_sample_purchases(const crm_sample_config *cfg, const crm_sample_customer *c,
								 crm_sample_purchase *rows, int cap);
int			crm_sample_interactions(const crm_sample_config *cfg, const crm_sample_customer *c,
									crm_sample_interaction *rows, int cap);
int			crm_sample_tickets(const crm_sample_config *cfg, const crm_sample_customer *c,
							   crm_sample_ticket *rows, int cap);
int			crm_sample_feedback(const crm_sample_config *cfg, const crm_sample_customer *c,
								crm_sample_answer *rows, int cap);
int			crm_sample_opportunities(const crm_sample_config *cfg, const crm_sample_customer *c,
									 crm_sample_opportunity *rows, int cap);

#endif
