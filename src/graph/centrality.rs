//! Betweenness centrality (petgraph has none).

use std::collections::VecDeque;

/// Betweenness centrality of every node of a directed, unweighted graph.
///
/// Description: Brandes' algorithm (U. Brandes, "A faster algorithm for
/// betweenness centrality", Journal of Mathematical Sociology 25(2), 2001):
/// one breadth-first search per source counts shortest paths (`sigma`) and
/// records predecessors; walking the nodes back in order of decreasing
/// distance accumulates each node's dependency
/// `delta(v) = sum over successors w of sigma(v)/sigma(w) * (1 + delta(w))`.
/// The centrality of `v` is the sum of `delta(v)` over all sources other
/// than `v`: the number of shortest paths between other pairs that pass
/// through `v`, each pair's paths sharing one unit. Not normalised.
///
/// Arguments: `adj[u]` lists the successors of node `u` (indexes below `adj.len()`; duplicates count as parallel edges).
///
/// Returns: one value per node.
///
/// Complexity: O(V·E) time and O(V + E) memory for V nodes and E edges.
pub fn betweenness(adj: &[Vec<u32>]) -> Vec<f64> {
    let n = adj.len();
    let mut cb = vec![0.0f64; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![-1i64; n];
    let mut delta = vec![0.0f64; n];
    let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut queue: VecDeque<u32> = VecDeque::new();
    for s in 0..n {
        for v in order.drain(..) {
            let v = v as usize;
            sigma[v] = 0.0;
            dist[v] = -1;
            delta[v] = 0.0;
            preds[v].clear();
        }
        sigma[s] = 1.0;
        dist[s] = 0;
        queue.push_back(s as u32);
        while let Some(v) = queue.pop_front() {
            order.push(v);
            let dv = dist[v as usize];
            for &w in &adj[v as usize] {
                let wi = w as usize;
                if dist[wi] < 0 {
                    dist[wi] = dv + 1;
                    queue.push_back(w);
                }
                if dist[wi] == dv + 1 {
                    sigma[wi] += sigma[v as usize];
                    preds[wi].push(v);
                }
            }
        }
        for &w in order.iter().rev() {
            let wi = w as usize;
            for &v in &preds[wi] {
                let vi = v as usize;
                delta[vi] += sigma[vi] / sigma[wi] * (1.0 + delta[wi]);
            }
            if wi != s {
                cb[wi] += delta[wi];
            }
        }
    }
    cb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_diamond() {
        // 0 -> 1 -> 2: node 1 lies on the one shortest path 0 -> 2.
        assert_eq!(betweenness(&[vec![1], vec![2], vec![]]), vec![0.0, 1.0, 0.0]);
        // 0 -> {1, 2} -> 3: two shortest paths 0 -> 3, each middle node carries half.
        assert_eq!(betweenness(&[vec![1, 2], vec![3], vec![3], vec![]]), vec![0.0, 0.5, 0.5, 0.0]);
        // A cycle 0 -> 1 -> 2 -> 0: each node is the middle of one pair.
        assert_eq!(betweenness(&[vec![1], vec![2], vec![0]]), vec![1.0, 1.0, 1.0]);
    }

    proptest::proptest! {
        #[test]
        fn matches_brute_force(edges in proptest::collection::vec((0u32..6, 0u32..6), 0..14)) {
            let n = 6;
            let mut adj = vec![Vec::new(); n];
            for &(a, b) in &edges {
                if a != b && !adj[a as usize].contains(&b) {
                    adj[a as usize].push(b);
                }
            }
            // Brute force: all-pairs BFS distances and path counts.
            let bfs = |s: usize| {
                let mut d = vec![usize::MAX; n];
                let mut c = vec![0.0f64; n];
                d[s] = 0;
                c[s] = 1.0;
                let mut q = VecDeque::from([s]);
                while let Some(v) = q.pop_front() {
                    for &w in &adj[v] {
                        let w = w as usize;
                        if d[w] == usize::MAX { d[w] = d[v] + 1; q.push_back(w); }
                        if d[w] == d[v] + 1 { c[w] += c[v]; }
                    }
                }
                (d, c)
            };
            let all: Vec<_> = (0..n).map(bfs).collect();
            let got = betweenness(&adj);
            for v in 0..n {
                let mut want = 0.0;
                for s in 0..n {
                    for t in 0..n {
                        if s == t || s == v || t == v || all[s].0[t] == usize::MAX { continue; }
                        if all[s].0[v] != usize::MAX && all[v].0[t] != usize::MAX && all[s].0[v] + all[v].0[t] == all[s].0[t] {
                            want += all[s].1[v] * all[v].1[t] / all[s].1[t];
                        }
                    }
                }
                proptest::prop_assert!((got[v] - want).abs() < 1e-9, "node {v}: {} vs {want}", got[v]);
            }
        }
    }
}
