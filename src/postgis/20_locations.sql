-- Customer locations: one WGS 84 point per customer, kept as latitude and
-- longitude (checked) with a generated geography(Point, 4326) column and a
-- GiST index on it. crm_postgis.make_location() is the single place where
-- coordinates are validated with clear errors.

-- Validated geography point from latitude/longitude in decimal degrees (WGS 84); raises on NULL, NaN, infinity or out of range.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.make_location(latitude float8, longitude float8)
RETURNS @extschema:postgis@.geography
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	allowed constant text := 'Give the location in decimal degrees (WGS 84): latitude in [-90, 90] (north positive), longitude in [-180, 180] (east positive).';
BEGIN
	IF latitude IS NULL OR longitude IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', CASE WHEN latitude IS NULL THEN 'latitude' ELSE 'longitude' END
			USING ERRCODE = 'null_value_not_allowed', HINT = allowed;
	END IF;
	IF latitude IN ('NaN', 'Infinity', '-Infinity') THEN
		RAISE EXCEPTION 'latitude % is not a finite number', latitude
			USING ERRCODE = 'invalid_parameter_value', HINT = allowed;
	END IF;
	IF longitude IN ('NaN', 'Infinity', '-Infinity') THEN
		RAISE EXCEPTION 'longitude % is not a finite number', longitude
			USING ERRCODE = 'invalid_parameter_value', HINT = allowed;
	END IF;
	IF latitude < -90 OR latitude > 90 THEN
		RAISE EXCEPTION 'latitude % is out of range [-90, 90]', latitude
			USING ERRCODE = 'numeric_value_out_of_range',
				  HINT = allowed || CASE WHEN abs(longitude) <= 90 THEN ' Were latitude and longitude swapped?' ELSE '' END;
	END IF;
	IF longitude < -180 OR longitude > 180 THEN
		RAISE EXCEPTION 'longitude % is out of range [-180, 180]', longitude
			USING ERRCODE = 'numeric_value_out_of_range', HINT = allowed;
	END IF;
	RETURN @extschema:postgis@.ST_SetSRID(@extschema:postgis@.ST_MakePoint(longitude, latitude), 4326)::@extschema:postgis@.geography;
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.make_location(float8, float8) IS 'geography(Point, 4326) from latitude and longitude in decimal degrees; raises a clear error on NULL, NaN, infinity or a value outside [-90, 90] / [-180, 180]';

SELECT crm_postgis.install_sql($sql$
CREATE TABLE crm_postgis.customer_locations (
	customer_id	bigint PRIMARY KEY REFERENCES crm.customers ON DELETE CASCADE,
	latitude	float8 NOT NULL CONSTRAINT customer_locations_latitude_range CHECK (latitude BETWEEN -90 AND 90),
	longitude	float8 NOT NULL CONSTRAINT customer_locations_longitude_range CHECK (longitude BETWEEN -180 AND 180),
	location	@extschema:postgis@.geography(Point, 4326) GENERATED ALWAYS AS (
					CASE WHEN latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180
					THEN @extschema:postgis@.geography(@extschema:postgis@.ST_SetSRID(@extschema:postgis@.ST_MakePoint(longitude, latitude), 4326))
					END) STORED,
	source		text NOT NULL DEFAULT 'manual',
	updated_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
)
$sql$);
COMMENT ON TABLE crm_postgis.customer_locations IS 'Location of a customer (one WGS 84 point); customers without a row have no known location';
COMMENT ON COLUMN crm_postgis.customer_locations.latitude IS 'Latitude in decimal degrees, -90 (south pole) to 90 (north pole); NaN and infinity are rejected';
COMMENT ON COLUMN crm_postgis.customer_locations.longitude IS 'Longitude in decimal degrees, -180 to 180 (east positive); NaN and infinity are rejected';
COMMENT ON COLUMN crm_postgis.customer_locations.location IS 'geography(Point, 4326) generated from latitude/longitude; GiST-indexed';
COMMENT ON COLUMN crm_postgis.customer_locations.source IS 'Where the location came from: manual, geocoder, import ...';
COMMENT ON COLUMN crm_postgis.customer_locations.updated_at IS 'When the location was last set';
SELECT pg_catalog.pg_extension_config_dump('crm_postgis.customer_locations', '');
CREATE INDEX customer_locations_location_idx ON crm_postgis.customer_locations USING gist (location);

-- Sets (inserts or moves) a customer's location after validating the coordinates.
CREATE FUNCTION crm_postgis.set_customer_location(customer_id bigint, latitude float8, longitude float8,
	source text DEFAULT 'manual') RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF customer_id IS NULL OR NOT EXISTS (SELECT 1 FROM crm.customers c WHERE c.customer_id = set_customer_location.customer_id) THEN
		RAISE EXCEPTION 'customer % does not exist', coalesce(customer_id::text, 'NULL')
			USING ERRCODE = 'foreign_key_violation',
				  HINT = 'Pass the customer_id of a row of crm.customers.';
	END IF;
	PERFORM crm_postgis.make_location(latitude, longitude);
	INSERT INTO crm_postgis.customer_locations AS l (customer_id, latitude, longitude, source)
	VALUES (set_customer_location.customer_id, set_customer_location.latitude, set_customer_location.longitude,
		coalesce(set_customer_location.source, 'manual'))
	ON CONFLICT ON CONSTRAINT customer_locations_pkey DO UPDATE
		SET latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, source = EXCLUDED.source,
			updated_at = pg_catalog.now();
END
$$;
COMMENT ON FUNCTION crm_postgis.set_customer_location(bigint, float8, float8, text) IS 'Sets a customer''s location (decimal degrees, WGS 84) after validating it; replaces an existing one';

-- Removes a customer's location; true when there was one.
CREATE FUNCTION crm_postgis.delete_customer_location(customer_id bigint) RETURNS boolean
LANGUAGE sql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	WITH gone AS (DELETE FROM crm_postgis.customer_locations l WHERE l.customer_id = $1 RETURNING 1)
	SELECT count(*) > 0 FROM gone;
$$;
COMMENT ON FUNCTION crm_postgis.delete_customer_location(bigint) IS 'Removes a customer''s location (true when one existed); the next assign_territories drops its territory assignment';
