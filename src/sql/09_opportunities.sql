-- Sales opportunities (pipeline).

CREATE TABLE crm.opportunities (
	opportunity_id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	name			text NOT NULL,
	stage			crm.pipeline_stage NOT NULL DEFAULT 'lead',
	furthest_stage	crm.pipeline_stage NOT NULL DEFAULT 'lead' CHECK (furthest_stage <> 'lost'),
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
COMMENT ON COLUMN crm.opportunities.furthest_stage IS 'The furthest pipeline stage the opportunity reached (kept by trigger; for a lost one, where it was lost): the basis of stage conversion rates';
COMMENT ON COLUMN crm.opportunities.stage_changed_at IS 'When the opportunity entered its current stage';
COMMENT ON COLUMN crm.opportunities.closed_at IS 'When won or lost; set exactly when the stage is won or lost';
CREATE INDEX opportunities_customer_idx ON crm.opportunities (customer_id);
CREATE INDEX opportunities_open_idx ON crm.opportunities (stage) WHERE closed_at IS NULL;

-- Trigger function: keeps furthest_stage, the furthest stage ever reached.
CREATE FUNCTION crm.track_furthest_stage() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.stage <> 'lost' THEN
		NEW.furthest_stage := greatest(NEW.stage, CASE WHEN TG_OP = 'UPDATE' THEN OLD.furthest_stage ELSE NEW.furthest_stage END);
	ELSIF TG_OP = 'UPDATE' THEN
		NEW.furthest_stage := greatest(OLD.furthest_stage, CASE WHEN OLD.stage <> 'lost' THEN OLD.stage ELSE 'lead' END);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION crm.track_furthest_stage() IS 'Trigger function: raises opportunities.furthest_stage to the new stage (a lost opportunity keeps the stage it was lost at)';
CREATE TRIGGER opportunities_furthest_stage BEFORE INSERT OR UPDATE OF stage ON crm.opportunities
	FOR EACH ROW EXECUTE FUNCTION crm.track_furthest_stage();
