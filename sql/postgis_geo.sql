-- crm_postgis: locations, territories, nearest sites, invitations, visits and
-- regional views on small hand-checkable geometries. Independent truths used:
-- along the equator the WGS 84 geodesic is the equator itself, so distances are
-- a * dlon (a = 6378137 m): 0.1 deg = 11131.949079 m; through a pole, twice the
-- meridian arc 89..90 deg = 2 * 111693.864914 m (Simpson integration of the
-- meridian radius of curvature, computed outside PostgreSQL).
SET client_min_messages = warning;
SET timezone = 'UTC';
DROP EXTENSION IF EXISTS crm_postgis;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION crm_postgis;

-- Runs a statement; returns its SQLSTATE, message and hint instead of failing.
CREATE FUNCTION pg_temp.try(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	msg text; hint text; state text;
BEGIN
	EXECUTE statement;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT, state = RETURNED_SQLSTATE;
	RETURN state || ': ' || msg || coalesce(' | HINT: ' || nullif(hint, ''), '');
END
$$;
-- customer_id of an external id
CREATE FUNCTION pg_temp.cid(ext text) RETURNS bigint LANGUAGE sql AS $$
	SELECT customer_id FROM crm.customers WHERE external_id = ext $$;

INSERT INTO crm.customers (external_id, name, tier, owner) VALUES
	('c_city', 'City Co', 'A', 'am_old'), ('c_edge', 'Edge Co', 'B', NULL), ('c_corner', 'Corner Co', 'C', NULL),
	('c_low', 'Low Co', 'C', NULL), ('c_near', 'Near Co', 'B', 'am_old'), ('c_far', 'Far Co', 'A', 'am_old'),
	('c_fiji_w', 'Suva West', 'B', NULL), ('c_fiji_e', 'Suva East', 'B', NULL),
	('c_pole', 'Santa', 'A', NULL), ('c_arctic', 'Arctic Co', 'C', NULL), ('c_south', 'Amundsen', 'C', NULL),
	('c_inv1', 'Invitee One', 'A', NULL), ('c_inv2', 'Invitee Two', 'C', NULL), ('c_nowhere', 'No Location', 'A', NULL);

-- 1. Coordinates: NULL, NaN, infinity and out-of-range values are rejected with SQLSTATE, value, range and hint
SELECT pg_temp.try(format('SELECT crm_postgis.set_customer_location(%s, %s, %s)', pg_temp.cid('c_city'), lat, lon)) AS result, lat, lon
FROM (VALUES ('91', '0'), ('-90.5', '0'), ('95', '10'), ('0', '180.5'), ('0', '-181'), ('''NaN''', '0'), ('0', '''Infinity'''),
	('''-Infinity''', '0'), ('NULL', '0'), ('0', 'NULL')) AS v(lat, lon);
SELECT pg_temp.try('SELECT crm_postgis.set_customer_location(999999, 0, 0)') AS unknown_customer;
-- the table's own CHECKs reject what bypasses the function
SELECT pg_temp.try(format('INSERT INTO crm_postgis.customer_locations (customer_id, latitude, longitude) VALUES (%s, %s, %s)',
	pg_temp.cid('c_city'), lat, lon)) AS direct_insert
FROM (VALUES ('91', '0'), ('''NaN''', '0'), ('0', '''-Infinity'''), ('NULL', '0')) AS v(lat, lon);
-- the extremes themselves are valid
SELECT pg_temp.try('SELECT crm_postgis.make_location(90, 180)') AS north_east, pg_temp.try('SELECT crm_postgis.make_location(-90, -180)') AS south_west;
SELECT count(*) AS locations_after_rejections FROM crm_postgis.customer_locations;

SELECT crm_postgis.set_customer_location(pg_temp.cid(e), lat, lon)
FROM (VALUES ('c_city', 0, 0.5), ('c_edge', 0, 1.0), ('c_corner', 1, 0), ('c_low', 0.4, 1.2), ('c_near', 0, 2.1), ('c_far', 0, 2.5),
	('c_fiji_w', -18, 179.5), ('c_fiji_e', -18, -179.5), ('c_pole', 90, 0), ('c_arctic', 85, 123), ('c_south', -90, 0),
	('c_inv1', 0, 0.9), ('c_inv2', 0, 0.2)) AS v(e, lat, lon);
-- moving a customer replaces the row
SELECT crm_postgis.set_customer_location(pg_temp.cid('c_inv2'), 0, 0.2, 'geocoder');
SELECT count(*) AS located, count(*) FILTER (WHERE source = 'geocoder') AS from_geocoder FROM crm_postgis.customer_locations;
-- geography distances match the independent values (metres)
SELECT abs(crm_postgis.make_location(0, 0.5) <-> crm_postgis.make_location(0, 0.6)) IS NOT NULL AS knn_operator_works,
	abs(ST_Distance(crm_postgis.make_location(0, 179.95), crm_postgis.make_location(0, -179.95)) - 11131.949079) < 1e-3 AS antimeridian_0_1_deg,
	abs(ST_Distance(crm_postgis.make_location(89, 0), crm_postgis.make_location(89, 180)) - 2 * 111693.864914) < 1e-2 AS across_north_pole;

-- 2. Territories: shared edge, overlaps by priority, antimeridian, pole
INSERT INTO crm_postgis.territories (name, owner, priority, boundary) VALUES
	('west', 'am_west', 0, 'SRID=4326;POLYGON((0 -1,1 -1,1 1,0 1,0 -1))'),
	('east', 'am_east', 0, 'SRID=4326;POLYGON((1 -1,2 -1,2 1,1 1,1 -1))'),
	('city', 'am_city', 10, 'SRID=4326;POLYGON((0.4 -0.1,0.6 -0.1,0.6 0.1,0.4 0.1,0.4 -0.1))'),
	('low', 'am_low', -5, 'SRID=4326;POLYGON((0.8 -0.5,1.5 -0.5,1.5 0.5,0.8 0.5,0.8 -0.5))'),
	('fiji', 'am_pacific', 0, 'SRID=4326;POLYGON((178 -20,-178 -20,-178 -16,178 -16,178 -20))'),
	('arctic', 'am_arctic', 0, 'SRID=4326;POLYGON((0 80,90 80,180 80,-90 80,0 80))');
SELECT pg_temp.try($$INSERT INTO crm_postgis.territories (name, boundary) VALUES ('line', 'SRID=4326;LINESTRING(0 0,1 1)')$$) AS not_a_polygon;
-- planar geometry would get the antimeridian wrong; geography does not
SELECT ST_Covers(boundary::geometry, 'SRID=4326;POINT(179.5 -18)'::geometry) AS planar_says_inside,
	ST_Covers(boundary, 'SRID=4326;POINT(179.5 -18)'::geography) AS geography_says_inside
FROM crm_postgis.territories WHERE name = 'fiji';

-- dry run: counts only, writes nothing
SELECT crm_postgis.assign_territories(dry_run => true) AS dry_run;
SELECT (SELECT count(*) FROM crm_postgis.customer_territories) AS assignments_after_dry_run,
	(SELECT count(*) FROM crm.customers WHERE owner = 'am_old') AS old_owners_kept;
SELECT crm_postgis.assign_territories(dry_run => false) AS first_run;
SELECT c.external_id, t.name AS territory, ct.method, round(ct.distance_m::numeric, 3) AS distance_m, c.owner
FROM crm_postgis.customer_territories ct JOIN crm.customers c USING (customer_id)
LEFT JOIN crm_postgis.territories t USING (territory_id) ORDER BY c.customer_id;
-- c_near is 0.1 deg east of east's edge on the equator: exactly a * 0.1 deg
SELECT abs(distance_m - 11131.949079) < 1e-3 AS near_distance_exact FROM crm_postgis.customer_territories WHERE customer_id = pg_temp.cid('c_near');
-- idempotent: a second run changes nothing
SELECT crm_postgis.assign_territories() AS second_run;
-- priority decides the shared edge: east now outranks west
UPDATE crm_postgis.territories SET priority = 1 WHERE name = 'east';
SELECT crm_postgis.assign_territories() AS after_priority_change;
SELECT t.name AS edge_customer_territory, c.owner FROM crm_postgis.customer_territories ct
JOIN crm_postgis.territories t USING (territory_id) JOIN crm.customers c USING (customer_id) WHERE ct.customer_id = pg_temp.cid('c_edge');
-- a wider fallback reaches c_far (0.5 deg = 55659.745 m); the pool owner setting names pool owners
SELECT method, round(distance_m::numeric, 3) AS distance_m FROM crm_postgis.proposed_assignments(fallback_distance_m => 60000)
WHERE customer_id = pg_temp.cid('c_far');
SELECT crm_postgis.set_setting('pool_owner', '"am_pool"');
SELECT crm_postgis.assign_territories() AS pool_owner_set;
SELECT c.external_id, c.owner FROM crm.customers c WHERE c.external_id IN ('c_far', 'c_south') ORDER BY 1;
SELECT crm_postgis.set_setting('pool_owner', NULL);
SELECT pg_temp.try('SELECT crm_postgis.assign_territories(fallback_distance_m => -1)') AS negative_fallback;
-- a removed location removes the assignment
SELECT crm_postgis.delete_customer_location(pg_temp.cid('c_south')) AS deleted;
SELECT crm_postgis.assign_territories(dry_run => true)->'removed' AS would_remove, crm_postgis.assign_territories()->'removed' AS removed;
-- the dry-run proposal equals what a real run wrote
SELECT count(*) AS proposal_differs_from_table FROM crm_postgis.proposed_assignments() p
JOIN crm_postgis.customer_territories ct USING (customer_id)
WHERE p.assignment_changed OR (p.territory_id, p.method, p.owner) IS DISTINCT FROM (ct.territory_id, ct.method, ct.owner);

-- 3. Nearest sites (KNN), checked by hand on the equator and by brute force elsewhere
INSERT INTO crm_postgis.sites (name, kind, latitude, longitude, opening_hours, time_zone, active) VALUES
	('Store Zero', 'store', 0, 0.0, NULL, 'UTC', true),
	('Branch Point Three', 'branch', 0, 0.3, '{"mon": [["09:00", "12:30"], ["13:30", "17:00"]], "sat": [["10:00", "14:00"]]}', 'Europe/Berlin', true),
	('Office One', 'office', 0, 1.05, NULL, 'UTC', true),
	('Closed Venue', 'venue', 0, 0.5, NULL, 'UTC', false);
SELECT rank, name, kind, round(distance_m::numeric, 3) AS distance_m FROM crm_postgis.nearest_sites(pg_temp.cid('c_city'), 3);
SELECT bool_and(abs(distance_m - expected) < 1e-3) AS equator_distances_exact
FROM crm_postgis.nearest_sites(pg_temp.cid('c_city'), 3) JOIN (VALUES (1, 22263.898159), (2, 55659.745397), (3, 61225.719936)) AS v(rank, expected) USING (rank);
SELECT name FROM crm_postgis.nearest_sites(pg_temp.cid('c_city'), 5, site_kind => 'office');
SELECT name FROM crm_postgis.nearest_sites(pg_temp.cid('c_city'), 5, max_distance_m => 30000);
-- opening hours: Monday 2026-11-23 in Berlin (UTC+1)
SELECT at, (SELECT string_agg(name, ', ' ORDER BY rank) FROM crm_postgis.nearest_sites(pg_temp.cid('c_city'), 3, open_at => at)) AS open_sites
FROM (VALUES (TIMESTAMPTZ '2026-11-23 08:30+00'), ('2026-11-23 11:45+00'), ('2026-11-23 16:30+00'), ('2026-11-22 10:00+00')) AS v(at);
SELECT pg_temp.try($$INSERT INTO crm_postgis.sites (name, kind, latitude, longitude, opening_hours) VALUES ('x', 'store', 0, 0, '{"mon": [["17:00", "09:00"]]}')$$) AS bad_hours,
	pg_temp.try($$INSERT INTO crm_postgis.sites (name, kind, latitude, longitude, time_zone) VALUES ('x', 'store', 0, 0, 'Mars/Olympus')$$) AS bad_zone;
SELECT pg_temp.try($$SELECT * FROM crm_postgis.nearest_sites(pg_temp.cid('c_nowhere'))$$) AS no_location,
	pg_temp.try($$SELECT * FROM crm_postgis.nearest_sites_to(0, 0, 0)$$) AS k_zero,
	pg_temp.try($$SELECT * FROM crm_postgis.nearest_sites_to(100, 0)$$) AS bad_point;
-- brute force: 400 sites spread over the globe (incl. both sides of the antimeridian), 60 query points
INSERT INTO crm_postgis.sites (name, kind, latitude, longitude)
SELECT 'bf' || i, 'other', -80 + 160 * ((i * 0.7548776662) % 1), -180 + 360 * ((i * 0.5698402910) % 1) FROM generate_series(1, 400) i;
WITH q AS (SELECT i, -85 + 170 * ((i * 0.3819660113) % 1) AS lat, -180 + 360 * ((i * 0.6180339887) % 1) AS lon FROM generate_series(1, 60) i),
knn AS (SELECT q.i, array_agg(n.site_id ORDER BY n.rank) AS ids FROM q, crm_postgis.nearest_sites_to(q.lat, q.lon, 3) n GROUP BY q.i),
brute AS (SELECT q.i, (SELECT array_agg(site_id) FROM (SELECT s.site_id FROM crm_postgis.sites s WHERE s.active
		ORDER BY ST_Distance(s.location, crm_postgis.make_location(q.lat, q.lon)), s.site_id LIMIT 3) b) AS ids FROM q)
SELECT count(*) AS queries, count(*) FILTER (WHERE knn.ids = brute.ids) AS knn_equals_brute_force FROM knn JOIN brute USING (i);
-- the per-customer view agrees with the function
SELECT count(*) AS located, count(*) FILTER (WHERE v.site_id = (SELECT site_id FROM crm_postgis.nearest_sites(v.customer_id))) AS view_matches_function
FROM crm_postgis.customer_nearest_site v;
DELETE FROM crm_postgis.sites WHERE name LIKE 'bf%';

-- 4. Event invitations: "A-tier customers within 50 km of the seminar"
INSERT INTO crm_postgis.events (name, starts_at, latitude, longitude, radius_m) VALUES ('Seminar', '2027-03-10 09:00+00', 0, 0.5, 50000);
INSERT INTO crm_postgis.events (name, starts_at, site_id) SELECT 'Branch open day', '2027-04-01 10:00+00', site_id FROM crm_postgis.sites WHERE name = 'Branch Point Three';
-- c_city 0 m, c_inv2 0.3 deg = 33395.847 m, c_inv1 0.4 deg = 44527.796 m, c_edge 0.5 deg = 55659.745 m (outside 50 km)
SELECT name, tier, round(distance_m::numeric, 3) AS distance_m FROM crm_postgis.invitation_list((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'));
SELECT name, tier FROM crm_postgis.invitation_list((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), tiers => '{A}');
SELECT name FROM crm_postgis.invitation_list((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), radius_m => 55660);
-- venue from the site (lon 0.3): c_inv2 0.1 deg, c_city 0.2 deg
SELECT name, round(distance_m::numeric, 3) AS distance_m FROM crm_postgis.invitation_list((SELECT event_id FROM crm_postgis.events WHERE name = 'Branch open day'), radius_m => 25000);
-- segment and health-band filters read crm.customer_scores
INSERT INTO crm.customer_scores (customer_id, as_of, computed_at, rfm_segment, health_score, health_band, clv, revenue_12m)
VALUES (pg_temp.cid('c_city'), now(), now(), 'champions', 80, 'healthy', 500, 100),
	(pg_temp.cid('c_inv1'), now(), now(), 'at_risk', 20, 'at_risk', 300, 40),
	(pg_temp.cid('c_corner'), now(), now(), 'loyal', 60, 'watch', 100, 10);
SELECT name, health_band FROM crm_postgis.invitation_list((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), tiers => '{A}', health_bands => '{healthy}');
SELECT name, rfm_segment FROM crm_postgis.invitation_list((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), segments => '{at_risk,loyal}');
SELECT pg_temp.try('SELECT * FROM crm_postgis.invitation_list(999999)') AS unknown_event,
	pg_temp.try('SELECT * FROM crm_postgis.customers_within(0, 0, -5)') AS negative_radius;
-- invitation tasks: one per invitee with consent (crm.may_contact: marketing is opt-in), deterministic dedup key, never duplicated
INSERT INTO crm.consent (customer_id, channel, purpose, granted) VALUES
	(pg_temp.cid('c_city'), 'email', 'marketing', true), (pg_temp.cid('c_inv1'), 'email', 'marketing', true),
	(pg_temp.cid('c_inv2'), 'email', 'marketing', true), (pg_temp.cid('c_city'), 'phone', 'marketing', true),
	(pg_temp.cid('c_inv1'), 'phone', NULL, false);
SELECT crm_postgis.invite_to_event((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), tiers => '{A}') AS first_invite;
SELECT crm_postgis.invite_to_event((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar')) AS second_invite;
SELECT c.external_id, t.kind, t.title, t.channel, t.owner = c.owner OR (t.owner IS NULL AND c.owner IS NULL) AS owner_is_customer_owner,
	t.due_at = TIMESTAMPTZ '2027-03-10 09:00+00' - interval '14 days' AS due_14_days_before,
	t.dedup_key = format('event_invitation:%s:%s', e.event_id, c.customer_id) AS dedup_key_ok, t.source
FROM crm.tasks t JOIN crm.customers c USING (customer_id) JOIN crm_postgis.events e ON e.name = 'Seminar'
WHERE t.kind = 'event_invitation' ORDER BY c.customer_id;
-- by phone (open day at the branch: c_inv2 and c_city within 50 km): only c_city opted in to phone marketing
SELECT crm_postgis.invite_to_event((SELECT event_id FROM crm_postgis.events WHERE name = 'Branch open day'), channel => 'phone') AS phone_marketing;
-- service contact needs no opt-in: c_inv2 now gets one; c_city already has its task (same dedup key)
SELECT crm_postgis.invite_to_event((SELECT event_id FROM crm_postgis.events WHERE name = 'Branch open day'), channel => 'phone', purpose => 'service') AS phone_service;
SELECT c.external_id, t.channel FROM crm.tasks t JOIN crm.customers c USING (customer_id)
WHERE t.dedup_key LIKE format('event_invitation:%s:%%', (SELECT event_id FROM crm_postgis.events WHERE name = 'Branch open day')) ORDER BY 1;
-- outbox messages instead of tasks, through crm.queue_message (template, consent, address, dedup)
INSERT INTO crm.message_templates (template, channel, purpose, subject, body) VALUES
	('event_invite', 'email', 'marketing', 'Invitation: {{event_name}} on {{event_date}}', 'Dear {{customer_name}}, we are {{distance_km}} km from you.');
UPDATE crm.customers SET email = external_id || '@example.com' WHERE external_id IN ('c_city', 'c_inv1');
SELECT crm_postgis.invite_to_event((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), message_template => 'event_invite') AS queued;
SELECT crm_postgis.invite_to_event((SELECT event_id FROM crm_postgis.events WHERE name = 'Seminar'), message_template => 'event_invite') AS queued_again;
SELECT c.external_id, o.channel, o.recipient, o.subject, o.body, o.source FROM crm.outbox o JOIN crm.customers c USING (customer_id) ORDER BY 1;

-- 5. Visit planning: am_visit starts at (0, 0); visits at lon 0.1, 0.3, 0.5, -0.2 (equator).
-- Nearest neighbour: 0.1 (0.1 deg), 0.3 (0.2), 0.5 (0.2), -0.2 (0.7): total 1.2 deg = 133583.389 m; back to start +0.2 deg.
INSERT INTO crm.customers (external_id, name) VALUES ('v1', 'Visit 0.1'), ('v3', 'Visit 0.3'), ('v5', 'Visit 0.5'), ('vm2', 'Visit -0.2'), ('vfar', 'Visit far'), ('vnoloc', 'Visit unlocated');
SELECT crm_postgis.set_customer_location(pg_temp.cid(e), 0, lon)
FROM (VALUES ('v1', 0.1), ('v3', 0.3), ('v5', 0.5), ('vm2', -0.2), ('vfar', 2.0)) AS v(e, lon);
INSERT INTO crm.tasks (customer_id, kind, title, channel, owner, due_at, status, completed_at) VALUES
	(pg_temp.cid('v1'), 'onsite_visit', 'visit', 'visit', 'am_visit', '2027-01-15 10:00+00', 'open', NULL),
	(pg_temp.cid('v3'), 'executive_visit', 'CEO meets CEO', 'phone', 'am_visit', '2027-01-15 15:00+00', 'open', NULL),
	(pg_temp.cid('v3'), 'onsite_visit', 'second task, same stop', 'visit', 'am_visit', '2027-01-15 09:00+00', 'open', NULL),
	(pg_temp.cid('v5'), 'onsite_visit', 'overdue', 'visit', 'am_visit', '2027-01-10 10:00+00', 'open', NULL),
	(pg_temp.cid('vm2'), 'quarterly_review', 'on site', 'visit', 'am_visit', '2027-01-15 23:59+00', 'open', NULL),
	(pg_temp.cid('vfar'), 'onsite_visit', 'too far (222 km)', 'visit', 'am_visit', '2027-01-15 10:00+00', 'open', NULL),
	(pg_temp.cid('vnoloc'), 'onsite_visit', 'no location', 'visit', 'am_visit', '2027-01-15 10:00+00', 'open', NULL),
	(pg_temp.cid('v1'), 'onsite_visit', 'tomorrow', 'visit', 'am_visit', '2027-01-16 10:00+00', 'open', NULL),
	(pg_temp.cid('v1'), 'onsite_visit', 'done', 'visit', 'am_visit', '2027-01-15 10:00+00', 'done', now()),
	(pg_temp.cid('v1'), 'onsite_visit', 'someone else', 'visit', 'am_other', '2027-01-15 10:00+00', 'open', NULL),
	(pg_temp.cid('v1'), 'renewal_call', 'not a visit', 'phone', 'am_visit', '2027-01-15 10:00+00', 'open', NULL);
SET client_min_messages = notice;
SELECT stop, customer_name, array_length(task_ids, 1) AS tasks, task_kinds, round(leg_m::numeric, 3) AS leg_m, round(cumulative_m::numeric, 3) AS cumulative_m, round(total_m::numeric, 3) AS total_m
FROM crm_postgis.plan_visits('am_visit', '2027-01-15', 0, 0);
SET client_min_messages = warning;
SELECT abs(max(total_m) - 133583.388952) < 1e-3 AS total_exact FROM crm_postgis.plan_visits('am_visit', '2027-01-15', 0, 0);
SELECT abs(max(total_m) - 155847.287111) < 1e-3 AS round_trip_exact FROM crm_postgis.plan_visits('am_visit', '2027-01-15', 0, 0, return_to_start => true);
SELECT string_agg(customer_name, ' -> ' ORDER BY stop) AS without_overdue FROM crm_postgis.plan_visits('am_visit', '2027-01-15', 0, 0, include_overdue => false);
SELECT string_agg(customer_name, ' -> ' ORDER BY stop) AS from_branch_site
FROM crm_postgis.plan_visits('am_visit', '2027-01-15', (SELECT site_id FROM crm_postgis.sites WHERE name = 'Branch Point Three'));
SELECT pg_temp.try($$SELECT * FROM crm_postgis.plan_visits('am_visit', '2027-01-15', 0, 'NaN')$$) AS bad_start;

-- 6. Regional view: per territory customers, revenue, health, churn risk, CLV (values from the scores inserted above)
SELECT crm_postgis.assign_territories()->'changed' AS changed_by_new_customers;
SELECT name, owner, customers, revenue_12m, avg_health_score, churn_risk_customers, clv_total,
	boundary IS NOT NULL AS has_boundary, boundary_geojson::json->>'type' AS geojson_type
FROM crm_postgis.territory_summary;
SELECT sum(customers) = (SELECT count(*) FROM crm_postgis.customer_locations) AS every_located_customer_once
FROM crm_postgis.territory_summary;

-- 6b. crm.refresh() assigns territories as its last stage when crm_postgis is installed
SELECT crm_postgis.set_customer_location(pg_temp.cid('c_inv2'), 0, 1.25, 'geocoder');
SELECT status FROM crm.refresh('2026-06-30', refit => false);
SELECT stage, row_count FROM crm.refresh_stages
WHERE run_id = (SELECT max(run_id) FROM crm.refresh_runs) AND stage = 'territories';
SELECT t.name AS moved_customer_territory, c.owner FROM crm_postgis.customer_territories ct
JOIN crm_postgis.territories t USING (territory_id) JOIN crm.customers c USING (customer_id) WHERE ct.customer_id = pg_temp.cid('c_inv2');
SELECT crm_postgis.assign_territories()->'changed' AS changed_after_refresh;

-- 7. Labels: readers are STABLE, writers VOLATILE; every function pins search_path; views are security_invoker
SELECT p.proname, p.provolatile, p.proconfig FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm_postgis'
ORDER BY 1, 2;
SELECT c.relname, c.reloptions FROM pg_class c WHERE c.relnamespace = 'crm_postgis'::regnamespace AND c.relkind = 'v' ORDER BY 1;

DROP EXTENSION crm_postgis;
DROP EXTENSION crm CASCADE;
CREATE EXTENSION crm;
