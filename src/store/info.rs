//! What a case holds: the figures behind `divtrace info`.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;

use super::Case;
use crate::error::Result;
use crate::refdata;

#[derive(Debug, Serialize)]
pub struct CaseInfo {
    pub schema_version: u32,
    pub generation: i64,
    pub entities: BTreeMap<String, i64>,
    pub aliases: i64,
    pub identifiers: i64,
    pub shipments: i64,
    pub relations: BTreeMap<String, i64>,
    pub lists: BTreeMap<String, i64>,
    pub resolved_clusters: i64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub total_value_usd: f64,
    /// Values declared in a currency other than USD, per currency: how many
    /// were converted with a rate and how many have no USD value at all
    /// (those are in no US$ total). Absent when every value is in USD.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_values: Vec<CurrencyCount>,
    /// Shipments by dispatch country → destination country counts, per country.
    pub countries: Vec<CountryCount>,
    pub hs_headings: Vec<HeadingCount>,
    /// Share of all shipments whose HS-6 code is on the CHPL.
    pub chpl_share: f64,
    pub batches: Vec<BatchInfo>,
}

#[derive(Debug, Serialize)]
pub struct CountryCount {
    pub country: String,
    pub name: String,
    pub entities: i64,
    pub shipments_out: i64,
    pub shipments_in: i64,
}

#[derive(Debug, Serialize)]
pub struct CurrencyCount {
    pub currency: String,
    pub shipments: i64,
    /// Sum of the amounts as declared, in `currency`.
    pub amount: f64,
    /// Converted to USD with a rate (`--fx` or the bundled table).
    pub converted: i64,
    /// With no USD value: no rate was found, `value_usd` is empty.
    pub unconverted: i64,
}

#[derive(Debug, Serialize)]
pub struct HeadingCount {
    pub heading: String,
    pub shipments: i64,
    pub value_usd: f64,
    /// Share of the heading's shipments that are on the CHPL (by HS-6).
    pub chpl_share: f64,
    pub chpl_tiers: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct BatchInfo {
    pub id: i64,
    pub scope: String,
    pub format: String,
    pub bundle_path: String,
    pub imported_at: String,
    pub tool_version: String,
    pub content_sha256: String,
    pub files: Vec<BatchFileInfo>,
}

#[derive(Debug, Serialize)]
pub struct BatchFileInfo {
    pub role: String,
    pub path: String,
    pub sha256: String,
    pub rows: i64,
    pub refused: i64,
}

fn counts(conn: &Connection, sql: &str) -> Result<BTreeMap<String, i64>> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn one<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Result<T> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

impl Case {
    /// Gathers the overview shown by `divtrace info`; `top` caps the country and heading lists.
    pub fn info(&self, top: usize) -> Result<CaseInfo> {
        let c = &self.conn;
        let (first_date, last_date, total_value_usd): (Option<String>, Option<String>, f64) =
            c.query_row("SELECT min(date), max(date), coalesce(sum(value_usd), 0) FROM shipment", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let shipments: i64 = one(c, "SELECT count(*) FROM shipment")?;

        let mut countries: BTreeMap<String, CountryCount> = BTreeMap::new();
        let mut add = |code: String, f: &dyn Fn(&mut CountryCount)| {
            let e = countries.entry(code.clone()).or_insert_with(|| CountryCount {
                name: refdata::country_name(&code).unwrap_or("unknown").to_string(),
                country: code,
                entities: 0,
                shipments_out: 0,
                shipments_in: 0,
            });
            f(e);
        };
        for (k, n) in counts(c, "SELECT coalesce(country, '??'), count(*) FROM entity GROUP BY 1")? {
            add(k, &|e| e.entities += n);
        }
        for (k, n) in counts(c, "SELECT coalesce(from_country, '??'), count(*) FROM shipment GROUP BY 1")? {
            add(k, &|e| e.shipments_out += n);
        }
        for (k, n) in counts(c, "SELECT coalesce(to_country, '??'), count(*) FROM shipment GROUP BY 1")? {
            add(k, &|e| e.shipments_in += n);
        }
        let mut countries: Vec<_> = countries.into_values().collect();
        countries
            .sort_by(|a, b| (b.shipments_out + b.shipments_in).cmp(&(a.shipments_out + a.shipments_in)).then(a.country.cmp(&b.country)));
        countries.truncate(top);

        // Aggregate by HS-6 in SQL, then fold into headings with the CHPL test in Rust.
        let mut st = c.prepare("SELECT substr(hs, 1, 6), count(*), coalesce(sum(value_usd), 0) FROM shipment GROUP BY 1")?;
        let mut headings: BTreeMap<String, HeadingCount> = BTreeMap::new();
        let mut chpl_total = 0i64;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, f64>(2)?)))? {
            let (hs6, n, v) = row?;
            let h = headings.entry(hs6[..4].to_string()).or_insert_with(|| HeadingCount {
                heading: hs6[..4].to_string(),
                shipments: 0,
                value_usd: 0.0,
                chpl_share: 0.0,
                chpl_tiers: Vec::new(),
            });
            h.shipments += n;
            h.value_usd += v;
            if let Some(item) = refdata::chpl_item(&hs6) {
                chpl_total += n;
                h.chpl_share += n as f64; // count for now; divided below
                if !h.chpl_tiers.contains(&item.tier) {
                    h.chpl_tiers.push(item.tier.clone());
                }
            }
        }
        let mut hs_headings: Vec<_> = headings
            .into_values()
            .map(|mut h| {
                h.chpl_share /= h.shipments.max(1) as f64;
                h.chpl_tiers.sort();
                h
            })
            .collect();
        hs_headings.sort_by(|a, b| b.shipments.cmp(&a.shipments).then(a.heading.cmp(&b.heading)));
        hs_headings.truncate(top);

        let mut batches = Vec::new();
        let mut st =
            c.prepare("SELECT id, scope, format, bundle_path, imported_at, tool_version, content_sha256 FROM batch ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(BatchInfo {
                id: r.get(0)?,
                scope: r.get(1)?,
                format: r.get(2)?,
                bundle_path: r.get(3)?,
                imported_at: r.get(4)?,
                tool_version: r.get(5)?,
                content_sha256: r.get(6)?,
                files: Vec::new(),
            })
        })?;
        for b in rows {
            batches.push(b?);
        }
        let mut fs = c.prepare("SELECT role, path, sha256, rows, rejected FROM batch_file WHERE batch = ?1 ORDER BY id")?;
        for b in &mut batches {
            let rows = fs.query_map([b.id], |r| {
                Ok(BatchFileInfo { role: r.get(0)?, path: r.get(1)?, sha256: r.get(2)?, rows: r.get(3)?, refused: r.get(4)? })
            })?;
            for f in rows {
                b.files.push(f?);
            }
        }

        Ok(CaseInfo {
            schema_version: one(c, "PRAGMA user_version")?,
            generation: self.generation()?,
            entities: counts(c, "SELECT kind, count(*) FROM entity GROUP BY kind")?,
            aliases: one(c, "SELECT count(*) FROM entity_alias")?,
            identifiers: one(c, "SELECT count(*) FROM entity_identifier")?,
            shipments,
            relations: counts(c, "SELECT kind, count(*) FROM relation GROUP BY kind")?,
            lists: counts(c, "SELECT list, count(DISTINCT entity) FROM list_membership GROUP BY list")?,
            resolved_clusters: one(c, "SELECT count(DISTINCT cluster) FROM entity_cluster WHERE entity <> cluster")?,
            first_date,
            last_date,
            total_value_usd,
            foreign_values: foreign_values(c)?,
            countries,
            hs_headings,
            chpl_share: chpl_total as f64 / shipments.max(1) as f64,
            batches,
        })
    }

    /// Shipments and declared value on each loaded goods list (`info --goods`), by full HS code.
    pub fn goods_counts(&self, goods: &refdata::goods::GoodsLists) -> Result<Vec<GoodsListCount>> {
        let c = self.conn();
        let total: i64 = c.query_row("SELECT count(*) FROM shipment", [], |r| r.get(0))?;
        let mut st = c.prepare("SELECT hs, count(*), coalesce(sum(value_usd), 0) FROM shipment GROUP BY 1")?;
        let mut by_list: BTreeMap<String, GoodsListCount> =
            goods.names().into_iter().map(|l| (l.clone(), GoodsListCount { list: l, shipments: 0, value_usd: 0.0, share: 0.0 })).collect();
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, f64>(2)?)))? {
            let (hs, n, v) = row?;
            let mut lists: Vec<&str> = goods.matching(&hs).map(|e| e.list.as_str()).collect();
            lists.sort_unstable();
            lists.dedup();
            for l in lists {
                if let Some(x) = by_list.get_mut(l) {
                    x.shipments += n;
                    x.value_usd += v;
                }
            }
        }
        Ok(by_list
            .into_values()
            .map(|mut x| {
                x.share = x.shipments as f64 / total.max(1) as f64;
                x
            })
            .collect())
    }
}

/// Shipments on one goods list.
#[derive(Debug, Serialize)]
pub struct GoodsListCount {
    pub list: String,
    pub shipments: i64,
    pub value_usd: f64,
    /// Share of all shipments.
    pub share: f64,
}

/// Non-USD declared values per currency (see [`CaseInfo::foreign_values`]).
fn foreign_values(c: &Connection) -> Result<Vec<CurrencyCount>> {
    let mut st = c.prepare(
        "SELECT currency, count(*), coalesce(sum(value), 0), count(usd_rate), count(*) - count(value_usd)
         FROM shipment WHERE currency IS NOT NULL AND currency <> 'USD' AND value IS NOT NULL
         GROUP BY currency ORDER BY currency",
    )?;
    let rows = st.query_map([], |r| {
        Ok(CurrencyCount { currency: r.get(0)?, shipments: r.get(1)?, amount: r.get(2)?, converted: r.get(3)?, unconverted: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
