-- make bench, geography part: \i from scripts/bench.sql after the sample data
-- is loaded (uses its pg_temp.bench_ms and bench_result). Skipped when PostGIS
-- is not installed. Generates, deterministically, a location for every
-- customer (Weyl sequences over a Europe-sized box), 1,000 territories (a
-- grid of 1-degree cells with small overlaps and a few holes) and 2,000 sites,
-- then times territory assignment and KNN nearest site for all customers.
-- Note: assign_territories sets crm.customers.owner; run this part last.
SELECT count(*) = 2 AS crm_postgis_available FROM pg_available_extensions WHERE name IN ('postgis', 'crm_postgis') \gset
\if :crm_postgis_available
CREATE EXTENSION IF NOT EXISTS crm_postgis CASCADE;
SELECT least(:reps, 3) AS postgis_reps \gset

-- Wall time (ms) of one run of query (for runs that change state, e.g. a first assignment).
CREATE FUNCTION pg_temp.bench_once_ms(query text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	EXECUTE query;
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
$$;

\echo == crm_postgis: locations for every customer, 1000 territories, 2000 sites
\timing on
INSERT INTO crm_postgis.customer_locations (customer_id, latitude, longitude, source)
SELECT c.customer_id, 35 + 25 * ((c.customer_id * 0.7548776662466927) % 1), -10 + 41 * ((c.customer_id * 0.5698402909980532) % 1), 'bench'
FROM crm.customers c
ON CONFLICT (customer_id) DO NOTHING;
-- 41 x 25 one-degree cells, every 41st left out (a hole: fallback or pool) = 1000 territories;
-- cells in odd columns reach 0.02 degrees into their east neighbour (overlaps resolved by priority).
INSERT INTO crm_postgis.territories (name, owner, priority, boundary)
SELECT format('bench-%s-%s', i, j), format('am_%s', (i * 25 + j) % 97), (i * 7 + j * 3) % 5,
	ST_MakeEnvelope(-10 + i, 35 + j, -10 + i + 1 + CASE WHEN i % 2 = 1 THEN 0.02 ELSE 0 END, 35 + j + 1, 4326)::geography
FROM generate_series(0, 40) i, generate_series(0, 24) j
WHERE (i * 25 + j) % 41 <> 0;
INSERT INTO crm_postgis.sites (name, kind, latitude, longitude)
SELECT format('bench-site-%s', k), (ARRAY['branch', 'store', 'office'])[1 + k % 3]::crm_postgis.site_kind,
	35 + 25 * ((k * 0.3819660112501051) % 1), -10 + 41 * ((k * 0.6180339887498949) % 1)
FROM generate_series(1, 2000) k;
\timing off
VACUUM ANALYZE crm_postgis.customer_locations, crm_postgis.territories, crm_postgis.sites;
SELECT (SELECT count(*) FROM crm_postgis.customer_locations) AS located_customers,
	(SELECT count(*) FROM crm_postgis.territories) AS territories, (SELECT count(*) FROM crm_postgis.sites) AS sites;

\echo == crm_postgis: territory assignment (first run writes every customer and owner; then dry runs) vs the bare spatial join
INSERT INTO bench_result
SELECT format('assign_territories first run, %s customers x 1000 territories', (SELECT count(*) FROM crm_postgis.customer_locations)),
	pg_temp.bench_once_ms($q$SELECT crm_postgis.assign_territories()$q$),
	'bare ST_Covers join (count of customer-territory pairs)',
	pg_temp.bench_ms($q$SELECT count(*) FROM crm_postgis.territories t
		JOIN crm_postgis.customer_locations l ON ST_Covers(t.boundary, l.location)$q$, :postgis_reps),
	'report (writes every assignment and owner)';
SELECT crm_postgis.assign_territories(dry_run => true) AS assignment_summary;
INSERT INTO bench_result
SELECT 'assign_territories(dry_run => true), steady state',
	pg_temp.bench_ms($q$SELECT crm_postgis.assign_territories(dry_run => true)$q$, :postgis_reps),
	'bare ST_Covers join (count of customer-territory pairs)',
	pg_temp.bench_ms($q$SELECT count(*) FROM crm_postgis.territories t
		JOIN crm_postgis.customer_locations l ON ST_Covers(t.boundary, l.location)$q$, :postgis_reps),
	'<= 5x';

\echo == crm_postgis: KNN nearest site for every customer vs a bare KNN (LIMIT 1, no distance); one run each (minutes at 1M)
INSERT INTO bench_result
SELECT format('nearest site (KNN + ellipsoid re-rank + distance), %s customers x 2000 sites, 1 run', (SELECT count(*) FROM crm_postgis.customer_locations)),
	pg_temp.bench_once_ms($q$SELECT count(*), sum(distance_m) FROM crm_postgis.customer_nearest_site$q$),
	'bare LATERAL KNN: ORDER BY location <-> LIMIT 1 (serial), 1 run',
	pg_temp.bench_once_ms($q$SELECT count(n.site_id) FROM crm_postgis.customer_locations l
		CROSS JOIN LATERAL (SELECT s.site_id FROM crm_postgis.sites s ORDER BY s.location <-> l.location LIMIT 1) n$q$),
	'<= 3x (ellipsoid re-rank of 4 candidates)';
\else
\echo == crm_postgis benchmarks skipped: PostGIS is not installed on this server
\endif
