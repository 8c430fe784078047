-- Territories (polygons with an owner role and a priority for overlaps) and
-- the set-based assignment of every located customer to a territory and owner:
-- inside the highest-priority covering territory (boundary counts as inside;
-- ties go to the lowest territory_id), else the nearest territory within
-- fallback_distance_m, else the pool.

SELECT crm_postgis.install_sql($sql$
CREATE TABLE crm_postgis.territories (
	territory_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL UNIQUE CONSTRAINT territories_name_not_blank CHECK (pg_catalog.btrim(name) <> ''),
	owner		name,
	priority	integer NOT NULL DEFAULT 0,
	boundary	@extschema:postgis@.geography(Geometry, 4326) NOT NULL
				CONSTRAINT territories_boundary_polygon CHECK (
					@extschema:postgis@.GeometryType(boundary) IN ('POLYGON', 'MULTIPOLYGON')
					AND NOT @extschema:postgis@.ST_IsEmpty(boundary::@extschema:postgis@.geometry)),
	region		text,
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
)
$sql$);
COMMENT ON TABLE crm_postgis.territories IS 'Sales territories: a polygon on the globe (geography, so edges are great circles and the antimeridian and poles work), an owner and a priority for overlaps';
COMMENT ON COLUMN crm_postgis.territories.name IS 'Unique territory name';
COMMENT ON COLUMN crm_postgis.territories.owner IS 'Role name of the account manager who owns the territory''s customers; NULL = unassigned';
COMMENT ON COLUMN crm_postgis.territories.priority IS 'Where territories overlap, the highest priority wins (then the lowest territory_id)';
COMMENT ON COLUMN crm_postgis.territories.boundary IS 'POLYGON or MULTIPOLYGON, SRID 4326, longitude/latitude; a point on the boundary counts as inside';
COMMENT ON COLUMN crm_postgis.territories.region IS 'Free-text region label (optional)';
COMMENT ON COLUMN crm_postgis.territories.active IS 'Inactive territories are ignored by assign_territories';
COMMENT ON COLUMN crm_postgis.territories.created_at IS 'When the row was created';
COMMENT ON COLUMN crm_postgis.territories.updated_at IS 'When the row last changed (maintained by trigger)';
SELECT pg_catalog.pg_extension_config_dump('crm_postgis.territories', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm_postgis.territories', 'territory_id'), '');
CREATE INDEX territories_boundary_idx ON crm_postgis.territories USING gist (boundary);
CREATE TRIGGER territories_touch BEFORE UPDATE ON crm_postgis.territories
	FOR EACH ROW EXECUTE FUNCTION crm.touch_updated_at();

CREATE TABLE crm_postgis.customer_territories (
	customer_id		bigint PRIMARY KEY REFERENCES crm.customers ON DELETE CASCADE,
	territory_id	bigint REFERENCES crm_postgis.territories ON DELETE CASCADE,
	method			text NOT NULL CONSTRAINT customer_territories_method CHECK (method IN ('inside', 'nearest', 'pool')),
	distance_m		float8 CONSTRAINT customer_territories_distance CHECK (distance_m >= 0),
	owner			name,
	assigned_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT customer_territories_pool_has_no_territory CHECK ((method = 'pool') = (territory_id IS NULL))
);
COMMENT ON TABLE crm_postgis.customer_territories IS 'Result of the last crm_postgis.assign_territories(): the territory and owner of every located customer';
COMMENT ON COLUMN crm_postgis.customer_territories.territory_id IS 'Assigned territory; NULL for the pool';
COMMENT ON COLUMN crm_postgis.customer_territories.method IS 'inside (covered by the territory), nearest (fallback within fallback_distance_m) or pool';
COMMENT ON COLUMN crm_postgis.customer_territories.distance_m IS 'Metres from the customer to the territory: 0 inside, > 0 for nearest, NULL for the pool';
COMMENT ON COLUMN crm_postgis.customer_territories.owner IS 'Owner given by the assignment (the territory owner, or the pool_owner setting)';
COMMENT ON COLUMN crm_postgis.customer_territories.assigned_at IS 'When this assignment was last changed';
SELECT pg_catalog.pg_extension_config_dump('crm_postgis.customer_territories', '');
CREATE INDEX customer_territories_territory_idx ON crm_postgis.customer_territories (territory_id);

-- Proposed territory and owner of every located customer, beside the current ones (what assign_territories would write).
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.proposed_assignments(fallback_distance_m float8 DEFAULT NULL)
RETURNS TABLE (customer_id bigint, territory_id bigint, method text, distance_m float8, owner name,
	current_territory_id bigint, current_method text, current_owner name,
	assignment_changed boolean, owner_changed boolean)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	fallback float8 := coalesce(fallback_distance_m, (crm_postgis.setting('fallback_distance_m'))::text::float8);
	pool_owner name := nullif(crm_postgis.setting('pool_owner') #>> '{}', '')::name;
BEGIN
	IF NOT (fallback >= 0 AND fallback < 'Infinity') THEN
		RAISE EXCEPTION 'fallback_distance_m % is out of range [0, infinity)', fallback
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give a distance in metres; 0 sends every customer outside all territories to the pool.';
	END IF;
	RETURN QUERY
	WITH inside AS MATERIALIZED (
		-- Driven by territories: consecutive ST_Covers calls share a polygon (PostGIS caches its edge tree).
		SELECT DISTINCT ON (l.customer_id) l.customer_id, t.territory_id, t.owner
		FROM crm_postgis.territories t
		JOIN crm_postgis.customer_locations l ON @extschema:postgis@.ST_Covers(t.boundary, l.location)
		WHERE t.active
		ORDER BY l.customer_id, t.priority DESC, t.territory_id
	), proposal AS (
		SELECT i.customer_id, i.territory_id, 'inside'::text AS method, 0::float8 AS distance_m, i.owner
		FROM inside i
		UNION ALL
		SELECT l.customer_id, n.territory_id, CASE WHEN n.territory_id IS NULL THEN 'pool' ELSE 'nearest' END,
			n.d, CASE WHEN n.territory_id IS NULL THEN pool_owner ELSE n.owner END
		FROM crm_postgis.customer_locations l
		LEFT JOIN LATERAL (
			SELECT t.territory_id, t.owner, @extschema:postgis@.ST_Distance(t.boundary, l.location) AS d
			FROM crm_postgis.territories t
			WHERE fallback > 0 AND t.active AND @extschema:postgis@.ST_DWithin(t.boundary, l.location, fallback)
			ORDER BY 3, t.priority DESC, t.territory_id
			LIMIT 1) AS n ON true
		WHERE NOT EXISTS (SELECT 1 FROM inside i WHERE i.customer_id = l.customer_id)
	)
	SELECT p.customer_id, p.territory_id, p.method, p.distance_m, p.owner,
		ct.territory_id, ct.method, c.owner,
		ct.customer_id IS NULL OR (ct.territory_id, ct.method, ct.distance_m, ct.owner)
			IS DISTINCT FROM (p.territory_id, p.method, p.distance_m, p.owner),
		c.owner IS DISTINCT FROM p.owner
	FROM proposal p
	JOIN crm.customers c ON c.customer_id = p.customer_id
	LEFT JOIN crm_postgis.customer_territories ct ON ct.customer_id = p.customer_id;
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.proposed_assignments(float8) IS 'What assign_territories would write: proposed territory, method, distance and owner of every located customer, beside the current ones (read-only)';

-- Assigns every located customer's territory and owner (set-based); with dry_run, only counts what would change.
CREATE FUNCTION crm_postgis.assign_territories(dry_run boolean DEFAULT false, fallback_distance_m float8 DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	set_owner boolean := (crm_postgis.setting('assign_owner'))::text::boolean;
	result jsonb;
BEGIN
	IF dry_run IS NULL THEN
		RAISE EXCEPTION 'dry_run must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass true to only count the changes, false to write them.';
	END IF;
	IF NOT dry_run THEN
		-- One writer at a time; readers are not blocked.
		LOCK TABLE crm_postgis.customer_territories IN SHARE ROW EXCLUSIVE MODE;
	END IF;
	WITH p AS MATERIALIZED (
		SELECT * FROM crm_postgis.proposed_assignments(fallback_distance_m)
	), written AS (
		INSERT INTO crm_postgis.customer_territories AS ct (customer_id, territory_id, method, distance_m, owner)
		SELECT p.customer_id, p.territory_id, p.method, p.distance_m, p.owner
		FROM p WHERE p.assignment_changed AND NOT dry_run
		ON CONFLICT (customer_id) DO UPDATE
			SET territory_id = EXCLUDED.territory_id, method = EXCLUDED.method, distance_m = EXCLUDED.distance_m,
				owner = EXCLUDED.owner, assigned_at = pg_catalog.now()
		RETURNING 1
	), removed AS (
		DELETE FROM crm_postgis.customer_territories ct
		WHERE NOT dry_run AND NOT EXISTS (SELECT 1 FROM crm_postgis.customer_locations l WHERE l.customer_id = ct.customer_id)
		RETURNING 1
	), owners AS (
		UPDATE crm.customers c SET owner = p.owner
		FROM p WHERE NOT dry_run AND set_owner AND p.owner_changed AND c.customer_id = p.customer_id
		RETURNING 1
	)
	SELECT jsonb_build_object(
		'dry_run', dry_run,
		'located', (SELECT count(*) FROM p),
		'inside', (SELECT count(*) FROM p WHERE p.method = 'inside'),
		'nearest', (SELECT count(*) FROM p WHERE p.method = 'nearest'),
		'pool', (SELECT count(*) FROM p WHERE p.method = 'pool'),
		'changed', CASE WHEN dry_run THEN (SELECT count(*) FROM p WHERE p.assignment_changed)
						ELSE (SELECT count(*) FROM written) END,
		'removed', CASE WHEN dry_run THEN (SELECT count(*) FROM crm_postgis.customer_territories ct
											WHERE NOT EXISTS (SELECT 1 FROM crm_postgis.customer_locations l
															  WHERE l.customer_id = ct.customer_id))
						ELSE (SELECT count(*) FROM removed) END,
		'owners_changed', CASE WHEN NOT set_owner THEN 0
							   WHEN dry_run THEN (SELECT count(*) FROM p WHERE p.owner_changed)
							   ELSE (SELECT count(*) FROM owners) END)
	INTO result;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm_postgis.assign_territories(boolean, float8) IS 'Assigns every located customer a territory and owner in one set-based statement (inside by priority, else nearest within fallback_distance_m, else pool); returns counts as jsonb; dry_run => true writes nothing. Called by crm.refresh() when crm_postgis is installed';
