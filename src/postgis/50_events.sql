-- Offline customer events and their invitation lists: the customers within a
-- radius of the venue, filtered by tier, RFM segment and health band, ready
-- to use, or turned into crm.tasks (kind event_invitation) with a
-- deterministic dedup_key, respecting consent.

SELECT crm_postgis.install_sql($sql$
CREATE TABLE crm_postgis.events (
	event_id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name		text NOT NULL CONSTRAINT events_name_not_blank CHECK (pg_catalog.btrim(name) <> ''),
	starts_at	timestamptz NOT NULL,
	ends_at		timestamptz,
	site_id		bigint REFERENCES crm_postgis.sites ON DELETE RESTRICT,
	latitude	float8 CONSTRAINT events_latitude_range CHECK (latitude BETWEEN -90 AND 90),
	longitude	float8 CONSTRAINT events_longitude_range CHECK (longitude BETWEEN -180 AND 180),
	location	@extschema:postgis@.geography(Point, 4326) GENERATED ALWAYS AS (
					CASE WHEN latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180
					THEN @extschema:postgis@.geography(@extschema:postgis@.ST_SetSRID(@extschema:postgis@.ST_MakePoint(longitude, latitude), 4326))
					END) STORED,
	radius_m	float8 NOT NULL DEFAULT 50000 CONSTRAINT events_radius_positive CHECK (radius_m > 0 AND radius_m < 'Infinity'),
	description	text,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT events_end_after_start CHECK (ends_at >= starts_at),
	CONSTRAINT events_has_venue CHECK (site_id IS NOT NULL OR (latitude IS NOT NULL AND longitude IS NOT NULL)),
	CONSTRAINT events_coordinates_paired CHECK ((latitude IS NULL) = (longitude IS NULL))
)
$sql$);
COMMENT ON TABLE crm_postgis.events IS 'Offline customer events (seminars, trade fairs, dinners): when, where (a site or coordinates) and the default invitation radius';
COMMENT ON COLUMN crm_postgis.events.name IS 'Event name, used in invitation task titles';
COMMENT ON COLUMN crm_postgis.events.site_id IS 'Venue as a site; used when latitude/longitude are NULL';
COMMENT ON COLUMN crm_postgis.events.latitude IS 'Venue latitude in decimal degrees (overrides the site''s location)';
COMMENT ON COLUMN crm_postgis.events.longitude IS 'Venue longitude in decimal degrees (overrides the site''s location)';
COMMENT ON COLUMN crm_postgis.events.location IS 'geography(Point, 4326) generated from latitude/longitude (NULL when the venue is the site)';
COMMENT ON COLUMN crm_postgis.events.radius_m IS 'Default invitation radius around the venue, metres';
COMMENT ON COLUMN crm_postgis.events.starts_at IS 'Start of the event';
COMMENT ON COLUMN crm_postgis.events.ends_at IS 'End of the event (optional)';
COMMENT ON COLUMN crm_postgis.events.description IS 'Free text';
COMMENT ON COLUMN crm_postgis.events.created_at IS 'When the row was created';
SELECT pg_catalog.pg_extension_config_dump('crm_postgis.events', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm_postgis.events', 'event_id'), '');

-- Located customers within radius_m metres of a point, optionally filtered by tier, RFM segment and health band, nearest first.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.customers_within(latitude float8, longitude float8, radius_m float8,
	tiers crm.tier[] DEFAULT NULL, segments text[] DEFAULT NULL, health_bands text[] DEFAULT NULL)
RETURNS TABLE (customer_id bigint, name text, company text, email text, owner name, tier crm.tier,
	rfm_segment text, health_band text, health_score float8, distance_m float8)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	origin @extschema:postgis@.geography := crm_postgis.make_location(latitude, longitude);
	has_scores boolean := pg_catalog.to_regclass('crm.customer_scores') IS NOT NULL;
BEGIN
	IF NOT (radius_m >= 0 AND radius_m < 'Infinity') THEN
		RAISE EXCEPTION 'radius_m % is out of range [0, infinity)', coalesce(radius_m::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Give the radius in metres, e.g. 50000 for 50 km.';
	END IF;
	IF NOT has_scores AND (segments IS NOT NULL OR health_bands IS NOT NULL) THEN
		RAISE EXCEPTION 'filtering by RFM segment or health band needs crm.customer_scores, which does not exist'
			USING ERRCODE = 'undefined_table', HINT = 'Upgrade crm to a version with scores and run crm.refresh(), or filter by tier only.';
	END IF;
	-- crm.customer_scores is read only when it exists, so the query is built at run time.
	RETURN QUERY EXECUTE format($q$
		SELECT c.customer_id, c.name, c.company, c.email, c.owner, c.tier, %s, %s, %s,
			@extschema:postgis@.ST_Distance(l.location, $1) AS d
		FROM crm_postgis.customer_locations l
		JOIN crm.customers c ON c.customer_id = l.customer_id
		%s
		WHERE @extschema:postgis@.ST_DWithin(l.location, $1, $2)
			AND ($3 IS NULL OR c.tier = ANY ($3))
			%s
		ORDER BY d, c.customer_id$q$,
		CASE WHEN has_scores THEN 's.rfm_segment' ELSE 'NULL::text' END,
		CASE WHEN has_scores THEN 's.health_band' ELSE 'NULL::text' END,
		CASE WHEN has_scores THEN 's.health_score' ELSE 'NULL::float8' END,
		CASE WHEN has_scores THEN 'LEFT JOIN crm.customer_scores s ON s.customer_id = c.customer_id' ELSE '' END,
		CASE WHEN has_scores THEN 'AND ($4 IS NULL OR s.rfm_segment = ANY ($4)) AND ($5 IS NULL OR s.health_band = ANY ($5))' ELSE '' END)
	USING origin, radius_m, tiers, segments, health_bands;
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.customers_within(float8, float8, float8, crm.tier[], text[], text[]) IS 'Located customers within radius_m metres (WGS 84 ellipsoid) of a point, optionally only the given tiers, RFM segments and health bands (NULL = any), nearest first';

-- Venue location of an event (its own coordinates, else its site's); raises for an unknown event.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.event_venue(event_id bigint, OUT latitude float8, OUT longitude float8, OUT radius_m float8,
	OUT starts_at timestamptz, OUT name text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	SELECT coalesce(e.latitude, s.latitude), coalesce(e.longitude, s.longitude), e.radius_m, e.starts_at, e.name
	INTO latitude, longitude, radius_m, starts_at, name
	FROM crm_postgis.events e LEFT JOIN crm_postgis.sites s ON s.site_id = e.site_id
	WHERE e.event_id = event_venue.event_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'event % does not exist', coalesce(event_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', HINT = 'SELECT event_id, name FROM crm_postgis.events lists the events.';
	END IF;
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.event_venue(bigint) IS 'Venue coordinates, default radius, start and name of an event (the event''s own coordinates, else its site''s)';

-- Invitation list of an event: customers within the radius of the venue matching the filters, nearest first.
CREATE FUNCTION crm_postgis.invitation_list(event_id bigint, radius_m float8 DEFAULT NULL,
	tiers crm.tier[] DEFAULT NULL, segments text[] DEFAULT NULL, health_bands text[] DEFAULT NULL)
RETURNS TABLE (customer_id bigint, name text, company text, email text, owner name, tier crm.tier,
	rfm_segment text, health_band text, health_score float8, distance_m float8)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	-- Positional parameters: v has a column radius_m that would shadow the parameter of that name.
	SELECT w.*
	FROM crm_postgis.event_venue($1) AS v,
		crm_postgis.customers_within(v.latitude, v.longitude, coalesce($2, v.radius_m), $3, $4, $5) AS w;
$$;
COMMENT ON FUNCTION crm_postgis.invitation_list(bigint, float8, crm.tier[], text[], text[]) IS 'Ready invitation list of an event: customers within radius_m (default: the event''s radius) of the venue, filtered by tier / RFM segment / health band, nearest first';

-- Consent hook: may crm contact this customer on this channel for this purpose (service or marketing)?
CREATE FUNCTION crm_postgis.may_contact(customer_id bigint, channel crm.channel, purpose text) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	allowed boolean;
BEGIN
	-- crm's consent rules (crm.may_contact: newest matching record decides, marketing is opt-in) when
	-- this crm has them; called dynamically so crm_postgis also installs on a crm without consent.
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p
				   WHERE p.proname = 'may_contact' AND p.pronamespace = 'crm'::regnamespace) THEN
		RETURN true;
	END IF;
	EXECUTE 'SELECT crm.may_contact($1, $2, $3::crm.contact_purpose)' INTO allowed USING customer_id, channel, purpose;
	RETURN allowed;
END
$$;
COMMENT ON FUNCTION crm_postgis.may_contact(bigint, crm.channel, text) IS 'Consent check of invite_to_event: crm.may_contact(customer, channel, purpose) when crm has consent rules, else true';

-- Invites an event's invitation list: one crm.tasks row each, or with message_template one crm.outbox message each; respects consent.
CREATE FUNCTION crm_postgis.invite_to_event(event_id bigint, radius_m float8 DEFAULT NULL,
	tiers crm.tier[] DEFAULT NULL, segments text[] DEFAULT NULL, health_bands text[] DEFAULT NULL,
	channel crm.channel DEFAULT 'email', due_at timestamptz DEFAULT NULL, purpose text DEFAULT 'marketing',
	message_template text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	venue record;
	due timestamptz;
	n_invitees bigint;
	queued bigint;
	result jsonb;
BEGIN
	IF channel IS NULL THEN
		RAISE EXCEPTION 'channel must not be NULL'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass a crm.channel, e.g. email, phone or visit.';
	END IF;
	venue := crm_postgis.event_venue(event_id);
	due := coalesce(due_at, greatest(pg_catalog.now(),
		venue.starts_at - make_interval(days => (crm_postgis.setting('invitation_lead_days'))::text::integer)));
	IF message_template IS NOT NULL THEN
		-- Outbox messages through crm.queue_message (template channel/purpose, consent, address, dedup_key).
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p
					   WHERE p.proname = 'queue_message' AND p.pronamespace = 'crm'::regnamespace) THEN
			RAISE EXCEPTION 'message_template needs crm.queue_message, which this crm does not have'
				USING ERRCODE = 'undefined_function', HINT = 'Upgrade crm, or leave message_template NULL to create tasks.';
		END IF;
		EXECUTE $q$
			SELECT count(*), count(crm.queue_message(i.customer_id, $1, $2,
					jsonb_build_object('event_name', $3, 'event_date', to_char($4, 'YYYY-MM-DD'),
									   'distance_km', round((i.distance_m / 1000)::numeric, 1)::text),
					format('event_invitation:%s:%s', $5, i.customer_id), 'crm_postgis.invite_to_event'))
			FROM crm_postgis.invitation_list($5, $6, $7, $8, $9) AS i$q$
		INTO n_invitees, queued
		USING message_template, due, venue.name, venue.starts_at, event_id, radius_m, tiers, segments, health_bands;
		RETURN jsonb_build_object('invitees', n_invitees, 'queued', queued,
			'not_queued', n_invitees - queued);
	END IF;
	WITH invitees AS MATERIALIZED (
		SELECT i.customer_id, i.owner, crm_postgis.may_contact(i.customer_id, invite_to_event.channel, purpose) AS consent
		FROM crm_postgis.invitation_list(event_id, radius_m, tiers, segments, health_bands) AS i
	), created AS (
		INSERT INTO crm.tasks (customer_id, kind, title, channel, owner, due_at, source, dedup_key)
		SELECT v.customer_id, 'event_invitation',
			format('Invite to %s (%s)', venue.name, to_char(venue.starts_at, 'YYYY-MM-DD')),
			invite_to_event.channel, v.owner, due, 'crm_postgis.invite_to_event',
			format('event_invitation:%s:%s', event_id, v.customer_id)
		FROM invitees v WHERE v.consent
		ON CONFLICT (dedup_key) DO NOTHING
		RETURNING 1
	)
	SELECT jsonb_build_object(
		'invitees', (SELECT count(*) FROM invitees),
		'created', (SELECT count(*) FROM created),
		'already_invited', (SELECT count(*) FROM invitees WHERE consent) - (SELECT count(*) FROM created),
		'no_consent', (SELECT count(*) FROM invitees WHERE NOT consent))
	INTO result;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm_postgis.invite_to_event(bigint, float8, crm.tier[], text[], text[], crm.channel, timestamptz, text, text) IS 'Invites an event''s invitation list: one crm.tasks row per invitee with consent (kind event_invitation, dedup_key event_invitation:<event>:<customer>), or with message_template one crm.outbox message each via crm.queue_message; rerunning never duplicates; returns counts as jsonb';
