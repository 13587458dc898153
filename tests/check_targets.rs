//! `citizen-survey check DIR` on `targets.toml`: a copy of the bundled definitions with a
//! broken targets file fails with `FILE:LINE: message` naming the offending line, and the
//! valid one passes with a line saying how many indicators there are. Nothing else in the
//! folder is touched.

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

fn bundled() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions")
}

/// The bundled definitions with `targets.toml` replaced by `targets`.
fn definitions_with(targets: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("waves")).unwrap();
    for f in ["visions.toml", "population.csv"] {
        std::fs::copy(bundled().join(f), dir.path().join(f)).unwrap();
    }
    for w in ["2026-midterm", "2028-final"] {
        let f = format!("waves/{w}.toml");
        std::fs::copy(bundled().join(&f), dir.path().join(&f)).unwrap();
    }
    std::fs::write(dir.path().join("targets.toml"), targets).unwrap();
    dir
}

fn check(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .arg("check")
        .arg(dir)
        .env_remove("SURVEY_DEFINITIONS")
        .output()
        .unwrap()
}

fn bundled_targets() -> String {
    std::fs::read_to_string(bundled().join("targets.toml")).unwrap()
}

/// `text` with its first line that starts with `from` (not a comment) replaced by `to`.
fn replace_line(text: &str, from: &str, to: &str) -> String {
    let line = line_of(text, from) - 1;
    let mut lines: Vec<&str> = text.lines().collect();
    lines[line] = to;
    lines.join("\n") + "\n"
}

/// The 1-based line of the first line starting with `needle` (comments are skipped).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the file"))
        + 1
}

fn fails_at(targets: &str, line: usize, phrase: &str) {
    let dir = definitions_with(targets);
    let out = check(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "check should fail:\n{stderr}");
    let prefix = format!("{}:{line}: ", dir.path().join("targets.toml").display());
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(phrase)),
        "expected `{prefix}…{phrase}…`, got:\n{stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(": ok:"),
        "a failed check says nothing is ok"
    );
}

#[test]
fn the_bundled_targets_pass_and_are_counted() {
    let out = check(&bundled());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("targets.toml: ok: 6 indicators\n"),
        "{stdout}"
    );
    // Without the file there is simply no evaluation.
    let dir = definitions_with("");
    std::fs::remove_file(dir.path().join("targets.toml")).unwrap();
    let out = check(dir.path());
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("none (no evaluation table)"));
    // An empty file is valid too, and says which visions have no indicator.
    let out = check(definitions_with("").path());
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("ok: 0 indicators; note: no indicator for v1, v2, v3, v4, v5")
    );
}

#[test]
fn an_unknown_vision() {
    let t = replace_line(&bundled_targets(), "vision = \"v4\"", "vision = \"v6\"");
    fails_at(&t, line_of(&t, "vision = \"v6\""), "unknown vision `v6`");
}

#[test]
fn an_unknown_item() {
    let t = bundled_targets().replacen("item = \"v4_personal_data\"", "item = \"v4_privacy\"", 1);
    fails_at(
        &t,
        line_of(&t, "item = \"v4_privacy\""),
        "unknown item `v4_privacy`",
    );
}

#[test]
fn a_rule_without_its_parameters() {
    let t = replace_line(&bundled_targets(), "rule.band_pct = 10", "");
    // The first nagayo indicator's rule line.
    let line = line_of(&t, "rule.kind = \"nagayo\"");
    fails_at(
        &t,
        line,
        "rule `nagayo` needs its parameter `rule.band_pct`",
    );
    let t = replace_line(&bundled_targets(), "rule.expected_pct =", "");
    let line = line_of(&t, "rule.kind = \"progress\"");
    fails_at(
        &t,
        line,
        "rule `progress` needs its parameter `rule.expected_pct`",
    );
}

#[test]
fn a_target_wave_that_does_not_exist() {
    let t = replace_line(
        &bundled_targets(),
        "target.wave = \"2028-final\"",
        "target.wave = \"2030-final\"",
    );
    fails_at(
        &t,
        line_of(&t, "target.wave = \"2030-final\""),
        "target: wave `2030-final` does not exist",
    );
}

#[test]
fn a_syntax_error_names_its_line() {
    let t = replace_line(
        &bundled_targets(),
        "target.value = 60.0",
        "target.value = = 60",
    );
    fails_at(&t, line_of(&t, "target.value = = 60"), "");
}
