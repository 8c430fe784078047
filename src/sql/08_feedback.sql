-- Survey feedback: NPS, CSAT and CES answers.

CREATE TABLE crm.feedback (
	feedback_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	answered_at		timestamptz NOT NULL,
	nps				smallint CONSTRAINT feedback_nps_range CHECK (nps BETWEEN 0 AND 10),
	csat			smallint CONSTRAINT feedback_csat_range CHECK (csat BETWEEN 1 AND 5),
	ces				smallint CONSTRAINT feedback_ces_range CHECK (ces BETWEEN 1 AND 7),
	comment			text,
	CONSTRAINT feedback_has_a_score CHECK (nps IS NOT NULL OR csat IS NOT NULL OR ces IS NOT NULL)
);
COMMENT ON TABLE crm.feedback IS 'Survey answers; each row carries at least one of NPS, CSAT, CES';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.feedback', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.feedback', 'feedback_id'), '');
COMMENT ON COLUMN crm.feedback.nps IS 'Net Promoter answer 0-10: 0-6 detractor, 7-8 passive, 9-10 promoter';
COMMENT ON COLUMN crm.feedback.csat IS 'Customer satisfaction 1 (very dissatisfied) to 5 (very satisfied)';
COMMENT ON COLUMN crm.feedback.ces IS 'Customer effort score 1 (very easy) to 7 (very difficult)';
CREATE INDEX feedback_customer_time_idx ON crm.feedback (customer_id, answered_at);
