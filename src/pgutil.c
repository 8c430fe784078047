/*-------------------------------------------------------------------------
 *
 * pgutil.c
 *	  Conversions shared by the glue files (see pgutil.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "pgutil.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

/*
 * Layout of a numeric datum's header and digits (base 10000), as stored on
 * disk since PostgreSQL 9.1 (src/backend/utils/adt/numeric.c). The on-disk
 * format is fixed by pg_upgrade compatibility, so reading it here is safe.
 */
#define NUM_SIGN_MASK			0xC000
#define NUM_NEG					0x4000
#define NUM_SHORT				0x8000
#define NUM_SPECIAL				0xC000
#define NUM_SHORT_SIGN_MASK		0x2000
#define NUM_SHORT_WEIGHT_SIGN	0x0040
#define NUM_SHORT_WEIGHT_MASK	0x003F
#define NUM_BASE				10000.0

static const double pow10000[5] = {1.0, 1e4, 1e8, 1e12, 1e16};

/* The time units: a unit's code is its index here. */
static const struct
{
	const char *name;
	double		days;
}			TimeUnits[] = {{"day", 1.0}, {"week", 7.0}, {"month", 30.4375}};

/* Length in days of a time unit name (day, week, month); errors otherwise. */
double
CrmUnitDays(text *unit)
{
	char	   *name = text_to_cstring(unit);
	int			code;

	for (code = 0; code < (int) lengthof(TimeUnits); code++)
		if (strcmp(name, TimeUnits[code].name) == 0)
			return TimeUnits[code].days;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("time unit \"%s\" is not supported", name),
			 errdetail("Allowed units are day, week and month (30.4375 days)."),
			 errhint("Pass 'day', 'week' or 'month'.")));
	return 0.0;					/* keep compiler quiet */
}

/* Name of a unit length in days (inverse of CrmUnitDays). */
const char *
CrmUnitName(double unit_days)
{
	int			code = CrmUnitCode(unit_days);

	return code < 0 ? NULL : TimeUnits[code].name;
}

/* Code (0, 1, 2) of a unit length in days; -1 if it is not a unit's. */
int
CrmUnitCode(double unit_days)
{
	int			code;

	for (code = 0; code < (int) lengthof(TimeUnits); code++)
		if (TimeUnits[code].days == unit_days)
			return code;
	return -1;
}

/* Length in days of a unit code; NaN for a code that is not a unit's. */
double
CrmUnitCodeDays(int code)
{
	return code >= 0 && code < (int) lengthof(TimeUnits) ? TimeUnits[code].days : NAN;
}

/* UTC day number of a finite timestamptz (days since 2000-01-01). */
int32
CrmTimestampDay(TimestampTz ts, const char *argname)
{
	int64		day;

	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be a finite timestamp, not %s", argname,
						TIMESTAMP_IS_NOBEGIN(ts) ? "-infinity" : "infinity")));
	day = ts / USECS_PER_DAY;
	if (ts < 0 && ts % USECS_PER_DAY != 0)
		day--;
	return (int32) day;
}

/* Display scale fields of the header (short and long formats). */
#define NUM_SHORT_DSCALE_MASK	0x1F80
#define NUM_SHORT_DSCALE_SHIFT	7
#define NUM_DSCALE_MASK			0x3FFF

/* The fields of a finite numeric datum (v is its detoasted form). */
typedef struct NumericParts
{
	bool		negative;
	int			weight;			/* base-10000 exponent of the first digit */
	int			dscale;			/* display scale (decimal places) */
	const int16 *digits;		/* unaligned: read with memcpy */
	int			ndigits;
} NumericParts;

/* Splits a numeric into its fields; NaN and infinities are an error naming argname. */
static void
ReadNumeric(struct varlena *v, NumericParts *parts, const char *argname)
{
	const uint16 *p = (const uint16 *) VARDATA_ANY(v);
	uint16		header;

	parts->negative = false;
	parts->weight = 0;
	parts->dscale = 0;
	parts->digits = NULL;
	parts->ndigits = 0;
	if (VARSIZE_ANY_EXHDR(v) < sizeof(uint16))
		return;
	memcpy(&header, p, sizeof(uint16));
	if ((header & NUM_SIGN_MASK) == NUM_SPECIAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, not NaN or infinity", argname)));
	if ((header & NUM_SIGN_MASK) == NUM_SHORT)
	{
		parts->negative = (header & NUM_SHORT_SIGN_MASK) != 0;
		parts->weight = (header & NUM_SHORT_WEIGHT_SIGN) ? (int) (~NUM_SHORT_WEIGHT_MASK | (header & NUM_SHORT_WEIGHT_MASK))
			: (int) (header & NUM_SHORT_WEIGHT_MASK);
		parts->dscale = (header & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
		parts->digits = (const int16 *) ((const char *) p + sizeof(uint16));
		parts->ndigits = (VARSIZE_ANY_EXHDR(v) - sizeof(uint16)) / sizeof(int16);
	}
	else
	{
		int16		w;

		parts->negative = (header & NUM_SIGN_MASK) == NUM_NEG;
		parts->dscale = header & NUM_DSCALE_MASK;
		memcpy(&w, (const char *) p + sizeof(uint16), sizeof(int16));
		parts->weight = w;
		parts->digits = (const int16 *) ((const char *) p + 2 * sizeof(uint16));
		parts->ndigits = (VARSIZE_ANY_EXHDR(v) - 2 * sizeof(uint16)) / sizeof(int16);
	}
}

/* A numeric value as a double, read straight from its on-disk digits. */
double
CrmNumericToDouble(Datum num, const char *argname)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(num);
	NumericParts np;
	double		result = 0.0;
	int			i;

	ReadNumeric(v, &np, argname);
	/* Horner over base-10000 digits, then scale by the weight of the last one. */
	for (i = 0; i < np.ndigits; i++)
	{
		int16		d;

		memcpy(&d, np.digits + i, sizeof(int16));
		result = result * NUM_BASE + d;
	}
	if (np.ndigits > 0)
	{
		int			e = np.weight - (np.ndigits - 1);

		/* divide for negative exponents so that e.g. 12.34 comes out exact */
		if (e >= 0)
			result *= (e < 5) ? pow10000[e] : pow(NUM_BASE, e);
		else
			result /= (-e < 5) ? pow10000[-e] : pow(NUM_BASE, -e);
	}
	if ((Pointer) v != DatumGetPointer(num))
		pfree(v);
	return np.negative ? -result : result;
}

/* Raises an error unless v is finite; names the argument. */
void
CrmCheckFinite(double v, const char *argname)
{
	if (!isfinite(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, not %g", argname, v)));
}

/*
 * A numeric value times 10^4 as an exact int128, with its display scale
 * capped at 4. False when it has nonzero digits below 10^-4 or is 10^32 or
 * more in magnitude.
 */
bool
CrmNumericToScaled(Datum num, int128 *scaled, int *dscale, const char *argname)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(num);
	NumericParts np;
	int128		acc = 0;
	bool		ok = true;
	int			i;

	ReadNumeric(v, &np, argname);
	if (np.ndigits > 0 && np.weight > 7)
		ok = false;
	for (i = 0; ok && i < np.ndigits; i++)
	{
		int16		d;
		int			e = np.weight - i;	/* base-10000 exponent of this digit */

		memcpy(&d, np.digits + i, sizeof(int16));
		if (e < -1)
		{
			if (d != 0)
				ok = false;
			continue;
		}
		acc = acc * 10000 + d;
	}
	/* digits end above 10^-4: scale the last one up */
	if (ok && np.ndigits > 0)
		for (i = np.weight - (np.ndigits - 1); i > -1; i--)
			acc *= 10000;
	if ((Pointer) v != DatumGetPointer(num))
		pfree(v);
	*scaled = np.negative ? -acc : acc;
	*dscale = Min(np.dscale, 4);
	return ok;
}

/* Decimal text of an int128, palloc'd. */
char *
CrmInt128Text(int128 v)
{
	char		buf[48];
	char	   *p = buf + sizeof(buf) - 1;
	uint128		u = v < 0 ? -(uint128) v : (uint128) v;

	*p = '\0';
	do
	{
		*--p = '0' + (int) (u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return pstrdup(p);
}

/*
 * Parses an optional '-' and decimal digits at *p into *v, advancing *p past
 * them. False when there is no digit or the value overflows an int128.
 */
bool
CrmParseInt128(const char **p, int128 *v)
{
	const char *s = *p;
	bool		negative = *s == '-';
	int128		acc = 0;

	if (negative)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(acc, 10, &acc) ||
			__builtin_add_overflow(acc, negative ? -(*s - '0') : (*s - '0'), &acc))
			return false;
	*p = s;
	*v = acc;
	return true;
}

/* Sends an int128 as its high and low 64 bits (binary send functions). */
void
CrmSendInt128(StringInfo buf, int128 v)
{
	pq_sendint64(buf, (int64) (v >> 64));
	pq_sendint64(buf, (int64) (uint64) v);
}

/* Reads an int128 written by CrmSendInt128 (binary receive functions). */
int128
CrmGetInt128(StringInfo buf)
{
	int64		hi = pq_getmsgint64(buf);
	uint64		lo = (uint64) pq_getmsgint64(buf);

	return (int128) (((uint128) (uint64) hi << 64) | lo);
}
