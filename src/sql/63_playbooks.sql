-- Playbooks: steps that turn events, cadences and alerts into follow-up tasks
-- (or, for automated steps, outbox messages). crm.generate_tasks() applies
-- them; every generated row has a deterministic dedup key.

INSERT INTO crm.setting_defaults (key, value, description, allowed, min_value, max_value) VALUES
	('playbook_lookback_days', '30', 'Contract signings and tickets older than this many days (before as_of) trigger no new playbook tasks', NULL, 1, 3650),
	('escalation_delay_hours', '24', 'An open task this many hours past its due time is escalated to the owner''s manager', NULL, 0, 87600),
	('escalation_manager', '"crm_admin"', 'Role that overdue tasks escalate to when the owner has no manager in crm.team_members', NULL, NULL, NULL);

CREATE TYPE crm.playbook_trigger AS ENUM ('contract_signed', 'growth_stage', 'tier', 'birthday',
	'contract_anniversary', 'alert', 'urgent_ticket', 'general_ticket');
COMMENT ON TYPE crm.playbook_trigger IS 'What starts a playbook step: a contract signing, a cadence for growth-stage customers or for a tier, a birthday or contract anniversary (lead_days ahead), an alert of a level, an unanswered urgent ticket, a general ticket unresolved after 5 working days';

CREATE TABLE crm.playbook_step_defaults (
	step			text PRIMARY KEY,
	playbook		text NOT NULL,
	trigger			crm.playbook_trigger NOT NULL,
	match			text,
	offset_hours	float8 NOT NULL DEFAULT 0,
	sla_hours		float8 NOT NULL CHECK (sla_hours >= 0),
	cadence_months	integer CHECK (cadence_months > 0),
	lead_days		integer CHECK (lead_days >= 0),
	channel			crm.channel NOT NULL,
	task_kind		text NOT NULL,
	title			text NOT NULL,
	automated		boolean NOT NULL DEFAULT false,
	template		text,
	purpose			crm.contact_purpose NOT NULL DEFAULT 'service',
	assign_to		text NOT NULL DEFAULT 'owner' CHECK (assign_to IN ('owner', 'pool')),
	CONSTRAINT playbook_step_automated_needs_template CHECK (NOT automated OR template IS NOT NULL),
	CONSTRAINT playbook_step_cadence_iff_growth_or_tier CHECK ((trigger IN ('growth_stage', 'tier')) = (cadence_months IS NOT NULL)),
	CONSTRAINT playbook_step_lead_days_iff_calendar CHECK ((trigger IN ('birthday', 'contract_anniversary')) = (lead_days IS NOT NULL))
);
COMMENT ON TABLE crm.playbook_step_defaults IS 'Built-in playbook steps (from the CRM practice crm follows); override or disable in crm.playbook_steps';
COMMENT ON COLUMN crm.playbook_step_defaults.playbook IS 'Playbook the step belongs to';
COMMENT ON COLUMN crm.playbook_step_defaults.trigger IS 'What starts the step';
COMMENT ON COLUMN crm.playbook_step_defaults.match IS 'Which trigger instances: the tier (A/B/C) for tier, the alert level for alert; NULL = all';
COMMENT ON COLUMN crm.playbook_step_defaults.offset_hours IS 'Automated steps: hours after the trigger the message is due';
COMMENT ON COLUMN crm.playbook_step_defaults.sla_hours IS 'Tasks: due this many hours after the trigger (cadences: after the period starts)';
COMMENT ON COLUMN crm.playbook_step_defaults.cadence_months IS 'Cadence steps: one task per period of this many months (calendar-aligned)';
COMMENT ON COLUMN crm.playbook_step_defaults.lead_days IS 'Calendar steps: the task appears this many days ahead of the date and is due on it';
COMMENT ON COLUMN crm.playbook_step_defaults.channel IS 'Channel of the task or message';
COMMENT ON COLUMN crm.playbook_step_defaults.task_kind IS 'crm.tasks.kind of the generated task';
COMMENT ON COLUMN crm.playbook_step_defaults.title IS 'Task title or message description';
COMMENT ON COLUMN crm.playbook_step_defaults.automated IS 'true: queue an outbox message from template instead of creating a task';
COMMENT ON COLUMN crm.playbook_step_defaults.template IS 'Message template of an automated step';
COMMENT ON COLUMN crm.playbook_step_defaults.purpose IS 'service or marketing: consent is checked for the channel and purpose';
COMMENT ON COLUMN crm.playbook_step_defaults.assign_to IS 'owner (the customer''s owner, else the pool) or pool (least-loaded pool member)';
INSERT INTO crm.playbook_step_defaults (step, playbook, trigger, match, offset_hours, sla_hours, cadence_months, lead_days,
	channel, task_kind, title, automated, template, purpose, assign_to) VALUES
	('thank_you_email', 'contract_signed', 'contract_signed', NULL, 1, 0, NULL, NULL, 'email', 'thank_you', 'Thank-you email', true, 'thank_you', 'service', 'owner'),
	('confirm_terms_first_call', 'contract_signed', 'contract_signed', NULL, 0, 72, NULL, NULL, 'phone', 'first_call', 'Confirm key terms in a first call', false, NULL, 'service', 'owner'),
	('issue_resolution', 'contract_signed', 'contract_signed', NULL, 0, 72, NULL, NULL, 'phone', 'issue_resolution', 'Resolve open issues from the signing', false, NULL, 'service', 'owner'),
	('needs_collection', 'contract_signed', 'contract_signed', NULL, 0, 168, NULL, NULL, 'video', 'needs_collection', 'Collect needs and three pain points', false, NULL, 'service', 'owner'),
	('onboarding_training', 'contract_signed', 'contract_signed', NULL, 0, 240, NULL, NULL, 'video', 'onboarding_training', 'Onboarding training', false, NULL, 'service', 'owner'),
	('collect_decision_makers', 'contract_signed', 'contract_signed', NULL, 0, 240, NULL, NULL, 'email', 'decision_makers', 'Collect at least two decision-maker emails', false, NULL, 'service', 'owner'),
	('growth_tech_support', 'growth_stage', 'growth_stage', NULL, 0, 168, 1, NULL, 'phone', 'tech_support', 'Monthly technical support check', false, NULL, 'service', 'owner'),
	('growth_usage_review', 'growth_stage', 'growth_stage', NULL, 0, 336, 3, NULL, 'video', 'usage_review', 'Quarterly usage review', false, NULL, 'service', 'owner'),
	('growth_value_review', 'growth_stage', 'growth_stage', NULL, 0, 336, 6, NULL, 'visit', 'value_review', 'Half-yearly value review', false, NULL, 'service', 'owner'),
	('tier_a_executive_visit', 'tier_cadence', 'tier', 'A', 0, 504, 1, NULL, 'visit', 'executive_visit', 'Monthly executive visit', false, NULL, 'service', 'owner'),
	('tier_b_tech_support', 'tier_cadence', 'tier', 'B', 0, 336, 3, NULL, 'phone', 'tech_support', 'Quarterly technical support', false, NULL, 'service', 'owner'),
	('tier_c_quarterly_report', 'tier_cadence', 'tier', 'C', 0, 0, 3, NULL, 'email', 'quarterly_report', 'Standard quarterly report', true, 'quarterly_report', 'service', 'owner'),
	('birthday_care', 'calendar', 'birthday', NULL, 0, 0, NULL, 7, 'phone', 'birthday_care', 'Birthday greeting', false, NULL, 'service', 'owner'),
	('anniversary_care', 'calendar', 'contract_anniversary', NULL, 0, 0, NULL, 7, 'phone', 'anniversary_care', 'Contract anniversary call', false, NULL, 'service', 'owner'),
	('critical_retention_call', 'alert_action_plan', 'alert', 'critical', 0, 24, NULL, NULL, 'phone', 'retention_call', 'Retention call', false, NULL, 'service', 'owner'),
	('high_account_review', 'alert_action_plan', 'alert', 'high', 0, 72, NULL, NULL, 'video', 'account_review', 'Account review with the customer', false, NULL, 'service', 'owner'),
	('medium_check_in', 'alert_action_plan', 'alert', 'medium', 0, 168, NULL, NULL, 'email', 'check_in', 'Check-in', false, NULL, 'service', 'owner'),
	('urgent_ticket_response', 'tickets', 'urgent_ticket', NULL, 0, 24, NULL, NULL, 'phone', 'ticket_response', 'Answer the urgent ticket', false, NULL, 'service', 'pool'),
	('general_ticket_escalation', 'tickets', 'general_ticket', NULL, 0, 24, NULL, NULL, 'phone', 'ticket_escalation', 'Escalate: general ticket unresolved after 5 working days', false, NULL, 'service', 'pool');

CREATE TABLE crm.playbook_steps (LIKE crm.playbook_step_defaults INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
	enabled boolean NOT NULL DEFAULT true,
	PRIMARY KEY (step));
COMMENT ON TABLE crm.playbook_steps IS 'Users'' playbook steps (config table): a row overrides the built-in step of the same name; enabled = false switches it off';
COMMENT ON COLUMN crm.playbook_steps.enabled IS 'false switches the step off';
SELECT pg_catalog.pg_extension_config_dump('crm.playbook_steps', '');

CREATE VIEW crm.playbook_steps_effective WITH (security_invoker = true) AS
SELECT step, playbook, trigger, match, offset_hours, sla_hours, cadence_months, lead_days, channel, task_kind, title,
	automated, template, purpose, assign_to, source
FROM (SELECT u.*, 'user'::text AS source FROM crm.playbook_steps u
	  UNION ALL
	  SELECT d.*, true, 'default' FROM crm.playbook_step_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.playbook_steps u WHERE u.step OPERATOR(pg_catalog.=) d.step)) s
WHERE enabled;
COMMENT ON VIEW crm.playbook_steps_effective IS 'The playbook steps in force';
COMMENT ON COLUMN crm.playbook_steps_effective.step IS 'Step name (part of every dedup key)';
COMMENT ON COLUMN crm.playbook_steps_effective.playbook IS 'Playbook';
COMMENT ON COLUMN crm.playbook_steps_effective.trigger IS 'What starts it';
COMMENT ON COLUMN crm.playbook_steps_effective.match IS 'Tier or alert level it applies to; NULL = all';
COMMENT ON COLUMN crm.playbook_steps_effective.offset_hours IS 'Automated steps: hours after the trigger';
COMMENT ON COLUMN crm.playbook_steps_effective.sla_hours IS 'Hours from the trigger to the due time';
COMMENT ON COLUMN crm.playbook_steps_effective.cadence_months IS 'Cadence period in months';
COMMENT ON COLUMN crm.playbook_steps_effective.lead_days IS 'Days ahead of a calendar date';
COMMENT ON COLUMN crm.playbook_steps_effective.channel IS 'Channel';
COMMENT ON COLUMN crm.playbook_steps_effective.task_kind IS 'Task kind';
COMMENT ON COLUMN crm.playbook_steps_effective.title IS 'Title';
COMMENT ON COLUMN crm.playbook_steps_effective.automated IS 'Outbox message instead of a task';
COMMENT ON COLUMN crm.playbook_steps_effective.template IS 'Template of an automated step';
COMMENT ON COLUMN crm.playbook_steps_effective.purpose IS 'service or marketing';
COMMENT ON COLUMN crm.playbook_steps_effective.assign_to IS 'owner or pool';
COMMENT ON COLUMN crm.playbook_steps_effective.source IS 'default (built-in) or user';

-- ts plus n working days (Monday to Friday), at the same time of day, in UTC.
CREATE FUNCTION crm.add_working_days(ts timestamptz, n integer) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	d timestamptz := ts;
	left_ integer := n;
BEGIN
	IF n < 0 THEN
		RAISE EXCEPTION 'n must be >= 0, not %', n USING ERRCODE = 'invalid_parameter_value';
	END IF;
	WHILE left_ > 0 LOOP
		d := d + interval '1 day';
		IF extract(isodow FROM d AT TIME ZONE 'UTC') < 6 THEN
			left_ := left_ - 1;
		END IF;
	END LOOP;
	RETURN d;
END
$$;
COMMENT ON FUNCTION crm.add_working_days(timestamptz, integer) IS 'ts plus n working days (Monday-Friday, UTC), keeping the time of day';

-- Start of the calendar-aligned period of cadence_months months that contains d.
CREATE FUNCTION crm.cadence_period_start(d date, cadence_months integer) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (date '2000-01-01' + make_interval(months =>
		((extract(year FROM d)::int - 2000) * 12 + extract(month FROM d)::int - 1) / cadence_months * cadence_months))::date
$$;
COMMENT ON FUNCTION crm.cadence_period_start(date, integer) IS 'First day of the cadence period (months since 2000-01, in blocks of cadence_months) that contains d';
