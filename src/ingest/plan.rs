//! Which column (or constant) feeds each contract field of one input file,
//! built from the file's header and, when given, a column mapping.

use std::borrow::Cow;

use super::mapping::{Compiled, TableMap};
use super::source::CsvFile;
use crate::error::InputError;

/// The contract's columns for one file: name and whether it is required.
pub struct TableSpec {
    pub name: &'static str,
    pub file: &'static str,
    pub fields: &'static [(&'static str, bool)],
}

pub const ENTITIES: TableSpec = TableSpec {
    name: "entities",
    file: "entities.csv",
    fields: &[
        ("id", true),
        ("name", true),
        ("kind", false),
        ("country", false),
        ("aliases", false),
        ("identifiers", false),
        ("address", false),
        ("incorporated", false),
        ("roles", false),
        ("source", false),
    ],
};

/// `shipper_name` .. `consignee_identifiers` extend the contract for mapped
/// customs dumps that name the parties inline instead of by entity id.
pub const SHIPMENTS: TableSpec = TableSpec {
    name: "shipments",
    file: "shipments.csv",
    fields: &[
        ("id", true),
        ("date", true),
        ("shipper", true),
        ("consignee", true),
        ("hs_code", true),
        ("description", false),
        ("manufacturer", false),
        ("origin_country", false),
        ("from_country", false),
        ("to_country", false),
        ("quantity", false),
        ("unit", false),
        ("value_usd", false),
        ("weight_kg", false),
        ("source", false),
        ("shipper_name", false),
        ("shipper_country", false),
        ("shipper_address", false),
        ("shipper_identifiers", false),
        ("consignee_name", false),
        ("consignee_country", false),
        ("consignee_address", false),
        ("consignee_identifiers", false),
        // The amount as declared and its ISO 4217 currency (after the inline
        // parties so that no field above moves).
        ("value", false),
        ("currency", false),
    ],
};

pub const RELATIONS: TableSpec = TableSpec {
    name: "relations",
    file: "relations.csv",
    fields: &[("from", true), ("to", true), ("kind", true), ("share", false), ("start", false), ("end", false), ("source", false)],
};

pub const LISTS: TableSpec = TableSpec {
    name: "lists",
    file: "lists.csv",
    fields: &[("entity", true), ("list", true), ("program", false), ("listed_on", false), ("source", false)],
};

#[derive(Debug)]
enum Getter {
    Missing,
    Column {
        idx: usize,
        header: String,
        transform: Option<Compiled>,
    },
    /// Several columns joined by a separator, then transformed.
    Joined {
        idxs: Vec<usize>,
        sep: String,
        header: String,
        transform: Compiled,
    },
    Const(String),
}

/// The plan for one file: a getter per contract field, and the columns kept as extras.
pub struct Plan {
    getters: Vec<Getter>,
    /// (column index, header) of columns outside the contract.
    pub extras: Vec<(usize, String)>,
}

/// A field value read from a row: the value in contract form and the cell as written.
pub struct Cell<'r> {
    pub value: Cow<'r, str>,
    pub raw: Cow<'r, str>,
    /// The header of the column it came from (for messages), or the field name for constants.
    pub column: &'r str,
}

impl Plan {
    /// A plan with no columns, for records that come from elsewhere (FtM).
    pub fn empty() -> Plan {
        Plan { getters: Vec::new(), extras: Vec::new() }
    }

    /// Builds the plan and checks that every required field has a source.
    ///
    /// `inline_parties` relaxes `shipper`/`consignee` when `*_name` columns are mapped.
    pub fn build(spec: &TableSpec, file: &CsvFile, map: Option<&TableMap>, map_path: &str) -> Result<Plan, InputError> {
        let mut getters = Vec::with_capacity(spec.fields.len());
        let mut used = vec![false; file.headers.len()];
        for (field, _) in spec.fields {
            let g = match map.and_then(|m| m.columns.get(*field)) {
                Some(colspec) => {
                    let t = colspec.transform();
                    let find = |col: &str| {
                        file.column(col).ok_or_else(|| {
                            InputError::new(
                                &file.path,
                                1,
                                Some(col),
                                format!(
                                    "the mapping {map_path} ([{}.columns] {field}) names this column, but the header has no such column; found: {}",
                                    spec.name,
                                    file.headers.join(", ")
                                ),
                            )
                        })
                    };
                    if let Some(v) = t.value.clone() {
                        Getter::Const(v)
                    } else if let Some(cols) = &t.columns {
                        let idxs = cols.iter().map(|c| find(c)).collect::<Result<Vec<_>, _>>()?;
                        for &i in &idxs {
                            used[i] = true;
                        }
                        Getter::Joined {
                            header: idxs.iter().map(|&i| file.headers[i].as_str()).collect::<Vec<_>>().join("+"),
                            idxs,
                            sep: t.separator.clone().unwrap_or_else(|| "/".into()),
                            transform: Compiled::new(&t),
                        }
                    } else {
                        let col = t.column.clone().expect("mapping checked: one source");
                        let idx = find(&col)?;
                        used[idx] = true;
                        Getter::Column { idx, header: file.headers[idx].clone(), transform: Some(Compiled::new(&t)) }
                    }
                }
                None => match file.column(field) {
                    Some(idx)
                        if !map.is_some_and(|m| {
                            m.columns.values().any(|c| c.transform().column.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(field)))
                        }) =>
                    {
                        used[idx] = true;
                        Getter::Column { idx, header: file.headers[idx].clone(), transform: None }
                    }
                    _ => Getter::Missing,
                },
            };
            getters.push(g);
        }
        let plan =
            Plan { extras: file.headers.iter().enumerate().filter(|(i, _)| !used[*i]).map(|(i, h)| (i, h.clone())).collect(), getters };
        let inline = |party: &str| plan.has(spec, &format!("{party}_name"));
        for (i, (field, required)) in spec.fields.iter().enumerate() {
            let inline_party = matches!(*field, "shipper" | "consignee") && inline(field);
            if *required && matches!(plan.getters[i], Getter::Missing) && !inline_party {
                let hint = if map.is_some() { format!(" and the mapping {map_path} does not map it") } else { String::new() };
                return Err(InputError::new(
                    &file.path,
                    1,
                    Some(field),
                    format!(
                        "required column is missing from the header{hint}; expected columns {}; found: {}",
                        spec.fields.iter().filter(|f| f.1).map(|f| f.0).collect::<Vec<_>>().join(", "),
                        file.headers.join(", ")
                    ),
                ));
            }
        }
        Ok(plan)
    }

    fn index(spec: &TableSpec, field: &str) -> usize {
        spec.fields.iter().position(|(f, _)| *f == field).expect("field names are compile-time constants")
    }

    pub fn has(&self, spec: &TableSpec, field: &str) -> bool {
        !matches!(self.getters[Self::index(spec, field)], Getter::Missing)
    }

    /// Whether the party whose `*_name` field sits at `name_field` is given inline.
    pub fn inline_party(&self, name_field: usize) -> bool {
        !matches!(self.getters[name_field], Getter::Missing)
    }

    /// Reads field `i` (its position in the spec) from a row: `Ok(None)` for an empty cell.
    pub fn get<'r>(&'r self, i: usize, record: &'r csv::StringRecord) -> Result<Option<Cell<'r>>, (String, String)> {
        match &self.getters[i] {
            Getter::Missing => Ok(None),
            Getter::Const(v) => Ok(Some(Cell { value: Cow::Borrowed(v), raw: Cow::Borrowed(v), column: "(constant)" })),
            Getter::Joined { idxs, sep, header, transform } => {
                let parts: Vec<&str> = idxs.iter().map(|&i| record.get(i).unwrap_or("").trim()).collect();
                if parts.iter().all(|p| p.is_empty()) {
                    return Ok(None);
                }
                let joined = parts.join(sep);
                let value = transform.apply(&joined).map_err(|m| (header.clone(), m))?.into_owned();
                Ok(Some(Cell { raw: Cow::Owned(joined), value: Cow::Owned(value), column: header }))
            }
            Getter::Column { idx, header, transform } => {
                let raw = record.get(*idx).unwrap_or("").trim();
                if raw.is_empty() {
                    return Ok(None);
                }
                let value = match transform {
                    Some(t) => t.apply(raw).map_err(|m| (header.clone(), m))?,
                    None => Cow::Borrowed(raw),
                };
                Ok(Some(Cell { value, raw: Cow::Borrowed(raw), column: header }))
            }
        }
    }

    /// The header of the column feeding field `i`, or the field name.
    pub fn column_name<'s>(&'s self, spec: &TableSpec, i: usize) -> &'s str {
        match &self.getters[i] {
            Getter::Column { header, .. } | Getter::Joined { header, .. } => header,
            _ => spec.fields[i].0,
        }
    }
}
