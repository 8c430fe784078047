/*-------------------------------------------------------------------------
 *
 * btyd_summary.c
 *	  The crm.btyd_summary aggregate: one pass over a customer's purchases
 *	  gives frequency x, recency t_x, age T and mean repeat spend.
 *
 * The state is the varlena type crm.btyd_state (a flat crm_summary_acc plus
 * as_of and the unit), so parallel query and Citus can ship and combine it.
 * The transition function updates the state in place and only reallocates
 * when its hash set of purchase days fills up.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "pgutil.h"
#include "summary.h"

typedef struct BtydState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		as_of_day;		/* UTC day of as_of: purchases after it are ignored */
	double		unit_days;		/* length of the time unit in days */
	crm_summary_acc acc;		/* accumulator, with its slots, last */
} BtydState;

#define BTYD_STATE_SIZE(nslots) (offsetof(BtydState, acc) + crm_summary_acc_size(nslots))

PG_FUNCTION_INFO_V1(btyd_state_in);
PG_FUNCTION_INFO_V1(btyd_state_out);
PG_FUNCTION_INFO_V1(btyd_state_recv);
PG_FUNCTION_INFO_V1(btyd_state_send);
PG_FUNCTION_INFO_V1(btyd_summary_step);
PG_FUNCTION_INFO_V1(btyd_summary_step_float8);
PG_FUNCTION_INFO_V1(btyd_summary_combine);
PG_FUNCTION_INFO_V1(btyd_summary_final);

/* Allocates an empty state with nslots hash slots in the current context. */
static BtydState *
NewState(int32 as_of_day, double unit_days, int32 nslots)
{
	BtydState  *state = palloc(BTYD_STATE_SIZE(nslots));

	SET_VARSIZE(state, BTYD_STATE_SIZE(nslots));
	state->as_of_day = as_of_day;
	state->unit_days = unit_days;
	crm_summary_acc_init(&state->acc, nslots);
	return state;
}

/* A state argument as a plain 4-byte-header varlena we may read. */
static BtydState *
StateArg(FunctionCallInfo fcinfo, int argno)
{
	BtydState  *state = (BtydState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (VARSIZE(state) < BTYD_STATE_SIZE(0) ||
		VARSIZE(state) != BTYD_STATE_SIZE(state->acc.nslots))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid crm.btyd_state value")));
	return state;
}

/* Returns a copy of src with room for `ndays` distinct days, in the current context. */
static BtydState *
GrowState(const BtydState *src, int64 ndays)
{
	BtydState  *dst = NewState(src->as_of_day, src->unit_days, crm_summary_slots_for(ndays));

	crm_summary_acc_merge(&dst->acc, &src->acc);
	return dst;
}

/* Shared body of the transition functions: amount already converted. */
static Datum
SummaryStep(FunctionCallInfo fcinfo, double amount, bool amount_null)
{
	MemoryContext aggcontext;
	BtydState  *state;
	TimestampTz ts;
	int32		as_of_day;
	int32		day;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("btyd_summary_step called in non-aggregate context")));
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("as_of must not be NULL"),
				 errhint("Pass the end of the calibration period, e.g. now() or '1997-09-30'.")));
	if (PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("time unit must not be NULL"),
				 errhint("Pass 'day', 'week' or 'month'.")));
	as_of_day = CrmTimestampDay(PG_GETARG_TIMESTAMPTZ(3), "as_of");

	if (PG_ARGISNULL(0))
		state = NewState(as_of_day, CrmUnitDays(PG_GETARG_TEXT_PP(4)), CRM_SUMMARY_MIN_SLOTS);
	else
	{
		state = (BtydState *) PG_GETARG_POINTER(0);
		if (VARATT_IS_EXTENDED(state))	/* e.g. read back from a hash-agg spill */
			state = StateArg(fcinfo, 0);
		if (state->as_of_day != as_of_day)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("as_of must be the same for every purchase of a customer"),
					 errhint("Pass a constant as_of to crm.btyd_summary.")));
	}

	/* NULL purchases are skipped, like any aggregate; later ones are ignored. */
	if (PG_ARGISNULL(1) || amount_null)
		PG_RETURN_POINTER(state);
	ts = PG_GETARG_TIMESTAMPTZ(1);
	day = CrmTimestampDay(ts, "purchase time");
	if (day > as_of_day)
		PG_RETURN_POINTER(state);
	CrmCheckFinite(amount, "amount");

	if (crm_summary_acc_full(&state->acc))
		state = GrowState(state, (int64) state->acc.ndays + 1);
	crm_summary_acc_add(&state->acc, day, ts, amount);
	PG_RETURN_POINTER(state);
}

/* Transition: btyd_summary_step(state, time, amount numeric, as_of, unit). */
Datum
btyd_summary_step(PG_FUNCTION_ARGS)
{
	bool		amount_null = PG_ARGISNULL(2);
	double		amount = amount_null ? 0.0 : CrmNumericToDouble(PG_GETARG_DATUM(2), "amount");

	return SummaryStep(fcinfo, amount, amount_null);
}

/* Transition: btyd_summary_step(state, time, amount float8, as_of, unit). */
Datum
btyd_summary_step_float8(PG_FUNCTION_ARGS)
{
	bool		amount_null = PG_ARGISNULL(2);

	return SummaryStep(fcinfo, amount_null ? 0.0 : PG_GETARG_FLOAT8(2), amount_null);
}

/* Combine: merges two partial states (parallel workers, Citus shards). */
Datum
btyd_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BtydState  *a;
	BtydState  *b;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("btyd_summary_combine called in non-aggregate context")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = StateArg(fcinfo, 1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(GrowState(b, b->acc.ndays));
	a = (BtydState *) PG_GETARG_POINTER(0);
	if (VARATT_IS_EXTENDED(a))
		a = StateArg(fcinfo, 0);
	if (a->as_of_day != b->as_of_day || a->unit_days != b->unit_days)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine BTYD summaries with different as_of or unit")));
	if (crm_summary_slots_for((int64) a->acc.ndays + b->acc.ndays) > a->acc.nslots)
		a = GrowState(a, (int64) a->acc.ndays + b->acc.ndays);
	crm_summary_acc_merge(&a->acc, &b->acc);
	PG_RETURN_POINTER(a);
}

/* Final: the crm.btyd_summary row, or NULL when no purchase up to as_of. */
Datum
btyd_summary_final(PG_FUNCTION_ARGS)
{
	BtydState  *state;
	crm_summary s;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = StateArg(fcinfo, 0);
	if (!crm_summary_compute(&state->acc, state->as_of_day, state->unit_days, &s))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("btyd_summary_final must return a composite type")));
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Int64GetDatum((int64) s.x);
	values[1] = Float8GetDatum(s.tx);
	values[2] = Float8GetDatum(s.T);
	values[3] = Float8GetDatum(s.monetary);
	values[4] = Float8GetDatum(s.total_amount);
	values[5] = TimestampTzGetDatum(state->acc.first_time);
	values[6] = TimestampTzGetDatum(state->acc.last_time);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* Text form: as_of_day,unit_days,first_time,last_time,first_day_amount,total_amount:day day ... */
Datum
btyd_state_out(PG_FUNCTION_ARGS)
{
	BtydState  *state = StateArg(fcinfo, 0);
	StringInfoData buf;
	int32		i;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d,%.17g,%lld,%lld,%.17g,%.17g:", state->as_of_day, state->unit_days,
					 (long long) state->acc.first_time, (long long) state->acc.last_time,
					 state->acc.first_day_amount, state->acc.total_amount);
	for (i = 0; i < state->acc.nslots; i++)
		if (state->acc.slots[i] != CRM_SUMMARY_EMPTY_SLOT)
		{
			appendStringInfo(&buf, first ? "%d" : " %d", state->acc.slots[i]);
			first = false;
		}
	PG_RETURN_CSTRING(buf.data);
}

/* Parses the text form written by btyd_state_out. */
Datum
btyd_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			as_of_day;
	double		unit_days, first_amount, total;
	long long	first_time, last_time;
	int			consumed = 0;
	char	   *p;
	BtydState  *state;
	List	   *days = NIL;
	ListCell   *lc;

	if (sscanf(str, "%d,%lf,%lld,%lld,%lf,%lf:%n", &as_of_day, &unit_days, &first_time,
			   &last_time, &first_amount, &total, &consumed) != 6 || consumed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type crm.btyd_state: \"%s\"", str)));
	p = str + consumed;
	while (*p)
	{
		char	   *end;
		long		d = strtol(p, &end, 10);

		if (end == p || d <= PG_INT32_MIN || d > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid day list in crm.btyd_state: \"%s\"", str)));
		days = lappend_int(days, (int) d);
		p = end;
		while (*p == ' ')
			p++;
	}
	state = NewState(as_of_day, unit_days, crm_summary_slots_for(list_length(days)));
	foreach(lc, days)
		crm_summary_acc_add(&state->acc, lfirst_int(lc), 0, 0.0);
	if (days != NIL)
	{
		state->acc.first_time = first_time;
		state->acc.last_time = last_time;
		state->acc.first_day_amount = first_amount;
		state->acc.total_amount = total;
	}
	PG_RETURN_POINTER(state);
}

/* Binary send: header fields, then the distinct days. */
Datum
btyd_state_send(PG_FUNCTION_ARGS)
{
	BtydState  *state = StateArg(fcinfo, 0);
	StringInfoData buf;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, state->as_of_day);
	pq_sendfloat8(&buf, state->unit_days);
	pq_sendint64(&buf, state->acc.first_time);
	pq_sendint64(&buf, state->acc.last_time);
	pq_sendfloat8(&buf, state->acc.first_day_amount);
	pq_sendfloat8(&buf, state->acc.total_amount);
	pq_sendint32(&buf, state->acc.ndays);
	for (i = 0; i < state->acc.nslots; i++)
		if (state->acc.slots[i] != CRM_SUMMARY_EMPTY_SLOT)
			pq_sendint32(&buf, state->acc.slots[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary receive (inverse of btyd_state_send). */
Datum
btyd_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		as_of_day = pq_getmsgint(buf, 4);
	double		unit_days = pq_getmsgfloat8(buf);
	int64		first_time = pq_getmsgint64(buf);
	int64		last_time = pq_getmsgint64(buf);
	double		first_amount = pq_getmsgfloat8(buf);
	double		total = pq_getmsgfloat8(buf);
	int32		ndays = pq_getmsgint(buf, 4);
	BtydState  *state;
	int32		i;

	if (ndays < 0 || ndays > (buf->len - buf->cursor) / 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid day count %d in crm.btyd_state", ndays)));
	state = NewState(as_of_day, unit_days, crm_summary_slots_for(ndays));
	for (i = 0; i < ndays; i++)
		crm_summary_acc_add(&state->acc, pq_getmsgint(buf, 4), 0, 0.0);
	state->acc.first_time = first_time;
	state->acc.last_time = last_time;
	state->acc.first_day_amount = first_amount;
	state->acc.total_amount = total;
	PG_RETURN_POINTER(state);
}
