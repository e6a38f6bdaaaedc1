-- Routes US -> RU, at most 4 hops, searched from the US side.
-- Continuity, time window (0..180 days), same HS-6 key, no entity twice.
WITH RECURSIVE r(last, d, k, hops, path) AS (
  SELECT s.dst, s.d, s.k, 1, [s.src, s.dst]
  FROM ship s JOIN ent e ON e.n = s.src
  WHERE e.country = 'US' AND s.src <> s.dst
  UNION ALL
  SELECT s.dst, s.d, s.k, r.hops + 1, list_append(r.path, s.dst)
  FROM r JOIN ship s ON s.src = r.last AND s.k = r.k AND s.d >= r.d AND s.d <= r.d + 180
  WHERE r.hops < 4 AND NOT list_contains(r.path, s.dst)
)
SELECT count(*) AS routes FROM r JOIN ent e ON e.n = r.last WHERE e.country = 'RU';
