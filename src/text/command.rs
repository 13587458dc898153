//! `citizen-survey text …`: the free-text analyses from the shell, each written as CSV
//! through the export writer (UTF-8 with BOM, injection-neutralised) or, for the network,
//! also as SVG. Every comment shown is masked; no comment is ever written next to a
//! group or any other attribute.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::cluster::{cut, summarise, term_sets, ward};
use super::codebook::{TextDefinitions, suggest};
use super::compare::two_proportions;
use super::frequency::{distinctive_terms, kwic, term_frequencies};
use super::load::{Comment, Selection, check_selection};
use super::mask::{FlagKind, MaskRules};
use super::network::{NetworkOptions, cooccurrence, svg};
use super::terms::TermRules;
use crate::export::{CsvWriter, Encoding, ExportError, NOT_ANSWERED};
use crate::stats::{GroupFigures, suppress};

#[derive(Debug, Subcommand)]
pub enum TextCommand {
    /// Terms by the number of comments holding them (document frequency).
    Terms {
        #[command(flatten)]
        common: Common,
        /// Only the first N terms.
        #[arg(long, default_value_t = 200)]
        top: usize,
    },
    /// Keyword in context: every occurrence of a term in the masked comments.
    Kwic {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        term: String,
        /// Characters of context on each side.
        #[arg(long, default_value_t = 20)]
        width: usize,
    },
    /// Distinctive terms per group (Jaccard), groups below the minimum suppressed.
    Distinctive {
        #[command(flatten)]
        common: Common,
        /// age_band, area, gender (any choice question of the wave) or channel.
        #[arg(long)]
        group: String,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Co-occurrence network: edges as CSV, and the drawing with --svg.
    Cooccurrence {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 60)]
        max_terms: usize,
        #[arg(long, default_value_t = 3)]
        min_comments: usize,
        #[arg(long, default_value_t = 60)]
        top_edges: usize,
        /// SVG file to draw the network in.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Ward clustering of the comments into K clusters: size, top terms, 3 medoids.
    Clusters {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value_t = 8)]
        k: usize,
    },
    /// Each masked comment with the codes its terms suggest (codebook rules; an analyst
    /// decides), and no other attribute.
    Suggest {
        #[command(flatten)]
        common: Common,
    },
    /// Code × wave: each code's share of the comments in 2026 and 2028 with the
    /// two-proportion test, of the analysts' coding (default) or of the rules' suggestions.
    CompareCodes {
        #[command(flatten)]
        common: Common,
        /// The later wave (the comments of `--wave` are the earlier).
        #[arg(long)]
        later: String,
        /// coding: the comments whose first coding is done and the codes the analysts
        /// gave; suggested: every comment and the codes its terms suggest.
        #[arg(long, value_enum, default_value_t = Basis::Coding)]
        by: Basis,
    },
    /// The codebook as a KH Coder coding-rule file (the same for every wave), for
    /// cross-checks in KH Coder.
    KhcoderRules {
        /// utf-8 (default, without BOM) or shift_jis.
        #[arg(long, default_value = "utf-8")]
        encoding: String,
        /// File to write (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// 広聴AI (kouchou-ai)'s input CSV `comment-id,comment-body` of the comments taken
    /// into coding: masked, without any attribute, withheld ones left out.
    KouchouExport {
        #[command(flatten)]
        common: Common,
    },
    /// The retention rule, after publication: replaces every original answer to the
    /// question by its masked text, in the responses too (the masked comments stay).
    Purge {
        #[command(flatten)]
        common: Common,
    },
    /// Code × group of the analysts' coding: per group (any choice question of the wave,
    /// or channel; all comments without --group), the coded comments and how many carry
    /// each code; groups below the minimum blanked as in every breakdown.
    CodeTable {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        group: Option<String>,
    },
    /// Imports 広聴AI's cluster labels (hierarchical_clusters.csv with
    /// hierarchical_merge_labels.csv) as hints shown to coders, never published.
    KouchouImport {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        clusters: PathBuf,
        #[arg(long)]
        labels: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct Common {
    #[arg(long)]
    pub wave: String,
    /// The free-text question's id.
    #[arg(long)]
    pub question: String,
    /// utf-8-bom (default), utf-8 or shift_jis.
    #[arg(long, default_value = "utf-8-bom")]
    pub encoding: String,
    /// CSV file to write (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Take the open answers beside a postal sample too.
    #[arg(long)]
    pub include_open: bool,
}

/// What `compare-codes` compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Basis {
    /// The analysts' first coding.
    Coding,
    /// The codebook rules' suggestions.
    Suggested,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::Coding => "coding",
            Basis::Suggested => "suggested",
        }
    }
}

impl TextCommand {
    /// The wave the command reads (`None`: the command reads no wave).
    pub fn wave(&self) -> Option<&str> {
        self.common().map(|c| c.wave.as_str())
    }

    fn common(&self) -> Option<&Common> {
        Some(match self {
            TextCommand::Terms { common, .. }
            | TextCommand::Kwic { common, .. }
            | TextCommand::Distinctive { common, .. }
            | TextCommand::Cooccurrence { common, .. }
            | TextCommand::Clusters { common, .. }
            | TextCommand::Suggest { common }
            | TextCommand::CompareCodes { common, .. }
            | TextCommand::KouchouExport { common }
            | TextCommand::Purge { common }
            | TextCommand::CodeTable { common, .. }
            | TextCommand::KouchouImport { common, .. } => common,
            TextCommand::KhcoderRules { .. } => return None,
        })
    }
}

/// Runs one command: `read` gives the comments of a selection in a wave (from the
/// database); `later` is the second wave of `compare-codes`.
pub fn run(
    command: &TextCommand,
    wave: &crate::definitions::Wave,
    later: Option<&crate::definitions::Wave>,
    text: &TextDefinitions,
    min_group_size: u64,
    mut read: impl FnMut(
        &crate::definitions::Wave,
        &Selection<'_>,
        &MaskRules,
        &TermRules,
    ) -> Result<Vec<Comment>, ExportError>,
) -> anyhow::Result<()> {
    let Some(common) = command.common() else {
        anyhow::bail!("this command reads no wave: the CLI runs it (cli::text)");
    };
    if matches!(
        command,
        TextCommand::KouchouExport { .. }
            | TextCommand::KouchouImport { .. }
            | TextCommand::Purge { .. }
            | TextCommand::CodeTable { .. }
            | TextCommand::CompareCodes {
                by: Basis::Coding,
                ..
            }
    ) {
        anyhow::bail!(
            "this command reads the comments taken into coding: the CLI runs it (cli::text)"
        );
    }
    let group_by = match command {
        TextCommand::Distinctive { group, .. } => Some(group.as_str()),
        _ => None,
    };
    let selection = Selection {
        question: &common.question,
        group_by,
        include_open: common.include_open,
    };
    check_selection(wave, &selection).map_err(anyhow::Error::msg)?;
    let encoding: Encoding = common.encoding.parse().map_err(anyhow::Error::msg)?;
    let (mask_rules, term_rules) = (&text.mask_rules, &text.term_rules);
    let comments = read(wave, &selection, mask_rules, term_rules)?;
    let documents: Vec<Vec<String>> = comments.iter().map(|c| c.terms.clone()).collect();
    let mut bytes = Vec::new();
    match command {
        TextCommand::Terms { top, .. } => {
            let mut csv =
                CsvWriter::new(&mut bytes, encoding, &["term", "comments", "occurrences"])?
                    .numeric_columns(&["comments", "occurrences"]);
            for t in term_frequencies(&documents).iter().take(*top) {
                csv.write(&[&t.term, &t.comments.to_string(), &t.occurrences.to_string()])?;
            }
            csv.finish()?;
        }
        TextCommand::Kwic { term, width, .. } => {
            let texts: Vec<&str> = comments.iter().map(|c| c.masked.text.as_str()).collect();
            let tokens: Vec<_> = texts.iter().map(|t| mask_rules.tokenise(t)).collect();
            let mut csv = CsvWriter::new(&mut bytes, encoding, &["left", "keyword", "right"])?;
            let wanted = super::terms::term_of(term, term_rules).unwrap_or_else(|| term.clone());
            for line in kwic(&texts, &tokens, &wanted, *width, term_rules) {
                csv.write(&[&line.left, &line.keyword, &line.right])?;
            }
            csv.finish()?;
        }
        TextCommand::Distinctive { top, group, .. } => {
            let groups: Vec<Option<String>> = comments.iter().map(|c| c.group.clone()).collect();
            let mut codes: Vec<String> = groups.iter().flatten().cloned().collect();
            codes.sort();
            codes.dedup();
            // The same suppression as every breakdown: comments per group.
            let figures = codes
                .iter()
                .map(|code| GroupFigures {
                    group: code.clone(),
                    n: groups.iter().filter(|g| g.as_deref() == Some(code)).count() as u64,
                    figures: (),
                })
                .collect();
            let breakdown = suppress(figures, min_group_size.max(1));
            let shown: Vec<String> = if breakdown.total_must_be_suppressed {
                Vec::new()
            } else {
                breakdown
                    .rows
                    .iter()
                    .filter(|r| r.suppressed.is_none())
                    .map(|r| r.group.clone())
                    .collect()
            };
            let mut csv = CsvWriter::new(
                &mut bytes,
                encoding,
                &[
                    "group_by",
                    "group_code",
                    "group_comments",
                    "term",
                    "in_group",
                    "in_all",
                    "jaccard",
                    "suppressed",
                ],
            )?
            .numeric_columns(&["group_comments", "in_group", "in_all", "jaccard"]);
            for row in &breakdown.rows {
                if row.suppressed.is_some() || breakdown.total_must_be_suppressed {
                    let code = display_group(&row.group);
                    let reason = row.suppressed.map_or("total", |r| r.code());
                    csv.write(&[group, &code, "", "", "", "", "", reason])?;
                }
            }
            for d in distinctive_terms(&documents, &groups, &shown, 2, *top) {
                let n = groups
                    .iter()
                    .filter(|g| g.as_deref() == Some(&d.group))
                    .count();
                csv.write(&[
                    group,
                    &display_group(&d.group),
                    &n.to_string(),
                    &d.term,
                    &d.in_group.to_string(),
                    &d.in_all.to_string(),
                    &format!("{:.6}", d.jaccard),
                    "",
                ])?;
            }
            csv.finish()?;
        }
        TextCommand::Cooccurrence {
            max_terms,
            min_comments,
            top_edges,
            svg: svg_path,
            ..
        } => {
            let net = cooccurrence(
                &documents,
                NetworkOptions {
                    max_terms: *max_terms,
                    min_comments: *min_comments,
                    top_edges: *top_edges,
                },
            );
            let mut csv = CsvWriter::new(
                &mut bytes,
                encoding,
                &[
                    "term_a",
                    "term_b",
                    "comments_both",
                    "jaccard",
                    "community_a",
                    "community_b",
                    "betweenness_a",
                    "betweenness_b",
                ],
            )?
            .numeric_columns(&[
                "comments_both",
                "jaccard",
                "community_a",
                "community_b",
                "betweenness_a",
                "betweenness_b",
            ]);
            for e in &net.edges {
                csv.write(&[
                    &net.terms[e.a],
                    &net.terms[e.b],
                    &e.both.to_string(),
                    &format!("{:.6}", e.jaccard),
                    &net.community[e.a].to_string(),
                    &net.community[e.b].to_string(),
                    &format!("{:.4}", net.betweenness[e.a]),
                    &format!("{:.4}", net.betweenness[e.b]),
                ])?;
            }
            csv.finish()?;
            if let Some(path) = svg_path {
                let title = format!("{} {} co-occurrence", wave.id, common.question);
                std::fs::write(path, svg(&net, &title))
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        TextCommand::Clusters { k, .. } => {
            // Comments without a term cannot be placed by their words: left out, counted.
            let with_terms: Vec<usize> = (0..comments.len())
                .filter(|&i| !documents[i].is_empty())
                .collect();
            let docs: Vec<Vec<String>> = with_terms.iter().map(|&i| documents[i].clone()).collect();
            let sets = term_sets(&docs);
            let merges = ward(&sets);
            let membership = cut(docs.len(), &merges, *k);
            let mut csv = CsvWriter::new(
                &mut bytes,
                encoding,
                &[
                    "cluster",
                    "comments",
                    "top_terms",
                    "medoid_1",
                    "medoid_2",
                    "medoid_3",
                ],
            )?
            .numeric_columns(&["cluster", "comments"]);
            for s in summarise(&docs, &sets, &membership, 8) {
                let terms: Vec<String> = s
                    .top_terms
                    .iter()
                    .map(|(t, n)| format!("{t} ({n})"))
                    .collect();
                let medoid = |i: usize| {
                    s.medoids
                        .get(i)
                        .map_or("", |&m| comments[with_terms[m]].masked.text.as_str())
                };
                csv.write(&[
                    &s.cluster.to_string(),
                    &s.size.to_string(),
                    &terms.join(" / "),
                    medoid(0),
                    medoid(1),
                    medoid(2),
                ])?;
            }
            let left_out = comments.len() - with_terms.len();
            csv.write(&["none", &left_out.to_string(), "", "", "", ""])?;
            csv.finish()?;
        }
        TextCommand::Suggest { .. } => {
            let mut csv = CsvWriter::new(
                &mut bytes,
                encoding,
                &["comment", "suggested_codes", "flags"],
            )?;
            for c in &comments {
                let flags: Vec<String> = c
                    .masked
                    .flags
                    .iter()
                    .map(|f| match &f.kind {
                        FlagKind::Organisation => "organisation".to_string(),
                        FlagKind::Sensitive(category) => format!("要配慮:{category}"),
                    })
                    .collect();
                csv.write(&[
                    &c.masked.text,
                    &suggest(&text.codes, &c.terms).join(" "),
                    &flags.join(" "),
                ])?;
            }
            csv.finish()?;
        }
        TextCommand::CompareCodes { .. } => {
            let later = later.context("compare-codes needs --later")?;
            check_selection(later, &selection).map_err(anyhow::Error::msg)?;
            let second = read(later, &selection, mask_rules, term_rules)?;
            let suggested = |list: &[Comment]| -> Vec<Vec<String>> {
                list.iter()
                    .map(|c| {
                        suggest(&text.codes, &c.terms)
                            .into_iter()
                            .map(String::from)
                            .collect()
                    })
                    .collect()
            };
            bytes = compare_codes_csv(
                &text.codes,
                Basis::Suggested,
                (&wave.id, &suggested(&comments)),
                (&later.id, &suggested(&second)),
                min_group_size,
                encoding,
            )?;
        }
        // Handled by the kouchou-ai command before any comment is read.
        TextCommand::KouchouExport { .. }
        | TextCommand::KouchouImport { .. }
        | TextCommand::Purge { .. }
        | TextCommand::CodeTable { .. }
        | TextCommand::KhcoderRules { .. } => {}
    }
    emit(common.output.as_ref(), &bytes)?;
    eprintln!(
        "citizen-survey: {} comments of {} in {} (masked)",
        comments.len(),
        common.question,
        wave.id
    );
    Ok(())
}

/// Writes `bytes` to the file, or to standard output (every `text` command's output).
pub fn emit(output: Option<&PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().write_all(bytes)?,
    }
    Ok(())
}

/// `compare-codes --by coding`: `coded(wave, question)` gives the codes of each comment of
/// the wave whose first coding is done. A wave without any is an error saying how to
/// code them; nothing is written then.
pub fn compare_coding(
    command: &TextCommand,
    wave: &crate::definitions::Wave,
    later: &crate::definitions::Wave,
    text: &TextDefinitions,
    min_group_size: u64,
    mut coded: impl FnMut(&str, &str) -> anyhow::Result<Vec<Vec<String>>>,
) -> anyhow::Result<()> {
    let TextCommand::CompareCodes { common, .. } = command else {
        anyhow::bail!("compare_coding runs compare-codes only");
    };
    let selection = Selection {
        question: &common.question,
        group_by: None,
        include_open: true,
    };
    check_selection(wave, &selection).map_err(anyhow::Error::msg)?;
    check_selection(later, &selection).map_err(anyhow::Error::msg)?;
    let encoding: Encoding = common.encoding.parse().map_err(anyhow::Error::msg)?;
    let first = coded(&wave.id, &common.question)?;
    let second = coded(&later.id, &common.question)?;
    for (id, list) in [(&wave.id, &first), (&later.id, &second)] {
        if list.is_empty() {
            anyhow::bail!(
                "wave {id} has no coded comments for {q}: take them in and code them on \
                 /analyst/waves/{id}/comments, or compare the rules' suggestions with \
                 --by suggested; nothing was written",
                q = common.question
            );
        }
    }
    let bytes = compare_codes_csv(
        &text.codes,
        Basis::Coding,
        (&wave.id, &first),
        (&later.id, &second),
        min_group_size,
        encoding,
    )?;
    emit(common.output.as_ref(), &bytes)?;
    eprintln!(
        "citizen-survey: {} coded comments of {} in {}, {} in {}",
        first.len(),
        common.question,
        wave.id,
        second.len(),
        later.id
    );
    Ok(())
}

/// The code × wave table: per code, `x` of `n` comments in each wave (`n` = the comments
/// compared, `x` = those carrying the code) and the two-proportion test. By coding every
/// code of the codebook, by suggestion the codes with a rule. A wave with fewer comments
/// than the minimum shows no figures at all.
pub fn compare_codes_csv(
    codes: &[super::codebook::Code],
    basis: Basis,
    earlier: (&str, &[Vec<String>]),
    later: (&str, &[Vec<String>]),
    min_group_size: u64,
    encoding: Encoding,
) -> Result<Vec<u8>, ExportError> {
    let count = |list: &[Vec<String>], code: &str| {
        list.iter().filter(|c| c.iter().any(|x| x == code)).count() as u64
    };
    let (n1, n2) = (earlier.1.len() as u64, later.1.len() as u64);
    let mut csv = CsvWriter::new(
        Vec::new(),
        encoding,
        &[
            "code_id",
            "label_ja",
            "label_en",
            "vision_id",
            "stance",
            "basis",
            "earlier_wave",
            "earlier_comments",
            "earlier_coded",
            "later_wave",
            "later_comments",
            "later_coded",
            "difference",
            "z",
            "p_value",
            "suppressed",
        ],
    )?
    .numeric_columns(&[
        "earlier_comments",
        "earlier_coded",
        "later_comments",
        "later_coded",
        "difference",
        "z",
        "p_value",
    ]);
    let small = n1 < min_group_size || n2 < min_group_size;
    let compared = codes
        .iter()
        .filter(|c| basis == Basis::Coding || c.rule.is_some());
    for code in compared {
        let (x1, x2) = (count(earlier.1, &code.id), count(later.1, &code.id));
        let test = two_proportions(x1, n1, x2, n2);
        let shown = |v: String| if small { String::new() } else { v };
        let figure = |f: fn(&super::compare::TwoProportions) -> f64| {
            shown(
                test.as_ref()
                    .map_or(String::new(), |t| format!("{:.6}", f(t))),
            )
        };
        csv.write(&[
            code.id.as_str(),
            &code.label_ja,
            &code.label_en,
            code.vision.as_deref().unwrap_or("none"),
            code.stance.label(),
            basis.name(),
            earlier.0,
            &shown(n1.to_string()),
            &shown(x1.to_string()),
            later.0,
            &shown(n2.to_string()),
            &shown(x2.to_string()),
            &figure(|t| t.difference),
            &figure(|t| t.z),
            &figure(|t| t.p_value),
            if small { "total" } else { "" },
        ])?;
    }
    csv.finish()
}

fn display_group(code: &str) -> String {
    if code == super::load::NO_ANSWER {
        format!("{} ({})", NOT_ANSWERED.1, NOT_ANSWERED.0)
    } else {
        code.to_string()
    }
}
