-- Sites (branches, stores, offices, warehouses, event venues) with opening
-- hours, and the nearest site(s) to a customer or a point by KNN on the GiST
-- index (candidates by great-circle <->, ranked by distance on the WGS 84
-- ellipsoid, in metres).

CREATE TYPE crm_postgis.site_kind AS ENUM ('branch', 'store', 'office', 'warehouse', 'venue', 'other');
COMMENT ON TYPE crm_postgis.site_kind IS 'Kind of site: branch, store, office, warehouse, venue (event location) or other';

-- True when hours is NULL or a valid opening-hours object ({"mon": [["09:00", "17:00"]], ...}).
CREATE FUNCTION crm_postgis.valid_opening_hours(hours jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	day text;
	spans jsonb;
	span jsonb;
BEGIN
	IF hours IS NULL THEN
		RETURN true;
	END IF;
	IF jsonb_typeof(hours) <> 'object' THEN
		RETURN false;
	END IF;
	FOR day, spans IN SELECT * FROM jsonb_each(hours) LOOP
		IF day NOT IN ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun') OR jsonb_typeof(spans) <> 'array' THEN
			RETURN false;
		END IF;
		FOR span IN SELECT * FROM jsonb_array_elements(spans) LOOP
			IF jsonb_typeof(span) <> 'array' OR jsonb_array_length(span) <> 2
				OR jsonb_typeof(span -> 0) <> 'string' OR jsonb_typeof(span -> 1) <> 'string'
				OR (span ->> 0) !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
				OR (span ->> 1) !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
				OR (span ->> 0) >= (span ->> 1) THEN
				RETURN false;
			END IF;
		END LOOP;
	END LOOP;
	RETURN true;
END
$$;
COMMENT ON FUNCTION crm_postgis.valid_opening_hours(jsonb) IS 'True when the argument is NULL or an object of day keys mon..sun, each an array of ["HH:MM", "HH:MM"] spans (open < close, close may be 24:00)';

-- True when time_zone is a time zone name PostgreSQL knows.
CREATE FUNCTION crm_postgis.valid_time_zone(time_zone text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM TIMESTAMPTZ '2000-01-01 00:00+00' AT TIME ZONE time_zone;
	RETURN true;
EXCEPTION WHEN invalid_parameter_value OR feature_not_supported THEN
	RETURN false;
END
$$;
COMMENT ON FUNCTION crm_postgis.valid_time_zone(text) IS 'True when the argument is a time zone name known to PostgreSQL (e.g. Europe/Berlin, UTC)';

-- True when a site with these opening hours (local time in time_zone) is open at the instant at; NULL hours count as open.
CREATE FUNCTION crm_postgis.hours_open_at(hours jsonb, time_zone text, at timestamptz) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT hours IS NULL OR EXISTS (
		SELECT 1
		FROM (SELECT at AT TIME ZONE time_zone AS t) AS local,
			jsonb_array_elements(coalesce(hours -> to_char(local.t, 'dy'), '[]')) AS span
		WHERE to_char(local.t, 'HH24:MI') >= span ->> 0 AND to_char(local.t, 'HH24:MI') < span ->> 1);
$$;
COMMENT ON FUNCTION crm_postgis.hours_open_at(jsonb, text, timestamptz) IS 'True when opening hours (local time in time_zone) include the instant; NULL hours (not recorded) count as open';

SELECT crm_postgis.install_sql($sql$
CREATE TABLE crm_postgis.sites (
	site_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL CONSTRAINT sites_name_not_blank CHECK (pg_catalog.btrim(name) <> ''),
	kind		crm_postgis.site_kind NOT NULL,
	region		text,
	address		text,
	latitude	float8 NOT NULL CONSTRAINT sites_latitude_range CHECK (latitude BETWEEN -90 AND 90),
	longitude	float8 NOT NULL CONSTRAINT sites_longitude_range CHECK (longitude BETWEEN -180 AND 180),
	location	@extschema:postgis@.geography(Point, 4326) GENERATED ALWAYS AS (
					CASE WHEN latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180
					THEN @extschema:postgis@.geography(@extschema:postgis@.ST_SetSRID(@extschema:postgis@.ST_MakePoint(longitude, latitude), 4326))
					END) STORED,
	opening_hours jsonb CONSTRAINT sites_opening_hours_format CHECK (crm_postgis.valid_opening_hours(opening_hours)),
	time_zone	text NOT NULL DEFAULT 'UTC' CONSTRAINT sites_time_zone_known CHECK (crm_postgis.valid_time_zone(time_zone)),
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
)
$sql$);
COMMENT ON TABLE crm_postgis.sites IS 'Branches, stores, offices, warehouses and event venues, with location and opening hours';
COMMENT ON COLUMN crm_postgis.sites.name IS 'Display name of the site';
COMMENT ON COLUMN crm_postgis.sites.address IS 'Postal address (free text, optional)';
COMMENT ON COLUMN crm_postgis.sites.kind IS 'branch, store, office, warehouse, venue or other';
COMMENT ON COLUMN crm_postgis.sites.region IS 'Free-text region label (optional)';
COMMENT ON COLUMN crm_postgis.sites.latitude IS 'Latitude in decimal degrees, -90 to 90';
COMMENT ON COLUMN crm_postgis.sites.longitude IS 'Longitude in decimal degrees, -180 to 180';
COMMENT ON COLUMN crm_postgis.sites.location IS 'geography(Point, 4326) generated from latitude/longitude; GiST-indexed';
COMMENT ON COLUMN crm_postgis.sites.opening_hours IS 'Local opening hours, e.g. {"mon": [["09:00", "12:30"], ["13:30", "18:00"]], "sat": [["10:00", "14:00"]]}; a missing day is closed; NULL = not recorded';
COMMENT ON COLUMN crm_postgis.sites.time_zone IS 'Time zone of the opening hours (e.g. Europe/Berlin)';
COMMENT ON COLUMN crm_postgis.sites.active IS 'Inactive sites are ignored by nearest-site searches';
COMMENT ON COLUMN crm_postgis.sites.created_at IS 'When the row was created';
SELECT pg_catalog.pg_extension_config_dump('crm_postgis.sites', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm_postgis.sites', 'site_id'), '');
CREATE INDEX sites_location_idx ON crm_postgis.sites USING gist (location);

-- Nearest k active sites to a point (KNN on the GiST index), optionally by kind, within a distance, open at an instant.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.nearest_sites_to(latitude float8, longitude float8, k integer DEFAULT 1,
	site_kind crm_postgis.site_kind DEFAULT NULL, max_distance_m float8 DEFAULT NULL, open_at timestamptz DEFAULT NULL)
RETURNS TABLE (rank integer, site_id bigint, name text, kind crm_postgis.site_kind, distance_m float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	origin @extschema:postgis@.geography := crm_postgis.make_location(latitude, longitude);
BEGIN
	IF k IS NULL OR k < 1 THEN
		RAISE EXCEPTION 'k % is out of range [1, 2147483642]', coalesce(k::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Ask for at least one site.';
	END IF;
	IF max_distance_m IS NOT NULL AND NOT (max_distance_m >= 0 AND max_distance_m < 'Infinity') THEN
		RAISE EXCEPTION 'max_distance_m % is out of range [0, infinity)', max_distance_m
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a distance in metres, or NULL for no limit.';
	END IF;
	-- KNN (<->) ranks on the sphere; a few spare candidates are re-ranked on the ellipsoid.
	RETURN QUERY
	SELECT (row_number() OVER (ORDER BY c.d, c.site_id))::integer, c.site_id, c.name, c.kind, c.d
	FROM (SELECT s.site_id, s.name, s.kind, @extschema:postgis@.ST_Distance(s.location, origin) AS d
		  FROM crm_postgis.sites s
		  WHERE s.active AND (site_kind IS NULL OR s.kind = site_kind)
			AND (max_distance_m IS NULL OR @extschema:postgis@.ST_DWithin(s.location, origin, max_distance_m))
			AND (open_at IS NULL OR crm_postgis.hours_open_at(s.opening_hours, s.time_zone, open_at))
		  ORDER BY s.location OPERATOR(@extschema:postgis@.<->) origin
		  LIMIT k::bigint + 5) AS c
	ORDER BY c.d, c.site_id
	LIMIT k;
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.nearest_sites_to(float8, float8, integer, crm_postgis.site_kind, float8, timestamptz) IS 'The k nearest active sites to a point (KNN on the GiST index), distance in metres on the WGS 84 ellipsoid; optional kind, maximum distance and open-at filters';

-- Nearest k active sites to a customer's location.
CREATE FUNCTION crm_postgis.nearest_sites(customer_id bigint, k integer DEFAULT 1,
	site_kind crm_postgis.site_kind DEFAULT NULL, max_distance_m float8 DEFAULT NULL, open_at timestamptz DEFAULT NULL)
RETURNS TABLE (rank integer, site_id bigint, name text, kind crm_postgis.site_kind, distance_m float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lat float8;
	lon float8;
BEGIN
	SELECT l.latitude, l.longitude INTO lat, lon
	FROM crm_postgis.customer_locations l WHERE l.customer_id = nearest_sites.customer_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'customer % has no location', coalesce(customer_id::text, 'NULL')
			USING ERRCODE = 'no_data_found',
				  HINT = 'Set it with crm_postgis.set_customer_location(customer_id, latitude, longitude).';
	END IF;
	RETURN QUERY SELECT * FROM crm_postgis.nearest_sites_to(lat, lon, k, site_kind, max_distance_m, open_at);
END
$$;
COMMENT ON FUNCTION crm_postgis.nearest_sites(bigint, integer, crm_postgis.site_kind, float8, timestamptz) IS 'The k nearest active sites to a customer''s location, distance in metres; raises when the customer has no location';

-- Nearest active site to a geography point (KNN, re-ranked on the ellipsoid); a scalar PARALLEL SAFE call so bulk queries run in parallel.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.nearest_site_id(location @extschema:postgis@.geography) RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	-- KNN (<->) ranks on the sphere; four candidates are re-ranked on the ellipsoid.
	SELECT c.site_id
	FROM (SELECT s.site_id, s.location
		  FROM crm_postgis.sites s
		  WHERE s.active
		  ORDER BY s.location OPERATOR(@extschema:postgis@.<->) $1
		  LIMIT 4) AS c
	ORDER BY @extschema:postgis@.ST_Distance(c.location, $1), c.site_id
	LIMIT 1;
$$
$sql$);
SELECT crm_postgis.install_sql($sql$
COMMENT ON FUNCTION crm_postgis.nearest_site_id(@extschema:postgis@.geography) IS 'site_id of the nearest active site to a point (KNN on the GiST index, re-ranked by ellipsoid distance); NULL when there is no active site'
$sql$);

-- The per-customer call sits in the target list (not a LATERAL join) so PostgreSQL 15 can run it in parallel workers.
SELECT crm_postgis.install_sql($sql$
CREATE VIEW crm_postgis.customer_nearest_site WITH (security_invoker = true) AS
SELECT q.customer_id, s.site_id, s.name AS site_name, s.kind AS site_kind,
	@extschema:postgis@.ST_Distance(s.location, q.location) AS distance_m
FROM (SELECT l.customer_id, l.location, crm_postgis.nearest_site_id(l.location) AS site_id
	  FROM crm_postgis.customer_locations l) AS q
JOIN crm_postgis.sites s ON s.site_id = q.site_id
$sql$);
COMMENT ON VIEW crm_postgis.customer_nearest_site IS 'Nearest active site of every located customer (KNN per customer, parallel), distance in metres';
COMMENT ON COLUMN crm_postgis.customer_nearest_site.customer_id IS 'Customer id (crm.customers), located in crm_postgis.customer_locations';
COMMENT ON COLUMN crm_postgis.customer_nearest_site.site_id IS 'Nearest active site (crm_postgis.sites)';
COMMENT ON COLUMN crm_postgis.customer_nearest_site.site_name IS 'Name of that site';
COMMENT ON COLUMN crm_postgis.customer_nearest_site.site_kind IS 'Kind of that site';
COMMENT ON COLUMN crm_postgis.customer_nearest_site.distance_m IS 'Distance to the site in metres on the WGS 84 ellipsoid';
