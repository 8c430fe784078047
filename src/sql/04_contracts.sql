-- Contracts: the commercial agreement, its annual value and renewal chain.

CREATE TABLE crm.contracts (
	contract_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	annual_value	numeric(14,2) NOT NULL CONSTRAINT contracts_annual_value_nonnegative CHECK (annual_value >= 0),
	signed_at		timestamptz,
	starts_on		date NOT NULL,
	ends_on			date,
	status			crm.contract_status NOT NULL DEFAULT 'active',
	renewal_of		bigint REFERENCES crm.contracts ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
	auto_renew		boolean NOT NULL DEFAULT false,
	attachments_signed boolean NOT NULL DEFAULT false,
	created_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT contracts_end_after_start CHECK (ends_on IS NULL OR ends_on >= starts_on),
	CONSTRAINT contracts_signed_unless_draft CHECK (status = 'draft' OR signed_at IS NOT NULL),
	CONSTRAINT contracts_not_own_renewal CHECK (renewal_of <> contract_id)
);
COMMENT ON TABLE crm.contracts IS 'Contracts; a renewal is a new row pointing at its predecessor through renewal_of';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.contracts', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.contracts', 'contract_id'), '');
COMMENT ON COLUMN crm.contracts.annual_value IS 'Annual contract value (ACV) in the account currency, >= 0';
COMMENT ON COLUMN crm.contracts.signed_at IS 'When the contract was signed (required unless status is draft); starts the onboarding playbook';
COMMENT ON COLUMN crm.contracts.starts_on IS 'First day of the term';
COMMENT ON COLUMN crm.contracts.ends_on IS 'Last day of the term (NULL = open-ended); the renewal date is the day after';
COMMENT ON COLUMN crm.contracts.renewal_of IS 'The contract this one renews (NULL for a first contract)';
COMMENT ON COLUMN crm.contracts.auto_renew IS 'True when the term renews automatically unless cancelled';
COMMENT ON COLUMN crm.contracts.attachments_signed IS 'True when the contract attachments are e-signed (a first-follow-up goal)';
CREATE INDEX contracts_customer_idx ON crm.contracts (customer_id, starts_on);
CREATE INDEX contracts_renewal_idx ON crm.contracts (ends_on) WHERE status = 'active';
