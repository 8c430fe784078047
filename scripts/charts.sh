#!/usr/bin/env bash
# charts.sh: draws the documentation charts from the CDNOW sample.
#
# Builds and installs crm, starts a throwaway cluster, fits BG/NBD and
# Pareto/NBD to the CDNOW calibration period (to 1997-09-30, weeks) and
# writes docs/img/cdnow_calibration_holdout.png: mean holdout purchases
# (1997-10-01..1998-06-30) by calibration frequency, actual vs predicted.
# The sample is read from $CRM_CDNOW_FILE or ../shared/data/cdnow/.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh

CRM_CDNOW_FILE=${CRM_CDNOW_FILE:-$(cd .. && pwd)/shared/data/cdnow/CDNOW_sample.txt}
export CRM_CDNOW_FILE
if [ ! -r "$CRM_CDNOW_FILE" ]; then
	echo "charts: CDNOW sample not found at $CRM_CDNOW_FILE (set CRM_CDNOW_FILE)" >&2
	exit 1
fi
command -v gnuplot >/dev/null || { echo "charts: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }

build_and_install || exit 1
start_cluster || exit 1
crm_psql -c "CREATE EXTENSION crm" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"; stop_cluster' EXIT

# One line per calibration frequency 0..7+: freq customers actual bgnbd pnbd.
crm_psql -At -F ' ' >"$work/holdout.dat" <<'SQL' || exit 1
SET timezone = 'UTC';
CREATE TEMP TABLE cdnow_raw (line text);
\copy cdnow_raw FROM PROGRAM 'cat "$CRM_CDNOW_FILE"'
CREATE TEMP TABLE cdnow AS
SELECT f[2]::int AS customer, to_date(f[3], 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC' AS purchased_at,
	   f[5]::numeric AS amount
FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM cdnow_raw WHERE btrim(line) <> '') q;
CREATE TEMP TABLE cal AS
SELECT customer, (s).x, (s).t_x, (s).age, x_holdout
FROM (SELECT customer, crm.btyd_summary(purchased_at, amount, '1997-09-30', 'week') AS s,
			 count(DISTINCT purchased_at::date) FILTER (WHERE purchased_at >= '1997-10-01'
															AND purchased_at < '1998-07-01') AS x_holdout
	  FROM cdnow GROUP BY customer) q;
CREATE TEMP TABLE models AS
SELECT crm.fit_bgnbd(x, t_x, age, 'week') AS bg, crm.fit_pnbd(x, t_x, age, 'week') AS pn FROM cal;
SELECT least(x, 7), count(*), round(avg(x_holdout), 4),
	   round(avg(crm.conditional_expected_purchases(bg, 39, x, t_x, age))::numeric, 4),
	   round(avg(crm.conditional_expected_purchases(pn, 39, x, t_x, age))::numeric, 4)
FROM cal, models GROUP BY 1 ORDER BY 1;
SQL

mkdir -p docs/img
gnuplot <<GP || exit 1
set terminal pngcairo size 800,500 font "DejaVu Sans,11"
set output "docs/img/cdnow_calibration_holdout.png"
set title "CDNOW: holdout purchases (weeks 40-78) by calibration frequency"
set xlabel "repeat purchases in calibration (weeks 1-39)"
set ylabel "mean purchases in holdout"
set xtics ("0" 0, "1" 1, "2" 2, "3" 3, "4" 4, "5" 5, "6" 6, "7+" 7)
set key top left
set grid ytics
plot "$work/holdout.dat" using 1:3 with linespoints lw 2 pt 7 title "actual", \
	 "$work/holdout.dat" using 1:4 with linespoints lw 2 pt 5 dt 2 title "BG/NBD", \
	 "$work/holdout.dat" using 1:5 with linespoints lw 2 pt 9 dt 3 title "Pareto/NBD"
GP
echo "charts: wrote docs/img/cdnow_calibration_holdout.png"
cat "$work/holdout.dat"
