//! Legal forms (LLC, OOO, A.Ş., GmbH, ...) recognised in names and set apart.
//!
//! The table is OpenSanctions' `org_types` list bundled as
//! [`crate::refdata::ORG_TYPES_CSV`], plus `src/refdata/legal-forms-extra.csv`
//! for the customs spellings it lacks (Turkish abbreviations, Latin
//! transliterations of Russian and Kazakh forms) and the trade descriptors
//! that customs clerks write between name and form (`SAN. VE TİC.`), whose
//! `generic` is `descriptor`. Every alias, the display form and the compare
//! form of a group are all recognised, after the same tokenisation as names.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::normalise::folded_tokens;

const EXTRA_CSV: &str = include_str!("../refdata/legal-forms-extra.csv");

/// A recognised legal form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegalForm {
    /// Group number in the table (aliases of one form share it).
    pub group: u32,
    /// Short display form (`LLC`, `ООО`, `Ltd Sti`).
    pub display: &'static str,
    /// Coarse kind shared across countries (`LLC`, `JSC`, `LLP`, ...), `""` when untagged.
    pub generic: &'static str,
}

/// UAE free-zone forms (display forms of `org-types.csv`). A free-zone
/// company is registered with its free-zone authority, a mainland `L.L.C.`
/// with the emirate's economic department: two registrations, two companies
/// (`ADOON GENERAL TRADING L.L.C.` and `ADOON GENERAL TRADING FZE` are two
/// OFAC entries).
pub const FREE_ZONE_FORMS: &[&str] = &["FZE", "FZCO", "DMCC"];

impl LegalForm {
    /// A UAE free-zone form ([`FREE_ZONE_FORMS`]).
    pub fn free_zone(&self) -> bool {
        FREE_ZONE_FORMS.contains(&self.display)
    }

    /// True when both name the same form, or forms of the same generic kind
    /// (an `ООО` is an `LLC` is a `GmbH` for matching purposes).
    pub fn same_as(&self, other: &LegalForm) -> bool {
        self.group == other.group || (!self.generic.is_empty() && self.generic == other.generic)
    }

    fn is_descriptor(&self) -> bool {
        self.generic == "descriptor"
    }
}

struct Table {
    /// Space-joined ASCII tokens of an alias -> (form, may stand before the name).
    by_tokens: HashMap<String, (LegalForm, bool)>,
    max_tokens: usize,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn table() -> &'static Table {
    // Parsed once; the strings live for the whole process.
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_tokens = HashMap::new();
        let mut max_tokens = 1;
        let mut groups: HashMap<u32, (LegalForm, Vec<String>)> = HashMap::new();
        for text in [crate::refdata::ORG_TYPES_CSV, EXTRA_CSV] {
            let mut rdr = csv::Reader::from_reader(text.as_bytes());
            for rec in rdr.records() {
                let r = rec.expect("bundled legal-form CSV is well-formed");
                let group: u32 = r[0].parse().expect("bundled legal-form group ids are numbers");
                let entry = groups.entry(group).or_insert_with(|| {
                    let form = LegalForm { group, display: leak(&r[1]), generic: leak(&r[3]) };
                    (form, vec![r[1].to_string(), r[2].to_string()])
                });
                entry.1.push(r[4].to_string());
            }
        }
        let mut ids: Vec<_> = groups.keys().copied().collect();
        // Lower group ids win when two groups share an alias: deterministic across runs.
        ids.sort_unstable();
        for id in ids {
            let (form, aliases) = &groups[&id];
            // Forms written before the name: post-Soviet abbreviations (any
            // alias in Cyrillic) and spelled-out forms ("Joint Stock Company X").
            let cyrillic_group = aliases.iter().any(|a| a.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)));
            for alias in aliases {
                let toks = folded_tokens(alias);
                if toks.is_empty() {
                    continue;
                }
                // Declarants also move any other form of three letters or more to
                // the front (`FZE LINKER`, `LLC AL WASEL`); two-letter Latin forms
                // (`AG`, `SA`, `AS`) stay end-only, since they are often name words.
                let prefix_ok = !form.is_descriptor() && (cyrillic_group || toks.len() >= 3 || toks.concat().len() >= 3);
                max_tokens = max_tokens.max(toks.len());
                // Spelled-out forms as declarants shorten them: `OPEN JOINT STOCK CO`,
                // `LTD LIABILITY PARTNERSHIP` (the last word of a one-word alias stays as written).
                let short = |t: &String| match t.as_str() {
                    // Tokens are folded: `company` is `compani`.
                    "company" | "compani" => "co".to_string(),
                    "limited" => "ltd".to_string(),
                    _ => t.clone(),
                };
                let shortened: Vec<String> = toks.iter().map(short).collect();
                let mut keys = vec![toks.join(" ")];
                if toks.len() >= 2 {
                    keys.push(shortened.join(" "));
                }
                for key in keys {
                    // The first group keeps the alias; any group may allow it before the name.
                    let e = by_tokens.entry(key).or_insert((*form, prefix_ok));
                    e.1 |= prefix_ok;
                }
            }
        }
        Table { by_tokens, max_tokens }
    })
}

/// Removes legal forms and trade descriptors from the end and start of a
/// tokenised name, longest alias first, repeatedly, keeping at least one token.
///
/// # Arguments
/// * `tokens` - output of [`folded_tokens`]; shortened in place.
///
/// # Returns
/// The outermost legal form found (descriptors are removed but not returned).
///
/// # Complexity
/// O(n·k) hash look-ups, k the longest alias in tokens.
pub fn strip(tokens: &mut Vec<String>) -> Option<LegalForm> {
    let t = table();
    let mut found: Option<LegalForm> = None;
    // The outermost form, except that a free-zone form under a generic one
    // (`X FZE LLC`) is the more specific registration and wins.
    let note = |f: LegalForm, found: &mut Option<LegalForm>| {
        if !f.is_descriptor() && found.is_none_or(|g| f.free_zone() && !g.free_zone() && f.same_as(&g)) {
            *found = Some(f);
        }
    };
    loop {
        let n = tokens.len();
        if n < 2 {
            break;
        }
        let mut stripped = false;
        for k in (1..=t.max_tokens.min(n - 1)).rev() {
            if let Some((f, _)) = t.by_tokens.get(&tokens[n - k..].join(" ")) {
                note(*f, &mut found);
                tokens.truncate(n - k);
                stripped = true;
                break;
            }
        }
        if stripped {
            continue;
        }
        for k in (1..=t.max_tokens.min(n - 1)).rev() {
            if let Some((f, true)) = t.by_tokens.get(&tokens[..k].join(" ")) {
                note(*f, &mut found);
                tokens.drain(..k);
                stripped = true;
                break;
            }
        }
        if !stripped {
            break;
        }
    }
    found
}

/// Looks up a whole string as a legal form (`"Ltd. Şti."`, `"ООО"`).
pub fn lookup(form: &str) -> Option<LegalForm> {
    table().by_tokens.get(&folded_tokens(form).join(" ")).map(|(f, _)| *f).filter(|f| !f.is_descriptor())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_forms() {
        assert_eq!(lookup("ООО").unwrap().generic, "LLC");
        assert!(lookup("OOO").unwrap().same_as(&lookup("LLC").unwrap()));
        assert!(lookup("Ltd. Şti.").unwrap().same_as(&lookup("Limited Şirketi").unwrap()));
        assert!(!lookup("AO").unwrap().same_as(&lookup("OOO").unwrap()));
        assert!(lookup("Vektor").is_none());
        assert!(lookup("San. ve Tic.").is_none(), "descriptors are not legal forms");
    }

    #[test]
    fn strips_stacked_forms_but_keeps_a_name() {
        let mut t = folded_tokens("Almaz Elektronik San. ve Tic. Ltd. Şti.");
        let f = strip(&mut t).unwrap();
        assert_eq!(t, ["almaz", "elektronik"]);
        assert_eq!(f.generic, "LLC");
        let mut only = folded_tokens("Limited Liability Company");
        strip(&mut only);
        assert!(!only.is_empty());
    }
}
