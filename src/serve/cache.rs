//! Answers kept for reuse. The case is opened read-only and nothing in the
//! server changes it, so an answer depends only on the request and on
//! whether the background assessment has finished (part of the key): a
//! hub's expansion, an entity panel or a route query asked again is served
//! from memory instead of re-folding tens of thousands of shipments.
//!
//! Bounded: at most [`MAX_ENTRIES`] answers and [`MAX_BYTES`] in all; when
//! either would be passed the cache is emptied and refilled (simple, and
//! the answers come back at their cold cost, never wrong).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const MAX_ENTRIES: usize = 2048;
pub const MAX_BYTES: usize = 128 << 20;

/// Kept answers by key, and their total size in bytes.
type Store = (HashMap<String, Arc<Vec<u8>>>, usize);

#[derive(Default)]
pub struct Answers {
    inner: Mutex<Store>,
}

impl Answers {
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).0.get(key).cloned()
    }

    pub fn put(&self, key: String, body: Arc<Vec<u8>>) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if body.len() > MAX_BYTES / 8 {
            return;
        }
        if g.0.len() >= MAX_ENTRIES || g.1 + body.len() > MAX_BYTES {
            g.0.clear();
            g.1 = 0;
        }
        g.1 += body.len();
        if let Some(old) = g.0.insert(key, body) {
            g.1 -= old.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_answers_within_its_bounds() {
        let a = Answers::default();
        a.put("x".into(), Arc::new(vec![1, 2, 3]));
        assert_eq!(a.get("x").unwrap().as_slice(), &[1, 2, 3]);
        assert!(a.get("y").is_none());
        for i in 0..MAX_ENTRIES + 5 {
            a.put(format!("k{i}"), Arc::new(vec![0; 10]));
        }
        let g = a.inner.lock().unwrap();
        assert!(g.0.len() <= MAX_ENTRIES && g.1 == g.0.len() * 10);
    }
}
