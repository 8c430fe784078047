-- Outbox: automated messages rendered from templates, delivered by
-- applications (the database never sends mail). Workers claim due rows with
-- FOR UPDATE SKIP LOCKED and mark them sent or failed.

INSERT INTO crm.setting_defaults (key, value, description, allowed, min_value, max_value) VALUES
	('outbox_max_attempts', '5', 'Delivery attempts before an outbox message is marked failed for good', NULL, 1, 100),
	('outbox_claim_timeout_minutes', '15', 'A claimed message not marked sent or failed within this many minutes can be claimed again', NULL, 1, 10080);

CREATE TABLE crm.message_template_defaults (
	template	text PRIMARY KEY,
	channel		crm.channel NOT NULL,
	purpose		crm.contact_purpose NOT NULL,
	subject		text NOT NULL,
	body		text NOT NULL
);
COMMENT ON TABLE crm.message_template_defaults IS 'Built-in message templates; override in crm.message_templates. Merge fields: {{customer_name}}, {{company}}, {{owner}}, {{email}}, plus the caller''s extra fields';
COMMENT ON COLUMN crm.message_template_defaults.purpose IS 'service or marketing: marketing messages need the customer''s opt-in';
COMMENT ON COLUMN crm.message_template_defaults.subject IS 'Subject line with {{merge}} fields';
COMMENT ON COLUMN crm.message_template_defaults.body IS 'Body with {{merge}} fields';
INSERT INTO crm.message_template_defaults VALUES
	('thank_you', 'email', 'service', 'Thank you, {{customer_name}}',
	 E'Dear {{customer_name}},\n\nthank you for choosing us{{company_suffix}}. {{owner}} is your account manager and will call you within the next three days to confirm the key terms and plan your onboarding.\n\nKind regards'),
	('quarterly_report', 'email', 'service', 'Your quarterly report, {{customer_name}}',
	 E'Dear {{customer_name}},\n\nyour quarterly usage and value report is ready in your account. Reply to this message to reach {{owner}}.\n\nKind regards'),
	('event_invitation', 'email', 'marketing', 'Invitation: {{event}}',
	 E'Dear {{customer_name}},\n\nwe would be glad to welcome you at {{event}} on {{event_date}} at {{venue}}.\n\nKind regards, {{owner}}');

CREATE TABLE crm.message_templates (
	template	text PRIMARY KEY,
	channel		crm.channel NOT NULL,
	purpose		crm.contact_purpose NOT NULL,
	subject		text NOT NULL,
	body		text NOT NULL
);
COMMENT ON TABLE crm.message_templates IS 'Users'' message templates (config table): a row overrides the built-in template of the same name';
SELECT pg_catalog.pg_extension_config_dump('crm.message_templates', '');

CREATE VIEW crm.message_templates_effective WITH (security_invoker = true) AS
SELECT u.template, u.channel, u.purpose, u.subject, u.body, 'user'::text AS source FROM crm.message_templates u
UNION ALL
SELECT d.template, d.channel, d.purpose, d.subject, d.body, 'default' FROM crm.message_template_defaults d
WHERE NOT EXISTS (SELECT 1 FROM crm.message_templates u WHERE u.template OPERATOR(pg_catalog.=) d.template);
COMMENT ON VIEW crm.message_templates_effective IS 'The message templates in use: users'' rows plus the built-in ones they do not override';
COMMENT ON COLUMN crm.message_templates_effective.template IS 'Template name';
COMMENT ON COLUMN crm.message_templates_effective.channel IS 'Delivery channel';
COMMENT ON COLUMN crm.message_templates_effective.purpose IS 'service or marketing';
COMMENT ON COLUMN crm.message_templates_effective.subject IS 'Subject with {{merge}} fields';
COMMENT ON COLUMN crm.message_templates_effective.body IS 'Body with {{merge}} fields';
COMMENT ON COLUMN crm.message_templates_effective.source IS 'default (built-in) or user';

-- Replaces every {{field}} in template with fields ->> field (unknown fields become empty).
CREATE FUNCTION crm.render_template(template text, fields jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result text := template;
	f record;
BEGIN
	FOR f IN SELECT key, value FROM jsonb_each_text(fields) LOOP
		result := replace(result, '{{' || f.key || '}}', coalesce(f.value, ''));
	END LOOP;
	RETURN regexp_replace(result, '\{\{[A-Za-z0-9_]+\}\}', '', 'g');
END
$$;
COMMENT ON FUNCTION crm.render_template(text, jsonb) IS 'Renders a template: every {{field}} becomes fields->>field; fields not given become empty';

CREATE TYPE crm.outbox_status AS ENUM ('pending', 'sending', 'sent', 'failed', 'cancelled');
COMMENT ON TYPE crm.outbox_status IS 'Outbox message status: pending (waiting for its due time or a retry), sending (claimed by a worker), sent, failed (out of attempts), cancelled';

CREATE TABLE crm.outbox (
	message_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	channel			crm.channel NOT NULL,
	purpose			crm.contact_purpose NOT NULL,
	recipient		text NOT NULL,
	subject			text NOT NULL,
	body			text NOT NULL,
	template		text,
	due_at			timestamptz NOT NULL,
	status			crm.outbox_status NOT NULL DEFAULT 'pending',
	attempts		integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	last_error		text,
	claimed_at		timestamptz,
	claimed_by		text,
	sent_at			timestamptz,
	dedup_key		text UNIQUE,
	source			text NOT NULL DEFAULT 'manual',
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT outbox_sent_iff_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
COMMENT ON TABLE crm.outbox IS 'Messages for applications to deliver: claim with crm.claim_messages(), then crm.mark_message_sent() or crm.mark_message_failed()';
SELECT pg_catalog.pg_extension_config_dump('crm.outbox', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.outbox', 'message_id'), '');
COMMENT ON COLUMN crm.outbox.recipient IS 'Address for the channel (email address, phone number)';
COMMENT ON COLUMN crm.outbox.template IS 'Template the message was rendered from';
COMMENT ON COLUMN crm.outbox.due_at IS 'Not to be sent before (also the retry time after a failure)';
COMMENT ON COLUMN crm.outbox.attempts IS 'Delivery attempts so far (claims)';
COMMENT ON COLUMN crm.outbox.last_error IS 'Error of the last failed attempt';
COMMENT ON COLUMN crm.outbox.claimed_at IS 'When a worker claimed the message';
COMMENT ON COLUMN crm.outbox.claimed_by IS 'Worker that claimed it';
COMMENT ON COLUMN crm.outbox.dedup_key IS 'Deterministic key of a generated message; regeneration never queues it twice';
COMMENT ON COLUMN crm.outbox.source IS 'manual, or the playbook step that queued it';
CREATE INDEX outbox_due_idx ON crm.outbox (due_at) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_customer_idx ON crm.outbox (customer_id);

-- Claims up to max_messages due messages for one worker (SKIP LOCKED: workers never collide).
CREATE FUNCTION crm.claim_messages(max_messages integer DEFAULT 10, worker text DEFAULT CURRENT_USER)
RETURNS SETOF crm.outbox
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	timeout interval := (crm.setting('outbox_claim_timeout_minutes'))::int * interval '1 minute';
BEGIN
	IF max_messages IS NULL OR max_messages < 1 THEN
		RAISE EXCEPTION 'max_messages must be a positive integer, not %', coalesce(max_messages::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY
	UPDATE crm.outbox o SET status = 'sending', claimed_at = now(), claimed_by = worker, attempts = o.attempts + 1
	WHERE o.message_id IN (
		SELECT q.message_id FROM crm.outbox q
		WHERE q.due_at <= now()
		  AND (q.status = 'pending' OR (q.status = 'sending' AND q.claimed_at < now() - timeout))
		ORDER BY q.due_at, q.message_id
		LIMIT max_messages
		FOR UPDATE SKIP LOCKED)
	RETURNING o.*;
END
$$;
COMMENT ON FUNCTION crm.claim_messages(integer, text) IS
	'Claims up to max_messages due outbox messages (pending, or claimed longer ago than outbox_claim_timeout_minutes) with FOR UPDATE SKIP LOCKED and returns them; deliver, then call crm.mark_message_sent or crm.mark_message_failed';

-- Marks a claimed message delivered.
CREATE FUNCTION crm.mark_message_sent(message bigint) RETURNS crm.outbox
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result crm.outbox;
BEGIN
	UPDATE crm.outbox SET status = 'sent', sent_at = now(), last_error = NULL
	WHERE message_id = message AND status = 'sending'
	RETURNING * INTO result;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox message % is not claimed', message
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Claim messages with crm.claim_messages() before marking them sent.';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.mark_message_sent(bigint) IS 'Marks a claimed outbox message as sent';

-- Records a failed delivery: retried later with back-off, failed for good after outbox_max_attempts.
CREATE FUNCTION crm.mark_message_failed(message bigint, error text, retry_after interval DEFAULT '15 minutes')
RETURNS crm.outbox
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result crm.outbox;
	max_attempts integer := (crm.setting('outbox_max_attempts'))::int;
BEGIN
	IF retry_after IS NULL OR retry_after < interval '0' THEN
		RAISE EXCEPTION 'retry_after must be a non-negative interval, not %', coalesce(retry_after::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	UPDATE crm.outbox o SET
		status = CASE WHEN o.attempts >= max_attempts THEN 'failed' ELSE 'pending' END::crm.outbox_status,
		due_at = CASE WHEN o.attempts >= max_attempts THEN o.due_at ELSE now() + retry_after * o.attempts END,
		last_error = error
	WHERE o.message_id = message AND o.status = 'sending'
	RETURNING o.* INTO result;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'outbox message % is not claimed', message
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Claim messages with crm.claim_messages() before marking them failed.';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.mark_message_failed(bigint, text, interval) IS
	'Records a failed delivery of a claimed message: back to pending, due again after retry_after x attempts, or failed for good after outbox_max_attempts attempts';

-- Queues one message from a template for a customer, if consent allows; returns its id or NULL.
CREATE FUNCTION crm.queue_message(customer bigint, template text, due_at timestamptz DEFAULT pg_catalog.now(),
								  extra_fields jsonb DEFAULT '{}', dedup_key text DEFAULT NULL,
								  source text DEFAULT 'manual')
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	t crm.message_templates_effective;
	c crm.customers;
	fields jsonb;
	recipient text;
	id bigint;
BEGIN
	SELECT * INTO t FROM crm.message_templates_effective e WHERE e.template = queue_message.template;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'message template "%" does not exist', template
			USING ERRCODE = 'undefined_object', HINT = 'SELECT template FROM crm.message_templates_effective lists them.';
	END IF;
	SELECT * INTO c FROM crm.customers WHERE customer_id = customer;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'customer % does not exist', customer USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF NOT crm.may_contact(customer, t.channel, t.purpose, queue_message.due_at) THEN
		RETURN NULL;
	END IF;
	recipient := CASE WHEN t.channel = 'email' THEN coalesce(c.email,
					(SELECT k.email FROM crm.contacts k WHERE k.customer_id = customer AND k.email IS NOT NULL
					 ORDER BY k.is_decision_maker DESC, k.contact_id LIMIT 1))
				 ELSE c.phone END;
	IF recipient IS NULL THEN
		RETURN NULL;
	END IF;
	fields := jsonb_build_object('customer_name', c.name, 'company', coalesce(c.company, ''),
		'company_suffix', CASE WHEN c.company IS NULL THEN '' ELSE ' at ' || c.company END,
		'owner', coalesce(c.owner::text, 'our team'), 'email', coalesce(c.email, '')) || coalesce(extra_fields, '{}');
	INSERT INTO crm.outbox (customer_id, channel, purpose, recipient, subject, body, template, due_at, dedup_key, source)
	VALUES (customer, t.channel, t.purpose, recipient, crm.render_template(t.subject, fields),
			crm.render_template(t.body, fields), t.template, queue_message.due_at, queue_message.dedup_key, queue_message.source)
	ON CONFLICT (dedup_key) DO NOTHING
	RETURNING message_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION crm.queue_message(bigint, text, timestamptz, jsonb, text, text) IS
	'Renders a template for a customer into the outbox if crm.may_contact allows its channel and purpose and the customer has an address; NULL when suppressed or already queued under dedup_key';
