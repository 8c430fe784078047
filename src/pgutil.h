/*-------------------------------------------------------------------------
 *
 * pgutil.h
 *	  Small conversions shared by the glue files: time units, UTC days,
 *	  fast numeric-to-double, and argument checks that raise clear errors.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_PGUTIL_H
#define CRM_PGUTIL_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/timestamp.h"

/* Length in days of a time unit name (day, week, month); errors otherwise. */
extern double CrmUnitDays(text *unit);

/* Name of a unit length in days (inverse of CrmUnitDays). */
extern const char *CrmUnitName(double unit_days);

/* Code (0, 1, 2) of a unit length in days; -1 if it is not a unit's. */
extern int	CrmUnitCode(double unit_days);

/* Length in days of a unit code; NaN for a code that is not a unit's. */
extern double CrmUnitCodeDays(int code);

/* UTC day number of a finite timestamptz (days since 2000-01-01). */
extern int32 CrmTimestampDay(TimestampTz ts, const char *argname);

/* A numeric value as a double, read straight from its on-disk digits. */
extern double CrmNumericToDouble(Datum num, const char *argname);

#ifndef HAVE_INT128
#error "crm needs a 128-bit integer type (crm.exact_sum)"
#endif

/* A numeric times 10^4 as an exact int128 (display scale capped at 4); false if it does not fit. */
extern bool CrmNumericToScaled(Datum num, int128 *scaled, int *dscale, const char *argname);

/* Decimal text of an int128, palloc'd. */
extern char *CrmInt128Text(int128 v);

/* Parses [-]digits at *p into an int128 and advances *p; false if none or on overflow. */
extern bool CrmParseInt128(const char **p, int128 *v);

/* Sends an int128 as its high and low 64 bits; CrmGetInt128 reads it back. */
extern void CrmSendInt128(StringInfo buf, int128 v);
extern int128 CrmGetInt128(StringInfo buf);

/* Raises an error unless v is finite; names the argument. */
extern void CrmCheckFinite(double v, const char *argname);

#endif
