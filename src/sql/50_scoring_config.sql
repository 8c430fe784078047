-- Scoring configuration: settings and rule tables read by crm.refresh().
--
-- Every rule table comes in two parts, like the settings: crm.<x>_defaults
-- holds the built-in rows (owned by the extension, recreated by CREATE
-- EXTENSION, read-only) and crm.<x> holds users' rows (a config table that
-- pg_dump keeps). A user row with the same key overrides the built-in row
-- (set enabled = false to switch a built-in rule off); the view
-- crm.<x>_effective is what the engine uses.

INSERT INTO crm.setting_defaults (key, value, description, allowed, min_value, max_value) VALUES
	('rfm_window_days', '730', 'RFM: frequency and monetary count purchases in the last N days before as_of', NULL, 1, 36500),
	('value_weight_current', '0.5', 'Value score weight of current value (trailing-12-month revenue or annual contract value)', NULL, 0, NULL),
	('value_weight_potential', '0.35', 'Value score weight of potential value (predicted CLV plus open-opportunity headroom)', NULL, 0, NULL),
	('value_weight_strategic', '0.15', 'Value score weight of strategic value (customers.strategic_weight)', NULL, 0, NULL),
	('value_high_threshold', '50', 'Value score (0-100) at or above which a customer counts as high value in the value x loyalty matrix', NULL, 0, 100),
	('loyalty_high_threshold', '50', 'Loyalty score (0-100) at or above which a customer counts as highly loyal', NULL, 0, 100),
	('simple_clv_margin', '1.0', 'Simple CLV: contribution margin applied to trailing-12-month revenue or annual contract value (1.0 = revenue)', NULL, 0, 1),
	('simple_clv_lifetime_years', '3', 'Simple CLV: expected customer lifetime in years', NULL, 0, 100),
	('simple_clv_min_history_days', '90', 'Customers whose first purchase is more recent than this many days get the simple CLV', NULL, 0, 36500),
	('clv_model', '"mbgnbd"', 'Transaction model crm.refresh() fits: bgnbd, mbgnbd or pnbd (spend is always Gamma-Gamma); the default mbgnbd lets one-time buyers drop out (BG/NBD gives them P(alive) = 1)', '["bgnbd", "mbgnbd", "pnbd"]', NULL, NULL),
	('model_refit_days', '7', 'crm.refresh() refits the CLV models when the newest fit is older than this many days (as_of based)', NULL, 0, 36500);

-- RFM: score cells (R 1-5, FM 1-5) to named segments. FM = round((F + M) / 2).
CREATE TABLE crm.rfm_segment_defaults (
	segment		text PRIMARY KEY,
	priority	integer NOT NULL UNIQUE,
	r_min		smallint NOT NULL CHECK (r_min BETWEEN 1 AND 5),
	r_max		smallint NOT NULL CHECK (r_max BETWEEN 1 AND 5),
	fm_min		smallint NOT NULL CHECK (fm_min BETWEEN 1 AND 5),
	fm_max		smallint NOT NULL CHECK (fm_max BETWEEN 1 AND 5),
	description	text NOT NULL,
	CHECK (r_min <= r_max AND fm_min <= fm_max)
);
COMMENT ON TABLE crm.rfm_segment_defaults IS 'Built-in RFM segment map (the customary 11 segments); override in crm.rfm_segments';
COMMENT ON COLUMN crm.rfm_segment_defaults.priority IS 'Lower wins when cells overlap';
COMMENT ON COLUMN crm.rfm_segment_defaults.r_min IS 'Lowest recency score (1-5) of the cell range';
COMMENT ON COLUMN crm.rfm_segment_defaults.r_max IS 'Highest recency score (1-5) of the cell range';
COMMENT ON COLUMN crm.rfm_segment_defaults.fm_min IS 'Lowest FM score (round((F + M) / 2), 1-5) of the cell range';
COMMENT ON COLUMN crm.rfm_segment_defaults.fm_max IS 'Highest FM score of the cell range';
COMMENT ON COLUMN crm.rfm_segment_defaults.description IS 'Who is in the segment and what to do';
INSERT INTO crm.rfm_segment_defaults VALUES
	('Lost',               10, 1, 1, 1, 1, 'Lowest recency and value: lapsed; do not spend much to win back'),
	('Champions',          20, 5, 5, 4, 5, 'Bought recently, buy often and spend the most: reward, ask for referrals'),
	('Loyal',              30, 3, 4, 4, 5, 'Buy often and spend well, fairly recent: upsell, loyalty programme'),
	('Potential loyalist', 40, 4, 5, 2, 3, 'Recent, average frequency: offer membership, recommend'),
	('New',                50, 5, 5, 1, 1, 'Bought very recently for the first time(s): onboarding, early support'),
	('Promising',          60, 4, 4, 1, 1, 'Recent but low frequency and spend: build relationship, free trials'),
	('Need attention',     70, 3, 3, 3, 3, 'Average on every axis: limited-time offers, reactivation'),
	('About to sleep',     80, 3, 3, 1, 2, 'Below-average recency and value: share valuable resources, reconnect'),
	('Can''t lose',        90, 1, 2, 5, 5, 'Used to buy often and spend the most, but not for a long time: win back now'),
	('At risk',           100, 1, 2, 3, 4, 'Spent well and often, long ago: personalised outreach, renewals'),
	('Hibernating',       110, 1, 2, 1, 2, 'Low recency, frequency and spend: reactivate with relevant offers');

CREATE TABLE crm.rfm_segments (
	segment		text PRIMARY KEY,
	priority	integer NOT NULL,
	r_min		smallint NOT NULL CHECK (r_min BETWEEN 1 AND 5),
	r_max		smallint NOT NULL CHECK (r_max BETWEEN 1 AND 5),
	fm_min		smallint NOT NULL CHECK (fm_min BETWEEN 1 AND 5),
	fm_max		smallint NOT NULL CHECK (fm_max BETWEEN 1 AND 5),
	description	text NOT NULL DEFAULT '',
	enabled		boolean NOT NULL DEFAULT true,
	CHECK (r_min <= r_max AND fm_min <= fm_max)
);
COMMENT ON TABLE crm.rfm_segments IS 'Users'' RFM segments (config table): a row overrides the built-in segment of the same name; enabled = false removes it';
COMMENT ON COLUMN crm.rfm_segments.enabled IS 'false switches the segment (built-in or own) off';
SELECT pg_catalog.pg_extension_config_dump('crm.rfm_segments', '');

CREATE VIEW crm.rfm_segments_effective WITH (security_invoker = true) AS
SELECT segment, priority, r_min, r_max, fm_min, fm_max, description, source
FROM (SELECT u.segment, u.priority, u.r_min, u.r_max, u.fm_min, u.fm_max, u.description, u.enabled, 'user'::text AS source
	  FROM crm.rfm_segments u
	  UNION ALL
	  SELECT d.segment, d.priority, d.r_min, d.r_max, d.fm_min, d.fm_max, d.description, true, 'default'
	  FROM crm.rfm_segment_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.rfm_segments u WHERE u.segment OPERATOR(pg_catalog.=) d.segment)) s
WHERE enabled;
COMMENT ON VIEW crm.rfm_segments_effective IS 'The RFM segment map crm.refresh() uses: users'' rows plus the built-in ones they do not override';
COMMENT ON COLUMN crm.rfm_segments_effective.segment IS 'Segment name';
COMMENT ON COLUMN crm.rfm_segments_effective.priority IS 'Lower wins when cells overlap';
COMMENT ON COLUMN crm.rfm_segments_effective.r_min IS 'Lowest recency score of the cell range';
COMMENT ON COLUMN crm.rfm_segments_effective.r_max IS 'Highest recency score of the cell range';
COMMENT ON COLUMN crm.rfm_segments_effective.fm_min IS 'Lowest FM score of the cell range';
COMMENT ON COLUMN crm.rfm_segments_effective.fm_max IS 'Highest FM score of the cell range';
COMMENT ON COLUMN crm.rfm_segments_effective.description IS 'Who is in the segment and what to do';
COMMENT ON COLUMN crm.rfm_segments_effective.source IS 'default (built-in) or user';

-- Value tiers: rules in priority order, the first whose condition holds wins.
CREATE TYPE crm.tier_condition AS ENUM ('acv_above', 'relationship_years_above', 'revenue_12m_above', 'clv_above', 'always');
COMMENT ON TYPE crm.tier_condition IS 'Condition of a tier rule, tested against its threshold: annual contract value, relationship length in years, trailing-12-month revenue, predicted CLV (each strictly above), or always';

CREATE TABLE crm.tier_rule_defaults (
	rule		text PRIMARY KEY,
	priority	integer NOT NULL UNIQUE,
	tier		crm.tier NOT NULL,
	condition	crm.tier_condition NOT NULL,
	threshold	numeric,
	CHECK ((condition = 'always') = (threshold IS NULL))
);
COMMENT ON TABLE crm.tier_rule_defaults IS 'Built-in value tier rules: ACV > 5,000,000 -> A; relationship > 3 years -> B; otherwise C';
COMMENT ON COLUMN crm.tier_rule_defaults.priority IS 'Rules are tried in ascending priority; the first that holds wins';
COMMENT ON COLUMN crm.tier_rule_defaults.condition IS 'What is compared with the threshold';
COMMENT ON COLUMN crm.tier_rule_defaults.threshold IS 'The value must be strictly above it (account currency, or years); NULL for always';
INSERT INTO crm.tier_rule_defaults VALUES
	('acv_over_5m', 10, 'A', 'acv_above', 5000000),
	('relationship_over_3y', 20, 'B', 'relationship_years_above', 3),
	('otherwise_c', 1000, 'C', 'always', NULL);

CREATE TABLE crm.tier_rules (
	rule		text PRIMARY KEY,
	priority	integer NOT NULL,
	tier		crm.tier NOT NULL,
	condition	crm.tier_condition NOT NULL,
	threshold	numeric,
	enabled		boolean NOT NULL DEFAULT true,
	CHECK ((condition = 'always') = (threshold IS NULL))
);
COMMENT ON TABLE crm.tier_rules IS 'Users'' tier rules (config table): a row overrides the built-in rule of the same name; enabled = false removes it';
COMMENT ON COLUMN crm.tier_rules.enabled IS 'false switches the rule (built-in or own) off';
SELECT pg_catalog.pg_extension_config_dump('crm.tier_rules', '');

CREATE VIEW crm.tier_rules_effective WITH (security_invoker = true) AS
SELECT rule, priority, tier, condition, threshold, source
FROM (SELECT u.rule, u.priority, u.tier, u.condition, u.threshold, u.enabled, 'user'::text AS source FROM crm.tier_rules u
	  UNION ALL
	  SELECT d.rule, d.priority, d.tier, d.condition, d.threshold, true, 'default' FROM crm.tier_rule_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.tier_rules u WHERE u.rule OPERATOR(pg_catalog.=) d.rule)) s
WHERE enabled;
COMMENT ON VIEW crm.tier_rules_effective IS 'The tier rules crm.refresh() uses, in priority order';
COMMENT ON COLUMN crm.tier_rules_effective.rule IS 'Rule name (recorded as the winning rule)';
COMMENT ON COLUMN crm.tier_rules_effective.priority IS 'Ascending: the first rule that holds wins';
COMMENT ON COLUMN crm.tier_rules_effective.tier IS 'Tier given when the rule wins';
COMMENT ON COLUMN crm.tier_rules_effective.condition IS 'What is compared with the threshold';
COMMENT ON COLUMN crm.tier_rules_effective.threshold IS 'Strict lower bound; NULL for always';
COMMENT ON COLUMN crm.tier_rules_effective.source IS 'default (built-in) or user';

-- Health score dimensions.
CREATE TYPE crm.health_metric AS ENUM ('usage_trend', 'support_load', 'satisfaction', 'engagement_recency', 'commercial');
COMMENT ON TYPE crm.health_metric IS 'Built-in health metrics: usage_trend (recent usage rate / own baseline rate), support_load (priority-weighted tickets per 30 days), satisfaction (latest NPS, or CSAT rescaled to 0-10), engagement_recency (days since the last two-way interaction), commercial (days to renewal of the active contract; 0 when contracts ended)';

CREATE TABLE crm.health_dimension_defaults (
	dimension	text PRIMARY KEY,
	metric		crm.health_metric NOT NULL,
	window_days	integer NOT NULL CHECK (window_days > 0),
	bad			float8 NOT NULL,
	good		float8 NOT NULL,
	weight		float8 NOT NULL CHECK (weight >= 0),
	description	text NOT NULL,
	CHECK (bad <> good)
);
COMMENT ON TABLE crm.health_dimension_defaults IS 'Built-in health dimensions; override in crm.health_dimensions';
COMMENT ON COLUMN crm.health_dimension_defaults.metric IS 'Which raw value is measured';
COMMENT ON COLUMN crm.health_dimension_defaults.window_days IS 'Look-back window of the metric in days (usage_trend: the recent window; the baseline is 3x as long before it)';
COMMENT ON COLUMN crm.health_dimension_defaults.bad IS 'Raw value that scores 0 (may be above or below good)';
COMMENT ON COLUMN crm.health_dimension_defaults.good IS 'Raw value that scores 100; linear in between, clamped outside';
COMMENT ON COLUMN crm.health_dimension_defaults.weight IS 'Relative weight; re-normalised over the dimensions with data';
INSERT INTO crm.health_dimension_defaults VALUES
	('product_usage', 'usage_trend', 30, 0.3, 1.0, 0.30, 'Logins and feature use in the last 30 days vs the customer''s own rate over the 90 days before (ratio of rates)'),
	('support_load', 'support_load', 90, 6, 0, 0.15, 'Tickets per 30 days over the last 90 days, weighted urgent 3, important 2, general 1'),
	('satisfaction', 'satisfaction', 365, 3, 9, 0.25, 'Latest NPS answer in the last 365 days (or CSAT rescaled: (csat - 1) * 2.5)'),
	('engagement', 'engagement_recency', 365, 90, 7, 0.15, 'Days since the last two-way interaction (visit, email, call, video, chat, social, store) in either direction'),
	('commercial', 'commercial', 365, 0, 120, 0.15, 'Days to renewal of the active contract (auto-renewing: 365); 0 when every contract has ended');

CREATE TABLE crm.health_dimensions (
	dimension	text PRIMARY KEY,
	metric		crm.health_metric NOT NULL,
	window_days	integer NOT NULL CHECK (window_days > 0),
	bad			float8 NOT NULL,
	good		float8 NOT NULL,
	weight		float8 NOT NULL CHECK (weight >= 0),
	description	text NOT NULL DEFAULT '',
	enabled		boolean NOT NULL DEFAULT true,
	CHECK (bad <> good)
);
COMMENT ON TABLE crm.health_dimensions IS 'Users'' health dimensions (config table): a row overrides the built-in dimension of the same name; enabled = false removes it';
COMMENT ON COLUMN crm.health_dimensions.enabled IS 'false switches the dimension (built-in or own) off';
SELECT pg_catalog.pg_extension_config_dump('crm.health_dimensions', '');

CREATE VIEW crm.health_dimensions_effective WITH (security_invoker = true) AS
SELECT dimension, metric, window_days, bad, good, weight, description, source
FROM (SELECT u.dimension, u.metric, u.window_days, u.bad, u.good, u.weight, u.description, u.enabled, 'user'::text AS source
	  FROM crm.health_dimensions u
	  UNION ALL
	  SELECT d.dimension, d.metric, d.window_days, d.bad, d.good, d.weight, d.description, true, 'default'
	  FROM crm.health_dimension_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.health_dimensions u WHERE u.dimension OPERATOR(pg_catalog.=) d.dimension)) s
WHERE enabled;
COMMENT ON VIEW crm.health_dimensions_effective IS 'The health dimensions crm.refresh() uses';
COMMENT ON COLUMN crm.health_dimensions_effective.dimension IS 'Dimension name (key of the health explanation)';
COMMENT ON COLUMN crm.health_dimensions_effective.metric IS 'Raw value measured';
COMMENT ON COLUMN crm.health_dimensions_effective.window_days IS 'Look-back window in days';
COMMENT ON COLUMN crm.health_dimensions_effective.bad IS 'Raw value scoring 0';
COMMENT ON COLUMN crm.health_dimensions_effective.good IS 'Raw value scoring 100';
COMMENT ON COLUMN crm.health_dimensions_effective.weight IS 'Relative weight';
COMMENT ON COLUMN crm.health_dimensions_effective.description IS 'What is measured';
COMMENT ON COLUMN crm.health_dimensions_effective.source IS 'default (built-in) or user';

-- Health bands: a score belongs to the band with the highest min_score <= score.
CREATE TABLE crm.health_band_defaults (
	band		text PRIMARY KEY,
	min_score	float8 NOT NULL UNIQUE CHECK (min_score BETWEEN 0 AND 100),
	description	text NOT NULL
);
COMMENT ON TABLE crm.health_band_defaults IS 'Built-in health bands: >= 75 healthy, 50-74 watch, < 50 at_risk';
COMMENT ON COLUMN crm.health_band_defaults.min_score IS 'Lowest score of the band (0-100)';
INSERT INTO crm.health_band_defaults VALUES
	('healthy', 75, 'In the practice data behind crm, 92% of these renewed'),
	('watch', 50, 'Watch: some dimensions are weak'),
	('at_risk', 0, 'In the practice data behind crm, 67% of these churned within 6 months');

CREATE TABLE crm.health_bands (
	band		text PRIMARY KEY,
	min_score	float8 NOT NULL CHECK (min_score BETWEEN 0 AND 100),
	description	text NOT NULL DEFAULT '',
	enabled		boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE crm.health_bands IS 'Users'' health bands (config table): a row overrides the built-in band of the same name; enabled = false removes it';
COMMENT ON COLUMN crm.health_bands.min_score IS 'Lowest score of the band (0-100); keep one band at 0';
COMMENT ON COLUMN crm.health_bands.enabled IS 'false switches the band off';
SELECT pg_catalog.pg_extension_config_dump('crm.health_bands', '');

CREATE VIEW crm.health_bands_effective WITH (security_invoker = true) AS
SELECT band, min_score, description, source
FROM (SELECT u.band, u.min_score, u.description, u.enabled, 'user'::text AS source FROM crm.health_bands u
	  UNION ALL
	  SELECT d.band, d.min_score, d.description, true, 'default' FROM crm.health_band_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.health_bands u WHERE u.band OPERATOR(pg_catalog.=) d.band)) s
WHERE enabled;
COMMENT ON VIEW crm.health_bands_effective IS 'The health bands crm.refresh() uses';
COMMENT ON COLUMN crm.health_bands_effective.band IS 'Band name';
COMMENT ON COLUMN crm.health_bands_effective.min_score IS 'Lowest score of the band';
COMMENT ON COLUMN crm.health_bands_effective.description IS 'Meaning of the band';
COMMENT ON COLUMN crm.health_bands_effective.source IS 'default (built-in) or user';

-- Lifecycle stages: rules in priority order, the first whose condition holds wins.
CREATE TYPE crm.lifecycle_condition AS ENUM ('no_purchase_or_contract', 'contracts_ended', 'p_alive_below',
	'signed_within_days', 'first_purchase_within_days', 'health_band_is', 'relationship_days_at_least', 'always');
COMMENT ON TYPE crm.lifecycle_condition IS 'Condition of a lifecycle rule: no_purchase_or_contract; contracts_ended (had contracts, none active); p_alive_below (threshold, non-contract customers); signed_within_days / first_purchase_within_days (threshold days); health_band_is (band name in parameter); relationship_days_at_least (threshold); always';

CREATE TABLE crm.lifecycle_rule_defaults (
	rule		text PRIMARY KEY,
	priority	integer NOT NULL UNIQUE,
	stage		crm.lifecycle_stage NOT NULL,
	condition	crm.lifecycle_condition NOT NULL,
	threshold	float8,
	parameter	text
);
COMMENT ON TABLE crm.lifecycle_rule_defaults IS 'Built-in lifecycle rules; override in crm.lifecycle_rules';
COMMENT ON COLUMN crm.lifecycle_rule_defaults.priority IS 'Ascending: the first rule that holds gives the stage';
COMMENT ON COLUMN crm.lifecycle_rule_defaults.threshold IS 'Numeric parameter of the condition (days, probability)';
COMMENT ON COLUMN crm.lifecycle_rule_defaults.parameter IS 'Text parameter of the condition (a health band name)';
INSERT INTO crm.lifecycle_rule_defaults VALUES
	('prospect', 10, 'prospect', 'no_purchase_or_contract', NULL, NULL),
	('contracts_ended', 20, 'churned', 'contracts_ended', NULL, NULL),
	('p_alive_low', 30, 'churned', 'p_alive_below', 0.1, NULL),
	('recently_signed', 40, 'onboarding', 'signed_within_days', 90, NULL),
	('recent_first_purchase', 50, 'onboarding', 'first_purchase_within_days', 60, NULL),
	('health_at_risk', 60, 'at_risk', 'health_band_is', NULL, 'at_risk'),
	('long_relationship', 70, 'mature', 'relationship_days_at_least', 730, NULL),
	('otherwise_growth', 1000, 'growth', 'always', NULL, NULL);

CREATE TABLE crm.lifecycle_rules (
	rule		text PRIMARY KEY,
	priority	integer NOT NULL,
	stage		crm.lifecycle_stage NOT NULL,
	condition	crm.lifecycle_condition NOT NULL,
	threshold	float8,
	parameter	text,
	enabled		boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE crm.lifecycle_rules IS 'Users'' lifecycle rules (config table): a row overrides the built-in rule of the same name; enabled = false removes it';
COMMENT ON COLUMN crm.lifecycle_rules.enabled IS 'false switches the rule off';
SELECT pg_catalog.pg_extension_config_dump('crm.lifecycle_rules', '');

CREATE VIEW crm.lifecycle_rules_effective WITH (security_invoker = true) AS
SELECT rule, priority, stage, condition, threshold, parameter, source
FROM (SELECT u.rule, u.priority, u.stage, u.condition, u.threshold, u.parameter, u.enabled, 'user'::text AS source
	  FROM crm.lifecycle_rules u
	  UNION ALL
	  SELECT d.rule, d.priority, d.stage, d.condition, d.threshold, d.parameter, true, 'default'
	  FROM crm.lifecycle_rule_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.lifecycle_rules u WHERE u.rule OPERATOR(pg_catalog.=) d.rule)) s
WHERE enabled;
COMMENT ON VIEW crm.lifecycle_rules_effective IS 'The lifecycle rules crm.refresh() uses, in priority order';
COMMENT ON COLUMN crm.lifecycle_rules_effective.rule IS 'Rule name';
COMMENT ON COLUMN crm.lifecycle_rules_effective.priority IS 'Ascending: first match wins';
COMMENT ON COLUMN crm.lifecycle_rules_effective.stage IS 'Stage given when the rule wins';
COMMENT ON COLUMN crm.lifecycle_rules_effective.condition IS 'Condition tested';
COMMENT ON COLUMN crm.lifecycle_rules_effective.threshold IS 'Numeric parameter';
COMMENT ON COLUMN crm.lifecycle_rules_effective.parameter IS 'Text parameter';
COMMENT ON COLUMN crm.lifecycle_rules_effective.source IS 'default (built-in) or user';
