-- make demo, geography part: \i from scripts/demo.sql after the sample data is
-- loaded and scored. Skipped (with a message) when PostGIS is not installed.
-- Places the sample customers deterministically around five German cities by
-- their region, defines five territories, a few branches and a seminar, then
-- shows customers per territory and the seminar's invitation list.
SELECT count(*) = 2 AS crm_postgis_available FROM pg_available_extensions WHERE name IN ('postgis', 'crm_postgis') \gset
\if :crm_postgis_available
\echo '== Geography (crm_postgis): territories, nearest branch, event invitations'
CREATE EXTENSION IF NOT EXISTS crm_postgis CASCADE;

-- Region centres; customers scatter up to ~60 km around theirs, every 37th one lands far away.
CREATE TEMP TABLE demo_region (region text PRIMARY KEY, city text, lat float8, lon float8, owner name);
INSERT INTO demo_region VALUES
	('north', 'Hamburg', 53.55, 10.00, 'am_alice'), ('east', 'Berlin', 52.52, 13.40, 'am_bob'),
	('west', 'Cologne', 50.94, 6.96, 'am_carol'), ('central', 'Frankfurt', 50.11, 8.68, 'am_dave'),
	('south', 'Munich', 48.14, 11.58, 'am_erin');
INSERT INTO crm_postgis.customer_locations (customer_id, latitude, longitude, source)
SELECT c.customer_id,
	CASE WHEN c.customer_id % 37 = 0 THEN 47.5 + 7.5 * ((c.customer_id * 0.7548776662) % 1)
		 ELSE r.lat + 0.55 * (((c.customer_id * 0.7548776662) % 1) - 0.5) END,
	CASE WHEN c.customer_id % 37 = 0 THEN 5.5 + 9.5 * ((c.customer_id * 0.5698402910) % 1)
		 ELSE r.lon + 0.85 * (((c.customer_id * 0.5698402910) % 1) - 0.5) END,
	'demo'
FROM crm.customers c JOIN demo_region r ON r.region = coalesce(c.region, 'central')
ON CONFLICT (customer_id) DO NOTHING;

-- Territories: a box of about 1.2 x 1.6 degrees per city; "Frankfurt Metro" overlaps Central with a higher priority.
INSERT INTO crm_postgis.territories (name, owner, priority, boundary, region)
SELECT 'Demo ' || r.city, r.owner, 0,
	ST_MakeEnvelope(r.lon - 0.8, r.lat - 0.6, r.lon + 0.8, r.lat + 0.6, 4326)::geography, r.region
FROM demo_region r
UNION ALL
SELECT 'Demo Frankfurt Metro', 'am_frank', 10, ST_MakeEnvelope(8.45, 49.95, 8.90, 50.25, 4326)::geography, 'central'
ON CONFLICT (name) DO NOTHING;
INSERT INTO crm_postgis.sites (name, kind, region, latitude, longitude, opening_hours, time_zone)
SELECT 'Demo branch ' || r.city, 'branch', r.region, r.lat, r.lon,
	'{"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]], "thu": [["09:00", "18:00"]], "fri": [["09:00", "16:00"]]}',
	'Europe/Berlin'
FROM demo_region r
WHERE NOT EXISTS (SELECT 1 FROM crm_postgis.sites s WHERE s.name = 'Demo branch ' || r.city);
INSERT INTO crm_postgis.events (name, starts_at, site_id, radius_m, description)
SELECT 'Demo executive seminar Frankfurt', '2026-09-15 09:00+02', s.site_id, 50000, 'Customer seminar at the Frankfurt branch'
FROM crm_postgis.sites s WHERE s.name = 'Demo branch Frankfurt'
	AND NOT EXISTS (SELECT 1 FROM crm_postgis.events e WHERE e.name = 'Demo executive seminar Frankfurt');

\echo '-- territory assignment (inside by priority, else nearest within 25 km, else pool)'
SELECT crm_postgis.assign_territories() AS summary;

\echo '-- customers per territory (crm_postgis.territory_summary, the BI view)'
SELECT name AS territory, owner, customers, round(revenue_12m) AS revenue_12m, round(avg_health_score::numeric, 1) AS avg_health,
	churn_risk_customers AS churn_risk, round(clv_total::numeric) AS clv_total
FROM crm_postgis.territory_summary ORDER BY customers DESC, name;

\echo '-- nearest branch of the first three customers'
SELECT l.customer_id, n.name AS branch, round((n.distance_m / 1000)::numeric, 1) AS km
FROM (SELECT customer_id FROM crm_postgis.customer_locations ORDER BY customer_id LIMIT 3) l,
	crm_postgis.nearest_sites(l.customer_id, 1, 'branch') n;

\echo '-- invitation list: A-tier customers within 50 km of the Frankfurt seminar, then A and B tiers (first 10)'
SELECT count(*) AS a_tier_invitees FROM crm_postgis.invitation_list(
	(SELECT event_id FROM crm_postgis.events WHERE name = 'Demo executive seminar Frankfurt'), radius_m => 50000, tiers => '{A}');
SELECT customer_id, name, tier, rfm_segment, health_band, owner, round((distance_m / 1000)::numeric, 1) AS km
FROM crm_postgis.invitation_list(
	(SELECT event_id FROM crm_postgis.events WHERE name = 'Demo executive seminar Frankfurt'), radius_m => 50000, tiers => '{A,B}')
LIMIT 10;
\echo '-- invitation tasks for A and B tiers (crm.tasks, kind event_invitation; marketing needs opt-in consent, rerunning creates none)'
SELECT crm_postgis.invite_to_event(
	(SELECT event_id FROM crm_postgis.events WHERE name = 'Demo executive seminar Frankfurt'), radius_m => 50000, tiers => '{A,B}') AS invitations;
DROP TABLE demo_region;
\else
\echo '== Geography (crm_postgis) skipped: PostGIS is not installed on this server'
\endif
