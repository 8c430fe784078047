-- crm_postgis 1.0 install script, assembled by the Makefile from src/postgis/*.sql.
--
-- Geography for crm: customer locations, sites, territories and owner
-- assignment, nearest sites, event invitations, visit planning, regional views.
--
-- Security: every object is schema-qualified; plpgsql/SQL functions pin
-- search_path = pg_catalog, pg_temp. PostGIS may live in any schema: its
-- schema is looked up once, at CREATE EXTENSION time, and substituted for the
-- placeholder @extschema:postgis@ (the PostgreSQL 16 spelling, which 15 lacks)
-- in the statements run through crm_postgis.install_sql() below. PostGIS 3 is
-- not relocatable, so the substituted name stays valid; if PostGIS is ever
-- reinstalled elsewhere, reinstall crm_postgis too.

\echo Use "CREATE EXTENSION crm_postgis" to load this file. \quit

-- The schema belongs to the extension (created here, dropped with it); a
-- pre-existing crm_postgis schema makes CREATE EXTENSION fail instead of
-- trusting objects someone else put there.
CREATE SCHEMA crm_postgis;
COMMENT ON SCHEMA crm_postgis IS 'crm_postgis: geography for crm (locations, sites, territories, nearest sites, event invitations, visit planning)';
REVOKE ALL ON SCHEMA crm_postgis FROM PUBLIC;

-- Install-time helper: runs one statement with PostGIS's schema substituted (dropped at the end of the script).
CREATE FUNCTION crm_postgis.install_sql(statement text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	postgis_schema text;
BEGIN
	SELECT n.nspname INTO postgis_schema
	FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'postgis';
	IF postgis_schema IS NULL THEN
		RAISE EXCEPTION 'crm_postgis requires the extension postgis'
			USING ERRCODE = 'undefined_object',
				  HINT = 'Install PostGIS 3 (e.g. the Debian package postgresql-15-postgis-3), then run CREATE EXTENSION crm_postgis CASCADE.';
	END IF;
	EXECUTE pg_catalog.replace(statement, '@extschema:postgis@', pg_catalog.quote_ident(postgis_schema));
END
$$;
