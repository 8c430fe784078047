-- Sales opportunities (pipeline).

CREATE TABLE crm.opportunities (
	opportunity_id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	name			text NOT NULL,
	stage			crm.pipeline_stage NOT NULL DEFAULT 'lead',
	amount			numeric(14,2) NOT NULL DEFAULT 0 CONSTRAINT opportunities_amount_nonnegative CHECK (amount >= 0),
	owner			name,
	opened_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	stage_changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	expected_close	date,
	closed_at		timestamptz,
	CONSTRAINT opportunities_closed_iff_final CHECK ((stage IN ('won', 'lost')) = (closed_at IS NOT NULL)),
	CONSTRAINT opportunities_close_after_open CHECK (closed_at >= opened_at)
);
COMMENT ON TABLE crm.opportunities IS 'Sales opportunities moving through the pipeline stages';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.opportunities', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.opportunities', 'opportunity_id'), '');
COMMENT ON COLUMN crm.opportunities.amount IS 'Expected deal value in the account currency, >= 0';
COMMENT ON COLUMN crm.opportunities.owner IS 'Role name of the salesperson';
COMMENT ON COLUMN crm.opportunities.stage_changed_at IS 'When the opportunity entered its current stage';
COMMENT ON COLUMN crm.opportunities.closed_at IS 'When won or lost; set exactly when the stage is won or lost';
CREATE INDEX opportunities_customer_idx ON crm.opportunities (customer_id);
CREATE INDEX opportunities_open_idx ON crm.opportunities (stage) WHERE closed_at IS NULL;
