-- crm 1.0 install script, assembled by the Makefile from src/sql/*.sql.
-- Security: every object is schema-qualified (crm. or pg_catalog.); functions
-- pin search_path; nothing outside the extension is created or replaced,
-- except the three group roles below (cluster-wide, created only if missing).

\echo Use "CREATE EXTENSION crm" to load this file. \quit

-- Group roles (NOLOGIN). Roles are cluster objects: they are created once if
-- missing and are not removed by DROP EXTENSION (other databases may use them).
DO $roles$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'crm_admin') THEN
		CREATE ROLE crm_admin NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'crm_analyst') THEN
		CREATE ROLE crm_analyst NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'crm_agent') THEN
		CREATE ROLE crm_agent NOLOGIN;
	END IF;
END
$roles$;

COMMENT ON SCHEMA crm IS 'crm: in-database CRM engine (customer data model, CLV models, scores, alerts and tasks)';
REVOKE ALL ON SCHEMA crm FROM PUBLIC;
