//! What the server holds for one case: the graph and the in-memory
//! indexes (loaded once, shared read-only by every request), a pool of
//! read-only connections for the records behind an answer, and the risk
//! assessments, computed once in the background.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use crate::app::workspace::OpenCase;
use crate::assess::report::AssessmentOut;
use crate::assess::Weights;
use crate::error::Result;
use crate::graph::{CaseGraph, Node};

use super::adjacency::Adjacency;
use super::directory::Directory;
use super::hubs::{Hubs, HUB_MIN_SIDES};
use super::partners::{goods_classes, Trade};

/// Read-only connections, opened at start-up and shared by the requests.
///
/// A fixed number, all opened before the server listens: a connection costs
/// a file open, a schema read and the statements' preparation, and a burst of
/// fifty requests that each opened its own spent a third of its CPU there
/// (perf, 1M case). On two cores fifty concurrent SQLite reads are no faster
/// than a few, so a request that finds every connection out waits for one.
pub struct Pool {
    path: PathBuf,
    inner: Mutex<Inner>,
    returned: Condvar,
}

struct Inner {
    idle: Vec<OpenCase>,
    /// Connections that exist (idle or lent); never more than [`POOL_SIZE`].
    opened: usize,
}

/// Connections in the pool.
const POOL_SIZE: usize = 8;

impl Pool {
    /// A pool holding `first` (already open) and `POOL_SIZE - 1` more connections to `path`.
    pub fn open(path: &Path, first: OpenCase) -> Result<Pool> {
        let mut idle = vec![first];
        for _ in 1..POOL_SIZE {
            idle.push(OpenCase::open(path)?);
        }
        let opened = idle.len();
        Ok(Pool { path: path.to_path_buf(), inner: Mutex::new(Inner { idle, opened }), returned: Condvar::new() })
    }

    /// Runs `f` with a read-only connection, waiting while all are lent out.
    pub fn with<T>(&self, f: impl FnOnce(&OpenCase) -> Result<T>) -> Result<T> {
        let lease = self.lease()?;
        f(lease.case.as_ref().expect("a lease holds its connection until dropped"))
    }

    fn lease(&self) -> Result<Lease<'_>> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(case) = inner.idle.pop() {
                return Ok(Lease { pool: self, case: Some(case) });
            }
            // Only after a failed open (the file moved, too many files open) is there room to open one.
            if inner.opened < POOL_SIZE {
                inner.opened += 1;
                drop(inner);
                return match OpenCase::open(&self.path) {
                    Ok(case) => Ok(Lease { pool: self, case: Some(case) }),
                    Err(e) => {
                        self.inner.lock().unwrap_or_else(|p| p.into_inner()).opened -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            inner = self.returned.wait(inner).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A connection lent to one request; back in the pool when dropped, also
/// when the request's code panics, so the pool never runs dry.
struct Lease<'a> {
    pool: &'a Pool,
    case: Option<OpenCase>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(case) = self.case.take() {
            self.pool.inner.lock().unwrap_or_else(|p| p.into_inner()).idle.push(case);
            self.pool.returned.notify_one();
        }
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
        let pool = Pool::open(path, case)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn small_case(dir: &Path) -> PathBuf {
        let case = dir.join("case.db");
        let small = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bundles/small");
        crate::app::ingest::ingest(&case, &small, &Default::default(), crate::app::ingest::Source::Bundle).unwrap();
        case
    }

    #[test]
    fn the_pool_lends_at_most_its_size_at_once_and_gets_connections_back_after_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = small_case(dir.path());
        let pool = Pool::open(&path, OpenCase::open(&path).unwrap()).unwrap();
        assert_eq!(pool.inner.lock().unwrap().idle.len(), POOL_SIZE, "all opened before the first request");
        // A request that panics still gives its connection back.
        for _ in 0..POOL_SIZE + 1 {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.with::<()>(|_| panic!("a bug in a flow"))));
            assert!(r.is_err());
        }
        assert_eq!(pool.inner.lock().unwrap().idle.len(), POOL_SIZE);
        // Four times as many threads as connections: never more than POOL_SIZE lent at once, all answered.
        let lent = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let answered = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..POOL_SIZE * 4 {
                s.spawn(|| {
                    pool.with(|case| {
                        let now = lent.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        case.input_files()?;
                        lent.fetch_sub(1, Ordering::SeqCst);
                        answered.fetch_add(1, Ordering::SeqCst);
                        Ok(())
                    })
                    .unwrap()
                });
            }
        });
        assert_eq!(answered.load(Ordering::SeqCst), POOL_SIZE * 4);
        assert!(most.load(Ordering::SeqCst) <= POOL_SIZE, "{} lent at once", most.load(Ordering::SeqCst));
        let inner = pool.inner.lock().unwrap();
        assert_eq!((inner.idle.len(), inner.opened), (POOL_SIZE, POOL_SIZE));
    }
}
