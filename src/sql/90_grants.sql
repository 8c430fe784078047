-- Privileges, least privilege first. Runs last so it covers every object above.
--   crm_admin    configures crm (settings and rules) and maintains the data
--   crm_analyst  reads (BI tools, reports); cannot change anything
--   crm_agent    works follow-up tasks and alerts, logs interactions
-- Nobody else can reach the schema (its USAGE was revoked from PUBLIC).

GRANT USAGE ON SCHEMA crm TO crm_admin, crm_analyst, crm_agent;

GRANT SELECT ON ALL TABLES IN SCHEMA crm TO crm_admin, crm_analyst;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm TO crm_admin;
REVOKE INSERT, UPDATE, DELETE ON crm.setting_defaults FROM crm_admin;

GRANT SELECT ON crm.customers, crm.contacts, crm.contracts, crm.purchases, crm.interactions,
	crm.tickets, crm.feedback, crm.opportunities, crm.tasks, crm.alerts TO crm_agent;
GRANT INSERT ON crm.interactions, crm.contacts TO crm_agent;
GRANT UPDATE (status, outcome, completed_at) ON crm.tasks TO crm_agent;
GRANT UPDATE (status, acknowledged_at, acknowledged_by, resolved_at, resolution) ON crm.alerts TO crm_agent;

-- Functions that change data or configuration are for crm_admin only.
REVOKE EXECUTE ON FUNCTION crm.set_setting(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm.set_setting(text, jsonb) TO crm_admin;
