-- Engine settings. Built-in defaults live in crm.setting_defaults (owned by the
-- extension, recreated by CREATE EXTENSION); users' changes live in
-- crm.settings, a config table that pg_dump keeps. crm.setting(key) reads the
-- effective value.

CREATE TABLE crm.setting_defaults (
	key			text PRIMARY KEY,
	value		jsonb NOT NULL,
	description	text NOT NULL,
	allowed		jsonb CHECK (jsonb_typeof(allowed) = 'array'),
	min_value	numeric,
	max_value	numeric
);
COMMENT ON TABLE crm.setting_defaults IS 'Built-in default of every engine setting (read-only; override in crm.settings)';
COMMENT ON COLUMN crm.setting_defaults.key IS 'Setting name';
COMMENT ON COLUMN crm.setting_defaults.value IS 'Default value (jsonb)';
COMMENT ON COLUMN crm.setting_defaults.description IS 'What the setting controls, with its unit';
COMMENT ON COLUMN crm.setting_defaults.allowed IS 'The allowed values (JSON array), or NULL when any value of the type is allowed';
COMMENT ON COLUMN crm.setting_defaults.min_value IS 'Smallest allowed value of a numeric setting (NULL: no bound)';
COMMENT ON COLUMN crm.setting_defaults.max_value IS 'Largest allowed value of a numeric setting (NULL: no bound)';

CREATE TABLE crm.settings (
	key			text PRIMARY KEY REFERENCES crm.setting_defaults (key)
				ON UPDATE CASCADE ON DELETE CASCADE,
	value		jsonb NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_by	name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE crm.settings IS 'Users'' overrides of engine settings (config table: kept by pg_dump). A missing key means the default applies';
COMMENT ON COLUMN crm.settings.key IS 'Setting name; must exist in crm.setting_defaults';
COMMENT ON COLUMN crm.settings.value IS 'Overriding value (jsonb, same shape as the default)';
COMMENT ON COLUMN crm.settings.updated_at IS 'When the override was last written';
COMMENT ON COLUMN crm.settings.updated_by IS 'Role that last wrote the override';
SELECT pg_catalog.pg_extension_config_dump('crm.settings', '');

INSERT INTO crm.setting_defaults (key, value, description, allowed, min_value, max_value) VALUES
	('time_unit', '"week"', 'Time unit of BTYD summaries and CLV models: day, week or month (30.4375 days)', '["day", "week", "month"]', NULL, NULL),
	('clv_horizon_months', '12', 'CLV horizon in months', NULL, 1, 600),
	('clv_discount_rate_annual', '0.10', 'Annual discount rate used for CLV (converted to the time unit)', NULL, 0, 10);

-- Effective value of a setting: the user's override, else the default.
CREATE FUNCTION crm.setting(setting_key text) RETURNS jsonb
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result jsonb;
BEGIN
	SELECT coalesce(s.value, d.value) INTO result
	FROM crm.setting_defaults d LEFT JOIN crm.settings s ON s.key = d.key
	WHERE d.key = setting_key;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown crm setting "%"', setting_key
			USING ERRCODE = 'undefined_object',
				  HINT = 'SELECT key FROM crm.setting_defaults lists the settings.';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.setting(text) IS 'Effective value of a crm setting: the override in crm.settings, else the built-in default';

-- Sets (or with NULL, resets) a setting, checking its name and JSON type.
CREATE FUNCTION crm.set_setting(setting_key text, new_value jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	default_value jsonb;
	allowed_values jsonb;
	lo numeric;
	hi numeric;
BEGIN
	SELECT d.value, d.allowed, d.min_value, d.max_value INTO default_value, allowed_values, lo, hi
	FROM crm.setting_defaults d WHERE d.key = setting_key;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown crm setting "%"', setting_key
			USING ERRCODE = 'undefined_object',
				  HINT = 'SELECT key FROM crm.setting_defaults lists the settings.';
	END IF;
	IF new_value IS NULL THEN
		DELETE FROM crm.settings WHERE key = setting_key;
		RETURN default_value;
	END IF;
	IF jsonb_typeof(new_value) <> jsonb_typeof(default_value) THEN
		RAISE EXCEPTION 'setting "%" must be a JSON %, not %', setting_key,
			jsonb_typeof(default_value), jsonb_typeof(new_value)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The default is %s.', default_value);
	END IF;
	IF allowed_values IS NOT NULL AND NOT allowed_values @> jsonb_build_array(new_value) THEN
		RAISE EXCEPTION 'setting "%" cannot be %', setting_key, new_value
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Allowed values: %s.', allowed_values);
	END IF;
	IF jsonb_typeof(new_value) = 'number' AND (new_value::numeric < lo OR new_value::numeric > hi) THEN
		RAISE EXCEPTION 'setting "%" must be between % and %, not %', setting_key,
			coalesce(lo::text, '-infinity'), coalesce(hi::text, 'infinity'), new_value
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO crm.settings AS s (key, value) VALUES (setting_key, new_value)
	ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,
		updated_at = pg_catalog.now(), updated_by = CURRENT_USER;
	RETURN new_value;
END
$$;
COMMENT ON FUNCTION crm.set_setting(text, jsonb) IS 'Overrides a crm setting (NULL resets it to the default); checks the name, the JSON type and the allowed values or range';
