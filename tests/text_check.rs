//! `citizen-survey check` reads survey-definitions/text/ too: a broken codebook or word
//! list is reported as FILE:LINE with what to write, and the exit status is non-zero.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn check_reports_codebook_problems_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions"),
        &defs,
    );
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .arg("check")
            .arg(&defs)
            .output()
            .unwrap()
    };
    assert!(
        check().status.success(),
        "the shipped definitions are valid"
    );

    let codebook = defs.join("text/codebook.toml");
    let text = std::fs::read_to_string(&codebook).unwrap();
    let broken = text.replacen("vision = \"v1\"", "vision = \"v7\"", 1);
    let line = broken.lines().position(|l| l.contains("\"v7\"")).unwrap() + 1;
    std::fs::write(&codebook, broken).unwrap();
    let out = check();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "codebook.toml:{line}: code `online_procedures`: unknown vision `v7`: use one of v1, v2, v3, v4, v5, or none"
        )),
        "{err}"
    );
}

#[test]
fn khcoder_rules_writes_the_codebook_for_kh_coder() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions"),
        &defs,
    );
    // A second code labelled 評価・感謝, with a number KH Coder would take for one, and a
    // code whose only term KH Coder reads as a phrase.
    let codebook = defs.join("text/codebook.toml");
    let mut text = std::fs::read_to_string(&codebook).unwrap();
    text.push_str(
        "\n[[codes]]\nid = \"counter_praise\"\nlabel = { ja = \"評価・感謝\", en = \"Praise at the counter\" }\nvision = \"v1\"\nstance = \"評価\"\nrule = { any = [\"親切\"], all = [\"窓口\"], not = [\"2\"] }\n\
         \n[[codes]]\nid = \"cpp\"\nlabel = { ja = \"プログラミング\", en = \"Programming\" }\nvision = \"none\"\nstance = \"その他\"\nrule = { any = [\"C++\"] }\n",
    );
    std::fs::write(&codebook, text).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
            .args(["text", "khcoder-rules"])
            .args(args)
            .env("SURVEY_DEFINITIONS", &defs)
            .env("DATABASE_URL", "sqlite://does/not/exist.db")
            .output()
            .unwrap()
    };
    let file = dir.path().join("rules.txt");
    let out = run(&["--output", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"# KH Coder coding rules"), "no BOM");
    let rules = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = rules.lines().collect();
    let condition = |heading: &str| {
        let i = lines
            .iter()
            .position(|l| *l == heading)
            .unwrap_or_else(|| panic!("{heading} in\n{rules}"));
        lines[i + 1]
    };
    // Synonyms of words.toml (and the built-in スマートフォン) written out.
    assert_eq!(
        condition("*手続きのオンライン化"),
        "( オンライン | 電子申請 | ネット | スマホ | スマートフォン | ウェブ )"
    );
    assert_eq!(
        condition("*情報の届け方"),
        "( サイト | HP | ウェブサイト | ホームページ | SNS | LINE | 広報 | お知らせ | 通知 )"
    );
    assert_eq!(
        condition("*窓口の待ち時間"),
        "( 待つ | 待ち時間 | 混雑 | 並ぶ ) & 窓口"
    );
    // Two codes labelled alike: told apart by their ids; "2" quoted to be read as a word.
    assert_eq!(
        condition("*評価・感謝 (praise)"),
        "( 便利 | 助かる | ありがたい | 親切 | 感謝 )"
    );
    assert_eq!(
        condition("*評価・感謝 (counter_praise)"),
        "親切 & 窓口 & ! \"2\""
    );
    assert!(rules.contains(
        "\n# *プログラミング (cpp): not written: KH Coder reads `C++` as a phrase of consecutive words (a+b), not as a word; code it by hand\n"
    ), "{rules}");
    assert!(rules.contains("\n# *その他 (other): no rule, coded by hand\n"));
    // Every line is a comment, a heading or the condition under a heading.
    let headings = lines.iter().filter(|l| l.starts_with('*')).count();
    assert_eq!(headings, 9, "{rules}");
    for (i, l) in lines.iter().enumerate() {
        assert!(
            l.is_empty()
                || l.starts_with('#')
                || l.starts_with('*')
                || lines[i - 1].starts_with('*'),
            "line {}: {l}",
            i + 1
        );
    }

    // Shift_JIS on request, the same text; a BOM refused.
    let out = run(&["--encoding", "shift_jis"]);
    assert!(out.status.success());
    assert_eq!(encoding_rs::SHIFT_JIS.decode(&out.stdout).0, rules);
    let out = run(&["--encoding", "utf-8-bom"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("byte-order mark"));
}
