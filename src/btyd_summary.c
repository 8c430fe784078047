/*-------------------------------------------------------------------------
 *
 * btyd_summary.c
 *	  The crm.btyd_summary aggregate: one pass over a customer's purchases
 *	  gives frequency x, recency t_x, age T and mean repeat spend.
 *
 * The state is the varlena type crm.btyd_state (a flat crm_summary_acc plus
 * as_of and the unit), so parallel query and Citus can ship and combine it.
 * It starts as two 64-byte cache lines: purchases arriving in time order
 * append one- or two-byte day gaps, so most customers never outgrow it. The
 * transition function updates it in place and only copies it into a bigger
 * power-of-two block when it fills up.
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
	int32		as_of_unit;		/* UTC day of as_of * 4 + unit code */
	crm_summary_acc acc;		/* accumulator, with its day list or hash set, last */
} BtydState;

#define BTYD_STATE_HEADER (offsetof(BtydState, acc) + offsetof(crm_summary_acc, data))
#define BTYD_STATE_MIN_SIZE 128	/* 64 bytes of days: most customers fit */

PG_FUNCTION_INFO_V1(btyd_state_in);
PG_FUNCTION_INFO_V1(btyd_state_out);
PG_FUNCTION_INFO_V1(btyd_state_recv);
PG_FUNCTION_INFO_V1(btyd_state_send);
PG_FUNCTION_INFO_V1(btyd_summary_step);
PG_FUNCTION_INFO_V1(btyd_summary_step_float8);
PG_FUNCTION_INFO_V1(btyd_summary_combine);
PG_FUNCTION_INFO_V1(btyd_summary_final);

/* The packed as_of day and unit code of a state. */
static int32
PackAsOfUnit(int32 as_of_day, double unit_days)
{
	int32		code;

	if (as_of_day < PG_INT32_MIN / 4 || as_of_day > PG_INT32_MAX / 4)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("as_of day %d is out of range in crm.btyd_state", as_of_day)));
	code = CrmUnitCode(unit_days);
	if (code >= 0)
		return as_of_day * 4 + code;
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid time unit length %g in crm.btyd_state", unit_days)));
	return 0;					/* keep compiler quiet */
}

/* UTC day of as_of of a state (floor division undoes PackAsOfUnit). */
static inline int32
StateAsOfDay(const BtydState *state)
{
	return (state->as_of_unit - (state->as_of_unit & 3)) / 4;
}

/* Unit length in days of a state. */
static inline double
StateUnitDays(const BtydState *state)
{
	return CrmUnitCodeDays(state->as_of_unit & 3);
}

/* Bytes of the state's day list or hash set. */
static inline size_t
StateCap(const BtydState *state)
{
	return VARSIZE(state) - BTYD_STATE_HEADER;
}

/*
 * Allocates an empty state with room for `cap` bytes of days, in the current
 * context. The size is a power of two, the allocator's own chunk size, so
 * the whole chunk is usable and copies of the state stay the same size.
 */
static BtydState *
NewState(int32 as_of_unit, size_t cap)
{
	Size		size = BTYD_STATE_MIN_SIZE;
	BtydState  *state;

	while (size < BTYD_STATE_HEADER + cap)
		size *= 2;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct purchase days for one crm.btyd_summary state")));
	state = palloc(size);
	SET_VARSIZE(state, size);
	state->as_of_unit = as_of_unit;
	crm_summary_acc_init(&state->acc);
	return state;
}

/* A copy of src with room for `cap` bytes, as a list or a hash set. */
static BtydState *
GrowState(const BtydState *src, size_t cap, int hashed)
{
	BtydState  *dst = NewState(src->as_of_unit, cap);

	crm_summary_acc_copy(&dst->acc, StateCap(dst), &src->acc, hashed);
	return dst;
}

/* A state argument as a plain 4-byte-header varlena we may read. */
static BtydState *
StateArg(FunctionCallInfo fcinfo, int argno)
{
	BtydState  *state = (BtydState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (VARSIZE(state) < BTYD_STATE_HEADER ||
		(state->acc.hashed ? (size_t) state->acc.used * sizeof(int32) > StateCap(state) ||
		 state->acc.used <= (uint32) state->acc.ndays
		 : state->acc.used > StateCap(state)) ||
		state->acc.ndays < 0 || (state->as_of_unit & 3) == 3)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid crm.btyd_state value")));
	return state;
}

/*
 * Largest |amount sum| a state may hold: far beyond any real total (10^32 in
 * currency units), yet adding two such sums or one purchase (< 10^22 units)
 * cannot overflow the int128, nor can total - first_day in the final.
 */
#define MONEY_SUM_LIMIT (((int128) 1) << 120)

/* Raises an error unless both of a state's amount sums are within MONEY_SUM_LIMIT. */
static void
CheckSums(crm_money first_day_amount, crm_money total_amount)
{
	if (first_day_amount > MONEY_SUM_LIMIT || first_day_amount < -MONEY_SUM_LIMIT ||
		total_amount > MONEY_SUM_LIMIT || total_amount < -MONEY_SUM_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("crm.btyd_summary amount sum is out of range"),
				 errdetail("Amount sums must stay below 2^120 units of 0.0001 (about 1.3 x 10^32) in magnitude."),
				 errhint("Check the purchase amounts, or convert them to a larger currency unit.")));
}

/* Builds a state from days (sorted here) and totals: the in and recv functions. */
static BtydState *
StateFromDays(int32 as_of_day, double unit_days, int32 *days, int32 ndays,
			  int64 first_time, int64 last_time, crm_money first_amount, crm_money total)
{
	int64		need;
	BtydState  *state;

	ndays = crm_summary_sort_days(days, ndays);
	need = crm_summary_list_need(days, ndays);
	if (ndays > 0 && (crm_summary_day(first_time) != days[0] ||
					  crm_summary_day(last_time) != days[ndays - 1]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid crm.btyd_state: first and last purchase do not match the first and last day")));
	CheckSums(first_amount, total);
	state = NewState(PackAsOfUnit(as_of_day, unit_days), (size_t) need);
	crm_summary_acc_load(&state->acc, days, ndays, first_time, last_time, first_amount, total);
	return state;
}

/* Raises the error for an amount crm_money cannot hold. */
static pg_attribute_noreturn() void
AmountOutOfRange(const char *amount)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("amount %s is out of range for crm.btyd_summary", amount),
			 errdetail("Amounts must be finite and below 10^18 in magnitude; they are held exactly in units of 0.0001."),
			 errhint("Check the purchase amounts, or convert them to a larger currency unit.")));
}

/* An amount argument as crm_money (errors when it does not fit). */
typedef crm_money (*AmountFn) (Datum amount);

/* Shared body of the transition functions: the amount is converted only for rows that count. */
static Datum
SummaryStep(FunctionCallInfo fcinfo, AmountFn to_money)
{
	MemoryContext aggcontext;
	BtydState  *state;
	TimestampTz ts;
	crm_money	amount;
	int32		as_of_day;
	size_t		need;
	int			hashed;

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
		state = NewState(PackAsOfUnit(as_of_day, CrmUnitDays(PG_GETARG_TEXT_PP(4))), 0);
	else
	{
		state = (BtydState *) PG_GETARG_POINTER(0);
		if (VARATT_IS_EXTENDED(state))	/* e.g. read back from a hash-agg spill */
			state = StateArg(fcinfo, 0);
		if (StateAsOfDay(state) != as_of_day)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("as_of must be the same for every purchase of a customer"),
					 errhint("Pass a constant as_of to crm.btyd_summary.")));
	}

	/* NULL purchases are skipped, like any aggregate; later ones are ignored. */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	ts = PG_GETARG_TIMESTAMPTZ(1);
	if (CrmTimestampDay(ts, "purchase time") > as_of_day)
		PG_RETURN_POINTER(state);
	amount = to_money(PG_GETARG_DATUM(2));

	/* a full state is copied into a bigger one, which PostgreSQL then keeps */
	need = crm_summary_acc_add(&state->acc, StateCap(state), ts, amount, &hashed);
	if (need != 0)
	{
		state = GrowState(state, need, hashed);
		need = crm_summary_acc_add(&state->acc, StateCap(state), ts, amount, &hashed);
		Assert(need == 0);
	}
	CheckSums(state->acc.first_day_amount, state->acc.total_amount);
	PG_RETURN_POINTER(state);
}

/* A float8 amount as crm_money (times 10^4, rounded half away from zero). */
static crm_money
Float8Money(Datum amount)
{
	double		v = DatumGetFloat8(amount);
	crm_money	m;

	CrmCheckFinite(v, "amount");
	if (!crm_money_from_double(v, &m))
		AmountOutOfRange(psprintf("%.17g", v));
	return m;
}

/* A numeric amount as crm_money: exact; more than 4 decimals round as round(amount, 4). */
static crm_money
NumericMoney(Datum amount)
{
	int128		scaled = 0;
	int			dscale;
	bool		ok = CrmNumericToScaled(amount, &scaled, &dscale, "amount") ||
		CrmNumericToScaled(DirectFunctionCall2(numeric_round, amount, Int32GetDatum(4)),
						   &scaled, &dscale, "amount");

	if (!ok || scaled <= -(int128) (CRM_MONEY_MAX_AMOUNT * CRM_MONEY_UNITS) ||
		scaled >= (int128) (CRM_MONEY_MAX_AMOUNT * CRM_MONEY_UNITS))
		AmountOutOfRange(DatumGetCString(DirectFunctionCall1(numeric_out, amount)));
	return scaled;
}

/* Transition: btyd_summary_step(state, time, amount numeric, as_of, unit). */
Datum
btyd_summary_step(PG_FUNCTION_ARGS)
{
	return SummaryStep(fcinfo, NumericMoney);
}

/* Transition: btyd_summary_step(state, time, amount float8, as_of, unit). */
Datum
btyd_summary_step_float8(PG_FUNCTION_ARGS)
{
	return SummaryStep(fcinfo, Float8Money);
}

/* Combine: merges two partial states (parallel workers, Citus shards). */
Datum
btyd_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	BtydState  *a;
	BtydState  *b;
	size_t		need;
	int			hashed;

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
		PG_RETURN_POINTER(GrowState(b, b->acc.hashed ? StateCap(b) : b->acc.used, b->acc.hashed));
	a = (BtydState *) PG_GETARG_POINTER(0);
	if (VARATT_IS_EXTENDED(a))
		a = StateArg(fcinfo, 0);
	if (a->as_of_unit != b->as_of_unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine BTYD summaries with different as_of or unit")));
	CheckSums(a->acc.first_day_amount + b->acc.first_day_amount,
			  a->acc.total_amount + b->acc.total_amount);
	need = crm_summary_merge_need(&a->acc, &b->acc, &hashed);
	if (need > StateCap(a) || (hashed && !a->acc.hashed))
		a = GrowState(a, need, hashed);
	crm_summary_acc_merge(&a->acc, StateCap(a), &b->acc);
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
	if (!crm_summary_compute(&state->acc, StateAsOfDay(state), StateUnitDays(state), &s))
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

/* The state's distinct days, ascending, in a new array (NULL when none). */
static int32 *
StateDays(const BtydState *state)
{
	int32	   *days;

	if (state->acc.ndays == 0)
		return NULL;
	days = palloc(sizeof(int32) * state->acc.ndays);
	crm_summary_acc_days(&state->acc, days);
	return days;
}

/*
 * Text form: as_of_day,unit_days,first_time,last_time,first_day_amount,total_amount:day day ...
 * with the amounts as integers of 0.0001.
 */
Datum
btyd_state_out(PG_FUNCTION_ARGS)
{
	BtydState  *state = StateArg(fcinfo, 0);
	int32	   *days = StateDays(state);
	StringInfoData buf;
	int32		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d,%.17g,%lld,%lld,%s,%s:", StateAsOfDay(state),
					 StateUnitDays(state), (long long) state->acc.first_time,
					 (long long) state->acc.last_time, CrmInt128Text(state->acc.first_day_amount),
					 CrmInt128Text(state->acc.total_amount));
	for (i = 0; i < state->acc.ndays; i++)
		appendStringInfo(&buf, i == 0 ? "%d" : " %d", days[i]);
	PG_RETURN_CSTRING(buf.data);
}

/* Parses the text form written by btyd_state_out (days in any order). */
Datum
btyd_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			as_of_day;
	double		unit_days;
	int128		first_amount,
				total;
	long long	first_time, last_time;
	int			consumed = 0;
	const char *p;
	int32	   *days;
	int32		ndays = 0;

	if (sscanf(str, "%d,%lf,%lld,%lld,%n", &as_of_day, &unit_days, &first_time,
			   &last_time, &consumed) != 4 || consumed == 0)
		p = NULL;
	else
		p = str + consumed;
	if (p == NULL || !CrmParseInt128(&p, &first_amount) || *p++ != ',' ||
		!CrmParseInt128(&p, &total) || *p++ != ':')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type crm.btyd_state: \"%s\"", str),
				 errdetail("Expected as_of_day,unit_days,first_time,last_time,first_day_amount,total_amount:day day ..., with amounts in units of 0.0001.")));
	days = palloc(sizeof(int32) * (strlen(p) / 2 + 1));	/* a day takes >= 2 chars but the last */
	while (*p)
	{
		char	   *end;
		long		d = strtol(p, &end, 10);

		if (end == p || d <= PG_INT32_MIN || d > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid day list in crm.btyd_state: \"%s\"", str)));
		days[ndays++] = (int32) d;
		p = end;
		while (*p == ' ')
			p++;
	}
	PG_RETURN_POINTER(StateFromDays(as_of_day, unit_days, days, ndays, first_time, last_time,
									first_amount, total));
}

/* Binary send: header fields, then the distinct days ascending. */
Datum
btyd_state_send(PG_FUNCTION_ARGS)
{
	BtydState  *state = StateArg(fcinfo, 0);
	int32	   *days = StateDays(state);
	StringInfoData buf;
	int32		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, StateAsOfDay(state));
	pq_sendfloat8(&buf, StateUnitDays(state));
	pq_sendint64(&buf, state->acc.first_time);
	pq_sendint64(&buf, state->acc.last_time);
	CrmSendInt128(&buf, state->acc.first_day_amount);
	CrmSendInt128(&buf, state->acc.total_amount);
	pq_sendint32(&buf, state->acc.ndays);
	for (i = 0; i < state->acc.ndays; i++)
		pq_sendint32(&buf, days[i]);
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
	crm_money	first_amount = CrmGetInt128(buf);
	crm_money	total = CrmGetInt128(buf);
	int32		ndays = pq_getmsgint(buf, 4);
	int32	   *days;
	int32		i;

	if (ndays < 0 || ndays > (buf->len - buf->cursor) / 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid day count %d in crm.btyd_state", ndays)));
	days = palloc(sizeof(int32) * (ndays + 1));
	for (i = 0; i < ndays; i++)
		days[i] = pq_getmsgint(buf, 4);
	PG_RETURN_POINTER(StateFromDays(as_of_day, unit_days, days, ndays, first_time, last_time,
									first_amount, total));
}
