-- Purchases: the transactions behind CLV and RFM.
-- Refunds are rows of kind 'refund' with a negative amount; they reduce revenue
-- but are never purchase events (they do not count towards frequency).

CREATE TABLE crm.purchases (
	purchase_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	purchased_at	timestamptz NOT NULL,
	amount			numeric(14,2) NOT NULL,
	kind			crm.purchase_kind NOT NULL DEFAULT 'sale',
	channel			crm.channel NOT NULL DEFAULT 'web',
	CONSTRAINT purchases_amount_sign CHECK ((kind = 'sale' AND amount >= 0) OR (kind = 'refund' AND amount < 0))
);
COMMENT ON TABLE crm.purchases IS 'Purchases (kind sale, amount >= 0) and refunds (kind refund, amount < 0)';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.purchases', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.purchases', 'purchase_id'), '');
COMMENT ON COLUMN crm.purchases.purchased_at IS 'When the purchase happened; BTYD summaries merge purchases of the same UTC day';
COMMENT ON COLUMN crm.purchases.amount IS 'Amount in the account currency: >= 0 for a sale, < 0 for a refund';
COMMENT ON COLUMN crm.purchases.kind IS 'sale or refund; only sales are purchase events for frequency and recency';
CREATE INDEX purchases_customer_time_idx ON crm.purchases (customer_id, purchased_at);
CREATE INDEX purchases_time_idx ON crm.purchases USING brin (purchased_at);
