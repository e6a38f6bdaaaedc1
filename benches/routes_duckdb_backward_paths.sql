-- The routes of routes_duckdb_backward.sql themselves, one line each: the
-- bundle ids of the shipments in hop order (for comparing route sets).
WITH RECURSIVE r(first, d, k, hops, path, sids) AS (
  SELECT s.src, s.d, s.k, 1, [s.dst, s.src], [s.sid]
  FROM ship s JOIN ent e ON e.n = s.dst
  WHERE e.country = 'RU' AND s.src <> s.dst
  UNION ALL
  SELECT s.src, s.d, s.k, r.hops + 1, list_append(r.path, s.src), list_prepend(s.sid, r.sids)
  FROM r JOIN ship s ON s.dst = r.first AND s.k = r.k AND s.d <= r.d AND r.d <= s.d + 180
  WHERE r.hops < 4 AND NOT list_contains(r.path, s.src)
)
SELECT array_to_string(sids, ' ') FROM r JOIN ent e ON e.n = r.first WHERE e.country = 'US' ORDER BY 1;
