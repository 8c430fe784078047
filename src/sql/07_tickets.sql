-- Support tickets.

CREATE TABLE crm.tickets (
	ticket_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id			bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	category			crm.ticket_category NOT NULL,
	priority			crm.ticket_priority NOT NULL DEFAULT 'general',
	subject				text NOT NULL,
	opened_at			timestamptz NOT NULL,
	first_response_at	timestamptz,
	resolved_at			timestamptz,
	satisfaction		smallint CONSTRAINT tickets_satisfaction_range CHECK (satisfaction BETWEEN 1 AND 5),
	CONSTRAINT tickets_response_after_open CHECK (first_response_at >= opened_at),
	CONSTRAINT tickets_resolved_after_open CHECK (resolved_at >= opened_at)
);
COMMENT ON TABLE crm.tickets IS 'Support tickets with their response and resolution times';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.tickets', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.tickets', 'ticket_id'), '');
COMMENT ON COLUMN crm.tickets.category IS 'product, service or process';
COMMENT ON COLUMN crm.tickets.priority IS 'urgent (SLA: answered within 24 h), important, general (SLA: resolved within 3-5 working days)';
COMMENT ON COLUMN crm.tickets.first_response_at IS 'First response to the customer (NULL = not yet answered); not before opened_at';
COMMENT ON COLUMN crm.tickets.resolved_at IS 'When resolved (NULL = open); not before opened_at';
COMMENT ON COLUMN crm.tickets.satisfaction IS 'Customer''s rating of the ticket handling, 1 (worst) to 5 (best)';
CREATE INDEX tickets_customer_time_idx ON crm.tickets (customer_id, opened_at);
CREATE INDEX tickets_open_idx ON crm.tickets (opened_at) WHERE resolved_at IS NULL;
