-- crm_postgis lifecycle: CREATE EXTENSION fails clearly without crm or
-- PostGIS; PostGIS may live in any schema (not on the search_path); every
-- object is commented; privileges; DROP EXTENSION crm_postgis leaves crm intact.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm_postgis;
DROP EXTENSION IF EXISTS crm CASCADE;
DROP EXTENSION IF EXISTS postgis CASCADE;
\set VERBOSITY default

-- Missing requirements give a clear error and hint
CREATE EXTENSION crm_postgis;
CREATE EXTENSION crm;
CREATE EXTENSION crm_postgis;
SELECT requires FROM pg_available_extension_versions WHERE name = 'crm_postgis';
-- crm itself never needs PostGIS
SELECT requires FROM pg_available_extension_versions WHERE name = 'crm';

-- PostGIS in its own schema, not on anybody's search_path (roles need USAGE on it, as for any PostGIS use)
CREATE SCHEMA gis;
CREATE EXTENSION postgis SCHEMA gis;
GRANT USAGE ON SCHEMA gis TO PUBLIC;
-- a pre-existing crm_postgis schema (possibly with trojan objects) is refused
CREATE SCHEMA crm_postgis;
CREATE EXTENSION crm_postgis;
DROP SCHEMA crm_postgis;
CREATE TEMP TABLE objects_before AS
SELECT 'pg_class' AS catalog, oid FROM pg_class WHERE relpersistence <> 't'
UNION ALL SELECT 'pg_proc', oid FROM pg_proc
UNION ALL SELECT 'pg_type', oid FROM pg_type WHERE typnamespace <> pg_my_temp_schema()
UNION ALL SELECT 'pg_namespace', oid FROM pg_namespace
UNION ALL SELECT 'pg_trigger', oid FROM pg_trigger
UNION ALL SELECT 'pg_constraint', oid FROM pg_constraint;
CREATE EXTENSION crm_postgis;
SELECT extname, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE extname IN ('crm', 'postgis', 'crm_postgis') ORDER BY 1;
SET search_path = public;
INSERT INTO crm.customers (external_id, name, owner) VALUES ('k1', 'Kept One', 'am_manual'), ('k2', 'Kept Two', NULL);
SELECT crm_postgis.set_customer_location(customer_id, 0, 0.5) FROM crm.customers WHERE external_id = 'k1';
INSERT INTO crm_postgis.territories (name, owner, boundary)
SELECT 'square', 'am_square', gis.ST_GeogFromText('SRID=4326;POLYGON((0 -1,1 -1,1 1,0 1,0 -1))');
SELECT crm_postgis.assign_territories() AS assigned;
SELECT external_id, owner FROM crm.customers ORDER BY 1;
INSERT INTO crm_postgis.sites (name, kind, latitude, longitude) VALUES ('Branch', 'branch', 0, 0.3);
-- 0.1 deg along the equator = 11131.949 m
SELECT name, round(distance_m::numeric, 3) AS distance_m FROM crm_postgis.nearest_sites_to(0, 0.4);
RESET search_path;

-- The install helper is gone; every member object has a comment; settings are config tables
SELECT count(*) AS install_helper_left FROM pg_proc WHERE proname = 'install_sql' AND pronamespace = 'crm_postgis'::regnamespace;
WITH members AS (
	SELECT d.classid, d.objid, CASE d.classid
		WHEN 'pg_proc'::regclass THEN obj_description(d.objid, 'pg_proc') IS NOT NULL
		WHEN 'pg_type'::regclass THEN obj_description(d.objid, 'pg_type') IS NOT NULL
		WHEN 'pg_class'::regclass THEN obj_description(d.objid, 'pg_class') IS NOT NULL
		WHEN 'pg_namespace'::regclass THEN obj_description(d.objid, 'pg_namespace') IS NOT NULL END AS commented
	FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm_postgis'
	WHERE d.deptype = 'e' AND (d.classid IN ('pg_proc'::regclass, 'pg_namespace'::regclass)
		OR (d.classid = 'pg_type'::regclass AND (SELECT typtype = 'e' FROM pg_type WHERE oid = d.objid))
		OR (d.classid = 'pg_class'::regclass AND (SELECT relkind IN ('r', 'v') FROM pg_class WHERE oid = d.objid))))
SELECT count(*) AS functions_tables_views_types_schema, count(*) FILTER (WHERE NOT commented) AS uncommented,
	string_agg(pg_describe_object(classid, objid, 0), ', ') FILTER (WHERE NOT commented) AS which
FROM members;
SELECT c.relname || '.' || a.attname AS uncommented_column
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'crm_postgis'::regnamespace AND c.relkind = 'r' AND col_description(c.oid, a.attnum) IS NULL
	AND a.attname NOT IN ('customer_id', 'site_id', 'territory_id', 'event_id') ORDER BY 1;
SELECT unnest(extconfig)::regclass AS config_table FROM pg_extension WHERE extname = 'crm_postgis' ORDER BY 1;

-- Privileges: analysts read, only crm_admin writes
SET ROLE crm_analyst;
SELECT count(*) AS analyst_sees_territories FROM crm_postgis.territory_summary;
SELECT crm_postgis.assign_territories();
SELECT crm_postgis.set_customer_location(1, 0, 0);
RESET ROLE;

-- DROP EXTENSION crm_postgis leaves crm (objects, rows, owners) intact
CREATE TEMP TABLE crm_objects AS
SELECT classid, objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm' WHERE d.deptype = 'e';
CREATE TEMP TABLE crm_rows AS SELECT external_id, owner FROM crm.customers;
DROP EXTENSION crm_postgis;
SELECT (SELECT count(*) FROM crm_objects) > 0 AS crm_has_objects,
	(SELECT count(*) FROM (SELECT classid, objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm'
		WHERE d.deptype = 'e' EXCEPT SELECT * FROM crm_objects) x) AS crm_objects_added,
	(SELECT count(*) FROM (SELECT * FROM crm_objects EXCEPT SELECT classid, objid FROM pg_depend d
		JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'crm' WHERE d.deptype = 'e') x) AS crm_objects_lost,
	(SELECT count(*) FROM (SELECT * FROM crm_rows EXCEPT SELECT external_id, owner FROM crm.customers) x) AS customer_rows_changed,
	to_regnamespace('crm_postgis') IS NULL AS schema_gone,
	EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') AS postgis_kept;
SELECT crm.setting('time_unit') AS crm_still_works;
-- nothing of crm_postgis is left behind
SELECT catalog, count(*) AS objects_left_behind FROM (
	SELECT 'pg_class' AS catalog, oid FROM pg_class WHERE relpersistence <> 't'
	UNION ALL SELECT 'pg_proc', oid FROM pg_proc
	UNION ALL SELECT 'pg_type', oid FROM pg_type WHERE typnamespace <> pg_my_temp_schema()
	UNION ALL SELECT 'pg_namespace', oid FROM pg_namespace
	UNION ALL SELECT 'pg_trigger', oid FROM pg_trigger
	UNION ALL SELECT 'pg_constraint', oid FROM pg_constraint
	EXCEPT SELECT catalog, oid FROM objects_before) AS left_behind
GROUP BY catalog ORDER BY catalog;
-- and it installs again
CREATE EXTENSION crm_postgis;
DROP EXTENSION crm_postgis;
DROP EXTENSION postgis;
DROP SCHEMA gis;
DROP EXTENSION crm CASCADE;
CREATE EXTENSION crm;
