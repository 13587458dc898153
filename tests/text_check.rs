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
