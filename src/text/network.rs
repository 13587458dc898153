//! Co-occurrence network of terms (KH Coder's 共起ネットワーク): the terms held by the most
//! comments, joined by the strongest Jaccard coefficients between the sets of comments that
//! hold them, with betweenness centrality, communities by greedy modularity
//! (Clauset–Newman–Moore, igraph's `cluster_fast_greedy`) and a deterministic layout drawn
//! as SVG. Checked against R igraph (tests/text_reproducibility.rs).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fmt::Write as _;

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub struct NetworkOptions {
    /// Terms considered: the most frequent ones (by comments), at most this many.
    pub max_terms: usize,
    /// Terms held by fewer comments are left out.
    pub min_comments: usize,
    /// Edges kept: the strongest this many.
    pub top_edges: usize,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            max_terms: 60,
            min_comments: 3,
            top_edges: 60,
        }
    }
}

/// An edge between two nodes (indices into [`Network::terms`], `a < b`).
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub a: usize,
    pub b: usize,
    /// Comments holding both.
    pub both: usize,
    pub jaccard: f64,
}

/// A co-occurrence network. Nodes are the terms that have an edge, by comments (most
/// first), then term.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub terms: Vec<String>,
    /// Comments holding each term.
    pub comments: Vec<usize>,
    pub edges: Vec<Edge>,
    /// Betweenness centrality (unweighted, each unordered pair of nodes once).
    pub betweenness: Vec<f64>,
    /// Community of each node, numbered from 1 in the order of the nodes.
    pub community: Vec<usize>,
    pub modularity: f64,
}

/// Builds the network from each comment's terms.
pub fn cooccurrence(documents: &[Vec<String>], options: NetworkOptions) -> Network {
    // Comments holding each term.
    let mut holders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, terms) in documents.iter().enumerate() {
        let unique: HashSet<&String> = terms.iter().collect();
        for t in unique {
            holders.entry(t).or_default().push(i);
        }
    }
    let mut candidates: Vec<(&str, Vec<usize>)> = holders
        .into_iter()
        .filter(|(_, d)| d.len() >= options.min_comments)
        .collect();
    candidates.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    candidates.truncate(options.max_terms);

    let mut pairs = Vec::new();
    for i in 0..candidates.len() {
        for j in i + 1..candidates.len() {
            let both = intersection(&candidates[i].1, &candidates[j].1);
            if both == 0 {
                continue;
            }
            let union = candidates[i].1.len() + candidates[j].1.len() - both;
            pairs.push((i, j, both, both as f64 / union as f64));
        }
    }
    // Strongest first; ties by the terms' order above, so the cut is fixed.
    pairs.sort_by(|x, y| y.3.total_cmp(&x.3).then((x.0, x.1).cmp(&(y.0, y.1))));
    pairs.truncate(options.top_edges);

    let mut used: Vec<usize> = pairs.iter().flat_map(|p| [p.0, p.1]).collect();
    used.sort_unstable();
    used.dedup();
    let index = |c: usize| used.binary_search(&c).expect("a used node");
    let terms: Vec<String> = used.iter().map(|&c| candidates[c].0.to_string()).collect();
    let comments: Vec<usize> = used.iter().map(|&c| candidates[c].1.len()).collect();
    let mut edges: Vec<Edge> = pairs
        .iter()
        .map(|&(i, j, both, jaccard)| Edge {
            a: index(i),
            b: index(j),
            both,
            jaccard,
        })
        .collect();
    edges.sort_by(|x, y| {
        y.jaccard
            .total_cmp(&x.jaccard)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let n = terms.len();
    let adjacency = adjacency(n, &edges);
    let betweenness = betweenness(&adjacency);
    let (community, modularity) = fast_greedy(&adjacency, edges.len());
    Network {
        terms,
        comments,
        edges,
        betweenness,
        community,
        modularity,
    }
}

/// |a ∩ b| of two ascending lists.
fn intersection(a: &[usize], b: &[usize]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn adjacency(n: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); n];
    for e in edges {
        adj[e.a].push(e.b);
        adj[e.b].push(e.a);
    }
    for a in &mut adj {
        a.sort_unstable();
    }
    adj
}

/// Brandes' algorithm on an unweighted, undirected graph; each unordered pair once.
pub fn betweenness(adj: &[Vec<usize>]) -> Vec<f64> {
    let n = adj.len();
    let mut centrality = vec![0.0; n];
    for s in 0..n {
        let mut stack = Vec::with_capacity(n);
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut sigma = vec![0.0f64; n];
        let mut dist = vec![usize::MAX; n];
        sigma[s] = 1.0;
        dist[s] = 0;
        let mut queue = VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &adj[v] {
                if dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                    preds[w].push(v);
                }
            }
        }
        let mut delta = vec![0.0; n];
        while let Some(w) = stack.pop() {
            for &v in &preds[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                centrality[w] += delta[w];
            }
        }
    }
    centrality.iter().map(|c| c / 2.0).collect()
}

/// Greedy modularity maximisation (Clauset, Newman & Moore 2004), unweighted: merges the
/// pair of joined communities with the largest gain until one is left, and keeps the
/// partition of highest modularity (the first on a tie); then moves single nodes between
/// neighbouring communities while modularity rises. Returns communities numbered from 1
/// in node order, and their modularity.
pub fn fast_greedy(adj: &[Vec<usize>], edge_count: usize) -> (Vec<usize>, f64) {
    let n = adj.len();
    if n == 0 || edge_count == 0 {
        return ((1..=n).collect(), 0.0);
    }
    let m2 = 2.0 * edge_count as f64;
    // e[i][j]: fraction of edge ends between communities i and j; a[i]: of all ends in i.
    let mut e: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); n];
    let mut a = vec![0.0; n];
    for (i, neighbours) in adj.iter().enumerate() {
        for &j in neighbours {
            *e[i].entry(j).or_default() += 1.0 / m2;
        }
        a[i] = neighbours.len() as f64 / m2;
    }
    let mut q: f64 = -a.iter().map(|x| x * x).sum::<f64>();
    let mut member: Vec<usize> = (0..n).collect();
    let mut alive = vec![true; n];
    let (mut best_q, mut best_member) = (q, member.clone());
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for i in 0..n {
            if !alive[i] {
                continue;
            }
            for (&j, &eij) in &e[i] {
                if j <= i {
                    continue;
                }
                let dq = 2.0 * (eij - a[i] * a[j]);
                if best.is_none_or(|(b, _, _)| dq > b) {
                    best = Some((dq, i, j));
                }
            }
        }
        let Some((dq, i, j)) = best else { break };
        // Merge j into i.
        let ej = std::mem::take(&mut e[j]);
        for (k, v) in ej {
            if k == i {
                continue;
            }
            *e[i].entry(k).or_default() += v;
            let ek = &mut e[k];
            let moved = ek.remove(&j).unwrap_or(0.0);
            *ek.entry(i).or_default() += moved;
        }
        e[i].remove(&j);
        a[i] += a[j];
        a[j] = 0.0;
        alive[j] = false;
        for m in member.iter_mut() {
            if *m == j {
                *m = i;
            }
        }
        q += dq;
        if q > best_q + 1e-12 {
            best_q = q;
            best_member = member.clone();
        }
    }
    // Then single nodes move to a neighbouring community while that raises modularity
    // (a vertex-mover refinement): greedy merging cannot undo an early merge.
    let mut member = best_member;
    let mut q = modularity(adj, &member);
    loop {
        let mut moved = false;
        for v in 0..n {
            let mut targets: Vec<usize> = adj[v].iter().map(|&u| member[u]).collect();
            targets.sort_unstable();
            targets.dedup();
            let own = member[v];
            let (mut best_gain, mut best_to) = (1e-12, own);
            for &c in &targets {
                if c == own {
                    continue;
                }
                member[v] = c;
                let gain = modularity(adj, &member) - q;
                if gain > best_gain {
                    best_gain = gain;
                    best_to = c;
                }
            }
            member[v] = best_to;
            if best_to != own {
                q += best_gain;
                moved = true;
            }
        }
        // Two joined communities whose union now scores higher are merged.
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (v, neighbours) in adj.iter().enumerate() {
            for &u in neighbours {
                let (a, b) = (member[v].min(member[u]), member[v].max(member[u]));
                if a != b {
                    pairs.push((a, b));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        for (a, b) in pairs {
            let merged: Vec<usize> = member.iter().map(|&c| if c == b { a } else { c }).collect();
            let gain = modularity(adj, &merged) - q;
            if gain > 1e-12 {
                member = merged;
                q += gain;
                moved = true;
                break;
            }
        }
        if !moved {
            break;
        }
    }
    let member = renumber(&member);
    let q = modularity(adj, &member.iter().map(|c| c - 1).collect::<Vec<_>>());
    (member, q)
}

/// Newman's modularity of a partition of an unweighted graph:
/// Q = Σ_c (e_cc − a_c²), with e_cc the share of edges inside c and a_c the share of edge
/// ends in c (igraph's `modularity`).
pub fn modularity(adj: &[Vec<usize>], membership: &[usize]) -> f64 {
    let ends: usize = adj.iter().map(Vec::len).sum();
    if ends == 0 {
        return 0.0;
    }
    let m2 = ends as f64;
    let k = membership.iter().copied().max().unwrap_or(0) + 1;
    let (mut inside, mut degree) = (vec![0.0; k], vec![0.0; k]);
    for (i, neighbours) in adj.iter().enumerate() {
        degree[membership[i]] += neighbours.len() as f64;
        for &j in neighbours {
            if membership[i] == membership[j] {
                inside[membership[i]] += 1.0;
            }
        }
    }
    (0..k)
        .map(|c| inside[c] / m2 - (degree[c] / m2).powi(2))
        .sum()
}

/// Each node's neighbours, sorted: the graph of `network`.
pub fn graph(network: &Network) -> Vec<Vec<usize>> {
    adjacency(network.terms.len(), &network.edges)
}

/// Labels renumbered 1, 2, … in order of first appearance.
pub fn renumber(labels: &[usize]) -> Vec<usize> {
    let mut seen: Vec<usize> = Vec::new();
    labels
        .iter()
        .map(|l| match seen.iter().position(|s| s == l) {
            Some(p) => p + 1,
            None => {
                seen.push(*l);
                seen.len()
            }
        })
        .collect()
}

/// Node positions in [0, 1]², Fruchterman–Reingold from nodes on a circle in their order:
/// the same network always gets the same picture.
pub fn layout(n: usize, edges: &[Edge]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            (t.cos(), t.sin())
        })
        .collect();
    let k = (4.0 / n as f64).sqrt();
    let iterations = 300;
    for it in 0..iterations {
        let mut disp = vec![(0.0, 0.0); n];
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let d = (dx * dx + dy * dy).sqrt().max(1e-3);
                let f = k * k / d;
                disp[i].0 += dx / d * f;
                disp[i].1 += dy / d * f;
                disp[j].0 -= dx / d * f;
                disp[j].1 -= dy / d * f;
            }
        }
        for e in edges {
            let (dx, dy) = (pos[e.a].0 - pos[e.b].0, pos[e.a].1 - pos[e.b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-3);
            let f = d * d / k;
            disp[e.a].0 -= dx / d * f;
            disp[e.a].1 -= dy / d * f;
            disp[e.b].0 += dx / d * f;
            disp[e.b].1 += dy / d * f;
        }
        let t = 0.1 * (1.0 - it as f64 / iterations as f64);
        for (p, d) in pos.iter_mut().zip(&disp) {
            let len = (d.0 * d.0 + d.1 * d.1).sqrt();
            if len > 0.0 {
                p.0 += d.0 / len * len.min(t);
                p.1 += d.1 / len * len.min(t);
            }
        }
    }
    let (min_x, max_x) = bounds(pos.iter().map(|p| p.0));
    let (min_y, max_y) = bounds(pos.iter().map(|p| p.1));
    pos.iter()
        .map(|p| {
            (
                (p.0 - min_x) / (max_x - min_x).max(1e-9),
                (p.1 - min_y) / (max_y - min_y).max(1e-9),
            )
        })
        .collect()
}

fn bounds(v: impl Iterator<Item = f64>) -> (f64, f64) {
    v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    })
}

/// Okabe–Ito colours, readable by colour-blind readers; communities beyond 8 repeat them.
const COLOURS: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
];

/// The network as a standalone SVG (text as `<text>`, each node with a `<title>`).
pub fn svg(network: &Network, title: &str) -> String {
    let (w, h, margin) = (960.0, 720.0, 60.0);
    let pos: Vec<(f64, f64)> = layout(network.terms.len(), &network.edges)
        .into_iter()
        .map(|(x, y)| {
            (
                margin + x * (w - 2.0 * margin),
                margin + y * (h - 2.0 * margin),
            )
        })
        .collect();
    let max = network.comments.iter().copied().max().unwrap_or(1) as f64;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-labelledby=\"t\" font-family=\"sans-serif\"><title id=\"t\">{}</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>",
        escape(title)
    );
    for e in &network.edges {
        let (p, q) = (pos[e.a], pos[e.b]);
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#888\" \
             stroke-width=\"{:.2}\"/>",
            p.0,
            p.1,
            q.0,
            q.1,
            0.5 + 4.0 * e.jaccard
        );
    }
    for (i, term) in network.terms.iter().enumerate() {
        let r = 8.0 + 18.0 * (network.comments[i] as f64 / max).sqrt();
        let colour = COLOURS[(network.community[i] - 1) % COLOURS.len()];
        let _ = write!(
            out,
            "<g><title>{} ({} comments, community {})</title><circle cx=\"{:.1}\" cy=\"{:.1}\" \
             r=\"{r:.1}\" fill=\"{colour}\" stroke=\"#333\"/><text x=\"{:.1}\" y=\"{:.1}\" \
             font-size=\"14\" text-anchor=\"middle\">{}</text></g>",
            escape(term),
            network.comments[i],
            network.community[i],
            pos[i].0,
            pos[i].1,
            pos[i].0,
            pos[i].1 + 5.0,
            escape(term)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn betweenness_of_a_path_and_a_star() {
        // Path 0-1-2-3: node 1 lies on (0,2), (0,3); node 2 on (0,3), (1,3).
        let path = vec![vec![1], vec![0, 2], vec![1, 3], vec![2]];
        assert_eq!(betweenness(&path), [0.0, 2.0, 2.0, 0.0]);
        // Star with centre 0 and 3 leaves: 3 pairs of leaves through it.
        let star = vec![vec![1, 2, 3], vec![0], vec![0], vec![0]];
        assert_eq!(betweenness(&star), [3.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn two_triangles_joined_by_a_bridge_are_two_communities() {
        let adj = vec![
            vec![1, 2],
            vec![0, 2],
            vec![0, 1, 3],
            vec![2, 4, 5],
            vec![3, 5],
            vec![3, 4],
        ];
        let (community, q) = fast_greedy(&adj, 7);
        assert_eq!(community, [1, 1, 1, 2, 2, 2]);
        // Q = Σ (e_ii − a_i²): each side 3 of 7 edges inside, degree sum 7 of 14.
        let expected = 2.0 * (3.0 / 7.0 - 0.25);
        assert!((q - expected).abs() < 1e-12, "{q}");
    }

    #[test]
    fn jaccard_edges_from_comments() {
        let docs: Vec<Vec<String>> = [
            &["窓口", "待つ"][..],
            &["窓口", "待つ"],
            &["窓口", "アプリ"],
            &["アプリ", "便利"],
        ]
        .iter()
        .map(|d| d.iter().map(|s| s.to_string()).collect())
        .collect();
        let net = cooccurrence(
            &docs,
            NetworkOptions {
                max_terms: 10,
                min_comments: 1,
                top_edges: 2,
            },
        );
        // 窓口–待つ: 2 / 3; アプリ–便利: 1 / 2; 窓口–アプリ: 1 / 4 (cut: top 2).
        assert_eq!(net.edges.len(), 2);
        let names = |e: &Edge| (net.terms[e.a].as_str(), net.terms[e.b].as_str());
        assert_eq!(names(&net.edges[0]), ("窓口", "待つ"));
        assert!((net.edges[0].jaccard - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(names(&net.edges[1]), ("アプリ", "便利"));
        let svg = svg(&net, "共起 <test>");
        assert!(svg.contains("共起 &lt;test&gt;") && svg.contains(">窓口</text>"));
        assert_eq!(svg, super::svg(&net, "共起 <test>"), "deterministic");
    }
}
