//! What the server holds for one case: the graph and the in-memory
//! indexes (loaded once, shared read-only by every request), a pool of
//! read-only connections for the records behind an answer, and the risk
//! assessments, computed once in the background.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::app::workspace::OpenCase;
use crate::assess::report::AssessmentOut;
use crate::assess::Weights;
use crate::error::Result;
use crate::graph::{CaseGraph, Node};

use super::adjacency::Adjacency;
use super::directory::Directory;
use super::hubs::{Hubs, HUB_MIN_SIDES};
use super::partners::{goods_classes, Trade};

/// Read-only connections, reused across requests (opening one costs a
/// file open and a schema check; SQLite connections are not shared between threads).
pub struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<OpenCase>>,
}

/// Most idle connections kept; more concurrent requests open and drop their own.
const POOL_KEEP: usize = 16;

impl Pool {
    pub fn new(path: &Path) -> Pool {
        Pool { path: path.to_path_buf(), idle: Mutex::new(Vec::new()) }
    }

    /// Runs `f` with a read-only connection.
    pub fn with<T>(&self, f: impl FnOnce(&OpenCase) -> Result<T>) -> Result<T> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let case = match taken {
            Some(c) => c,
            None => OpenCase::open(&self.path)?,
        };
        let r = f(&case);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < POOL_KEEP {
            idle.push(case);
        }
        r
    }
}

/// The assessments of every entity, by node.
pub struct Risk {
    pub by_node: Vec<Option<AssessmentOut>>,
}

pub struct State {
    pub path: PathBuf,
    pub graph: CaseGraph,
    /// Every entity's shipments by partner (see [`Adjacency`]).
    pub adj: Adjacency,
    /// The largest nodes' unfiltered partner edges and timelines (see [`Hubs`]).
    pub hubs: Hubs,
    /// The goods lists (the CHPL and `--goods` files): the controlled-goods filter and route queries use them.
    pub goods: crate::refdata::goods::GoodsLists,
    pub dir: Directory,
    pub pool: Pool,
    /// Filled by a background thread after start-up; `None` until then.
    pub risk: OnceLock<std::result::Result<Risk, String>>,
    /// Route searches use every core: one at a time keeps the rest of the workspace answering.
    pub route_lock: Mutex<()>,
    pub info: serde_json::Value,
    /// Answers kept for reuse (the case never changes under the server).
    pub answers: super::cache::Answers,
}

impl State {
    /// Loads the case read-only. Complexity: the graph load (from its cache
    /// when current) plus O(S log S) for the partner index, plus one
    /// unfiltered fold of each hub ([`Hubs::build`]).
    pub fn load(path: &Path, goods: crate::refdata::goods::GoodsLists) -> Result<State> {
        let case = OpenCase::open(path)?;
        let graph = case.graph()?;
        let adj = Adjacency::build(&graph, &goods_classes(&graph, &goods));
        let hubs = Hubs::build(&Trade { g: &graph, adj: &adj, hubs: None }, HUB_MIN_SIDES);
        let dir = Directory::load(&case, &graph)?;
        let info = super::flows::info_of(&case, &graph)?;
        let pool = Pool::new(path);
        pool.idle.lock().unwrap_or_else(|p| p.into_inner()).push(case);
        Ok(State {
            path: path.to_path_buf(),
            graph,
            adj,
            hubs,
            goods,
            dir,
            pool,
            risk: OnceLock::new(),
            route_lock: Mutex::new(()),
            info,
            answers: super::cache::Answers::default(),
        })
    }

    pub fn trade(&self) -> Trade<'_> {
        Trade { g: &self.graph, adj: &self.adj, hubs: Some(&self.hubs) }
    }

    pub fn risk(&self) -> Option<&Risk> {
        self.risk.get().and_then(|r| r.as_ref().ok())
    }

    /// The assessment of node `v`, once computed.
    pub fn assessment(&self, v: Node) -> Option<&AssessmentOut> {
        self.risk().and_then(|r| r.by_node[v as usize].as_ref())
    }

    /// Assesses every entity with the bundled weights (the same as `divtrace assess --all`).
    pub fn assess_all(&self) -> std::result::Result<Risk, String> {
        let rep = self.pool.with(|case| case.assess_all(&self.graph, &Weights::defaults())).map_err(|e| e.to_string())?;
        let index: HashMap<&str, Node> = self.dir.cards.iter().enumerate().map(|(i, c)| (c.id.as_str(), i as Node)).collect();
        let mut by_node: Vec<Option<AssessmentOut>> = vec![None; self.graph.node_count()];
        for a in rep.assessments {
            if let Some(&v) = index.get(a.entity.as_str()) {
                by_node[v as usize] = Some(a);
            }
        }
        Ok(Risk { by_node })
    }
}

/// Starts the background assessment; the server answers meanwhile (bands show as pending).
pub fn spawn_assessment(state: Arc<State>) {
    std::thread::spawn(move || {
        let r = state.assess_all();
        let _ = state.risk.set(r);
    });
}
