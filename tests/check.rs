//! `citizen-survey check DIR` against broken definition directories: each test starts from a
//! small valid set, breaks one thing, and expects a non-zero exit with `FILE:LINE: message`
//! on stderr pointing at the offending line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const VISIONS: &str = r#"# Minimal visions for the check tests.

[[visions]]
id = "v1"
name.ja = "利便性向上"
name.en = "Convenience"

[[visions]]
id = "v2"
name.ja = "市民参加型"
name.en = "Participation"
"#;

/// A wave with two vision sections and one unscored section holding a question of every
/// other kind, including a `show_if`. `{ID}`, `{OPENS}` and `{CLOSES}` are filled in.
const WAVE: &str = r#"# Minimal wave for the check tests.

id = "{ID}"
opens = {OPENS}
closes = {CLOSES}
title.ja = "市民アンケート"
title.en = "Citizen survey"

[[sections]]
id = "v1"
vision = "v1"

[[sections.questions]]
id = "v1_online"
kind = "scale"
text.ja = "市の手続きの多くは、オンラインで行えると感じる。"
text.en = "Many of the city's procedures can be done online."
dont_know = true

[[sections]]
id = "v2"
vision = "v2"

[[sections.questions]]
id = "v2_any_age"
kind = "scale"
text.ja = "市のデジタルサービスは、年齢に関係なく利用しやすいと感じる。"
text.en = "The city's digital services are easy to use for people of any age."

[[sections]]
id = "usage"
title.ja = "利用状況"
title.en = "Your use of digital services"

[[sections.questions]]
id = "used_online"
kind = "single"
text.ja = "市のオンライン手続きを利用したことがありますか。"
text.en = "Have you used the city's online procedures?"
required = true
options = [
  { code = "yes", ja = "はい", en = "Yes" },
  { code = "no", ja = "いいえ", en = "No" },
]

[[sections.questions]]
id = "online_count"
kind = "number"
text.ja = "何回くらい利用しましたか。"
text.en = "About how many times?"
min = 1
max = 99
unit.ja = "回"
unit.en = "times"
show_if = { question = "used_online", equals = "yes" }

[[sections.questions]]
id = "devices"
kind = "multiple"
text.ja = "使っている機器をすべて選んでください。"
text.en = "Which devices do you use?"
max_choices = 2
options = [
  { code = "smartphone", ja = "スマートフォン", en = "Smartphone" },
  { code = "pc", ja = "パソコン", en = "Computer" },
]

[[sections.questions]]
id = "opinion"
kind = "text"
text.ja = "ご意見をお書きください。"
text.en = "Your opinion."
max_length = 2000
"#;

const MIDTERM: &str = "waves/2026-midterm.toml";
const FINAL: &str = "waves/2028-final.toml";

/// The three files of a definitions directory, as text, keyed by their path in it.
struct Fixture {
    files: Vec<(&'static str, String)>,
}

impl Fixture {
    fn valid() -> Self {
        let wave = |id: &str, opens: &str, closes: &str| {
            WAVE.replace("{ID}", id)
                .replace("{OPENS}", opens)
                .replace("{CLOSES}", closes)
        };
        Fixture {
            files: vec![
                ("visions.toml", VISIONS.to_string()),
                (MIDTERM, wave("2026-midterm", "2026-11-01", "2027-01-31")),
                (FINAL, wave("2028-final", "2028-10-01", "2028-12-31")),
            ],
        }
    }

    fn text(&self, file: &str) -> &str {
        &self
            .files
            .iter()
            .find(|(name, _)| *name == file)
            .unwrap_or_else(|| panic!("no fixture file {file}"))
            .1
    }

    /// Replaces the one occurrence of `from` in `file` (panics unless there is exactly one,
    /// so a fixture change cannot silently miss).
    fn edit(mut self, file: &str, from: &str, to: &str) -> Self {
        let text = &mut self
            .files
            .iter_mut()
            .find(|(name, _)| *name == file)
            .unwrap_or_else(|| panic!("no fixture file {file}"))
            .1;
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur exactly once in {file}"
        );
        *text = text.replacen(from, to, 1);
        self
    }

    /// 1-based line of `marker` in `file`, which must occur exactly once.
    fn line(&self, file: &str, marker: &str) -> usize {
        let text = self.text(file);
        assert_eq!(
            text.matches(marker).count(),
            1,
            "marker `{marker}` must occur exactly once in {file}"
        );
        let at = text.find(marker).unwrap();
        text[..at].matches('\n').count() + 1
    }

    fn write(&self) -> TempDir {
        let dir = TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join("waves")).unwrap();
        for (name, text) in &self.files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    /// Runs `check` and asserts it fails with a `FILE:LINE: …phrase…` line, where LINE is
    /// the line of `marker` in `file`.
    fn assert_error(&self, file: &str, marker: &str, phrase: &str) {
        let line = self.line(file, marker);
        let dir = self.write();
        let out = check(dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "check should fail, got {:?}\nstdout: {}\nstderr: {stderr}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
        let prefix = format!("{}:{line}: ", path_in(dir.path(), file).display());
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(phrase)),
            "expected a line `{prefix}…{phrase}…` on stderr, got:\n{stderr}"
        );
    }
}

fn path_in(dir: &Path, file: &str) -> PathBuf {
    file.split('/')
        .fold(dir.to_path_buf(), |p, part| p.join(part))
}

fn check(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .arg("check")
        .arg(dir)
        .env_remove("SURVEY_DEFINITIONS")
        .output()
        .expect("run citizen-survey check")
}

fn assert_ok(dir: &Path) {
    let out = check(dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("ok"),
        "check {} should pass, got {:?}\nstdout: {stdout}\nstderr: {}",
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// Valid sets
// ---------------------------------------------------------------------------------------

#[test]
fn minimal_valid_set_passes() {
    let dir = Fixture::valid().write();
    assert_ok(dir.path());
}

#[test]
fn bundled_definitions_pass() {
    assert_ok(&Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions"));
}

// ---------------------------------------------------------------------------------------
// One test per kind of error
// ---------------------------------------------------------------------------------------

#[test]
fn toml_syntax_error() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"text.en = "Your opinion.""#,
        r#"text.en = "Your opinion. # unterminated"#,
    );
    f.assert_error(MIDTERM, "# unterminated", "invalid basic string");
}

#[test]
fn unknown_dotted_key() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"text.ja = "何回くらい利用しましたか。""#,
        r#"txet.ja = "何回くらい利用しましたか。""#,
    );
    f.assert_error(MIDTERM, "txet.ja", "unknown field `txet`");
}

#[test]
fn unknown_key_in_question() {
    let f = Fixture::valid().edit(MIDTERM, "required = true", "requried = true");
    f.assert_error(MIDTERM, "requried", "unknown field `requried`");
}

#[test]
fn missing_required_key_points_at_its_table() {
    // serde reports a missing field on the table that lacks it: the table's header line.
    let f = Fixture::valid().edit(
        MIDTERM,
        "[[sections.questions]]\nid = \"online_count\"\nkind = \"number\"\n",
        "[[sections.questions]] # no kind\nid = \"online_count\"\n",
    );
    f.assert_error(MIDTERM, "# no kind", "missing field `kind`");
}

#[test]
fn duplicate_question_id() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"id = "v2_any_age""#,
        r#"id = "v1_online" # duplicate"#,
    );
    f.assert_error(MIDTERM, "# duplicate", "duplicate question id `v1_online`");
}

#[test]
fn duplicate_vision_id() {
    let f = Fixture::valid().edit("visions.toml", r#"id = "v2""#, r#"id = "v1" # duplicate"#);
    f.assert_error("visions.toml", "# duplicate", "duplicate vision id `v1`");
}

#[test]
fn duplicate_option_code() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"{ code = "no", ja = "いいえ", en = "No" },"#,
        r#"{ code = "yes", ja = "いいえ", en = "No" }, # duplicate"#,
    );
    f.assert_error(MIDTERM, "# duplicate", "duplicate option code `yes`");
}

#[test]
fn section_with_unknown_vision() {
    let f = Fixture::valid().edit(MIDTERM, r#"vision = "v2""#, r#"vision = "v9""#);
    f.assert_error(MIDTERM, r#"vision = "v9""#, "unknown vision `v9`");
}

#[test]
fn a_missing_translation_falls_back_and_is_reported_per_language() {
    let f = Fixture::valid()
        .edit(MIDTERM, "text.en = \"Your opinion.\"\n", "")
        .edit(
            MIDTERM,
            "title.ja = \"市民アンケート\"\n",
            "reviewed.zh = true\ntitle.ja = \"市民アンケート\"\ntitle.zh = \"市民问卷调查\"\n",
        );
    let line = f.line(MIDTERM, "text.ja = \"ご意見をお書きください。\"");
    let dir = f.write();
    let out = check(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = path_in(dir.path(), MIDTERM).display().to_string();
    assert!(
        stdout.contains(&format!("{file}: en: 1 of ")) && stdout.contains("(shown in ja)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{file}:{line}: en: no text: question `opinion` `text.en`"
        )),
        "{stdout}"
    );
    // zh has only the title, but a native speaker reviewed it; ko has nothing, unreviewed.
    assert!(
        stdout.contains("; reviewed by a native speaker"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&format!("{file}: ko: ")) && l.contains("NOT reviewed")),
        "{stdout}"
    );
}

#[test]
fn unknown_language_key_and_malformed_reading() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "title.ja = \"市民アンケート\"\n",
        "title.ja = \"{市民|しみん}アンケート\"\ntitle.fr = \"Enquête\" # unknown\n",
    );
    f.assert_error(MIDTERM, "title.ja = \"{市民", "unknown key `title.fr`");
    let f = Fixture::valid().edit(
        MIDTERM,
        "title.ja = \"市民アンケート\"\n",
        "title.ja = \"{市民アンケート\" # bad reading\n",
    );
    f.assert_error(
        MIDTERM,
        "# bad reading",
        "a reading must be written {base|reading}",
    );
}

#[test]
fn option_without_japanese() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"{ code = "pc", ja = "パソコン", en = "Computer" },"#,
        r#"{ code = "pc", en = "Computer" },"#,
    );
    f.assert_error(
        MIDTERM,
        r#"{ code = "pc", en = "Computer" },"#,
        "missing Japanese translation",
    );
}

#[test]
fn empty_option_list() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "options = [\n  { code = \"smartphone\", ja = \"スマートフォン\", en = \"Smartphone\" },\n  { code = \"pc\", ja = \"パソコン\", en = \"Computer\" },\n]",
        "options = []",
    );
    f.assert_error(MIDTERM, "options = []", "option list is empty");
}

#[test]
fn show_if_pointing_forward() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "dont_know = true\n",
        "dont_know = true\nshow_if = { question = \"used_online\", equals = \"yes\" } # forward\n",
    );
    f.assert_error(MIDTERM, "# forward", "which comes later (line");
}

#[test]
fn show_if_pointing_at_unknown_question() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"show_if = { question = "used_online", equals = "yes" }"#,
        r#"show_if = { question = "used_onlin", equals = "yes" }"#,
    );
    f.assert_error(
        MIDTERM,
        "used_onlin\"",
        "this wave has no question with that id",
    );
}

#[test]
fn show_if_pointing_at_unknown_option() {
    let f = Fixture::valid().edit(
        MIDTERM,
        r#"show_if = { question = "used_online", equals = "yes" }"#,
        r#"show_if = { question = "used_online", equals = "maybe" }"#,
    );
    f.assert_error(MIDTERM, r#"equals = "maybe""#, "has no such option");
}

#[test]
fn closes_before_opens() {
    let f = Fixture::valid().edit(MIDTERM, "closes = 2027-01-31", "closes = 2026-10-31");
    f.assert_error(
        MIDTERM,
        "closes = 2026-10-31",
        "closes (2026-10-31) before it opens",
    );
}

#[test]
fn overlapping_waves() {
    let f = Fixture::valid().edit(FINAL, "opens = 2028-10-01", "opens = 2027-01-31");
    f.assert_error(FINAL, "opens = 2027-01-31", "overlaps wave `2026-midterm`");
}

#[test]
fn question_id_reused_with_another_kind() {
    let f = Fixture::valid()
        .edit(FINAL, "kind = \"text\"", "kind = \"number\"")
        .edit(FINAL, "max_length = 2000", "min = 0\nmax = 10");
    f.assert_error(
        FINAL,
        r#"id = "opinion""#,
        "question `opinion` is a `number` here but a `text` in wave `2026-midterm`",
    );
}

#[test]
fn scale_question_outside_a_vision_section() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "title.en = \"Your use of digital services\"\n",
        "title.en = \"Your use of digital services\"\n\n\
         [[sections.questions]]\n\
         id = \"usage_easy\"\n\
         kind = \"scale\" # no vision\n\
         text.ja = \"使いやすいと感じる。\"\n\
         text.en = \"It is easy to use.\"\n",
    );
    f.assert_error(
        MIDTERM,
        "# no vision",
        "a scale question must sit in a section with a `vision`",
    );
}

#[test]
fn wave_id_not_matching_file_name() {
    let f = Fixture::valid().edit(MIDTERM, r#"id = "2026-midterm""#, r#"id = "2026-mid""#);
    f.assert_error(
        MIDTERM,
        r#"id = "2026-mid""#,
        "must match the file name (`2026-midterm.toml`)",
    );
}

#[test]
fn number_with_min_above_max() {
    let f = Fixture::valid().edit(MIDTERM, "max = 99", "max = 0");
    f.assert_error(MIDTERM, "max = 0", "`max` (0) is below `min` (1)");
}

#[test]
fn text_without_max_length() {
    let f = Fixture::valid().edit(MIDTERM, "max_length = 2000\n", "");
    f.assert_error(MIDTERM, "kind = \"text\"", "kind `text` needs `max_length`");
}

const CODE_WAVE_KEYS: &str = "closes = 2027-01-31\naccess = \"code\"\nopen_answers = true\ncontact.ja = \"吹田市 デジタル政策課\"\ncontact.en = \"Suita City, Digital Policy Division\"";

#[test]
fn a_postal_code_wave_with_open_answers_and_a_contact_line_passes() {
    let f = Fixture::valid().edit(MIDTERM, "closes = 2027-01-31", CODE_WAVE_KEYS);
    assert_ok(f.write().path());
}

#[test]
fn unknown_access_names_the_allowed_ones() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "closes = 2027-01-31",
        "closes = 2027-01-31\naccess = \"postal\"",
    );
    f.assert_error(
        MIDTERM,
        "access = \"postal\"",
        "unknown access `postal` (expected open, invitation or code)",
    );
}

#[test]
fn open_answers_only_on_a_code_wave() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "closes = 2027-01-31",
        "closes = 2027-01-31\nopen_answers = true",
    );
    f.assert_error(
        MIDTERM,
        "open_answers = true",
        "`open_answers` applies only to `access = \"code\"`",
    );
}

#[test]
fn a_code_wave_needs_its_contact_line() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "closes = 2027-01-31",
        "closes = 2027-01-31\naccess = \"code\"",
    );
    f.assert_error(
        MIDTERM,
        "access = \"code\"",
        "a code wave needs `contact.ja`",
    );
}

#[test]
fn a_contact_line_without_english() {
    let f = Fixture::valid().edit(
        MIDTERM,
        "closes = 2027-01-31",
        "closes = 2027-01-31\naccess = \"code\"\ncontact.ja = \"吹田市\"",
    );
    f.assert_error(MIDTERM, "contact.ja = \"吹田市\"", "add `contact.en`");
}

// ---------------------------------------------------------------------------------------
// Importance questions (the CS portfolio's asked importance)
// ---------------------------------------------------------------------------------------

/// The valid set with an importance question for v1 after the opinion question.
fn with_importance(extra: &str) -> Fixture {
    Fixture::valid().edit(
        MIDTERM,
        "max_length = 2000\n",
        &format!(
            "max_length = 2000\n\n[[sections.questions]]\nid = \"importance_v1\"\nkind = \"importance\"\nvision = \"v1\"\ntext.ja = \"利便性向上\"\ntext.en = \"Convenience\"\n{extra}"
        ),
    )
}

#[test]
fn an_importance_question_names_its_vision() {
    let dir = with_importance("dont_know = true\n").write();
    assert_ok(dir.path());
    let f = Fixture::valid().edit(
        MIDTERM,
        "max_length = 2000\n",
        "max_length = 2000\n\n[[sections.questions]]\nid = \"importance_v1\"\nkind = \"importance\" # no vision\ntext.ja = \"重要度\"\ntext.en = \"Importance\"\n",
    );
    f.assert_error(
        MIDTERM,
        "# no vision",
        "kind `importance` needs `vision = \"v1\"`",
    );
    let f = with_importance("").edit(
        MIDTERM,
        "vision = \"v1\"\ntext.ja = \"利便性向上\"",
        "vision = \"v9\" # unknown\ntext.ja = \"利便性向上\"",
    );
    f.assert_error(MIDTERM, "# unknown", "unknown vision `v9` (known: v1, v2)");
}

#[test]
fn a_vision_has_one_importance_question_and_only_importance_names_a_vision() {
    let f = with_importance(
        "\n[[sections.questions]]\nid = \"importance_again\" # second\nkind = \"importance\"\nvision = \"v1\"\ntext.ja = \"もう一度\"\ntext.en = \"Again\"\n",
    );
    f.assert_error(
        MIDTERM,
        "# second",
        "vision `v1` already has an importance question (`importance_v1`)",
    );
    let f = Fixture::valid().edit(
        MIDTERM,
        "dont_know = true",
        "dont_know = true\nvision = \"v2\" # misplaced",
    );
    f.assert_error(
        MIDTERM,
        "# misplaced",
        "`vision` does not apply to kind `scale`",
    );
}

// ---------------------------------------------------------------------------------------
// [sample]: the postal random sample of a wave (issue 19)
// ---------------------------------------------------------------------------------------

/// A `[sample]` table, inserted before the wave's first section.
fn with_sample(table: &str) -> Fixture {
    Fixture::valid().edit(
        MIDTERM,
        "\n[[sections]]\nid = \"v1\"",
        &format!("\n{table}\n[[sections]]\nid = \"v1\""),
    )
}

const SAMPLE: &str = r#"[sample]
population.ja = "吹田市に住民登録のある18歳以上の方"
population.en = "Residents aged 18 and over"
method.ja = "住民基本台帳から層化系統抽出"
method.en = "Stratified systematic sample from the resident register"
mailed = 3000
drawn = 2026-10-01
"#;

#[test]
fn a_complete_sample_table_passes() {
    assert_ok(with_sample(SAMPLE).write().path());
}

#[test]
fn a_sample_table_without_mailed_points_at_the_table() {
    let f = with_sample(&SAMPLE.replace("mailed = 3000\n", ""));
    f.assert_error(MIDTERM, "[sample]", "has no `mailed`");
}

#[test]
fn a_sample_table_without_population_points_at_the_table() {
    let table = SAMPLE
        .lines()
        .filter(|l| !l.starts_with("population"))
        .collect::<Vec<_>>()
        .join("\n");
    with_sample(&table).assert_error(MIDTERM, "[sample]", "has no `population`");
}

#[test]
fn a_sample_of_no_letters_is_refused() {
    let f = with_sample(&SAMPLE.replace("mailed = 3000", "mailed = 0 # none"));
    f.assert_error(MIDTERM, "mailed = 0", "must be a whole number of letters");
}

#[test]
fn a_sample_drawn_after_the_wave_opens_is_refused() {
    let f = with_sample(&SAMPLE.replace("drawn = 2026-10-01", "drawn = 2099-01-01"));
    f.assert_error(MIDTERM, "drawn = 2099-01-01", "after the wave opens");
}

#[test]
fn an_unknown_key_in_the_sample_table_is_refused() {
    let f = with_sample(&SAMPLE.replace("mailed = 3000", "mailed = 3000\nsize = 3000"));
    f.assert_error(MIDTERM, "size = 3000", "unknown field `size`");
}
