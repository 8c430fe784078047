-- Settings of crm_postgis: built-in defaults in crm_postgis.setting_defaults
-- (owned by the extension), users' overrides in crm_postgis.settings (a config
-- table, kept by pg_dump). crm_postgis.setting(key) reads the effective value.

CREATE TABLE crm_postgis.setting_defaults (
	key			text PRIMARY KEY,
	value		jsonb NOT NULL,
	description	text NOT NULL
);
COMMENT ON TABLE crm_postgis.setting_defaults IS 'Built-in default of every crm_postgis setting (read-only; override in crm_postgis.settings)';
COMMENT ON COLUMN crm_postgis.setting_defaults.key IS 'Setting name';
COMMENT ON COLUMN crm_postgis.setting_defaults.value IS 'Default value (jsonb)';
COMMENT ON COLUMN crm_postgis.setting_defaults.description IS 'What the setting controls, with its unit';

CREATE TABLE crm_postgis.settings (
	key			text PRIMARY KEY REFERENCES crm_postgis.setting_defaults (key)
				ON UPDATE CASCADE ON DELETE CASCADE,
	value		jsonb NOT NULL,
	updated_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_by	name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE crm_postgis.settings IS 'Users'' overrides of crm_postgis settings (config table: kept by pg_dump). A missing key means the default applies';
COMMENT ON COLUMN crm_postgis.settings.key IS 'Setting name; must exist in crm_postgis.setting_defaults';
COMMENT ON COLUMN crm_postgis.settings.value IS 'Overriding value (jsonb, same shape as the default)';
COMMENT ON COLUMN crm_postgis.settings.updated_at IS 'When the override was last written';
COMMENT ON COLUMN crm_postgis.settings.updated_by IS 'Role that last wrote the override';
SELECT pg_catalog.pg_extension_config_dump('crm_postgis.settings', '');

INSERT INTO crm_postgis.setting_defaults (key, value, description) VALUES
	('fallback_distance_m', '25000', 'Customers outside every territory go to the nearest territory within this distance (metres); farther ones, or all when 0, go to the pool'),
	('pool_owner', '""', 'Owner (role name) given to pool customers by assign_territories; "" leaves them unassigned (owner NULL)'),
	('assign_owner', 'true', 'Whether assign_territories also sets crm.customers.owner to the owner of the assigned territory'),
	('visit_task_kinds', '["onsite_visit", "executive_visit"]', 'Task kinds that are visits for plan_visits (besides every task with channel visit)'),
	('invitation_lead_days', '14', 'Default due date of invitation tasks: this many days before the event starts (never before now)');

-- Effective value of a crm_postgis setting: the user's override, else the default.
CREATE FUNCTION crm_postgis.setting(setting_key text) RETURNS jsonb
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result jsonb;
BEGIN
	SELECT coalesce(s.value, d.value) INTO result
	FROM crm_postgis.setting_defaults d LEFT JOIN crm_postgis.settings s ON s.key = d.key
	WHERE d.key = setting_key;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown crm_postgis setting "%"', setting_key
			USING ERRCODE = 'undefined_object',
				  HINT = 'SELECT key FROM crm_postgis.setting_defaults lists the settings.';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm_postgis.setting(text) IS 'Effective value of a crm_postgis setting: the override in crm_postgis.settings, else the built-in default';

-- Sets (or with NULL, resets) a crm_postgis setting, checking its name and JSON type.
CREATE FUNCTION crm_postgis.set_setting(setting_key text, new_value jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	default_value jsonb;
BEGIN
	SELECT d.value INTO default_value FROM crm_postgis.setting_defaults d WHERE d.key = setting_key;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown crm_postgis setting "%"', setting_key
			USING ERRCODE = 'undefined_object',
				  HINT = 'SELECT key FROM crm_postgis.setting_defaults lists the settings.';
	END IF;
	IF new_value IS NULL THEN
		DELETE FROM crm_postgis.settings WHERE key = setting_key;
		RETURN default_value;
	END IF;
	IF jsonb_typeof(new_value) <> jsonb_typeof(default_value) THEN
		RAISE EXCEPTION 'crm_postgis setting "%" must be a JSON %, not %', setting_key,
			jsonb_typeof(default_value), jsonb_typeof(new_value)
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = format('The default is %s.', default_value);
	END IF;
	IF setting_key = 'fallback_distance_m' AND NOT (new_value::text::float8 >= 0
			AND new_value::text::float8 < 'Infinity'::float8) THEN
		RAISE EXCEPTION 'fallback_distance_m % is out of range [0, infinity)', new_value
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a distance in metres; 0 sends every customer outside all territories to the pool.';
	END IF;
	INSERT INTO crm_postgis.settings AS s (key, value) VALUES (setting_key, new_value)
	ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,
		updated_at = pg_catalog.now(), updated_by = CURRENT_USER;
	RETURN new_value;
END
$$;
COMMENT ON FUNCTION crm_postgis.set_setting(text, jsonb) IS 'Overrides a crm_postgis setting (NULL resets it to the default); checks the name and JSON type';
