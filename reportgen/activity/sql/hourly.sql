-- AILD D1.1 Annex D: spreading activity rows over UTC clock hours, and hourly matching with grid intensity.
--
-- reportgen runs these very statements on DuckDB (reportgen/activity/engine.py reads this file). A team
-- whose telemetry lives in a warehouse runs `spread` there, over billions of rows, and hands reportgen its
-- result as an `energy` table (columns start, end, zone, phase, energy_kwh): one row per phase, zone and
-- clock hour, which reportgen reads like any other activity table (README, "Activity data").
--
-- Dialect: written for DuckDB in the subset it shares with PostgreSQL (date_trunc, EXTRACT(EPOCH ...),
-- INTERVAL '1 hour', least/greatest, LEFT JOIN), except for one construct, the series of clock hours a
-- row covers, written `unnest(generate_series(a, b, INTERVAL '1 hour'))`. Elsewhere write it as:
--   PostgreSQL   generate_series(a, b, INTERVAL '1 hour')                     (set-returning, select list)
--   BigQuery     CROSS JOIN UNNEST(GENERATE_TIMESTAMP_ARRAY(a, b, INTERVAL 1 HOUR)) AS hour
--   Snowflake    LATERAL FLATTEN(ARRAY_GENERATE_RANGE(0, n_hours)), then DATEADD(hour, value, a)
-- and EXTRACT(EPOCH FROM x) (seconds since 1970, fractional) as UNIX_MICROS(x) / 1e6 in BigQuery or
-- DATE_PART(epoch_microsecond, x) / 1e6 in Snowflake. Timestamps are TIMESTAMP WITH TIME ZONE, in UTC
-- (SET TimeZone = 'UTC').
--
-- Each statement starts with a `-- name:` line. Inputs are relations with these columns:
--   activity_rows(phase, zone, start_utc, end_utc, counted_start, counted_end, energy_kwh, rows)
--       one row of an energy table (or a group of rows with the same phase, zone, start and end, with
--       their summed energy_kwh and their number in `rows`; a raw row has rows = 1). [counted_start,
--       counted_end) is the part of [start_utc, end_utc) that counts: the whole row, except for inference
--       rows clipped to the reporting period (D.3). Extra columns are carried through.
--   grid_rows(zone, datetime, intensity, rows)
--       grid intensity rows (gCO2e/kWh), each covering the clock hour that starts at `datetime`;
--       `intensity` is the mean of `rows` source rows (1 for a raw row).
--   hourly_energy(phase, zone, start, energy_kwh, ...)   the result of `spread`
--   grid_hourly(zone, hour, intensity)                  the result of `grid_hourly`

-- name: spread
-- A row's counted energy goes to the clock hours of its counted part, in proportion to the overlap:
-- energy_kwh × overlap(hour, [counted_start, counted_end)) ÷ (end_utc − start_utc).
WITH hours AS (
    SELECT r.*, unnest(generate_series(date_trunc('hour', r.counted_start),
                                       r.counted_end - INTERVAL '1 microsecond',
                                       INTERVAL '1 hour')) AS hour
    FROM activity_rows AS r
    WHERE r.counted_end > r.counted_start
)
SELECT phase,
       zone,
       hour AS start,
       hour + INTERVAL '1 hour' AS "end",
       sum(energy_kwh * (EXTRACT(EPOCH FROM least(counted_end, hour + INTERVAL '1 hour'))
                         - EXTRACT(EPOCH FROM greatest(counted_start, hour)))
           / (EXTRACT(EPOCH FROM end_utc) - EXTRACT(EPOCH FROM start_utc))) AS energy_kwh,
       sum(rows) AS rows
FROM hours
GROUP BY phase, zone, hour;

-- name: grid_hourly
-- One intensity per zone (trimmed, upper case) and clock hour: the mean of the rows that give one (D.3).
SELECT upper(trim(zone)) AS zone,
       date_trunc('hour', datetime) AS hour,
       sum(intensity * rows) / sum(rows) AS intensity
FROM grid_rows
WHERE rows > 0
GROUP BY upper(trim(zone)), date_trunc('hour', datetime);

-- name: match
-- E(z, h) × I(z, h) ÷ 1000 in kgCO2e per phase, zone and hour. Energy without a zone takes the zone of the
-- grid tables when they hold exactly one; energy without an intensity for its zone and hour is unmatched
-- (intensity and ghg_kg NULL). `match_zone` is the zone matched on.
WITH single_zone AS (
    SELECT CASE WHEN count(DISTINCT zone) = 1 THEN min(zone) END AS zone FROM grid_hourly
), e AS (
    SELECT h.*, coalesce(upper(trim(h.zone)), (SELECT zone FROM single_zone)) AS match_zone
    FROM hourly_energy AS h
)
SELECT e.*,
       g.intensity,
       e.energy_kwh * g.intensity / 1000 AS ghg_kg
FROM e
LEFT JOIN grid_hourly AS g ON g.zone = e.match_zone AND g.hour = e.start;
