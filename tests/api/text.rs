//! `citizen-survey text …` on a real database filled through the resident form: masked
//! comments only, the minimum group size respected, no comment next to any attribute.

use crate::helpers::{TestApp, V1, spawn_app};

const COMMENTS: [&str; 6] = [
    "市民課の田中さんが親切でした。窓口の待ち時間は長いです",
    "窓口で長く待った。オンライン申請を増やしてほしい",
    "スマートフォンで申請できて便利でした。連絡は 090-1234-5678 まで",
    "スマホの申請は便利だが、窓口も残してほしい",
    "防災アプリの通知が遅い。吹田市千里山東1丁目2番3号に住んでいます",
    "オンライン申請のページがわかりにくい",
];

/// 26 residents: 13 aged 30–39, 10 aged 70–79 and 3 aged 18–29, each with a comment.
fn submit(app: &TestApp) {
    for i in 0..26usize {
        let age = match i {
            0..13 => "age_30_39",
            13..23 => "age_70_79",
            _ => "age_18_29",
        };
        let mut answers: Vec<(&str, &str)> = vec![
            ("age_band", age),
            ("area", "jr_south"),
            ("opinion_general", COMMENTS[i % COMMENTS.len()]),
        ];
        answers.extend(V1.iter().map(|q| (*q, "4")));
        assert_eq!(app.submit("2026-midterm", &answers).status, 303);
    }
}

fn run(app: &TestApp, args: &[&str]) -> String {
    let mut all = vec!["text"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--wave",
        "2026-midterm",
        "--question",
        "opinion_general",
        "--encoding",
        "utf-8",
    ]);
    let out = app.cli(&all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn text_commands_count_mask_and_suppress() {
    let app = spawn_app();
    submit(&app);

    let terms = run(&app, &["terms"]);
    // 窓口 is in comments 0, 1 and 3 of the six, written by 5, 5 and 4 residents.
    let line = terms
        .lines()
        .find(|l| l.starts_with("窓口,"))
        .expect("窓口 counted");
    assert_eq!(line, "窓口,14,14", "{terms}");
    // スマートフォン (comment 2) and スマホ (comment 3) count as one term: 4 + 4.
    assert!(terms.lines().any(|l| l.starts_with("スマホ,8,")), "{terms}");
    assert!(
        !terms.contains("田中") && !terms.contains("千里山"),
        "{terms}"
    );

    let kwic = run(&app, &["kwic", "--term", "窓口", "--width", "8"]);
    assert!(
        kwic.contains("んが親切でした。,窓口,の待ち時間は長い\r\n"),
        "{kwic}"
    );
    let clusters = run(&app, &["clusters", "--k", "2"]);
    for secret in ["田中", "090-1234-5678", "千里山東1丁目"] {
        assert!(
            !clusters.contains(secret) && !kwic.contains(secret),
            "{secret}"
        );
    }
    // The comments are shown masked: the phone number beside 連絡 is a marker.
    let contact = run(&app, &["kwic", "--term", "連絡", "--width", "12"]);
    assert!(contact.contains("[PHONE]"), "{contact}");
    assert!(!contact.contains("090-1234-5678"), "{contact}");
    assert!(clusters.contains("窓口"), "{clusters}");

    // Group age_18_29 has 3 comments: blanked, and another group with it.
    let distinctive = run(&app, &["distinctive", "--group", "age_band"]);
    assert!(
        distinctive.contains("age_18_29,,,,,,primary"),
        "{distinctive}"
    );
    assert!(distinctive.contains(",complementary"), "{distinctive}");
    // No comment text sits next to a group: only terms and counts.
    for c in COMMENTS {
        let start: String = c.chars().take(8).collect();
        assert!(!distinctive.contains(&start), "{distinctive}");
    }

    let svg = std::env::temp_dir().join(format!("cs-text-{}.svg", uuid::Uuid::new_v4()));
    let edges = run(
        &app,
        &[
            "cooccurrence",
            "--min-comments",
            "2",
            "--svg",
            svg.to_str().unwrap(),
        ],
    );
    assert!(
        edges.starts_with("term_a,term_b,comments_both,jaccard"),
        "{edges}"
    );
    let drawing = std::fs::read_to_string(&svg).unwrap();
    assert!(drawing.starts_with("<svg") && drawing.contains("窓口"));
    std::fs::remove_file(svg).ok();

    // Codebook suggestions beside the masked comment, and nothing else about it.
    let suggested = run(&app, &["suggest"]);
    assert!(
        suggested.starts_with("comment,suggested_codes,flags"),
        "{suggested}"
    );
    assert!(
        suggested
            .lines()
            .any(|l| l.starts_with("窓口で長く待った") && l.contains("waiting_time")),
        "{suggested}"
    );
    assert!(
        !suggested.contains("田中") && !suggested.contains("age_"),
        "{suggested}"
    );

    // Bad input: a clear error naming what is allowed, nothing written.
    let out = app.cli(&[
        "text",
        "terms",
        "--wave",
        "2026-midterm",
        "--question",
        "age_band",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a free-text question") && err.contains("opinion_general"),
        "{err}"
    );
}
