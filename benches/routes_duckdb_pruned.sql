-- The count of routes_duckdb_backward.sql, with the search space cut
-- first by a necessary condition that ignores dates: a shipment can be hop i
-- of a route only if its shipper is a US party (i = 1) or receives goods
-- under the same HS key from a US party within i - 1 hops. The same routes
-- come out; DuckDB then grows the backward chains from Russia only through
-- shipments that pass the cut.
WITH RECURSIVE
  us AS (SELECT n FROM ent WHERE country = 'US'),
  f(n, k, h) AS (
    SELECT DISTINCT s.dst, s.k, 1 FROM ship s JOIN us ON us.n = s.src
    UNION
    SELECT DISTINCT s.dst, s.k, f.h + 1 FROM f JOIN ship s ON s.src = f.n AND s.k = f.k WHERE f.h < 3
  ),
  reach AS (SELECT DISTINCT n, k FROM f),
  ship2 AS (
    SELECT s.* FROM ship s WHERE s.src IN (SELECT n FROM us)
    UNION ALL
    SELECT s.* FROM ship s JOIN reach ON reach.n = s.src AND reach.k = s.k WHERE s.src NOT IN (SELECT n FROM us)
  ),
  r(first, d, k, hops, path, sids) AS (
    SELECT s.src, s.d, s.k, 1, [s.dst, s.src], [s.sid]
    FROM ship2 s JOIN ent e ON e.n = s.dst
    WHERE e.country = 'RU' AND s.src <> s.dst
    UNION ALL
    SELECT s.src, s.d, s.k, r.hops + 1, list_append(r.path, s.src), list_prepend(s.sid, r.sids)
    FROM r JOIN ship2 s ON s.dst = r.first AND s.k = r.k AND s.d <= r.d AND r.d <= s.d + 180
    WHERE r.hops < 4 AND NOT list_contains(r.path, s.src)
  )
SELECT count(*) AS routes FROM r JOIN ent e ON e.n = r.first WHERE e.country = 'US';
