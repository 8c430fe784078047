-- Interactions: omnichannel touch points and product usage events.

CREATE TABLE crm.interactions (
	interaction_id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id		bigint NOT NULL REFERENCES crm.customers ON DELETE CASCADE,
	contact_id		bigint REFERENCES crm.contacts ON DELETE SET NULL,
	occurred_at		timestamptz NOT NULL,
	kind			crm.interaction_kind NOT NULL,
	direction		crm.direction,
	channel			crm.channel NOT NULL,
	feature			text,
	notes			text,
	note_kind		crm.note_kind,
	converted		boolean NOT NULL DEFAULT false,
	CONSTRAINT interactions_usage_has_no_direction CHECK (kind NOT IN ('login', 'feature_use') OR direction IS NULL),
	CONSTRAINT interactions_conversation_has_direction CHECK (kind IN ('login', 'feature_use') OR direction IS NOT NULL),
	CONSTRAINT interactions_feature_only_for_feature_use CHECK (feature IS NULL OR kind = 'feature_use'),
	CONSTRAINT interactions_note_kind_needs_notes CHECK (note_kind IS NULL OR notes IS NOT NULL)
);
COMMENT ON TABLE crm.interactions IS 'Touch points (visit, email, call, video, chat, social, store; with a direction) and usage events (login, feature_use; no direction)';
-- User data: pg_dump must keep the rows and the identity counter.
SELECT pg_catalog.pg_extension_config_dump('crm.interactions', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.interactions', 'interaction_id'), '');
COMMENT ON COLUMN crm.interactions.kind IS 'login/feature_use = product usage; visit/email/call/video/chat/social/store = conversation or visit';
COMMENT ON COLUMN crm.interactions.direction IS 'inbound (customer to us) or outbound (us to customer); NULL for usage events';
COMMENT ON COLUMN crm.interactions.feature IS 'Feature used (feature_use events only)';
COMMENT ON COLUMN crm.interactions.notes IS 'Free text: needs and pain points heard in the conversation';
COMMENT ON COLUMN crm.interactions.note_kind IS 'need or pain_point when the note records one (onboarding goal: three pain points collected), general otherwise';
COMMENT ON COLUMN crm.interactions.converted IS 'True when the touch point led to a conversion (sale, booking, renewal)';
CREATE INDEX interactions_customer_time_idx ON crm.interactions (customer_id, occurred_at);
