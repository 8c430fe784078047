-- Consent and the team: who may be contacted, on which channel, for what;
-- who works the pool and who manages whom (escalations).

CREATE TYPE crm.contact_purpose AS ENUM ('service', 'marketing');
COMMENT ON TYPE crm.contact_purpose IS 'Why a customer is contacted: service (the relationship, onboarding, support, renewals) or marketing (offers, events, newsletters)';

CREATE TABLE crm.consent (
	consent_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	channel			crm.channel,
	purpose			crm.contact_purpose,
	granted			boolean NOT NULL,
	recorded_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	source			text NOT NULL DEFAULT 'manual'
);
COMMENT ON TABLE crm.consent IS 'Consent and do-not-contact records; the newest record that matches a channel and purpose decides (see crm.may_contact)';
SELECT pg_catalog.pg_extension_config_dump('crm.consent', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.consent', 'consent_id'), '');
COMMENT ON COLUMN crm.consent.channel IS 'Channel the record is about; NULL = every channel';
COMMENT ON COLUMN crm.consent.purpose IS 'Purpose the record is about; NULL = every purpose (granted = false with both NULL is do-not-contact)';
COMMENT ON COLUMN crm.consent.granted IS 'true = opted in, false = opted out';
COMMENT ON COLUMN crm.consent.recorded_at IS 'When the customer gave or withdrew consent';
COMMENT ON COLUMN crm.consent.source IS 'Where the record came from (web form, call, import, ...)';
CREATE INDEX consent_customer_idx ON crm.consent (customer_id, recorded_at);

-- True when customer may be contacted on channel for purpose at as_of.
CREATE FUNCTION crm.may_contact(customer bigint, channel crm.channel, purpose crm.contact_purpose,
								as_of timestamptz DEFAULT pg_catalog.now()) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(
		(SELECT c.granted FROM crm.consent c
		 WHERE c.customer_id = customer AND c.recorded_at <= as_of
		   AND (c.channel IS NULL OR c.channel = may_contact.channel)
		   AND (c.purpose IS NULL OR c.purpose = may_contact.purpose)
		 ORDER BY c.recorded_at DESC, c.consent_id DESC LIMIT 1),
		purpose = 'service')
$$;
COMMENT ON FUNCTION crm.may_contact(bigint, crm.channel, crm.contact_purpose, timestamptz) IS
	'Consent check: the newest consent record matching the channel and purpose (NULL in a record matches all) decides; without one, service contact is allowed and marketing is not (opt-in)';

CREATE TABLE crm.team_members (
	member			name PRIMARY KEY,
	manager			name,
	in_pool			boolean NOT NULL DEFAULT true,
	active			boolean NOT NULL DEFAULT true,
	CHECK (manager IS DISTINCT FROM member)
);
COMMENT ON TABLE crm.team_members IS 'The people who work tasks (role names): pool membership for unowned customers and the manager each escalates to (config table)';
SELECT pg_catalog.pg_extension_config_dump('crm.team_members', '');
COMMENT ON COLUMN crm.team_members.member IS 'Role name of the account manager or agent';
COMMENT ON COLUMN crm.team_members.manager IS 'Role name overdue tasks of this member escalate to (NULL: the escalation_manager setting)';
COMMENT ON COLUMN crm.team_members.in_pool IS 'true: receives tasks of customers without an owner (least-loaded first)';
COMMENT ON COLUMN crm.team_members.active IS 'false: receives no new pool tasks';
