#!/usr/bin/env bash
# charts.sh: `make charts`. Draws the documentation charts in docs/img from
# real SQL output (gnuplot), in a throwaway cluster:
#   cdnow_calibration_holdout.png  BG/NBD and Pareto/NBD fitted to the CDNOW
#       calibration period (to 1997-09-30, weeks): mean holdout purchases
#       (1997-10-01..1998-06-30) by calibration frequency, actual vs predicted.
#       Needs $CRM_CDNOW_FILE or ../shared/data/cdnow/ (skipped, saying so, if absent).
#   health_band_history.png  the sample data (20,000 customers, seed 42)
#       refreshed weekly through H1 2026: share of customers per health band,
#       from crm.health_band_history.
#   revenue_pareto_curve.png  the same data's crm.revenue_pareto_curve.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh

CRM_CDNOW_FILE=${CRM_CDNOW_FILE:-$(cd .. && pwd)/shared/data/cdnow/CDNOW_sample.txt}
export CRM_CDNOW_FILE
command -v gnuplot >/dev/null || { echo "charts: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }

build_and_install || exit 1
start_cluster || exit 1
crm_psql -c "CREATE EXTENSION crm" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"; stop_cluster' EXIT

mkdir -p docs/img
if [ ! -r "$CRM_CDNOW_FILE" ]; then
	echo "charts: CDNOW sample not found at $CRM_CDNOW_FILE: skipping the calibration/holdout chart"
else
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

gnuplot <<GP || exit 1
set terminal pngcairo noenhanced size 800,500 font "DejaVu Sans,11"
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
fi

# Sample data, refreshed every Sunday of H1 2026 (one history snapshot each).
crm_psql -q >/dev/null <<'SQL' || exit 1
SET client_min_messages = warning;
SELECT * FROM crm.load_sample(customers => 20000, seed => 42);
SELECT crm.refresh(d) FROM generate_series(timestamptz '2026-01-04', '2026-06-28', '7 days') d;
SQL
# One line per snapshot day: date healthy watch at_risk no_data (percent).
crm_psql -At -F ' ' >"$work/bands.dat" <<'SQL' || exit 1
SELECT snapshot_date,
	coalesce(sum(customer_share_pct) FILTER (WHERE health_band = 'healthy'), 0),
	coalesce(sum(customer_share_pct) FILTER (WHERE health_band = 'watch'), 0),
	coalesce(sum(customer_share_pct) FILTER (WHERE health_band = 'at_risk'), 0),
	coalesce(sum(customer_share_pct) FILTER (WHERE health_band = 'no_data'), 0)
FROM crm.health_band_history GROUP BY snapshot_date ORDER BY snapshot_date;
SQL
# One line per percent of customers: p cumulative_revenue_share_pct.
crm_psql -At -F ' ' >"$work/pareto.dat" <<'SQL' || exit 1
SELECT 0, 0 UNION ALL
SELECT customer_pct, cumulative_revenue_share_pct FROM crm.revenue_pareto_curve ORDER BY 1;
SQL
top20=$(awk '$1 == 20 { print $2 }' "$work/pareto.dat")

gnuplot <<GP || exit 1
set terminal pngcairo noenhanced size 800,500 font "DejaVu Sans,11"
set output "docs/img/health_band_history.png"
set title "Sample data (20,000 customers): health bands, weekly refresh, H1 2026"
set xdata time
set timefmt "%Y-%m-%d"
set format x "%b"
set ylabel "share of customers (%)"
set yrange [0:100]
set key outside right
set grid ytics
plot "$work/bands.dat" using 1:(\$2+\$3+\$4+\$5) with filledcurves x1 lc rgb "#bbbbbb" title "no data", \
	 "$work/bands.dat" using 1:(\$2+\$3+\$4) with filledcurves x1 lc rgb "#d62728" title "at risk (<50)", \
	 "$work/bands.dat" using 1:(\$2+\$3) with filledcurves x1 lc rgb "#ffbf00" title "watch (50-74)", \
	 "$work/bands.dat" using 1:2 with filledcurves x1 lc rgb "#2ca02c" title "healthy (>=75)"
set output "docs/img/revenue_pareto_curve.png"
unset xdata
set format x "%g"
set title "Sample data: cumulative share of 12-month revenue by customer rank"
set xlabel "top p% of customers by 12-month revenue"
set ylabel "share of 12-month revenue (%)"
set xrange [0:100]
set key inside bottom right
set arrow from 20, graph 0 to 20, graph 1 nohead dt 3
set label sprintf("top 20%%: %s%%", "$top20") at 22, 10
plot "$work/pareto.dat" using 1:2 with lines lw 2 title "crm.revenue_pareto_curve", \
	 x with lines dt 2 lc rgb "#888888" title "equal shares"
GP
echo "charts: wrote docs/img/health_band_history.png and docs/img/revenue_pareto_curve.png"
cat "$work/bands.dat"
