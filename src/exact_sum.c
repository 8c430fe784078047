/*-------------------------------------------------------------------------
 *
 * exact_sum.c
 *	  The crm.exact_sum(numeric) aggregate: an exact sum of money amounts
 *	  (at most 4 decimal places) in a fixed 24-byte state.
 *
 * PostgreSQL's sum(numeric) keeps an internal state that is allocated per
 * group and serialized for parallel query; over a million customers it costs
 * more than the rest of the purchase pass. Amounts of numeric(p, s <= 4) are
 * integers of 10^-4, so an int128 holds any realistic total exactly. The
 * state is the fixed-length type crm.exact_sum_state (with send/recv), so
 * parallel query and Citus can ship and combine it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "pgutil.h"

/* The state: the sum in units of 10^-4 and the result's scale (int128 is 8-byte aligned). */
typedef struct ExactSumState
{
	int32		dscale;			/* largest input display scale, 0..4 */
	int32		unused;			/* zero */
	int128		sum;			/* the sum in units of 10^-4 */
} ExactSumState;

StaticAssertDecl(sizeof(ExactSumState) == 24, "crm.exact_sum_state is 24 bytes (INTERNALLENGTH)");

PG_FUNCTION_INFO_V1(exact_sum_state_in);
PG_FUNCTION_INFO_V1(exact_sum_state_out);
PG_FUNCTION_INFO_V1(exact_sum_state_recv);
PG_FUNCTION_INFO_V1(exact_sum_state_send);
PG_FUNCTION_INFO_V1(exact_sum_step);
PG_FUNCTION_INFO_V1(exact_sum_combine);
PG_FUNCTION_INFO_V1(exact_sum_final);

/* A new state in cxt. */
static ExactSumState *
NewState(MemoryContext cxt, int32 dscale, int128 sum)
{
	ExactSumState *state = MemoryContextAllocZero(cxt, sizeof(ExactSumState));

	state->dscale = dscale;
	state->sum = sum;
	return state;
}

/* Adds a scaled amount to a state, with an error on int128 overflow. */
static void
AddToState(ExactSumState *state, int128 v, int dscale)
{
	int128		sum;

	if (__builtin_add_overflow(state->sum, v, &sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("crm.exact_sum is out of range"),
				 errdetail("The total passed 1.7 x 10^34 in magnitude."),
				 errhint("Use sum(), which has no such limit.")));
	state->sum = sum;
	state->dscale = Max(state->dscale, dscale);
}

/* A numeric equal to sum * 10^-4, shown with dscale decimals (4 if digits below are nonzero). */
static Numeric
ScaledToNumeric(int128 sum, int dscale)
{
	int128		q = sum;
	int			k;
	char	   *digits;
	StringInfoData buf;
	int			len;

	for (k = dscale; k < 4; k++)
	{
		if (q % 10 != 0)
		{
			/* a state typed in with too small a scale: show every digit */
			q = sum;
			dscale = 4;
			break;
		}
		q /= 10;
	}
	if (q >= PG_INT64_MIN && q <= PG_INT64_MAX)
		return int64_div_fast_to_numeric((int64) q, dscale);
	/* beyond int64: through text, with the decimal point put in */
	digits = CrmInt128Text(q);
	len = strlen(digits);
	initStringInfo(&buf);
	if (dscale == 0)
		appendStringInfoString(&buf, digits);
	else
	{
		appendBinaryStringInfo(&buf, digits, len - dscale);
		appendStringInfoChar(&buf, '.');
		appendStringInfoString(&buf, digits + len - dscale);
	}
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(buf.data),
											   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

/* Checks a state's scale, read from text or binary input. */
static void
CheckStateScale(int dscale)
{
	if (dscale < 0 || dscale > 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid scale %d in crm.exact_sum_state, expected 0 to 4", dscale)));
}

/* Text output: "scale:sum in units of 10^-4". */
Datum
exact_sum_state_out(PG_FUNCTION_ARGS)
{
	ExactSumState *state = (ExactSumState *) PG_GETARG_POINTER(0);

	PG_RETURN_CSTRING(psprintf("%d:%s", state->dscale, CrmInt128Text(state->sum)));
}

/* Text input (inverse of exact_sum_state_out). */
Datum
exact_sum_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			dscale;
	int			consumed = 0;
	const char *p;
	int128		sum;

	if (sscanf(str, "%d:%n", &dscale, &consumed) != 1 || consumed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type crm.exact_sum_state: \"%s\"", str),
				 errdetail("Expected scale:sum, e.g. 2:123400 for 12.34.")));
	CheckStateScale(dscale);
	p = str + consumed;
	if (!CrmParseInt128(&p, &sum) || *p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type crm.exact_sum_state: \"%s\"", str)));
	PG_RETURN_POINTER(NewState(CurrentMemoryContext, dscale, sum));
}

/* Binary output: scale, high and low 64 bits of the sum. */
Datum
exact_sum_state_send(PG_FUNCTION_ARGS)
{
	ExactSumState *state = (ExactSumState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, state->dscale);
	CrmSendInt128(&buf, state->sum);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input (inverse of exact_sum_state_send). */
Datum
exact_sum_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		dscale = pq_getmsgint(buf, 4);
	int128		sum = CrmGetInt128(buf);

	CheckStateScale(dscale);
	PG_RETURN_POINTER(NewState(CurrentMemoryContext, dscale, sum));
}

/* Transition: adds one amount (NULLs are skipped); updates the state in place inside an aggregate. */
Datum
exact_sum_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ExactSumState *state;
	int128		v;
	int			dscale;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (!CrmNumericToScaled(PG_GETARG_DATUM(1), &v, &dscale, "amount"))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("crm.exact_sum cannot add %s exactly",
						DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(1)))),
				 errdetail("It sums amounts with at most 4 nonzero decimal places and below 10^32 in magnitude."),
				 errhint("Use sum() for other numbers.")));
	if (!AggCheckCallContext(fcinfo, &aggcxt))
		aggcxt = NULL;
	if (PG_ARGISNULL(0))
		state = NewState(aggcxt != NULL ? aggcxt : CurrentMemoryContext, 0, 0);
	else if (aggcxt != NULL)
		state = (ExactSumState *) PG_GETARG_POINTER(0);
	else
	{
		/* called directly: never scribble on the argument */
		ExactSumState *arg = (ExactSumState *) PG_GETARG_POINTER(0);

		state = NewState(CurrentMemoryContext, arg->dscale, arg->sum);
	}
	AddToState(state, v, dscale);
	PG_RETURN_POINTER(state);
}

/* Combine (strict: PostgreSQL copies the first non-NULL state into the aggregate's context). */
Datum
exact_sum_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	ExactSumState *state = (ExactSumState *) PG_GETARG_POINTER(0);
	ExactSumState *other = (ExactSumState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		state = NewState(CurrentMemoryContext, state->dscale, state->sum);
	AddToState(state, other->sum, other->dscale);
	PG_RETURN_POINTER(state);
}

/* Final: the sum as numeric, with the largest input scale (at most 4). */
Datum
exact_sum_final(PG_FUNCTION_ARGS)
{
	ExactSumState *state = (ExactSumState *) PG_GETARG_POINTER(0);

	PG_RETURN_NUMERIC(ScaledToNumeric(state->sum, state->dscale));
}
