//! "Did you mean": the candidates closest to a mistyped id, name or key.
//! One rule for every suggestion the tool makes (entity ids and names,
//! mapping keys), so that they read and rank alike.

/// Up to `max` candidates closest to `query`, best first (ties in the
/// candidates' order). Case is ignored; a candidate must share at least
/// 60 % of its spelling with the query (normalised Damerau-Levenshtein, or
/// Jaro-Winkler for long names), or start with it, to be offered at all.
///
/// Complexity: O(n·q·c) for n candidates of length c and a query of length q.
pub fn closest<'a, I>(query: &str, candidates: I, max: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let q = query.trim().to_lowercase();
    if q.is_empty() || max == 0 {
        return Vec::new();
    }
    let mut scored: Vec<(f64, usize, &'a str)> = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        let l = c.to_lowercase();
        if l == q {
            // The same spelling in another case is the best suggestion there is.
            scored.push((2.0, i, c));
            continue;
        }
        let edit = strsim::normalized_damerau_levenshtein(&q, &l);
        let jw = strsim::jaro_winkler(&q, &l);
        let n = q.chars().count();
        // A query that begins a candidate, or is a word-sized part of it, is a likely short form.
        let prefix = if l.starts_with(&q) && n >= 3 {
            0.9
        } else if l.contains(&q) && n >= 4 {
            0.8
        } else {
            0.0
        };
        // One mistyped word of a longer name ("Denkr" for "Denkar Dış Ticaret").
        let word = if n >= 4 && !q.contains(' ') {
            l.split_whitespace().map(|t| strsim::normalized_damerau_levenshtein(&q, t)).fold(0.0, f64::max) * 0.95
        } else {
            0.0
        };
        let s = edit.max(word).max(if n >= 8 { jw - 0.15 } else { 0.0 }).max(prefix);
        if s >= 0.6 {
            scored.push((s, i, c));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<&'a str> = Vec::new();
    for (_, _, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

/// `did you mean `a` or `b`?` for a non-empty list of suggestions, else `None`.
pub fn did_you_mean(suggestions: &[String]) -> Option<String> {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
    sentence(&quoted)
}

fn sentence(items: &[String]) -> Option<String> {
    match items {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [rest @ .., last] => Some(format!("did you mean {} or {last}?", rest.join(", "))),
    }
}

/// "did you mean `entity:TR1` (Denkar Dış Ticaret)?" for the entities
/// (bundle id, name) closest to `query` by id or by name; `prefix` is put
/// before each id (`entity:` in a selector, nothing for a bare id).
pub fn entities(query: &str, ids_names: &[(String, String)], prefix: &str, max: usize) -> Option<String> {
    let by_id = closest(query, ids_names.iter().map(|e| e.0.as_str()), max);
    let by_name = closest(query, ids_names.iter().map(|e| e.1.as_str()), max);
    let mut picked: Vec<&(String, String)> = Vec::new();
    // Ids first (a mistyped id is the usual slip), then names, alternating so both kinds show.
    let mut ids = by_id.iter().filter_map(|i| ids_names.iter().find(|e| e.0 == *i));
    let mut names = by_name.iter().filter_map(|n| ids_names.iter().find(|e| e.1 == *n));
    while picked.len() < max {
        let (a, b) = (ids.next(), names.next());
        if a.is_none() && b.is_none() {
            break;
        }
        for e in [a, b].into_iter().flatten() {
            if picked.len() < max && !picked.iter().any(|p| p.0 == e.0) {
                picked.push(e);
            }
        }
    }
    let items: Vec<String> = picked.iter().map(|(id, name)| format!("`{prefix}{id}` ({name})")).collect();
    sentence(&items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_spellings_first_far_ones_never() {
        let keys = ["column", "columns", "separator", "value", "pattern", "date_format", "decimal_comma"];
        assert_eq!(closest("colum", keys, 2), vec!["column", "columns"]);
        assert_eq!(closest("date_fromat", keys, 1), vec!["date_format"]);
        assert_eq!(closest("DECIMAL_COMMA", keys, 3), vec!["decimal_comma"]);
        assert!(closest("zzzz", keys, 3).is_empty());
        assert!(closest("", keys, 3).is_empty());
        let ids = ["TR1", "TR2", "RU1", "AE1", "US1"];
        assert_eq!(closest("TR3", ids, 2), vec!["TR1", "TR2"]);
        assert_eq!(closest("tr1", ids, 1), vec!["TR1"]);
    }

    #[test]
    fn long_names_match_on_their_shape() {
        let names = ["Denkar Dis Ticaret Ltd Sti", "Falcon Crest General Trading FZE", "OOO Vektor-Mikro"];
        assert_eq!(closest("Falcon Crest Trading", names, 1), vec!["Falcon Crest General Trading FZE"]);
        assert_eq!(closest("Denkar", names, 1), vec!["Denkar Dis Ticaret Ltd Sti"]);
        assert_eq!(closest("Denkr", names, 1), vec!["Denkar Dis Ticaret Ltd Sti"]);
    }

    #[test]
    fn entities_by_id_and_by_name() {
        let e = |i: &str, n: &str| (i.to_string(), n.to_string());
        let ents = [e("TR1", "Denkar Dis Ticaret"), e("TR2", "Multimat Ltd"), e("RU1", "OOO Vektor")];
        assert_eq!(
            entities("TR3", &ents, "entity:", 3).unwrap(),
            "did you mean `entity:TR1` (Denkar Dis Ticaret) or `entity:TR2` (Multimat Ltd)?"
        );
        assert_eq!(entities("Vektor", &ents, "", 3).unwrap(), "did you mean `RU1` (OOO Vektor)?");
        assert_eq!(entities("qqqqqq", &ents, "", 3), None);
    }

    #[test]
    fn the_sentence() {
        assert_eq!(did_you_mean(&[]), None);
        assert_eq!(did_you_mean(&["a".into()]).unwrap(), "did you mean `a`?");
        assert_eq!(did_you_mean(&["a".into(), "b".into(), "c".into()]).unwrap(), "did you mean `a`, `b` or `c`?");
    }
}
