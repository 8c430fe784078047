/*-------------------------------------------------------------------------
 *
 * sample.c
 *	  Set-returning functions behind crm.load_sample: one per table, each
 *	  streaming the rows of customers first_no..last_no (core: sample.c).
 *
 * All functions take (seed, first_no, last_no, as_of, purchases_per_customer)
 * and are deterministic: the same arguments give the same rows, and each
 * customer's rows do not depend on the range it is generated in. Ids that
 * other rows point at are derived from the customer number alone:
 * customer_id = no, contact_id and contract_id = (no - 1) * 4 + k.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "pgutil.h"
#include "sample.h"

#define MAX_FIRST_NO	((int64) 1 << 40)	/* ids * 4 must fit in bigint */
#define IDS_PER_CUSTOMER 4		/* contact and contract ids per customer */
#define MAX_COLS		16

typedef enum SampleTable
{
	SAMPLE_CUSTOMERS, SAMPLE_CONTACTS, SAMPLE_CONTRACTS, SAMPLE_PURCHASES,
	SAMPLE_INTERACTIONS, SAMPLE_TICKETS, SAMPLE_FEEDBACK, SAMPLE_OPPORTUNITIES,
	SAMPLE_TRUTH
} SampleTable;

/* Everything one scan keeps between calls. */
typedef struct GenScan
{
	SampleTable table;
	crm_sample_config cfg;
	int64		next_no;		/* next customer to generate */
	int64		last_no;
	crm_sample_customer cust;	/* the customer whose rows are buffered */
	void	   *rows;			/* CRM_SAMPLE_MAX_ROWS rows of the table */
	int			nrows;
	int			pos;
	TupleDesc	tupdesc;
	Oid		   *enums[MAX_COLS];	/* per enum column: label index -> OID */
} GenScan;

PG_FUNCTION_INFO_V1(sample_customers);
PG_FUNCTION_INFO_V1(sample_contacts);
PG_FUNCTION_INFO_V1(sample_contracts);
PG_FUNCTION_INFO_V1(sample_purchases);
PG_FUNCTION_INFO_V1(sample_interactions);
PG_FUNCTION_INFO_V1(sample_tickets);
PG_FUNCTION_INFO_V1(sample_feedback);
PG_FUNCTION_INFO_V1(sample_opportunities);
PG_FUNCTION_INFO_V1(sample_truth);

static const char *const kind_labels[] = {"person", "business"};
static const char *const purchase_kind_labels[] = {"sale", "refund"};

/* OIDs of the given labels of the enum type of result column `col`. */
static Oid *
EnumOids(TupleDesc tupdesc, int col, const char *const *labels, int n)
{
	Oid			typid = TupleDescAttr(tupdesc, col)->atttypid;
	Oid		   *oids = palloc(sizeof(Oid) * n);
	int			i;

	for (i = 0; i < n; i++)
	{
		oids[i] = GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid,
								  ObjectIdGetDatum(typid), CStringGetDatum(labels[i]));
		if (!OidIsValid(oids[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("enum type %u has no label \"%s\"", typid, labels[i]),
					 errhint("Reinstall the crm extension: its types and functions do not match.")));
	}
	return oids;
}

/* Timestamp datum of a time in seconds since 2000-01-01 UTC. */
static Datum
TimeDatum(int64_t secs)
{
	return TimestampTzGetDatum((TimestampTz) secs * USECS_PER_SEC);
}

/* Numeric datum of an amount in cents. */
static Datum
AmountDatum(int64_t cents)
{
	return NumericGetDatum(int64_div_fast_to_numeric(cents, 2));
}

/* Text datum of a C string. */
static Datum
TextDatum(const char *s)
{
	return PointerGetDatum(cstring_to_text(s));
}

/* Name datum of a C string (a role name). */
static Datum
NameDatum(const char *s)
{
	NameData   *n = palloc0(NAMEDATALEN);

	namestrcpy(n, s);
	return NameGetDatum(n);
}

/* Checks the common arguments and sets up the scan in the SRF context. */
static GenScan *
BeginScan(FunctionCallInfo fcinfo, SampleTable table)
{
	GenScan *scan = palloc0(sizeof(GenScan));
	TupleDesc	tupdesc;
	int64		first_no;
	char		err[256];
	size_t		rowsize;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sample generator arguments must not be NULL"),
				 errhint("Pass seed, first_no, last_no, as_of and purchases_per_customer.")));
	first_no = PG_GETARG_INT64(1);
	scan->table = table;
	scan->next_no = first_no;
	scan->last_no = PG_GETARG_INT64(2);
	if (first_no < 1 || first_no > MAX_FIRST_NO)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("first_no " INT64_FORMAT " is out of range: allowed 1 to " INT64_FORMAT,
						first_no, MAX_FIRST_NO),
				 errhint("Customer numbers start at 1.")));
	if (scan->last_no > MAX_FIRST_NO)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("last_no " INT64_FORMAT " is out of range: allowed up to " INT64_FORMAT,
						scan->last_no, MAX_FIRST_NO),
				 errhint("Generate fewer customers.")));
	if (TIMESTAMP_NOT_FINITE(PG_GETARG_TIMESTAMPTZ(3)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be a finite timestamp"),
				 errhint("Pass a date such as '2026-06-30 00:00+00'.")));
	if (crm_sample_config_init(&scan->cfg, (uint64_t) PG_GETARG_INT64(0),
							   (int64_t) floor((double) PG_GETARG_TIMESTAMPTZ(3) / USECS_PER_SEC),
							   PG_GETARG_FLOAT8(4), err, sizeof(err)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", err),
				 errhint("Choose a value inside the allowed range.")));

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sample generator called in a context that cannot accept a set of rows")));
	scan->tupdesc = BlessTupleDesc(tupdesc);

	switch (table)
	{
		case SAMPLE_CUSTOMERS:
			scan->enums[2] = EnumOids(tupdesc, 2, kind_labels, 2);
			rowsize = 0;
			break;
		case SAMPLE_CONTACTS:
			rowsize = sizeof(crm_sample_contact);
			break;
		case SAMPLE_CONTRACTS:
			scan->enums[6] = EnumOids(tupdesc, 6, crm_sample_cstatus_labels, CRM_CS_COUNT);
			rowsize = sizeof(crm_sample_contract);
			break;
		case SAMPLE_PURCHASES:
			scan->enums[3] = EnumOids(tupdesc, 3, purchase_kind_labels, 2);
			scan->enums[4] = EnumOids(tupdesc, 4, crm_sample_channel_labels, CRM_CH_COUNT);
			rowsize = sizeof(crm_sample_purchase);
			break;
		case SAMPLE_INTERACTIONS:
			scan->enums[3] = EnumOids(tupdesc, 3, crm_sample_ikind_labels, CRM_IK_COUNT);
			scan->enums[4] = EnumOids(tupdesc, 4, crm_sample_direction_labels, 2);
			scan->enums[5] = EnumOids(tupdesc, 5, crm_sample_channel_labels, CRM_CH_COUNT);
			rowsize = sizeof(crm_sample_interaction);
			break;
		case SAMPLE_TICKETS:
			scan->enums[1] = EnumOids(tupdesc, 1, crm_sample_category_labels, 3);
			scan->enums[2] = EnumOids(tupdesc, 2, crm_sample_priority_labels, 3);
			rowsize = sizeof(crm_sample_ticket);
			break;
		case SAMPLE_FEEDBACK:
			rowsize = sizeof(crm_sample_answer);
			break;
		case SAMPLE_OPPORTUNITIES:
			scan->enums[2] = EnumOids(tupdesc, 2, crm_sample_stage_labels, CRM_ST_COUNT);
			rowsize = sizeof(crm_sample_opportunity);
			break;
		case SAMPLE_TRUTH:
			scan->enums[1] = EnumOids(tupdesc, 1, kind_labels, 2);
			rowsize = 0;
			break;
		default:
			elog(ERROR, "unknown sample table %d", (int) table);
			rowsize = 0;		/* keep compiler quiet */
	}
	if (rowsize > 0)
		scan->rows = palloc(rowsize * CRM_SAMPLE_MAX_ROWS);
	return scan;
}

/* Draws the next customer and buffers its rows; false when the range is done. */
static bool
NextCustomer(GenScan *scan)
{
	crm_sample_config *cfg = &scan->cfg;
	crm_sample_customer *c = &scan->cust;

	if (scan->next_no > scan->last_no)
		return false;
	crm_sample_customer_draw(cfg, scan->next_no++, c);
	scan->pos = 0;
	switch (scan->table)
	{
		case SAMPLE_CUSTOMERS:
		case SAMPLE_TRUTH:
			scan->nrows = 1;
			break;
		case SAMPLE_CONTACTS:
			scan->nrows = crm_sample_contacts(cfg, c, scan->rows, IDS_PER_CUSTOMER);
			break;
		case SAMPLE_CONTRACTS:
			scan->nrows = crm_sample_contracts(cfg, c, scan->rows, IDS_PER_CUSTOMER);
			break;
		case SAMPLE_PURCHASES:
			scan->nrows = crm_sample_purchases(cfg, c, scan->rows, CRM_SAMPLE_MAX_ROWS);
			break;
		case SAMPLE_INTERACTIONS:
			scan->nrows = crm_sample_interactions(cfg, c, scan->rows, CRM_SAMPLE_MAX_ROWS);
			break;
		case SAMPLE_TICKETS:
			scan->nrows = crm_sample_tickets(cfg, c, scan->rows, CRM_SAMPLE_MAX_ROWS);
			break;
		case SAMPLE_FEEDBACK:
			scan->nrows = crm_sample_feedback(cfg, c, scan->rows, CRM_SAMPLE_MAX_ROWS);
			break;
		case SAMPLE_OPPORTUNITIES:
			scan->nrows = crm_sample_opportunities(cfg, c, scan->rows, CRM_SAMPLE_MAX_ROWS);
			break;
	}
	return true;
}

/* Forms the result tuple of buffered row `i` of the current customer. */
static HeapTuple
FormRow(GenScan *scan, int i)
{
	const crm_sample_customer *c = &scan->cust;
	int64		id0 = (c->no - 1) * IDS_PER_CUSTOMER + 1;
	Datum		v[MAX_COLS];
	bool		isnull[MAX_COLS];

	memset(isnull, 0, sizeof(isnull));
	switch (scan->table)
	{
		case SAMPLE_CUSTOMERS:
			{
				char		external_id[32];

				snprintf(external_id, sizeof(external_id), "sample-%07lld", (long long) c->no);
				v[0] = Int64GetDatum(c->no);
				v[1] = TextDatum(external_id);
				v[2] = ObjectIdGetDatum(scan->enums[2][c->business]);
				v[3] = TextDatum(c->name);
				v[4] = TextDatum(c->company);
				isnull[4] = c->company[0] == '\0';
				v[5] = TextDatum(c->email);
				v[6] = TextDatum(c->phone);
				v[7] = DateADTGetDatum(c->birthday);
				isnull[8] = c->industry == NULL;
				v[8] = isnull[8] ? (Datum) 0 : TextDatum(c->industry);
				v[9] = TextDatum(c->region);
				isnull[10] = c->owner == NULL;
				v[10] = isnull[10] ? (Datum) 0 : NameDatum(c->owner);
				v[11] = AmountDatum(c->acquisition_cost_cents);
				v[12] = TimeDatum(c->acquired);
				break;
			}
		case SAMPLE_CONTACTS:
			{
				const crm_sample_contact *r = (const crm_sample_contact *) scan->rows + i;

				v[0] = Int64GetDatum(id0 + i);
				v[1] = Int64GetDatum(c->no);
				v[2] = TextDatum(r->name);
				v[3] = TextDatum(r->title);
				v[4] = TextDatum(r->email);
				v[5] = TextDatum(r->phone);
				v[6] = BoolGetDatum(r->decision_maker != 0);
				v[7] = TimeDatum(r->created);
				break;
			}
		case SAMPLE_CONTRACTS:
			{
				const crm_sample_contract *r = (const crm_sample_contract *) scan->rows + i;

				v[0] = Int64GetDatum(id0 + i);
				v[1] = Int64GetDatum(c->no);
				v[2] = AmountDatum(r->value_cents);
				v[3] = TimeDatum(r->signed_at);
				v[4] = DateADTGetDatum(r->starts_on);
				v[5] = DateADTGetDatum(r->ends_on);
				v[6] = ObjectIdGetDatum(scan->enums[6][r->status]);
				isnull[7] = !r->renews_previous;
				v[7] = Int64GetDatum(id0 + i - 1);
				v[8] = BoolGetDatum(r->auto_renew != 0);
				v[9] = BoolGetDatum(r->attachments_signed != 0);
				v[10] = TimeDatum(r->signed_at);
				break;
			}
		case SAMPLE_PURCHASES:
			{
				const crm_sample_purchase *r = (const crm_sample_purchase *) scan->rows + i;

				v[0] = Int64GetDatum(c->no);
				v[1] = TimeDatum(r->at);
				v[2] = AmountDatum(r->cents);
				v[3] = ObjectIdGetDatum(scan->enums[3][r->cents < 0]);
				v[4] = ObjectIdGetDatum(scan->enums[4][r->channel]);
				break;
			}
		case SAMPLE_INTERACTIONS:
			{
				const crm_sample_interaction *r = (const crm_sample_interaction *) scan->rows + i;

				v[0] = Int64GetDatum(c->no);
				isnull[1] = r->contact < 0;
				v[1] = Int64GetDatum(id0 + r->contact);
				v[2] = TimeDatum(r->at);
				v[3] = ObjectIdGetDatum(scan->enums[3][r->kind]);
				isnull[4] = r->direction < 0;
				v[4] = isnull[4] ? (Datum) 0 : ObjectIdGetDatum(scan->enums[4][r->direction]);
				v[5] = ObjectIdGetDatum(scan->enums[5][r->channel]);
				isnull[6] = r->feature == NULL;
				v[6] = isnull[6] ? (Datum) 0 : TextDatum(r->feature);
				isnull[7] = r->notes == NULL;
				v[7] = isnull[7] ? (Datum) 0 : TextDatum(r->notes);
				v[8] = BoolGetDatum(r->converted != 0);
				break;
			}
		case SAMPLE_TICKETS:
			{
				const crm_sample_ticket *r = (const crm_sample_ticket *) scan->rows + i;

				v[0] = Int64GetDatum(c->no);
				v[1] = ObjectIdGetDatum(scan->enums[1][r->category]);
				v[2] = ObjectIdGetDatum(scan->enums[2][r->priority]);
				v[3] = TextDatum(r->subject);
				v[4] = TimeDatum(r->opened);
				isnull[5] = r->first_response == CRM_SAMPLE_NO_TIME;
				v[5] = isnull[5] ? (Datum) 0 : TimeDatum(r->first_response);
				isnull[6] = r->resolved == CRM_SAMPLE_NO_TIME;
				v[6] = isnull[6] ? (Datum) 0 : TimeDatum(r->resolved);
				isnull[7] = r->satisfaction == 0;
				v[7] = Int16GetDatum((int16) r->satisfaction);
				break;
			}
		case SAMPLE_FEEDBACK:
			{
				const crm_sample_answer *r = (const crm_sample_answer *) scan->rows + i;

				v[0] = Int64GetDatum(c->no);
				v[1] = TimeDatum(r->at);
				isnull[2] = r->nps < 0;
				v[2] = Int16GetDatum((int16) r->nps);
				isnull[3] = r->csat == 0;
				v[3] = Int16GetDatum((int16) r->csat);
				isnull[4] = r->ces == 0;
				v[4] = Int16GetDatum((int16) r->ces);
				isnull[5] = r->comment == NULL;
				v[5] = isnull[5] ? (Datum) 0 : TextDatum(r->comment);
				break;
			}
		case SAMPLE_OPPORTUNITIES:
			{
				const crm_sample_opportunity *r = (const crm_sample_opportunity *) scan->rows + i;

				v[0] = Int64GetDatum(c->no);
				v[1] = TextDatum(r->name);
				v[2] = ObjectIdGetDatum(scan->enums[2][r->stage]);
				v[3] = AmountDatum(r->cents);
				isnull[4] = r->owner == NULL;
				v[4] = isnull[4] ? (Datum) 0 : NameDatum(r->owner);
				v[5] = TimeDatum(r->opened);
				v[6] = TimeDatum(r->stage_changed);
				v[7] = DateADTGetDatum(r->expected_close);
				isnull[8] = r->closed == CRM_SAMPLE_NO_TIME;
				v[8] = isnull[8] ? (Datum) 0 : TimeDatum(r->closed);
				break;
			}
		case SAMPLE_TRUTH:
			v[0] = Int64GetDatum(c->no);
			v[1] = ObjectIdGetDatum(scan->enums[1][c->business]);
			v[2] = BoolGetDatum(c->declining != 0);
			v[3] = Float8GetDatum(c->lambda);
			v[4] = Float8GetDatum(c->mu);
			v[5] = TimeDatum(c->died);
			v[6] = Float8GetDatum(scan->cfg.p / c->nu * c->spend_scale);
			v[7] = Float8GetDatum(c->usage_rate);
			break;
	}
	return heap_form_tuple(scan->tupdesc, v, isnull);
}

/* Shared body of the generators: one row per call, customer by customer. */
static Datum
SampleRows(FunctionCallInfo fcinfo, SampleTable table)
{
	FuncCallContext *funcctx;
	GenScan *scan;
	HeapTuple	tuple;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		funcctx->user_fctx = BeginScan(fcinfo, table);
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	scan = (GenScan *) funcctx->user_fctx;
	while (scan->pos >= scan->nrows)
	{
		CHECK_FOR_INTERRUPTS();
		if (!NextCustomer(scan))
			SRF_RETURN_DONE(funcctx);
	}
	tuple = FormRow(scan, scan->pos++);
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(tuple));
}

/* crm.sample_customers(seed, first_no, last_no, as_of, purchases_per_customer) */
Datum
sample_customers(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_CUSTOMERS);
}

/* crm.sample_contacts(...): 1-4 contacts per business customer. */
Datum
sample_contacts(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_CONTACTS);
}

/* crm.sample_contracts(...): renewal chains of business customers. */
Datum
sample_contracts(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_CONTRACTS);
}

/* crm.sample_purchases(...): sales and refunds. */
Datum
sample_purchases(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_PURCHASES);
}

/* crm.sample_interactions(...): usage events and touch points. */
Datum
sample_interactions(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_INTERACTIONS);
}

/* crm.sample_tickets(...): support tickets. */
Datum
sample_tickets(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_TICKETS);
}

/* crm.sample_feedback(...): NPS, CSAT and CES answers. */
Datum
sample_feedback(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_FEEDBACK);
}

/* crm.sample_opportunities(...): pipeline of business customers. */
Datum
sample_opportunities(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_OPPORTUNITIES);
}

/* crm.sample_truth(...): each customer's latent behaviour (for validation). */
Datum
sample_truth(PG_FUNCTION_ARGS)
{
	return SampleRows(fcinfo, SAMPLE_TRUTH);
}
