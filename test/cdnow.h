/*-------------------------------------------------------------------------
 *
 * cdnow.h
 *	  Header-only loader of the CDNOW 1/10 sample for the unit tests.
 *
 * The file (../shared/data/cdnow/CDNOW_sample.txt, or $CRM_CDNOW_FILE) has
 * one purchase per line: master id, sample id (1..2357), yyyymmdd, CDs,
 * dollars. cdnow_load() builds the customary calibration summary in weeks
 * with purchases merged per day:
 *	  x  = distinct purchase days in calibration - 1
 *	  tx = (last day - first day) / 7
 *	  T  = (1997-09-30 - first day) / 7   (38.857 for a 1997-01-01 start)
 * which reproduces Fader & Hardie's BG/NBD fit (LL -9582.4), plus the mean
 * spend per repeat day in calibration and the number of distinct purchase
 * days in the holdout 1997-10-01..1998-06-30. When the file is missing,
 * cdnow_load() returns -1 and the caller prints
 * "<suite>: CDNOW sample not found, skipping CDNOW checks".
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_TEST_CDNOW_H
#define CRM_TEST_CDNOW_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CDNOW_DEFAULT_FILE "../shared/data/cdnow/CDNOW_sample.txt"
#define CDNOW_CUSTOMERS 2357

typedef struct cdnow_customer
{
	double		x;				/* repeat purchase days in calibration */
	double		tx;				/* recency, weeks */
	double		T;				/* age at 1997-09-30, weeks */
	double		mean_spend;		/* mean spend per repeat day in calibration (0 if x = 0) */
	double		holdout;		/* distinct purchase days 1997-10-01..1998-06-30 */
	double		first_spend;	/* spend on the first purchase day */
	int			first_day;		/* first purchase, days since 1970-01-01 */
} cdnow_customer;

typedef struct cdnow_purchase
{
	int			id;				/* sample id, 1..2357 */
	int			day;			/* days since 1970-01-01 */
	double		amount;			/* dollars */
} cdnow_purchase;

typedef struct cdnow_data
{
	int			n;				/* customers (2357); cust[i] is sample id i + 1 */
	cdnow_customer *cust;
	int			npurchases;		/* raw rows, sorted by (id, day) */
	cdnow_purchase *purchases;
	int			calib_end_day;	/* 1997-09-30 */
	int			holdout_end_day;	/* 1998-06-30 */
} cdnow_data;

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static inline int
cdnow_day_number(int y, int m, int d)
{
	int			era;
	int			yoe;
	int			doy;
	int			doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* qsort order of purchases: by id, then day. */
static inline int
cdnow_compare(const void *a, const void *b)
{
	const cdnow_purchase *p = a;
	const cdnow_purchase *q = b;

	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return p->day < q->day ? -1 : (p->day > q->day ? 1 : 0);
}

/* Frees what cdnow_load allocated (safe on a zeroed struct). */
static inline void
cdnow_free(cdnow_data *d)
{
	free(d->cust);
	free(d->purchases);
	memset(d, 0, sizeof(*d));
}

/* Loads and summarises the sample; 0 on success, -1 if the file is missing or bad. */
static inline int
cdnow_load(cdnow_data *d)
{
	const char *path = getenv("CRM_CDNOW_FILE");
	FILE	   *f;
	char		line[256];
	int			cap = 8192;
	int			i;

	memset(d, 0, sizeof(*d));
	if (path == NULL || path[0] == '\0')
		path = CDNOW_DEFAULT_FILE;
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	d->purchases = malloc(sizeof(cdnow_purchase) * cap);
	d->cust = calloc(CDNOW_CUSTOMERS, sizeof(cdnow_customer));
	if (d->purchases == NULL || d->cust == NULL)
		goto fail;
	while (fgets(line, sizeof(line), f) != NULL)
	{
		int			master, id, ymd;
		double		cds, amount;

		if (sscanf(line, "%d %d %d %lf %lf", &master, &id, &ymd, &cds, &amount) != 5)
			continue;
		if (id < 1 || id > CDNOW_CUSTOMERS)
			goto fail;
		if (d->npurchases == cap)
		{
			cdnow_purchase *np = realloc(d->purchases, sizeof(cdnow_purchase) * cap * 2);

			if (np == NULL)
				goto fail;
			d->purchases = np;
			cap *= 2;
		}
		d->purchases[d->npurchases].id = id;
		d->purchases[d->npurchases].day = cdnow_day_number(ymd / 10000, ymd / 100 % 100, ymd % 100);
		d->purchases[d->npurchases].amount = amount;
		d->npurchases++;
	}
	fclose(f);
	f = NULL;
	if (d->npurchases == 0)
		goto fail;
	qsort(d->purchases, d->npurchases, sizeof(cdnow_purchase), cdnow_compare);
	d->n = CDNOW_CUSTOMERS;
	d->calib_end_day = cdnow_day_number(1997, 9, 30);
	d->holdout_end_day = cdnow_day_number(1998, 6, 30);
	for (i = 0; i < d->npurchases;)
	{
		cdnow_customer *c = &d->cust[d->purchases[i].id - 1];
		int			id = d->purchases[i].id;
		int			first = d->purchases[i].day;
		int			last = first;
		int			days = 0;
		double		repeat_spend = 0.0;

		c->first_day = first;
		/* walk this customer's rows one purchase day at a time */
		while (i < d->npurchases && d->purchases[i].id == id)
		{
			int			day = d->purchases[i].day;
			double		spend = 0.0;

			while (i < d->npurchases && d->purchases[i].id == id && d->purchases[i].day == day)
				spend += d->purchases[i++].amount;
			if (day <= d->calib_end_day)
			{
				if (days == 0)
					c->first_spend = spend;
				else
					repeat_spend += spend;
				days++;
				last = day;
			}
			else if (day <= d->holdout_end_day)
				c->holdout += 1.0;
		}
		if (days == 0)
			goto fail;			/* every sample customer starts in 1997Q1 */
		c->x = days - 1;
		c->tx = (last - first) / 7.0;
		c->T = (d->calib_end_day - first) / 7.0;
		c->mean_spend = days > 1 ? repeat_spend / (days - 1) : 0.0;
	}
	return 0;

fail:
	if (f != NULL)
		fclose(f);
	cdnow_free(d);
	return -1;
}

#endif
