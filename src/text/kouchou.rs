//! Interoperability with 広聴AI (kouchou-ai, digitaldemocracy2030), so that a city can run
//! that tool itself on the same comments:
//!
//! - export: its input CSV, `comment-id,comment-body` — the comment's random id and its
//!   masked text, nothing else (no attribute column: the tool would show it next to the
//!   opinions); withheld comments are left out. UTF-8 without BOM, as its reader expects.
//! - import: its `hierarchical_clusters.csv` (`arg-id` = `A{comment-id}_{n}`, one row per
//!   extracted opinion, and `cluster-level-N-id` columns) with
//!   `hierarchical_merge_labels.csv` (`id`, `label`): each comment gets the label of the
//!   finest cluster of its first opinion, shown to coders as a hint. The labels are
//!   written by an LLM: they are never published (only residents' own words are).

use std::collections::HashMap;

use anyhow::Context;
use diesel::Connection;

use super::command::TextCommand;
use super::load::{Selection, check_selection};
use crate::db;
use crate::db::comments::StoredComment;
use crate::definitions::Wave;
use crate::export::{CsvWriter, Encoding, ExportError};

pub const INPUT_HEADER: [&str; 2] = ["comment-id", "comment-body"];

/// The input CSV of kouchou-ai from a question's stored comments (withheld ones left out).
pub fn export_csv(comments: &[StoredComment]) -> Result<Vec<u8>, ExportError> {
    let mut csv = CsvWriter::new(Vec::new(), Encoding::Utf8, &INPUT_HEADER)?;
    for c in comments.iter().filter(|c| c.status != "withheld") {
        csv.write(&[c.id.as_str(), c.masked.as_str()])?;
    }
    csv.finish()
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
}

fn column(headers: &csv::StringRecord, name: &str, file: &str) -> Result<usize, String> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        format!(
            "{file}: no `{name}` column (the columns are {}); use kouchou-ai's output file",
            headers.iter().collect::<Vec<_>>().join(", ")
        )
    })
}

/// `(comment id, cluster label)` per comment from kouchou-ai's cluster and label files
/// (their names for messages: `clusters_name`, `labels_name`), or every problem found as
/// `FILE:LINE: what`.
pub fn parse_clusters(
    clusters_name: &str,
    clusters: &str,
    labels_name: &str,
    labels: &str,
) -> Result<Vec<(String, String)>, Vec<String>> {
    let mut problems = Vec::new();
    let mut by_cluster: HashMap<String, String> = HashMap::new();
    let mut r = reader(labels);
    let headers = r
        .headers()
        .map_err(|e| vec![format!("{labels_name}: {e}")])?
        .clone();
    let (id_col, label_col) = match (
        column(&headers, "id", labels_name),
        column(&headers, "label", labels_name),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => return Err([a.err(), b.err()].into_iter().flatten().collect()),
    };
    for (i, rec) in r.records().enumerate() {
        match rec {
            Ok(rec) => {
                by_cluster.insert(rec[id_col].to_string(), rec[label_col].to_string());
            }
            Err(e) => problems.push(format!("{labels_name}:{}: {e}", i + 2)),
        }
    }
    let mut r = reader(clusters);
    let headers = r
        .headers()
        .map_err(|e| vec![format!("{clusters_name}: {e}")])?
        .clone();
    let arg_col = column(&headers, "arg-id", clusters_name).map_err(|e| vec![e])?;
    // The finest level: the highest N of `cluster-level-N-id`.
    let level_col = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let n: u32 = h.strip_prefix("cluster-level-")?.strip_suffix("-id")?.parse().ok()?;
            Some((n, i))
        })
        .max()
        .map(|(_, i)| i)
        .ok_or_else(|| {
            vec![format!(
                "{clusters_name}: no `cluster-level-N-id` column; use kouchou-ai's hierarchical_clusters.csv"
            )]
        })?;
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                problems.push(format!("{clusters_name}:{line}: {e}"));
                continue;
            }
        };
        let arg = &rec[arg_col];
        let Some(comment) = arg
            .strip_prefix('A')
            .and_then(|rest| rest.rsplit_once('_'))
            .filter(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            .map(|(id, _)| id)
        else {
            problems.push(format!(
                "{clusters_name}:{line}: arg-id `{arg}` is not A{{comment-id}}_{{n}}"
            ));
            continue;
        };
        let cluster = &rec[level_col];
        let Some(label) = by_cluster.get(cluster) else {
            problems.push(format!(
                "{clusters_name}:{line}: cluster `{cluster}` has no label in {labels_name}"
            ));
            continue;
        };
        if !out.iter().any(|(id, _)| id == comment) {
            out.push((comment.to_string(), label.clone()));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// `text kouchou-export` and `text kouchou-import` on the comments taken into coding.
pub fn command(conn: &mut db::Conn, command: &TextCommand, wave: &Wave) -> anyhow::Result<()> {
    let (common, files) = match command {
        TextCommand::KouchouExport { common } => (common, None),
        TextCommand::KouchouImport {
            common,
            clusters,
            labels,
        } => (common, Some((clusters, labels))),
        _ => anyhow::bail!("not a kouchou-ai command"),
    };
    let selection = Selection {
        question: &common.question,
        group_by: None,
        include_open: true,
    };
    check_selection(wave, &selection).map_err(anyhow::Error::msg)?;
    let stored = db::comments::all(conn, &wave.id, Some(&common.question))?;
    if stored.is_empty() {
        anyhow::bail!(
            "no comment of {} in wave {} is taken into coding yet: press 「新しい回答を取り込む」 on the workspace's coding page (/analyst/waves/{}/comments) first",
            common.question,
            wave.id,
            wave.id
        );
    }
    let Some((clusters, labels)) = files else {
        let bytes = export_csv(&stored)?;
        super::command::emit(common.output.as_ref(), &bytes)?;
        let n = stored.iter().filter(|c| c.status != "withheld").count();
        eprintln!("{n} masked comments written (withheld ones left out)");
        return Ok(());
    };
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p)
            .with_context(|| format!("cannot read {} (UTF-8 CSV)", p.display()))
    };
    let (c, l) = (read(clusters)?, read(labels)?);
    let pairs = parse_clusters(
        &clusters.display().to_string(),
        &c,
        &labels.display().to_string(),
        &l,
    )
    .map_err(|p| anyhow::anyhow!("nothing imported:\n{}", p.join("\n")))?;
    let known: std::collections::HashSet<&str> = stored.iter().map(|c| c.id.as_str()).collect();
    let unknown: Vec<&str> = pairs
        .iter()
        .map(|(id, _)| id.as_str())
        .filter(|id| !known.contains(id))
        .collect();
    if !unknown.is_empty() {
        anyhow::bail!(
            "nothing imported: {} comment ids of {} are not comments of {} in wave {} (first: {}); import the clusters of this wave and question's own export",
            unknown.len(),
            clusters.display(),
            common.question,
            wave.id,
            unknown[..unknown.len().min(3)].join(", ")
        );
    }
    let changed =
        conn.transaction(|conn| db::comments::set_cluster_labels(conn, &wave.id, &pairs))?;
    eprintln!("cluster labels of {changed} comments imported (hints for coders, never published)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finest_cluster_of_each_comments_first_opinion_gives_its_label() {
        let clusters = "arg-id,argument,x,y,cluster-level-1-id,cluster-level-2-id\n\
            Aaaa_0,x,1,2,1_0,2_3\n\
            Aaaa_1,y,1,2,1_1,2_4\n\
            Abb_c_0,z,1,2,1_1,2_4\n";
        let labels = "\u{feff}level,id,label,description,value,parent\n\
            1,1_0,上位,d,1,0\n2,2_3,窓口の待ち時間,d,1,1_0\n2,2_4,オンライン申請,d,1,1_1\n";
        let got = parse_clusters("c.csv", clusters, "l.csv", labels).unwrap();
        assert_eq!(
            got,
            [
                ("aaa".to_string(), "窓口の待ち時間".to_string()),
                ("bb_c".to_string(), "オンライン申請".to_string())
            ]
        );
        let bad = "arg-id,cluster-level-1-id\nX1,1_9\nA1_0,1_9\n";
        let problems = parse_clusters("c.csv", bad, "l.csv", labels).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("c.csv:2: arg-id `X1`"));
        assert!(problems[1].contains("c.csv:3: cluster `1_9` has no label"));
        assert!(parse_clusters("c.csv", "a,b\n", "l.csv", labels).is_err());
    }
}
