//! 「主な市民意見」 from the coded comments (docs/evaluation.md, docs/free-text.md), on
//! whichever backend the suite runs on: the workspace's evaluation page lists each vision's
//! codes with their counts and a few approved comments, and drafts an empty 主な市民意見
//! from the codes only — a draft no save keeps unless the analyst works on that vision;
//! after publication the public evaluation table (six languages) and the report link each
//! vision with published comments to its section of the comments page, from the
//! publication's snapshot only.

use std::collections::BTreeMap;

use citizen_survey::db::schema::{comment_codes, comments, evaluation_decisions};
use diesel::prelude::*;

use crate::comments::{PAGE, PASSWORD, WAVE, coded, publish, submit};
use crate::helpers::{TestApp, hidden_value, midterm_day, spawn_app_on};
use crate::workspace::Browser;

const EVALUATION: &str = "/analyst/waves/2026-midterm/evaluation";

/// `(code, label, stance, vision)` of the codebook's codes this test meets.
const CODES: [(&str, &str, &str, &str); 3] = [
    ("online_procedures", "手続きのオンライン化", "要望", "v1"),
    ("waiting_time", "窓口の待ち時間", "不満", "v1"),
    ("disaster_information", "災害時の情報", "要望", "v4"),
];

/// Coded comments per code, read from the tables: the first coder's codes of comments
/// coded, approved or withheld.
fn coded_counts(app: &TestApp) -> BTreeMap<String, i64> {
    let rows: Vec<(String, String)> = comment_codes::table
        .inner_join(comments::table)
        .filter(comment_codes::coder.eq(1))
        .select((comment_codes::code_id, comments::status))
        .load(&mut app.db())
        .unwrap();
    let mut out = BTreeMap::new();
    for (code, status) in rows {
        if ["coded", "approved", "withheld"].contains(&status.as_str()) {
            *out.entry(code).or_default() += 1;
        }
    }
    out
}

/// The draft the page should offer for a vision: its codes, most frequent first.
fn expected_draft(counts: &BTreeMap<String, i64>, vision: &str) -> String {
    let mut lines: Vec<(i64, usize, String)> = CODES
        .iter()
        .enumerate()
        .filter(|(_, c)| c.3 == vision)
        .filter_map(|(i, (code, label, stance, _))| {
            let n = *counts.get(*code)?;
            let count = if n >= 10 {
                format!("{n}件")
            } else {
                "10件未満".to_string()
            };
            Some((-n, i, format!("・{label}（{stance}、{count}）")))
        })
        .collect();
    lines.sort();
    lines
        .into_iter()
        .map(|(_, _, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A vision's part of the workspace's evaluation page.
fn vision_part<'a>(body: &'a str, vision: &str) -> &'a str {
    let start = body
        .find(&format!("<section id=\"vision-{vision}\""))
        .unwrap_or_else(|| panic!("no section {vision}"));
    let end = body[start + 1..]
        .find("<section id=\"vision-")
        .or_else(|| body[start + 1..].find("<section id=\"cs-portfolio\""))
        .map_or(body.len(), |i| start + 1 + i);
    &body[start..end]
}

/// The text in a vision's 主な市民意見 field.
fn textarea(part: &str, vision: &str) -> String {
    let open = format!("name=\"opinions_{vision}\"");
    let at = part.find(&open).expect("the opinions field");
    let start = at + part[at..].find('>').unwrap() + 1;
    let end = start + part[start..].find("</textarea>").unwrap();
    part[start..end].to_string()
}

/// What a browser sends for the whole form as the page shows it, with `changes` typed
/// into the 主な市民意見 fields.
fn form_as_shown(body: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![(
        "_csrf".to_string(),
        hidden_value(body, "_csrf").expect("a token"),
    )];
    for v in ["v1", "v2", "v3", "v4", "v5"] {
        let part = vision_part(body, v);
        fields.push((format!("direction_{v}"), String::new()));
        fields.push((format!("reason_{v}"), String::new()));
        let typed = changes
            .iter()
            .find(|(x, _)| *x == v)
            .map_or_else(|| textarea(part, v), |(_, t)| t.to_string());
        fields.push((format!("opinions_{v}"), typed));
        if let Some(draft) = hidden_value(part, &format!("opinions_draft_{v}")) {
            fields.push((format!("opinions_draft_{v}"), draft));
        }
    }
    fields
}

fn post(browser: &Browser<'_>, path: &str, fields: &[(String, String)]) -> crate::helpers::Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    browser.post(path, &borrowed)
}

fn stored_opinions(app: &TestApp) -> BTreeMap<String, String> {
    evaluation_decisions::table
        .filter(evaluation_decisions::wave_id.eq(WAVE))
        .select((
            evaluation_decisions::vision_id,
            evaluation_decisions::opinions,
        ))
        .load::<(String, String)>(&mut app.db())
        .unwrap()
        .into_iter()
        .collect()
}

#[test]
fn main_opinions_are_drafted_from_the_codes_and_link_to_the_published_comments() {
    let open = spawn_app_on(midterm_day());
    submit(&open);
    let closed = coded(&open);
    let ann = Browser::new(&closed);
    assert_eq!(ann.sign_in("ann", PASSWORD).status, 303);

    // Before: v1's codes with their counts, approved comments only, and a draft.
    let page = ann.get(EVALUATION);
    assert_eq!(page.status, 200, "{}", page.body);
    let counts = coded_counts(&open);
    assert_eq!(counts.get("online_procedures"), Some(&20), "{counts:?}");
    let v1 = vision_part(&page.body, "v1");
    for (code, n) in &counts {
        assert!(
            v1.contains(&format!("data-code=\"{code}\" data-count=\"{n}\"")),
            "{code} {n}: {v1}"
        );
    }
    assert_eq!(textarea(v1, "v1"), expected_draft(&counts, "v1"));
    assert!(textarea(v1, "v1").starts_with("・手続きのオンライン化（要望、20件）"));
    assert!(
        v1.contains("<blockquote>窓口で長く待った。オンライン申請を増やしてほしい</blockquote>")
    );
    assert!(v1.contains("<blockquote>市民課の[NAME]"), "masked: {v1}");
    // Withheld (by the coder, by the reviewer) and pending comments are not quoted.
    for secret in ["最悪", "わかりにくい", "防災アプリ", "田中", "090-1234"] {
        assert!(!page.body.contains(secret), "{secret} is on the page");
    }
    let v4 = vision_part(&page.body, "v4");
    assert_eq!(textarea(v4, "v4"), "", "no code of v4 yet: no draft");
    assert!(hidden_value(v4, "opinions_draft_v4").is_none());

    // The pending comments coded with a code of v4 (not approved): counted, not quoted.
    let pending: Vec<String> = comments::table
        .filter(comments::status.eq("pending"))
        .select(comments::id)
        .load(&mut open.db())
        .unwrap();
    assert_eq!(pending.len(), 4);
    let csrf = ann.csrf();
    for id in &pending {
        let saved = ann.post(
            &format!("{PAGE}/{id}"),
            &[
                ("_csrf", &csrf),
                ("action", "code"),
                ("code", "disaster_information"),
                ("decision", "verbatim"),
            ],
        );
        assert_eq!(saved.status, 303, "{}", saved.body);
    }
    let page = ann.get(EVALUATION);
    let counts = coded_counts(&open);
    assert_eq!(counts.get("disaster_information"), Some(&4));
    let v4 = vision_part(&page.body, "v4");
    assert!(v4.contains("data-code=\"disaster_information\" data-count=\"4\""));
    assert_eq!(textarea(v4, "v4"), "・災害時の情報（要望、10件未満）");
    assert_eq!(textarea(v4, "v4"), expected_draft(&counts, "v4"));
    assert!(!page.body.contains("防災アプリ"), "coded, not approved");

    // A save with v1's text edited: kept; v4's draft left as offered: not saved.
    let edited = "・手続きのオンライン化を求める意見が多い\n・窓口の待ち時間への不満";
    let saved = post(
        &ann,
        EVALUATION,
        &form_as_shown(&page.body, &[("v1", edited)]),
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored = stored_opinions(&open);
    assert_eq!(stored.get("v1").map(String::as_str), Some(edited));
    assert_eq!(stored.get("v4").map(String::as_str), Some(""), "{stored:?}");
    let page = ann.get(EVALUATION);
    let v1 = vision_part(&page.body, "v1");
    assert_eq!(textarea(v1, "v1"), edited);
    assert!(
        hidden_value(v1, "opinions_draft_v1").is_none(),
        "a saved text has no draft"
    );
    let v4 = vision_part(&page.body, "v4");
    assert_eq!(textarea(v4, "v4"), "・災害時の情報（要望、10件未満）");

    // Published: v1's cell links to its section of the comments page with the number of
    // published comments; v4 has none published.
    publish(&closed);
    let published_v1: i64 = comments::table
        .filter(comments::status.eq("approved"))
        .filter(
            comments::id.eq_any(
                comment_codes::table
                    .filter(comment_codes::coder.eq(1))
                    .filter(comment_codes::code_id.eq_any(["online_procedures", "waiting_time"]))
                    .select(comment_codes::comment_id),
            ),
        )
        .count()
        .get_result(&mut open.db())
        .unwrap();
    assert_eq!(published_v1, 6 + 5 + 3 + 2);
    let link_texts = [
        ("ja", format!("公表した市民の意見：{published_v1} 件")),
        (
            "en",
            format!("Published comments of residents: {published_v1}"),
        ),
        ("zh", format!("已公开的市民意见：{published_v1} 条")),
        ("ko", format!("공개된 시민 의견: {published_v1}건")),
        (
            "vi",
            format!("Ý kiến của người dân đã công bố: {published_v1}"),
        ),
        (
            "ja-easy",
            format!("のせている みなさんの いけん：{published_v1} こ"),
        ),
    ];
    for (lang, text) in &link_texts {
        let results = closed.get(&format!("/results/{WAVE}?lang={lang}"));
        assert_eq!(results.status, 200);
        let tbody = |v: &str| {
            let start = results
                .body
                .find(&format!("<tbody id=\"evaluation-{v}\">"))
                .unwrap_or_else(|| panic!("{lang}: no rows of {v}"));
            let end = start + results.body[start..].find("</tbody>").unwrap();
            results.body[start..end].to_string()
        };
        let href = format!("/results/{WAVE}/comments?lang={lang}#vision-v1");
        let v1 = tbody("v1");
        assert!(
            v1.contains(&format!(
                "<a class=\"opinions-link\" href=\"{href}\">{text}</a>"
            )),
            "{lang}: {v1}"
        );
        assert!(
            v1.contains("手続きのオンライン化を求める意見が多い"),
            "{lang}"
        );
        assert!(!tbody("v4").contains("opinions-link"), "{lang}");
        // The anchor exists on the comments page in that language.
        let (path, anchor) = href.split_once('#').unwrap();
        let comments_page = closed.get(path);
        assert_eq!(comments_page.status, 200);
        assert!(
            comments_page.body.contains(&format!("id=\"{anchor}\"")),
            "{lang}: no {anchor}"
        );
    }

    // Approved after publication: public only with the next publication.
    let bob = Browser::new(&closed);
    assert_eq!(bob.sign_in("bob", PASSWORD).status, 303);
    let bob_csrf = bob.csrf();
    for id in &pending {
        let approved = bob.post(
            &format!("{PAGE}/{id}"),
            &[("_csrf", &bob_csrf), ("action", "approve")],
        );
        assert_eq!(approved.status, 303, "{}", approved.body);
    }
    let results = closed.get(&format!("/results/{WAVE}"));
    assert!(!results.body.contains("#vision-v4"), "not published yet");
    // The workspace quotes them at once (analysts only).
    let page = ann.get(EVALUATION);
    assert!(
        vision_part(&page.body, "v4")
            .contains("<blockquote>防災アプリの通知が遅いので改善してほしい</blockquote>")
    );

    // The report's evaluation table refers to chapter Ⅵ the same way (published only).
    let dir = tempfile::tempdir().unwrap();
    let out = open.cli(&[
        "report",
        "--wave",
        WAVE,
        "--public",
        "--output",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let ch2 = &html[html.find("id=\"ch2\"").unwrap()..html.find("id=\"ch3\"").unwrap()];
    assert!(
        ch2.contains(&format!(
            "<a href=\"#ch6\" data-comments=\"v1\">公表した市民の意見 {published_v1} 件（Ⅵ 自由記述）</a>"
        )),
        "{ch2}"
    );
    assert!(!ch2.contains("data-comments=\"v4\""));
    assert!(html.contains("id=\"ch6\""));
}
