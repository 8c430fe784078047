-- Privileges, least privilege first. Runs last so it covers every object above.
--   crm_admin    configures crm (settings and rules), maintains the data, runs the jobs
--   crm_analyst  reads (BI tools, reports); cannot change anything
--   crm_agent    works follow-up tasks and alerts, logs interactions and consent,
--                delivers outbox messages
-- Nobody else can reach the schema (its USAGE was revoked from PUBLIC).

GRANT USAGE ON SCHEMA crm TO crm_admin, crm_analyst, crm_agent;

GRANT SELECT ON ALL TABLES IN SCHEMA crm TO crm_admin, crm_analyst;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm TO crm_admin;
REVOKE INSERT, UPDATE, DELETE ON crm.setting_defaults, crm.rfm_segment_defaults, crm.tier_rule_defaults,
	crm.health_dimension_defaults, crm.health_band_defaults, crm.lifecycle_rule_defaults, crm.alert_rule_defaults,
	crm.playbook_step_defaults, crm.message_template_defaults FROM crm_admin;

GRANT SELECT ON crm.customers, crm.contacts, crm.contracts, crm.purchases, crm.interactions,
	crm.tickets, crm.feedback, crm.opportunities, crm.tasks, crm.alerts, crm.consent, crm.outbox,
	crm.customer_scores, crm.team_members TO crm_agent;
GRANT INSERT ON crm.interactions, crm.contacts, crm.consent TO crm_agent;
GRANT UPDATE (status, outcome, completed_at) ON crm.tasks TO crm_agent;
GRANT UPDATE (status, acknowledged_at, acknowledged_by, resolved_at, resolution) ON crm.alerts TO crm_agent;
GRANT UPDATE (status, attempts, due_at, last_error, claimed_at, claimed_by, sent_at) ON crm.outbox TO crm_agent;

-- Functions that change data, configuration or schedules are for crm_admin only.
DO $grants$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'crm'::regnamespace
		  AND p.proname IN ('set_setting', 'refresh', 'run_automation', 'evaluate_alerts', 'generate_tasks',
							'escalate_overdue_tasks', 'cleanup', 'schedule_jobs', 'unschedule_jobs',
							'build_monthly_report', 'load_sample', 'clear_sample', 'queue_message')
	LOOP
		EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO crm_admin', f);
	END LOOP;
END
$grants$;
