-- Loads a bundle into DuckDB for the routes benchmark (untimed set-up).
-- Entities get dense integer ids; HS codes keep their first 6 digits
-- (a shorter code stays whole, so it agrees only with the same short code,
-- as docs/routes.md says). __DIR__ is replaced by the bundle folder.
CREATE TABLE ent AS
  SELECT row_number() OVER (ORDER BY id) AS n, id, upper(trim(country)) AS country
  FROM read_csv('__DIR__/entities.csv', all_varchar = true);
CREATE TABLE ship AS
  SELECT s.id AS sid, a.n AS src, b.n AS dst, CAST(s.date AS DATE) AS d,
         substr(regexp_replace(s.hs_code, '[^0-9]', '', 'g'), 1, 6) AS k
  FROM read_csv('__DIR__/shipments.csv', all_varchar = true) s
  JOIN ent a ON a.id = s.shipper
  JOIN ent b ON b.id = s.consignee;
