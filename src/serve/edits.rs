//! Analyst edits from the page (`divtrace serve --allow-edits`): merge and
//! split decisions, recorded by the same flow as `divtrace resolve --merge
//! / --split` (`app::resolve::resolve_case`), after which the server
//! reloads the case so every answer shows the new resolution.
//!
//! Why a token: the Host guard stops DNS rebinding, but any page the
//! analyst opens may still *send* a request to a loopback server (a
//! cross-site form POST needs no permission). Every write must carry the
//! token printed at start-up in the `X-Divtrace-Token` header; a custom
//! header cannot be sent cross-site without a CORS preflight, which this
//! server never grants, and a page elsewhere cannot read the token.

use std::io::Read;
use std::sync::{Arc, Mutex, RwLock};

use serde_json::{json, Value};

use crate::app::resolve::{check_note, resolve_case, Decision};
use crate::app::CaseFile;
use crate::error::{Error, Result};

use super::params::ApiError;
use super::state::{spawn_assessment, State};

/// The header every write request carries.
pub const TOKEN_HEADER: &str = "x-divtrace-token";
/// Largest request body a write accepts.
pub const MAX_BODY: usize = 4096;

/// The state every request reads: replaced whole after an edit.
pub struct Live {
    now: RwLock<Arc<State>>,
    /// `None` unless started with `--allow-edits`.
    pub edits: Option<Edits>,
}

pub struct Edits {
    token: String,
    /// One edit at a time (each re-resolves and reloads the case).
    one_at_a_time: Mutex<()>,
}

impl Live {
    pub fn new(state: Arc<State>, edits: Option<Edits>) -> Live {
        Live { now: RwLock::new(state), edits }
    }

    /// The current state (a request keeps the one it started with).
    pub fn now(&self) -> Arc<State> {
        self.now.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn replace(&self, s: Arc<State>) {
        *self.now.write().unwrap_or_else(|p| p.into_inner()) = s;
    }
}

impl Edits {
    /// A fresh token: 32 random bytes from the operating system, as hex.
    pub fn new() -> Result<Edits> {
        let mut b = [0u8; 32];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut b))
            .map_err(|e| Error::Other(format!("cannot make an edit token (reading /dev/urandom: {e})")))?;
        Ok(Edits { token: b.iter().map(|x| format!("{x:02x}")).collect(), one_at_a_time: Mutex::new(()) })
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Whether `given` is the token, in time independent of where they differ.
    pub fn permits(&self, given: Option<&[u8]>) -> bool {
        let Some(given) = given else { return false };
        let want = self.token.as_bytes();
        given.len() == want.len() && given.iter().zip(want).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// A decision as the page sends it: `{"decision": "merge"|"split", "a": ID, "b": ID, "note"?: TEXT}`.
#[derive(Debug, PartialEq)]
pub struct Ask {
    pub same: bool,
    pub a: String,
    pub b: String,
    /// The analyst's reason, stored beside the decision.
    pub note: Option<String>,
}

pub fn parse(body: &[u8]) -> Result<Ask, ApiError> {
    if body.len() > MAX_BODY {
        return Err(ApiError::bad("body", format!("the request body is longer than {MAX_BODY} bytes")));
    }
    let v: Value = serde_json::from_slice(body).map_err(|e| ApiError::bad("body", format!("the body is not JSON: {e}")))?;
    let Value::Object(m) = &v else { return Err(ApiError::bad("body", "the body is not a JSON object")) };
    for k in m.keys() {
        if !["decision", "a", "b", "note"].contains(&k.as_str()) {
            return Err(ApiError::bad(k, format!("unknown field '{k}' (expected decision, a, b, note)")));
        }
    }
    let text = |k: &str| -> Result<String, ApiError> {
        match m.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 300 => Ok(s.trim().to_string()),
            Some(Value::String(_)) => Err(ApiError::bad(k, format!("'{k}' is empty or longer than 300 bytes"))),
            Some(_) => Err(ApiError::bad(k, format!("'{k}' is not a string"))),
            None => Err(ApiError::bad(k, format!("give '{k}': a bundle id"))),
        }
    };
    let same = match text("decision")?.as_str() {
        "merge" => true,
        "split" => false,
        other => return Err(ApiError::bad("decision", format!("'{other}' is not merge or split"))),
    };
    let note = match m.get("note") {
        None | Some(Value::Null) => None,
        // An empty box on the page means no note.
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(check_note(s).map_err(|m| ApiError::bad("note", m))?.to_string()),
        Some(_) => return Err(ApiError::bad("note", "'note' is not a string")),
    };
    Ok(Ask { same, a: text("a")?, b: text("b")?, note })
}

/// Records the decision with `resolve`'s flow, re-resolves, reloads the case and answers with both parties as now resolved.
pub fn decide(live: &Live, ask: &Ask) -> Result<Value, ApiError> {
    let edits = live.edits.as_ref().ok_or_else(|| ApiError { status: 405, message: "edits are off".into(), parameter: None })?;
    let _one = edits.one_at_a_time.lock().unwrap_or_else(|p| p.into_inner());
    let st = live.now();
    for (k, id) in [("a", &ask.a), ("b", &ask.b)] {
        super::flows::node_of(&st, id).map_err(|e| ApiError { parameter: Some(k.into()), ..e })?;
    }
    let flag = if ask.same { "--merge" } else { "--split" };
    let r = resolve_case(CaseFile::new(&st.path), &[Decision { a: &ask.a, b: &ask.b, same: ask.same, note: ask.note.as_deref(), flag }])?;
    let fresh = Arc::new(State::load(&st.path, st.goods.clone())?);
    spawn_assessment(fresh.clone());
    live.replace(fresh.clone());
    let node = |id: &str| super::flows::node_of(&fresh, id).ok();
    let party = |id: &str| node(id).map(|v| super::flows::card(&fresh, v));
    Ok(json!({
        "decision": if ask.same { "merge" } else { "split" },
        "a": ask.a,
        "b": ask.b,
        "note": ask.note,
        "party_a": party(&ask.a),
        "party_b": party(&ask.b),
        "same_party": node(&ask.a).is_some() && node(&ask.a) == node(&ask.b),
        "conflicts": r.conflicts,
        "entities": fresh.graph.node_count(),
        "generation": fresh.info["generation"],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_compared_whole() {
        let e = Edits::new().unwrap();
        assert_eq!(e.token().len(), 64);
        assert!(e.permits(Some(e.token().as_bytes())));
        assert!(!e.permits(None));
        assert!(!e.permits(Some(b"")));
        assert!(!e.permits(Some(&e.token().as_bytes()[..63])));
        let mut wrong = e.token().as_bytes().to_vec();
        wrong[63] ^= 1;
        assert!(!e.permits(Some(&wrong)));
        assert_ne!(Edits::new().unwrap().token(), e.token());
    }

    #[test]
    fn decisions_are_checked_field_by_field() {
        assert_eq!(
            parse(br#"{"decision":"merge","a":"E1","b":"E2"}"#).unwrap(),
            Ask { same: true, a: "E1".into(), b: "E2".into(), note: None }
        );
        assert_eq!(parse(br#"{"decision":"merge","a":"E1","b":"E2","note":"  "}"#).unwrap().note, None);
        assert_eq!(parse(br#"{"decision":"split","a":"E1","b":"E2","note":" other VKN "}"#).unwrap().note.as_deref(), Some("other VKN"));
        for (body, field) in [
            (&br#"{"decision":"join","a":"E1","b":"E2"}"#[..], "decision"),
            (br#"{"decision":"split","a":"E1"}"#, "b"),
            (br#"{"decision":"split","a":3,"b":"E2"}"#, "a"),
            (br#"{"decision":"split","a":"E1","b":"E2","why":"x"}"#, "why"),
            (br#"{"decision":"split","a":"E1","b":"E2","note":7}"#, "note"),
            (br#"{"decision":"split","a":"E1","b":"E2","note":"bell \u0007"}"#, "note"),
            (br#"[1]"#, "body"),
            (b"not json", "body"),
        ] {
            assert_eq!(parse(body).unwrap_err().parameter.as_deref(), Some(field), "{}", String::from_utf8_lossy(body));
        }
    }
}
