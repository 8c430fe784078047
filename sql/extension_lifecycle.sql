-- CREATE EXTENSION crm; DROP EXTENSION crm; leaves no database objects behind,
-- settings are a config table (pg_dump keeps users' values), and the
-- settings API checks names and types.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
DROP SCHEMA IF EXISTS crm;	-- the empty schema an earlier DROP EXTENSION leaves (see below)
RESET client_min_messages;
\set VERBOSITY terse
CREATE TEMP TABLE objects_before AS
SELECT 'pg_class' AS catalog, oid FROM pg_class WHERE relpersistence <> 't'
UNION ALL SELECT 'pg_proc', oid FROM pg_proc
UNION ALL SELECT 'pg_type', oid FROM pg_type WHERE typnamespace <> pg_my_temp_schema()
UNION ALL SELECT 'pg_namespace', oid FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'
UNION ALL SELECT 'pg_operator', oid FROM pg_operator
UNION ALL SELECT 'pg_cast', oid FROM pg_cast
UNION ALL SELECT 'pg_trigger', oid FROM pg_trigger
UNION ALL SELECT 'pg_constraint', oid FROM pg_constraint
UNION ALL SELECT 'pg_event_trigger', oid FROM pg_event_trigger
UNION ALL SELECT 'pg_opclass', oid FROM pg_opclass
UNION ALL SELECT 'pg_policy', oid FROM pg_policy;

CREATE EXTENSION crm;
SELECT extname, extversion, extrelocatable, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'crm';
-- crm needs neither pg_cron nor PostGIS
SELECT requires FROM pg_available_extension_versions WHERE name = 'crm';

-- Config tables registered for pg_dump
SELECT unnest(extconfig)::regclass::text AS config_table FROM pg_extension WHERE extname = 'crm' ORDER BY 1;

-- Settings: defaults, overrides, reset, bad names and types
SELECT crm.setting('time_unit');
SELECT crm.set_setting('time_unit', '"day"');
SELECT crm.setting('time_unit');
SELECT crm.set_setting('time_unit', NULL);
SELECT crm.setting('time_unit');
SELECT crm.setting('no_such_setting');
SELECT crm.set_setting('time_unit', '7');
SELECT crm.set_setting('time_unit', '"fortnight"');
SELECT crm.set_setting('clv_horizon_months', '0');
SELECT crm.set_setting('clv_discount_rate_annual', '-0.1');

DROP EXTENSION crm;
-- Left behind: only the schema crm, empty. PostgreSQL creates the schema that
-- crm.control names when it is missing, but does not make it a member of the
-- extension (so for every extension with a fixed schema); DROP SCHEMA crm
-- removes it.
SELECT catalog, count(*) AS objects_left_behind FROM (
	SELECT 'pg_class' AS catalog, oid FROM pg_class WHERE relpersistence <> 't'
	UNION ALL SELECT 'pg_proc', oid FROM pg_proc
	UNION ALL SELECT 'pg_type', oid FROM pg_type WHERE typnamespace <> pg_my_temp_schema()
	UNION ALL SELECT 'pg_namespace', oid FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_'
	UNION ALL SELECT 'pg_operator', oid FROM pg_operator
	UNION ALL SELECT 'pg_cast', oid FROM pg_cast
	UNION ALL SELECT 'pg_trigger', oid FROM pg_trigger
	UNION ALL SELECT 'pg_constraint', oid FROM pg_constraint
	UNION ALL SELECT 'pg_event_trigger', oid FROM pg_event_trigger
	UNION ALL SELECT 'pg_opclass', oid FROM pg_opclass
	UNION ALL SELECT 'pg_policy', oid FROM pg_policy
	EXCEPT SELECT catalog, oid FROM objects_before) AS left_behind
GROUP BY catalog ORDER BY catalog;
SELECT n.nspname AS schema_left_behind,
	(SELECT count(*) FROM pg_class WHERE relnamespace = n.oid) + (SELECT count(*) FROM pg_proc WHERE pronamespace = n.oid)
	+ (SELECT count(*) FROM pg_type WHERE typnamespace = n.oid) + (SELECT count(*) FROM pg_operator WHERE oprnamespace = n.oid)
	AS objects_in_it
FROM pg_namespace n WHERE n.oid NOT IN (SELECT oid FROM objects_before WHERE catalog = 'pg_namespace')
  AND n.nspname !~ '^pg_(toast_)?temp_';
DROP SCHEMA crm;
-- The group roles are cluster-wide and stay (other databases may use them)
SELECT rolname FROM pg_roles WHERE rolname LIKE 'crm\_%' ORDER BY 1;
CREATE EXTENSION crm;
