use std::path::Path;

use super::*;

fn defs() -> Definitions {
    crate::definitions::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions"))
        .expect("bundled definitions")
}

const AGES: [&str; 7] = [
    "age_18_29",
    "age_30_39",
    "age_40_49",
    "age_50_59",
    "age_60_69",
    "age_70_79",
    "age_80_plus",
];
const AREAS: [&str; 6] = [
    "jr_south",
    "katayama_kishibe",
    "toyotsu_esaka_minamisuita",
    "senriyama_saiji",
    "yamada_senrioka",
    "senri_nt_banpaku_handai",
];
const DECLARED: &str = "# source: 住民基本台帳 18歳以上\n# reference_date: 2026-10-01\n";

/// age_band×gender: 1,000 per cell (14,000); area: 14,000 over six areas.
fn age_gender() -> String {
    let mut s = format!("{DECLARED}age_band,gender,population\n");
    for a in AGES {
        for g in ["female", "male"] {
            s.push_str(&format!("{a},{g},1000\n"));
        }
    }
    s
}

fn area(total: u64) -> String {
    let mut s = format!("{DECLARED}area,population\n");
    let each = total / 6;
    for (i, k) in AREAS.iter().enumerate() {
        let n = if i == 5 { total - 5 * each } else { each };
        s.push_str(&format!("{k},{n}\n"));
    }
    s
}

fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = d.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    d
}

fn population_example() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("survey-definitions/population.csv"),
    )
    .unwrap()
}

fn messages(l: &Loaded) -> Vec<String> {
    l.findings.iter().map(|f| f.to_string()).collect()
}

#[test]
fn an_example_population_leaves_weighted_columns_blank_unless_allowed() {
    let defs = defs();
    let d = dir(&[("population.csv", &population_example())]);
    let l = load(d.path(), &defs);
    assert!(!l.has_errors(), "{:?}", messages(&l));
    let reason = l.waves["2026-midterm"].as_ref().unwrap_err();
    assert!(reason.contains("an example"), "{reason}");
    assert!(
        messages(&l)
            .iter()
            .any(|m| m.contains("population.csv: warning: an example")
                && m.contains("allow_example")),
        "{:?}",
        messages(&l)
    );
    let d = dir(&[
        ("population.csv", &population_example()),
        ("weighting.toml", "allow_example = true\n"),
    ]);
    let l = load(d.path(), &defs);
    assert!(matches!(
        l.waves["2026-midterm"],
        Ok(WaveWeighting::PostStratify { .. })
    ));
    assert!(messages(&l).iter().any(|m| m.contains("never publish")));
    // A declared file is not an example.
    let d = dir(&[(
        "population.csv",
        &format!("{DECLARED}{}", population_example()),
    )]);
    let l = load(d.path(), &defs);
    assert!(l.findings.is_empty(), "{:?}", messages(&l));
    let Ok(WaveWeighting::PostStratify { declaration, .. }) = &l.waves["2028-final"] else {
        panic!()
    };
    assert_eq!(declaration.source.as_deref(), Some("住民基本台帳 18歳以上"));
}

#[test]
fn without_a_population_file_there_is_a_warning_only() {
    let l = load(dir(&[]).path(), &defs());
    assert!(!l.has_errors());
    assert!(l.waves["2026-midterm"].is_err());
}

#[test]
fn a_rake_configuration_reads_margins_design_and_options() {
    let plan = "area,population,sample_size\njr_south,2333,100\nkatayama_kishibe,2333,100\ntoyotsu_esaka_minamisuita,2333,100\nsenriyama_saiji,2333,100\nyamada_senrioka,2333,100\nsenri_nt_banpaku_handai,2335,100\n";
    let d = dir(&[
        (
            "weighting.toml",
            "method = \"rake\"\nmargins = [\"m/ag.csv\", \"m/area.csv\"]\ndesign = \"plan.csv\"\nmax_iter = 50\ntolerance = 1e-9\nbounds = [0.5, 3.0]\n",
        ),
        ("m/ag.csv", &age_gender()),
        ("m/area.csv", &area(14_000)),
        ("plan.csv", plan),
    ]);
    let l = load(d.path(), &defs());
    assert!(l.findings.is_empty(), "{:?}", messages(&l));
    let Ok(WaveWeighting::Rake(spec)) = &l.waves["2026-midterm"] else {
        panic!("{:?}", l.waves["2026-midterm"])
    };
    assert_eq!(spec.margins.len(), 2);
    assert_eq!(spec.margins[0].name(), "age_band×gender");
    assert_eq!(spec.margins[0].categories.len(), 14);
    assert_eq!(spec.options.max_iter, 50);
    assert_eq!(spec.options.tolerance, 1e-9);
    assert_eq!(
        spec.options.method,
        Method::Calibrate,
        "bounds need calibrate"
    );
    let design = spec.design.as_ref().unwrap();
    assert_eq!(design.columns, [Dimension::Area]);
    assert_eq!(design.overall_weight(), 14_000.0 / 600.0);
}

#[test]
fn per_wave_sections_override_the_top_level() {
    let d = dir(&[
        (
            "weighting.toml",
            "allow_example = true\n\n[waves.2028-final]\nmethod = \"rake\"\nmargins = [\"ag.csv\", \"area.csv\"]\n",
        ),
        ("population.csv", &population_example()),
        ("ag.csv", &age_gender()),
        ("area.csv", &area(14_000)),
    ]);
    let l = load(d.path(), &defs());
    assert!(matches!(
        l.waves["2026-midterm"],
        Ok(WaveWeighting::PostStratify { .. })
    ));
    assert!(matches!(l.waves["2028-final"], Ok(WaveWeighting::Rake(_))));
}

#[test]
fn problems_are_reported_with_file_and_line() {
    let defs = defs();
    let check = |files: &[(&str, &str)]| -> Vec<String> {
        let d = dir(files);
        let l = load(d.path(), &defs);
        assert!(l.has_errors(), "{:?}", messages(&l));
        assert!(l.waves.values().all(Result::is_err));
        messages(&l)
            .into_iter()
            .map(|m| m.replace(&d.path().display().to_string(), ""))
            .collect()
    };
    let rake = "method = \"rake\"\nmargins = [\"ag.csv\", \"area.csv\"]\n";
    // A misspelt key in the TOML.
    let m = check(&[("weighting.toml", "method = \"rake\"\nmax_iterations = 5\n")]);
    assert!(
        m[0].starts_with("/weighting.toml:2: unknown field `max_iterations`"),
        "{m:?}"
    );
    let m = check(&[("weighting.toml", "method = \"raking\"\n")]);
    assert_eq!(
        m[0],
        "/weighting.toml:1: method `raking`: use \"poststratify\" or \"rake\""
    );
    // Bounds R's algorithm cannot use.
    let m = check(&[
        ("weighting.toml", &format!("{rake}\nbounds = [1.2, 3]\n")),
        ("ag.csv", &age_gender()),
        ("area.csv", &area(14_000)),
    ]);
    assert!(
        m[0].starts_with("/weighting.toml:4: `bounds = [L, U]` with 0 < L < 1 < U"),
        "{m:?}"
    );
    // A code that is not an option, on its line.
    let bad = age_gender().replace("age_30_39,male", "age_30_39,man");
    let m = check(&[
        ("weighting.toml", rake),
        ("ag.csv", &bad),
        ("area.csv", &area(14_000)),
    ]);
    assert!(
        m.iter()
            .any(|m| m.starts_with("/ag.csv:7: gender `man` is not an option of wave")),
        "{m:?}"
    );
    // A column the totals do not keep.
    let m = check(&[
        ("weighting.toml", rake),
        (
            "ag.csv",
            &format!("{DECLARED}nationality,population\njp,5\n"),
        ),
        ("area.csv", &area(14_000)),
    ]);
    assert!(m[0].starts_with("/ag.csv:3: column `nationality`"), "{m:?}");
    // A missing age band.
    let missing = age_gender().replace("age_80_plus,female,1000\nage_80_plus,male,1000\n", "");
    let m = check(&[
        ("weighting.toml", rake),
        ("ag.csv", &missing),
        ("area.csv", &area(12_000)),
    ]);
    assert!(
        m.iter()
            .any(|m| m.contains("/ag.csv: no line for age_band age_80_plus")),
        "{m:?}"
    );
    // Margins of different populations.
    let m = check(&[
        ("weighting.toml", rake),
        ("ag.csv", &age_gender()),
        ("area.csv", &area(14_500)),
    ]);
    assert!(
        m.iter().any(
            |m| m.starts_with("/weighting.toml:2: the margins add up to different populations")
        ),
        "{m:?}"
    );
    // A malformed count line.
    let m = check(&[
        ("weighting.toml", rake),
        ("ag.csv", &age_gender()),
        (
            "area.csv",
            &area(14_000).replace("jr_south,2333", "jr_south,2,333"),
        ),
    ]);
    assert!(
        m.iter()
            .any(|m| m.starts_with("/area.csv:4: expected 2 comma-separated fields")),
        "{m:?}"
    );
    // A wave section for no wave.
    let m = check(&[("weighting.toml", "[waves.2030-extra]\nmethod = \"rake\"\n")]);
    assert!(
        m.iter()
            .any(|m| m.starts_with("/weighting.toml:1: [waves.2030-extra]: no wave")),
        "{m:?}"
    );
}

#[test]
fn an_example_margin_blanks_the_rake_unless_allowed() {
    let example = age_gender().replace(DECLARED, "");
    let files = [
        (
            "weighting.toml",
            "method = \"rake\"\nmargins = [\"ag.csv\", \"area.csv\"]\n",
        ),
        ("ag.csv", example.as_str()),
        ("area.csv", &area(14_000)),
    ];
    let d = dir(&files);
    let l = load(d.path(), &defs());
    assert!(!l.has_errors());
    assert!(
        l.waves["2026-midterm"]
            .as_ref()
            .unwrap_err()
            .contains("an example")
    );
    let allowed = "method = \"rake\"\nmargins = [\"ag.csv\", \"area.csv\"]\nallow_example = true\n";
    let d = dir(&[files[1], files[2], ("weighting.toml", allowed)]);
    assert!(load(d.path(), &defs()).waves["2026-midterm"].is_ok());
}
