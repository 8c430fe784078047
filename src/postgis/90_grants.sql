-- Privileges (same roles as crm): crm_admin maintains geography data and
-- runs assignments and invitations; crm_analyst reads; crm_agent reads (to
-- find sites and plan visits). Runs last so it covers every object above.

GRANT USAGE ON SCHEMA crm_postgis TO crm_admin, crm_analyst, crm_agent;
GRANT SELECT ON ALL TABLES IN SCHEMA crm_postgis TO crm_admin, crm_analyst, crm_agent;
GRANT INSERT, UPDATE, DELETE ON crm_postgis.settings, crm_postgis.customer_locations, crm_postgis.sites,
	crm_postgis.territories, crm_postgis.customer_territories, crm_postgis.events TO crm_admin;

-- Functions that change data or configuration are for crm_admin only.
REVOKE EXECUTE ON FUNCTION crm_postgis.set_setting(text, jsonb),
	crm_postgis.set_customer_location(bigint, float8, float8, text),
	crm_postgis.delete_customer_location(bigint),
	crm_postgis.assign_territories(boolean, float8),
	crm_postgis.invite_to_event(bigint, float8, crm.tier[], text[], text[], crm.channel, timestamptz, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm_postgis.set_setting(text, jsonb),
	crm_postgis.set_customer_location(bigint, float8, float8, text),
	crm_postgis.delete_customer_location(bigint),
	crm_postgis.assign_territories(boolean, float8),
	crm_postgis.invite_to_event(bigint, float8, crm.tier[], text[], text[], crm.channel, timestamptz, text, text) TO crm_admin;

-- The install-time helper is not part of the installed extension.
DROP FUNCTION crm_postgis.install_sql(text);
