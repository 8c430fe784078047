-- Customers (B2B accounts and B2C customers alike) and their contacts.

-- Trigger function: keeps updated_at current on every UPDATE.
CREATE FUNCTION crm.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.updated_at := pg_catalog.now();
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION crm.touch_updated_at() IS 'Trigger function: sets updated_at to now() on UPDATE';

CREATE TABLE crm.customers (
	customer_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	external_id			text NOT NULL UNIQUE,
	kind				crm.customer_kind NOT NULL DEFAULT 'business',
	name				text NOT NULL CONSTRAINT customers_name_not_blank CHECK (pg_catalog.btrim(name) <> ''),
	company				text,
	email				text CONSTRAINT customers_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
	phone				text,
	birthday			date CONSTRAINT customers_birthday_past CHECK (birthday > DATE '1900-01-01'),
	industry			text,
	region				text,
	owner				name,
	tier				crm.tier,
	lifecycle_stage		crm.lifecycle_stage NOT NULL DEFAULT 'prospect',
	lifecycle_changed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	acquisition_cost	numeric(14,2) NOT NULL DEFAULT 0
						CONSTRAINT customers_acquisition_cost_nonnegative CHECK (acquisition_cost >= 0),
	strategic_weight	real NOT NULL DEFAULT 0
						CONSTRAINT customers_strategic_weight_range CHECK (strategic_weight BETWEEN 0 AND 1),
	attributes			jsonb NOT NULL DEFAULT '{}'
						CONSTRAINT customers_attributes_object CHECK (pg_catalog.jsonb_typeof(attributes) = 'object'),
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at			timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE crm.customers IS 'One row per customer: a B2B account (kind business) or a B2C customer (kind person)';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.customers', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.customers', 'customer_id'), '');
COMMENT ON COLUMN crm.customers.customer_id IS 'Surrogate key used by every other crm table';
COMMENT ON COLUMN crm.customers.external_id IS 'The customer''s id in the source system (unique)';
COMMENT ON COLUMN crm.customers.kind IS 'business (B2B account) or person (B2C customer)';
COMMENT ON COLUMN crm.customers.company IS 'Company name for business customers; employer for persons (optional)';
COMMENT ON COLUMN crm.customers.birthday IS 'Birthday (persons) or founding date (businesses); drives calendar care tasks';
COMMENT ON COLUMN crm.customers.owner IS 'Role name of the account manager who owns the customer; NULL = unassigned (pool)';
COMMENT ON COLUMN crm.customers.tier IS 'Value tier A/B/C, maintained by crm.refresh() from the tier rules';
COMMENT ON COLUMN crm.customers.lifecycle_stage IS 'Lifecycle stage, maintained by crm.refresh() from the lifecycle rules';
COMMENT ON COLUMN crm.customers.lifecycle_changed_at IS 'When lifecycle_stage last changed';
COMMENT ON COLUMN crm.customers.acquisition_cost IS 'Cost of acquiring the customer, in the account currency (>= 0)';
COMMENT ON COLUMN crm.customers.strategic_weight IS 'Strategic value set by users, 0 (none) to 1 (highest); part of the value score';
COMMENT ON COLUMN crm.customers.attributes IS 'Free-form attributes (a JSON object)';
COMMENT ON COLUMN crm.customers.created_at IS 'When the customer was created (also: relationship start when no contract exists)';
COMMENT ON COLUMN crm.customers.updated_at IS 'When the row last changed (maintained by trigger)';
CREATE INDEX customers_owner_idx ON crm.customers (owner);
CREATE TRIGGER customers_touch BEFORE UPDATE ON crm.customers
	FOR EACH ROW EXECUTE FUNCTION crm.touch_updated_at();

CREATE TABLE crm.contacts (
	contact_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id			bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	name				text NOT NULL,
	title				text,
	email				text CONSTRAINT contacts_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
	phone				text,
	is_decision_maker	boolean NOT NULL DEFAULT false,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE crm.contacts IS 'People at a customer (mostly for B2B accounts)';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.contacts', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.contacts', 'contact_id'), '');
COMMENT ON COLUMN crm.contacts.is_decision_maker IS 'True for a decision maker (the onboarding goal is >= 2 decision-maker emails)';
CREATE INDEX contacts_customer_idx ON crm.contacts (customer_id);
