//! The documentation kept honest without any tool but `cargo test`: README.md stays at
//! most 200 lines (the manual lives in `docs/`), every relative link in README.md and
//! `docs/*.md` names a file or folder that exists, and every `#anchor` into a Markdown file
//! names one of its headings, by GitHub's rule for heading ids (lowercase; every character
//! that is not a letter, a digit, `_`, `-` or a space removed, non-ASCII letters kept;
//! spaces become `-`; a repeated id gets `-1`, `-2`, …).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

const README_MAX_LINES: usize = 200;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every `docs/*.md`, as paths relative to the crate root.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![PathBuf::from("README.md")];
    let mut manual: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| Path::new("docs").join(p.file_name().unwrap()))
        .collect();
    manual.sort();
    docs.extend(manual);
    docs
}

/// Lines outside fenced code blocks, with their 1-based numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<&str> = None;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m => fence = None,
            (None, None) => lines.push((i + 1, line)),
            _ => {}
        }
    }
    lines
}

/// The line without its inline code spans (`` `…` ``, ``` ``…`` ```): a link written
/// inside one is code, not a link.
fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let run = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + run..];
        let closing = "`".repeat(run);
        match after.find(&closing) {
            Some(end) => rest = &after[end + run..],
            None => {
                out.push_str(&rest[start..]);
                return out;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The targets of the inline links `[text](target)` and `[text](target "title")` of one
/// line of prose, and of a reference definition `[label]: target`.
fn link_targets(line: &str) -> Vec<String> {
    let line = without_code_spans(line);
    let mut targets = Vec::new();
    if let Some(rest) = line.trim_start().strip_prefix('[')
        && let Some(end) = rest.find("]:")
    {
        if let Some(target) = rest[end + 2..].split_whitespace().next() {
            targets.push(target.trim_matches(['<', '>']).to_string());
        }
        return targets;
    }
    let mut rest = line.as_str();
    while let Some(pos) = rest.find("](") {
        let after = &rest[pos + 2..];
        let Some(end) = after.find(')') else { break };
        let inside = after[..end].trim();
        let target = inside.split_whitespace().next().unwrap_or("");
        targets.push(target.trim_matches(['<', '>']).to_string());
        rest = &after[end + 1..];
    }
    targets
}

/// GitHub's id for a heading's text (see the module's header).
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// A heading's text as GitHub renders it before taking its id: code spans keep their
/// text, links keep their text, emphasis marks go.
fn heading_text(raw: &str) -> String {
    let raw = raw.trim().trim_end_matches('#').trim_end();
    let mut text = String::new();
    let mut rest = raw;
    // [text](target) → text
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](") else {
            break;
        };
        let Some(end) = rest[open + close..].find(')') else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push_str(&rest[open + 1..open + close]);
        rest = &rest[open + close + end + 1..];
    }
    text.push_str(rest);
    text.replace(['`', '*'], "")
}

/// Every heading id of a Markdown text, with GitHub's suffixes for repeated ones.
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    for (_, line) in prose_lines(text) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) {
            continue;
        }
        let rest = &line[hashes..];
        if !(rest.is_empty() || rest.starts_with(' ')) {
            continue;
        }
        let base = slug(&heading_text(rest));
        let mut id = base.clone();
        let mut n = 0;
        while seen.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        seen.insert(id);
    }
    seen
}

/// `%XX` escapes decoded (anchors with Japanese text may be written encoded).
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a/../b` → `b`, without touching the file system; None for a path that leaves the
/// crate (`../x` from the root) or is absolute.
fn normalised(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Every broken link of `text` (the document at `doc`, relative to `root`), as
/// `doc:line: target: reason`. `read` gives the text of another Markdown file, or None.
fn broken_links(
    doc: &Path,
    text: &str,
    exists: &dyn Fn(&Path) -> bool,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let folder = doc.parent().unwrap_or(Path::new(""));
    for (number, line) in prose_lines(text) {
        for target in link_targets(line) {
            let is_external = target.starts_with("//")
                || target
                    .split_once(':')
                    .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
            if target.is_empty() || is_external {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let (file, file_text) = if path.is_empty() {
                (doc.to_path_buf(), Some(text.to_string()))
            } else {
                let file = normalised(&folder.join(percent_decoded(path))).filter(|f| exists(f));
                let Some(file) = file else {
                    problems.push(format!(
                        "{}:{number}: {target}: no such file",
                        doc.display()
                    ));
                    continue;
                };
                let file_text = file
                    .extension()
                    .is_some_and(|e| e == "md")
                    .then(|| read(&file))
                    .flatten();
                (file, file_text)
            };
            if let (Some(anchor), Some(file_text)) = (anchor, file_text) {
                let anchor = percent_decoded(anchor).to_lowercase();
                if !anchors(&file_text).contains(&anchor) {
                    problems.push(format!(
                        "{}:{number}: {target}: {} has no heading with the id #{anchor}",
                        doc.display(),
                        file.display()
                    ));
                }
            }
        }
    }
    problems
}

fn on_disk_exists(path: &Path) -> bool {
    root().join(path).exists()
}

fn on_disk_read(path: &Path) -> Option<String> {
    std::fs::read_to_string(root().join(path)).ok()
}

#[test]
fn the_readme_stays_short() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, more than {README_MAX_LINES}: move the detail into docs/ \
         and link it from the README's index"
    );
}

#[test]
fn every_link_in_the_readme_and_docs_resolves() {
    let mut problems = Vec::new();
    let mut links = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(root().join(&doc)).unwrap();
        links += prose_lines(&text)
            .iter()
            .map(|(_, line)| link_targets(line).len())
            .sum::<usize>();
        problems.extend(broken_links(&doc, &text, &on_disk_exists, &on_disk_read));
    }
    assert!(links > 0, "no link found: the link reader is broken");
    assert!(
        problems.is_empty(),
        "broken links (fix the path, or the #anchor to a heading's id):\n{}",
        problems.join("\n")
    );
}

#[test]
fn heading_ids_follow_github() {
    assert_eq!(
        slug("Postal random-sample waves"),
        "postal-random-sample-waves"
    );
    assert_eq!(
        slug(&heading_text(
            "Submissions and the form: `scripts/bench-submit.sh [SECONDS] [ROUNDS] [POSTGRES_SERVER_URL]`"
        )),
        "submissions-and-the-form-scriptsbench-submitsh-seconds-rounds-postgres_server_url"
    );
    assert_eq!(slug("PostgreSQL's heap order"), "postgresqls-heap-order");
    assert_eq!(slug("CI: `.ci/run`"), "ci-cirun");
    assert_eq!(slug("回答の「重み付け」 2026"), "回答の重み付け-2026");
    assert_eq!(
        slug(&heading_text("See [Exports](methods.md#exports) **now**")),
        "see-exports-now"
    );
    let ids = anchors("# A\n\n## Notes\n```\n## Not a heading\n```\n## Notes\n#hashtag\n");
    let expected: HashSet<String> = ["a", "notes", "notes-1"].map(String::from).into();
    assert_eq!(ids, expected);
}

#[test]
fn a_broken_link_or_anchor_is_found() {
    let files: &[(&str, &str)] = &[
        ("README.md", ""),
        ("docs/a.md", "# Title\n\n## Known heading\n"),
        ("src/lib.rs", ""),
    ];
    let exists = |p: &Path| files.iter().any(|(f, _)| Path::new(f) == p);
    let read = |p: &Path| {
        files
            .iter()
            .find(|(f, _)| Path::new(f) == p)
            .map(|(_, t)| t.to_string())
    };
    let text = "\
# Doc

[ok](a.md) [ok](a.md#known-heading) [ok](../src/lib.rs) [ok](#doc) [ok](https://example.org/x)
`[code](missing.md)` [ok](<a.md> \"title\")

```
[fenced](missing.md)
```
[gone](missing.md) [bad anchor](a.md#unknown) [self](#nothing) [up](../../etc/passwd)
[ref]: ../nowhere.md
";
    let problems = broken_links(Path::new("docs/b.md"), text, &exists, &read);
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(problems[0].starts_with("docs/b.md:9: missing.md: no such file"));
    assert!(problems[1].contains("a.md#unknown: docs/a.md has no heading with the id #unknown"));
    assert!(problems[2].contains("#nothing: docs/b.md has no heading"));
    assert!(problems[3].contains("../../etc/passwd: no such file"));
    assert!(problems[4].starts_with("docs/b.md:10: ../nowhere.md: no such file"));
}
