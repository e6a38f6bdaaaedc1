-- The same routes searched from the RU side (last hop first).
WITH RECURSIVE r(first, d, k, hops, path) AS (
  SELECT s.src, s.d, s.k, 1, [s.dst, s.src]
  FROM ship s JOIN ent e ON e.n = s.dst
  WHERE e.country = 'RU' AND s.src <> s.dst
  UNION ALL
  SELECT s.src, s.d, s.k, r.hops + 1, list_append(r.path, s.src)
  FROM r JOIN ship s ON s.dst = r.first AND s.k = r.k AND s.d <= r.d AND r.d <= s.d + 180
  WHERE r.hops < 4 AND NOT list_contains(r.path, s.src)
)
SELECT count(*) AS routes FROM r JOIN ent e ON e.n = r.first WHERE e.country = 'US';
