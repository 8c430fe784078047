/*-------------------------------------------------------------------------
 *
 * model_type.c
 *	  The crm.clv_model type: text and binary I/O and accessors.
 *
 * Text form (round-trips exactly: shortest decimal that reads back to the
 * same double):
 *	  bgnbd(unit=week, r=0.24, alpha=4.41, a=0.79, b=2.43, se_r=..., ...,
 *			loglik=-9582.4, n=2357, iterations=31, converged=true, penalizer=0)
 * On input, unit and the parameters are required; se_*, loglik, n,
 * iterations, converged and penalizer are optional (default 0 / false), so
 * a published model can be typed in by hand.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

#include "btyd.h"
#include "model_type.h"
#include "pgutil.h"

PG_FUNCTION_INFO_V1(clv_model_in);
PG_FUNCTION_INFO_V1(clv_model_out);
PG_FUNCTION_INFO_V1(clv_model_recv);
PG_FUNCTION_INFO_V1(clv_model_send);
PG_FUNCTION_INFO_V1(clv_model_kind);
PG_FUNCTION_INFO_V1(clv_model_unit);
PG_FUNCTION_INFO_V1(clv_model_params);
PG_FUNCTION_INFO_V1(clv_model_param);
PG_FUNCTION_INFO_V1(clv_model_make);

/* Name of a model time unit length (day, week, month, year; "none" for 0). */
static const char *
UnitName(double unit_days)
{
	if (unit_days == 0.0)
		return "none";
	if (unit_days == 365.25)
		return "year";
	return CrmUnitName(unit_days);
}

/* Days of a unit name including "none" (0); -1 when unknown. */
static double
UnitDaysFromName(const char *name)
{
	if (strcmp(name, "day") == 0)
		return 1.0;
	if (strcmp(name, "week") == 0)
		return 7.0;
	if (strcmp(name, "month") == 0)
		return 30.4375;
	if (strcmp(name, "year") == 0)
		return 365.25;
	if (strcmp(name, "none") == 0)
		return 0.0;
	return -1.0;
}

/* Days of a model time unit name (day, week, month, year); errors otherwise. */
double
ClvUnitDays(text *unit)
{
	char	   *name = text_to_cstring(unit);
	double		days = UnitDaysFromName(name);

	if (days <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time unit \"%s\" is not supported", name),
				 errdetail("Allowed units are day, week, month (30.4375 days) and year (365.25 days)."),
				 errhint("Pass the unit the summaries were built with, e.g. 'week'.")));
	return days;
}

/* Kind of a short model name; 0 when unknown. */
static int
KindFromName(const char *name)
{
	int			k;

	for (k = CRM_BGNBD; k <= CRM_SBG; k++)
		if (crm_model_name((crm_model_kind) k) && strcmp(crm_model_name((crm_model_kind) k), name) == 0)
			return k;
	return 0;
}

/* Appends the shortest round-tripping decimal of v. */
static void
AppendDouble(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

/* Errors unless *m is a consistent model (used by every input path). */
static void
ValidateModel(const ClvModel *m, const char *source)
{
	char		msg[256];
	int			i;

	if (m->version != CLV_MODEL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("crm.clv_model version %d is not supported (expected %d)", m->version, CLV_MODEL_VERSION)));
	if (crm_model_nparams((crm_model_kind) m->kind) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid model kind %d in %s", m->kind, source),
				 errhint("Allowed kinds are bgnbd, mbgnbd, pnbd, gg and sbg.")));
	if (m->nparams != crm_model_nparams((crm_model_kind) m->kind))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model kind %s has %d parameters, not %d",
						crm_model_name((crm_model_kind) m->kind), crm_model_nparams((crm_model_kind) m->kind),
						m->nparams)));
	if (crm_check_params((crm_model_kind) m->kind, m->params, msg, sizeof(msg)) != CRM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s model parameters in %s: %s", crm_model_name((crm_model_kind) m->kind),
						source, msg),
				 errhint("Every parameter must be a finite number > 0.")));
	for (i = 0; i < m->nparams; i++)
		if (!isfinite(m->se[i]) || m->se[i] < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("standard error se_%s = %g is invalid in %s",
							crm_model_param_name((crm_model_kind) m->kind, i), m->se[i], source),
					 errhint("Standard errors must be finite and >= 0 (0 = not available).")));
	if (m->kind == CRM_GG ? m->unit_days != 0.0 : UnitName(m->unit_days) == NULL || m->unit_days == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time unit of %g days is not allowed for a %s model in %s", m->unit_days,
						crm_model_name((crm_model_kind) m->kind), source),
				 errhint("Use unit=day, week, month or year (unit=none for the Gamma-Gamma spend model).")));
	if (!isfinite(m->loglik) || !isfinite(m->n_customers) || m->n_customers < 0.0 ||
		!isfinite(m->penalizer) || m->penalizer < 0.0 || m->iterations < 0 ||
		(m->converged != 0 && m->converged != 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid fit statistics in %s (loglik %g, n %g, penalizer %g, iterations %d)",
						source, m->loglik, m->n_customers, m->penalizer, m->iterations),
				 errhint("loglik must be finite, n and penalizer finite and >= 0, iterations >= 0.")));
}

/* A zeroed palloc'd model of a kind with its header set. */
static ClvModel *
NewModel(int kind)
{
	ClvModel   *m = palloc0(sizeof(ClvModel));

	SET_VARSIZE(m, sizeof(ClvModel));
	m->version = CLV_MODEL_VERSION;
	m->kind = kind;
	m->nparams = crm_model_nparams((crm_model_kind) kind);
	return m;
}

/* Copies model argument argno into *m (no palloc; works on packed datums). */
void
ClvModelArg(FunctionCallInfo fcinfo, int argno, ClvModel *m)
{
	struct varlena *v = PG_GETARG_VARLENA_PP(argno);

	if (VARSIZE_ANY_EXHDR(v) != sizeof(ClvModel) - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid crm.clv_model value (%d bytes)", (int) VARSIZE_ANY_EXHDR(v))));
	memcpy((char *) m + VARHDRSZ, VARDATA_ANY(v), sizeof(ClvModel) - VARHDRSZ);
	SET_VARSIZE(m, sizeof(ClvModel));
	if (m->version != CLV_MODEL_VERSION || m->nparams != crm_model_nparams((crm_model_kind) m->kind))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid crm.clv_model value (version %d, kind %d)", m->version, m->kind)));
}

/* Errors unless the model's kind is in `allowed` (a CLV_KIND_BIT mask); names both. */
void
ClvRequireKind(const ClvModel *m, uint32 allowed, const char *funcname)
{
	StringInfoData kinds;
	int			k;

	if (allowed & CLV_KIND_BIT(m->kind))
		return;
	initStringInfo(&kinds);
	for (k = CRM_BGNBD; k <= CRM_SBG; k++)
		if (allowed & CLV_KIND_BIT(k))
			appendStringInfo(&kinds, "%s%s", kinds.len ? ", " : "", crm_model_name((crm_model_kind) k));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s does not accept a %s model", funcname, crm_model_name((crm_model_kind) m->kind)),
			 errdetail("Allowed model kinds: %s.", kinds.data),
			 errhint("Pass a model fitted with the matching crm.fit_* aggregate.")));
}

/* A palloc'd model from a successful fit. */
ClvModel *
ClvModelFromFit(const crm_fit_result *fit, double unit_days, double penalizer)
{
	ClvModel   *m = NewModel(fit->kind);
	int			i;

	m->iterations = fit->iterations;
	m->converged = fit->converged ? 1 : 0;
	m->unit_days = fit->kind == CRM_GG ? 0.0 : unit_days;
	m->penalizer = penalizer;
	m->loglik = fit->loglik;
	m->n_customers = fit->n_customers;
	for (i = 0; i < m->nparams; i++)
	{
		m->params[i] = fit->params[i];
		m->se[i] = isfinite(fit->se[i]) && fit->se[i] >= 0.0 ? fit->se[i] : 0.0;
	}
	ValidateModel(m, "the fit result");
	return m;
}

/* Raises the ERROR for a core prediction status (msg from the core). */
void
ClvReportPrediction(crm_status status, const char *msg, const char *funcname)
{
	ereport(ERROR,
			(errcode(status == CRM_ERR_INPUT ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: %s", funcname, msg[0] ? msg : "the value cannot be computed"),
			 status == CRM_ERR_INPUT ?
			 errhint("x must be >= 0, 0 <= t_x <= age, age > 0, times in the model's unit, all finite.") :
			 errhint("The inputs are outside the range where the model can be evaluated.")));
}

/* Text output: kind(unit=..., params, se_*, loglik, n, iterations, converged, penalizer). */
Datum
clv_model_out(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	StringInfoData buf;
	int			i;

	ClvModelArg(fcinfo, 0, &m);
	initStringInfo(&buf);
	appendStringInfo(&buf, "%s(unit=%s", crm_model_name((crm_model_kind) m.kind), UnitName(m.unit_days));
	for (i = 0; i < m.nparams; i++)
	{
		appendStringInfo(&buf, ", %s=", crm_model_param_name((crm_model_kind) m.kind, i));
		AppendDouble(&buf, m.params[i]);
	}
	for (i = 0; i < m.nparams; i++)
	{
		appendStringInfo(&buf, ", se_%s=", crm_model_param_name((crm_model_kind) m.kind, i));
		AppendDouble(&buf, m.se[i]);
	}
	appendStringInfoString(&buf, ", loglik=");
	AppendDouble(&buf, m.loglik);
	appendStringInfoString(&buf, ", n=");
	AppendDouble(&buf, m.n_customers);
	appendStringInfo(&buf, ", iterations=%d, converged=%s, penalizer=", m.iterations,
					 m.converged ? "true" : "false");
	AppendDouble(&buf, m.penalizer);
	appendStringInfoChar(&buf, ')');
	PG_RETURN_CSTRING(buf.data);
}

/* Raises the syntax error of clv_model_in. */
static void
SyntaxError(const char *str, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type crm.clv_model: \"%s\"", str),
			 errdetail("%s", why),
			 errhint("Write e.g. bgnbd(unit=week, r=0.243, alpha=4.414, a=0.793, b=2.426).")));
}

/* Parses a finite double from the whole of val. */
static double
ParseDouble(const char *str, const char *key, const char *val)
{
	char	   *end;
	double		v = strtod(val, &end);

	if (end == val || *end != '\0' || !isfinite(v))
		SyntaxError(str, psprintf("value of %s is not a finite number: \"%s\"", key, val));
	return v;
}

/* Text input (see the file header for the format). */
Datum
clv_model_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	char	   *copy = pstrdup(str);
	char	   *open = strchr(copy, '(');
	char	   *close;
	char	   *item;
	char	   *saveptr = NULL;
	ClvModel   *m;
	int			kind;
	bool		seen_param[CRM_MAX_PARAMS] = {false, false, false, false};
	bool		seen_unit = false;
	int			i;

	if (open == NULL)
		SyntaxError(str, "missing \"(\" after the model kind");
	*open = '\0';
	kind = KindFromName(copy);
	if (kind == 0)
		SyntaxError(str, psprintf("unknown model kind \"%s\"; allowed: bgnbd, mbgnbd, pnbd, gg, sbg", copy));
	close = strrchr(open + 1, ')');
	if (close == NULL || close[1] != '\0')
		SyntaxError(str, "missing \")\" at the end");
	*close = '\0';
	m = NewModel(kind);

	for (item = strtok_r(open + 1, ",", &saveptr); item != NULL; item = strtok_r(NULL, ",", &saveptr))
	{
		char	   *eq = strchr(item, '=');
		char	   *key = item;
		char	   *val;
		char	   *e;
		bool		found = false;

		if (eq == NULL)
			SyntaxError(str, psprintf("expected key=value, found \"%s\"", item));
		*eq = '\0';
		val = eq + 1;
		while (*key == ' ')
			key++;
		for (e = eq - 1; e >= key && *e == ' '; e--)
			*e = '\0';
		while (*val == ' ')
			val++;
		for (e = val + strlen(val) - 1; e >= val && *e == ' '; e--)
			*e = '\0';

		for (i = 0; i < m->nparams && !found; i++)
		{
			const char *pname = crm_model_param_name((crm_model_kind) kind, i);

			if (strcmp(key, pname) == 0)
			{
				m->params[i] = ParseDouble(str, key, val);
				seen_param[i] = found = true;
			}
			else if (strncmp(key, "se_", 3) == 0 && strcmp(key + 3, pname) == 0)
			{
				m->se[i] = ParseDouble(str, key, val);
				found = true;
			}
		}
		if (found)
			continue;
		if (strcmp(key, "unit") == 0)
		{
			m->unit_days = UnitDaysFromName(val);
			if (m->unit_days < 0.0)
				SyntaxError(str, psprintf("unknown unit \"%s\"; allowed: day, week, month, year (none for gg)", val));
			seen_unit = true;
		}
		else if (strcmp(key, "loglik") == 0)
			m->loglik = ParseDouble(str, key, val);
		else if (strcmp(key, "n") == 0)
			m->n_customers = ParseDouble(str, key, val);
		else if (strcmp(key, "penalizer") == 0)
			m->penalizer = ParseDouble(str, key, val);
		else if (strcmp(key, "iterations") == 0)
		{
			double		it = ParseDouble(str, key, val);

			if (it != floor(it) || it < 0 || it > PG_INT32_MAX)
				SyntaxError(str, psprintf("iterations must be an integer >= 0, not \"%s\"", val));
			m->iterations = (int32) it;
		}
		else if (strcmp(key, "converged") == 0)
		{
			if (!parse_bool(val, &found))
				SyntaxError(str, psprintf("converged must be true or false, not \"%s\"", val));
			m->converged = found ? 1 : 0;
		}
		else
			SyntaxError(str, psprintf("unknown key \"%s\" for a %s model", key, crm_model_name((crm_model_kind) kind)));
	}
	if (!seen_unit && kind != CRM_GG)
		SyntaxError(str, "unit is missing");
	for (i = 0; i < m->nparams; i++)
		if (!seen_param[i])
			SyntaxError(str, psprintf("parameter %s is missing", crm_model_param_name((crm_model_kind) kind, i)));
	ValidateModel(m, "crm.clv_model input");
	PG_RETURN_POINTER(m);
}

/* Binary output: version, kind, counts, unit, statistics, params, se. */
Datum
clv_model_send(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	StringInfoData buf;
	int			i;

	ClvModelArg(fcinfo, 0, &m);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, m.version);
	pq_sendint32(&buf, m.kind);
	pq_sendint32(&buf, m.nparams);
	pq_sendint32(&buf, m.iterations);
	pq_sendint32(&buf, m.converged);
	pq_sendfloat8(&buf, m.unit_days);
	pq_sendfloat8(&buf, m.penalizer);
	pq_sendfloat8(&buf, m.loglik);
	pq_sendfloat8(&buf, m.n_customers);
	for (i = 0; i < m.nparams; i++)
		pq_sendfloat8(&buf, m.params[i]);
	for (i = 0; i < m.nparams; i++)
		pq_sendfloat8(&buf, m.se[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input (inverse of clv_model_send), validated like text input. */
Datum
clv_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	ClvModel   *m = NewModel(CRM_BGNBD);
	int			i;

	m->version = pq_getmsgint(buf, 4);
	m->kind = pq_getmsgint(buf, 4);
	m->nparams = pq_getmsgint(buf, 4);
	m->iterations = pq_getmsgint(buf, 4);
	m->converged = pq_getmsgint(buf, 4);
	m->unit_days = pq_getmsgfloat8(buf);
	m->penalizer = pq_getmsgfloat8(buf);
	m->loglik = pq_getmsgfloat8(buf);
	m->n_customers = pq_getmsgfloat8(buf);
	if (m->nparams < 1 || m->nparams > CRM_MAX_PARAMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid parameter count %d in crm.clv_model", m->nparams)));
	for (i = 0; i < m->nparams; i++)
		m->params[i] = pq_getmsgfloat8(buf);
	for (i = 0; i < m->nparams; i++)
		m->se[i] = pq_getmsgfloat8(buf);
	ValidateModel(m, "crm.clv_model binary input");
	PG_RETURN_POINTER(m);
}

/* crm.model_kind(m): bgnbd, mbgnbd, pnbd, gg or sbg. */
Datum
clv_model_kind(PG_FUNCTION_ARGS)
{
	ClvModel	m;

	ClvModelArg(fcinfo, 0, &m);
	PG_RETURN_TEXT_P(cstring_to_text(crm_model_name((crm_model_kind) m.kind)));
}

/* crm.model_unit(m): day, week, month, year, or none for Gamma-Gamma. */
Datum
clv_model_unit(PG_FUNCTION_ARGS)
{
	ClvModel	m;

	ClvModelArg(fcinfo, 0, &m);
	PG_RETURN_TEXT_P(cstring_to_text(UnitName(m.unit_days)));
}

/* crm.model_params(m): jsonb with kind, unit, params, se, loglik, n, iterations, converged, penalizer. */
Datum
clv_model_params(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	StringInfoData buf;
	int			i;

	ClvModelArg(fcinfo, 0, &m);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"kind\": \"%s\", \"unit\": \"%s\", \"params\": {",
					 crm_model_name((crm_model_kind) m.kind), UnitName(m.unit_days));
	for (i = 0; i < m.nparams; i++)
	{
		appendStringInfo(&buf, "%s\"%s\": ", i ? ", " : "", crm_model_param_name((crm_model_kind) m.kind, i));
		AppendDouble(&buf, m.params[i]);
	}
	appendStringInfoString(&buf, "}, \"se\": {");
	for (i = 0; i < m.nparams; i++)
	{
		appendStringInfo(&buf, "%s\"%s\": ", i ? ", " : "", crm_model_param_name((crm_model_kind) m.kind, i));
		AppendDouble(&buf, m.se[i]);
	}
	appendStringInfoString(&buf, "}, \"loglik\": ");
	AppendDouble(&buf, m.loglik);
	appendStringInfoString(&buf, ", \"n\": ");
	AppendDouble(&buf, m.n_customers);
	appendStringInfo(&buf, ", \"iterations\": %d, \"converged\": %s, \"penalizer\": ", m.iterations,
					 m.converged ? "true" : "false");
	AppendDouble(&buf, m.penalizer);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* crm.model_param(m, name): one parameter by name (or se_<name>, loglik, n). */
Datum
clv_model_param(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	StringInfoData names;
	int			i;

	ClvModelArg(fcinfo, 0, &m);
	initStringInfo(&names);
	for (i = 0; i < m.nparams; i++)
	{
		const char *pname = crm_model_param_name((crm_model_kind) m.kind, i);

		if (strcmp(name, pname) == 0)
			PG_RETURN_FLOAT8(m.params[i]);
		if (strncmp(name, "se_", 3) == 0 && strcmp(name + 3, pname) == 0)
			PG_RETURN_FLOAT8(m.se[i]);
		appendStringInfo(&names, "%s, se_%s, ", pname, pname);
	}
	if (strcmp(name, "loglik") == 0)
		PG_RETURN_FLOAT8(m.loglik);
	if (strcmp(name, "n") == 0)
		PG_RETURN_FLOAT8(m.n_customers);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("a %s model has no parameter \"%s\"", crm_model_name((crm_model_kind) m.kind), name),
			 errdetail("Allowed names: %sloglik, n.", names.data)));
	PG_RETURN_NULL();
}

/* crm.clv_model(kind, params float8[], unit): a hand-made model (e.g. published parameters). */
Datum
clv_model_make(PG_FUNCTION_ARGS)
{
	char	   *kname = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int			kind = KindFromName(kname);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	ClvModel   *m;
	int			i;

	if (kind == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown model kind \"%s\"", kname),
				 errhint("Allowed kinds are bgnbd, mbgnbd, pnbd, gg and sbg.")));
	m = NewModel(kind);
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &nelems);
	if (nelems != m->nparams)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a %s model takes %d parameters, not %d", kname, m->nparams, nelems),
				 errhint("Parameter order: bgnbd/mbgnbd r, alpha, a, b; pnbd r, alpha, s, beta; gg p, q, gamma; sbg alpha, beta.")));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("parameter %s must not be NULL", crm_model_param_name((crm_model_kind) kind, i))));
		m->params[i] = DatumGetFloat8(elems[i]);
	}
	if (kind == CRM_GG)
		m->unit_days = 0.0;		/* spend does not depend on time: unit ignored */
	else
		m->unit_days = ClvUnitDays(PG_GETARG_TEXT_PP(2));
	ValidateModel(m, "crm.clv_model()");
	PG_RETURN_POINTER(m);
}
