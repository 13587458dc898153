//! Clustering of comments: Ward's method (`ward.D2`) on Jaccard distances between the
//! comments' sets of terms (1 − |A ∩ B| / |A ∪ B|), cut into k clusters chosen by the
//! analyst, with each cluster's top terms and its medoids — the comments nearest all others
//! of the cluster, shown masked, as written. Comments without any term are not clustered.
//!
//! The agglomeration follows Murtagh's nearest-neighbour-list algorithm as R's `hclust`
//! runs it (squared distances, Lance–Williams update, ties to the lowest index), so the
//! tree equals R's `hclust(d, method = "ward.D2")` merge for merge (checked in
//! tests/text_reproducibility.rs). Memory is n(n−1)/2 doubles: 400 MB for 10,000 comments.

use std::collections::{HashMap, HashSet};

/// One merge: the two clusters (each named by its lowest member index) and the height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merge {
    pub a: usize,
    pub b: usize,
    pub height: f64,
}

/// Jaccard distance between two sets of term ids, as `1 - |A ∩ B| / |A ∪ B|` (0 for two
/// empty sets).
pub fn jaccard_distance(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - both;
    if union == 0 {
        0.0
    } else {
        1.0 - both as f64 / union as f64
    }
}

/// Each comment's terms as sorted, distinct ids (the same term, the same id).
pub fn term_sets(documents: &[Vec<String>]) -> Vec<Vec<u32>> {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    documents
        .iter()
        .map(|terms| {
            let mut set: Vec<u32> = terms
                .iter()
                .map(|t| {
                    let next = ids.len() as u32;
                    *ids.entry(t).or_insert(next)
                })
                .collect();
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect()
}

/// Index of pair (i, j), i < j, in the packed upper triangle of an n × n matrix.
fn at(n: usize, i: usize, j: usize) -> usize {
    i * n - i * (i + 1) / 2 + j - i - 1
}

/// Ward (`ward.D2`) agglomeration of the sets: n − 1 merges in order.
pub fn ward(sets: &[Vec<u32>]) -> Vec<Merge> {
    let n = sets.len();
    if n < 2 {
        return Vec::new();
    }
    let mut diss = vec![0.0f64; n * (n - 1) / 2];
    for i in 0..n {
        for j in i + 1..n {
            let d = jaccard_distance(&sets[i], &sets[j]);
            diss[at(n, i, j)] = d * d;
        }
    }
    ward_squared(n, diss)
}

/// The agglomeration on squared distances `diss` (packed upper triangle).
fn ward_squared(n: usize, mut diss: Vec<f64>) -> Vec<Merge> {
    let mut size = vec![1.0f64; n];
    let mut active = vec![true; n];
    // Nearest neighbour to the right of each i, and its distance.
    let mut nn = vec![0usize; n];
    let mut nn_d = vec![f64::INFINITY; n];
    for i in 0..n - 1 {
        let (mut best, mut at_j) = (f64::INFINITY, i + 1);
        for j in i + 1..n {
            let d = diss[at(n, i, j)];
            if d < best {
                best = d;
                at_j = j;
            }
        }
        nn[i] = at_j;
        nn_d[i] = best;
    }
    let mut merges = Vec::with_capacity(n - 1);
    for _ in 0..n - 1 {
        let (mut dmin, mut im, mut jm) = (f64::INFINITY, 0, 0);
        for i in 0..n - 1 {
            if active[i] && nn_d[i] < dmin {
                dmin = nn_d[i];
                im = i;
                jm = nn[i];
            }
        }
        let (i2, j2) = (im.min(jm), im.max(jm));
        merges.push(Merge {
            a: i2,
            b: j2,
            height: dmin.sqrt(),
        });
        active[j2] = false;
        let d12 = diss[at(n, i2, j2)];
        let (mut best, mut best_k) = (f64::INFINITY, 0);
        for k in 0..n {
            if !active[k] || k == i2 {
                continue;
            }
            let ind1 = if i2 < k { at(n, i2, k) } else { at(n, k, i2) };
            let ind2 = if j2 < k { at(n, j2, k) } else { at(n, k, j2) };
            let updated = ((size[i2] + size[k]) * diss[ind1] + (size[j2] + size[k]) * diss[ind2]
                - size[k] * d12)
                / (size[i2] + size[j2] + size[k]);
            diss[ind1] = updated;
            if i2 < k {
                if updated < best {
                    best = updated;
                    best_k = k;
                }
            } else if updated < nn_d[k] {
                nn_d[k] = updated;
                nn[k] = i2;
            }
        }
        size[i2] += size[j2];
        nn_d[i2] = best;
        nn[i2] = best_k;
        for i in 0..n - 1 {
            if active[i] && (nn[i] == i2 || nn[i] == j2) {
                let (mut best, mut best_j) = (f64::INFINITY, nn[i]);
                for j in i + 1..n {
                    if active[j] {
                        let d = diss[at(n, i, j)];
                        if d < best {
                            best = d;
                            best_j = j;
                        }
                    }
                }
                nn[i] = best_j;
                nn_d[i] = best;
            }
        }
    }
    merges
}

/// Cluster of each item when the tree is cut into `k` clusters, numbered from 1 in the
/// order of the items (as R's `cutree`).
pub fn cut(n: usize, merges: &[Merge], k: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let k = k.clamp(1, n.max(1));
    for m in merges.iter().take(n.saturating_sub(k)) {
        let (a, b) = (root(&mut parent, m.a), root(&mut parent, m.b));
        parent[b] = a;
    }
    let roots: Vec<usize> = (0..n).map(|i| root(&mut parent, i)).collect();
    super::network::renumber(&roots)
}

/// A cluster as shown: its size, the terms most of its comments hold, and up to three
/// medoids (indices of the comments with the least total distance to the others).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSummary {
    pub cluster: usize,
    pub size: usize,
    /// (term, comments of the cluster holding it), most first.
    pub top_terms: Vec<(String, usize)>,
    pub medoids: Vec<usize>,
}

/// Summaries of the clusters in `membership` (1-based) over `documents`.
pub fn summarise(
    documents: &[Vec<String>],
    sets: &[Vec<u32>],
    membership: &[usize],
    top_terms: usize,
) -> Vec<ClusterSummary> {
    let k = membership.iter().copied().max().unwrap_or(0);
    (1..=k)
        .map(|c| {
            let members: Vec<usize> = (0..membership.len())
                .filter(|&i| membership[i] == c)
                .collect();
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for &i in &members {
                let unique: HashSet<&String> = documents[i].iter().collect();
                for t in unique {
                    *counts.entry(t).or_default() += 1;
                }
            }
            let mut terms: Vec<(String, usize)> = counts
                .into_iter()
                .map(|(t, n)| (t.to_string(), n))
                .collect();
            terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            terms.truncate(top_terms);
            let mut total: Vec<(f64, usize)> = members
                .iter()
                .map(|&i| {
                    let sum: f64 = members
                        .iter()
                        .map(|&j| jaccard_distance(&sets[i], &sets[j]))
                        .sum();
                    (sum, i)
                })
                .collect();
            total.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            ClusterSummary {
                cluster: c,
                size: members.len(),
                top_terms: terms,
                medoids: total.iter().take(3).map(|&(_, i)| i).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ward_on_hand_computed_distances() {
        // Points on a line at 0, 1, 5 (distances 1, 5, 4): first {0,1} at 1, then the
        // Ward.D2 height sqrt(((1+1)·25 + (1+1)·16 − 1·1) / 3) = sqrt(27) for {0,1,2}.
        let diss = vec![1.0, 25.0, 16.0];
        let m = ward_squared(3, diss);
        assert_eq!((m[0].a, m[0].b), (0, 1));
        assert!((m[0].height - 1.0).abs() < 1e-12);
        assert_eq!((m[1].a, m[1].b), (0, 2));
        assert!((m[1].height - 27f64.sqrt()).abs() < 1e-12);
        assert_eq!(cut(3, &m, 2), [1, 1, 2]);
        assert_eq!(cut(3, &m, 1), [1, 1, 1]);
        assert_eq!(cut(3, &m, 3), [1, 2, 3]);
    }

    #[test]
    fn jaccard_distances_and_medoids() {
        assert_eq!(jaccard_distance(&[1, 2], &[2, 3]), 1.0 - 1.0 / 3.0);
        assert_eq!(jaccard_distance(&[], &[]), 0.0);
        let docs: Vec<Vec<String>> = [
            &["窓口", "待つ"][..],
            &["窓口", "待つ", "混む"],
            &["窓口"],
            &["アプリ", "便利"],
            &["アプリ", "便利", "通知"],
        ]
        .iter()
        .map(|d| d.iter().map(|s| s.to_string()).collect())
        .collect();
        let sets = term_sets(&docs);
        let merges = ward(&sets);
        let membership = cut(docs.len(), &merges, 2);
        assert_eq!(membership, [1, 1, 1, 2, 2]);
        let s = summarise(&docs, &sets, &membership, 2);
        assert_eq!(s[0].size, 3);
        assert_eq!(s[0].top_terms[0], ("窓口".to_string(), 3));
        // Comment 0 ({窓口, 待つ}) is nearest the other two of its cluster.
        assert_eq!(s[0].medoids[0], 0);
    }
}
