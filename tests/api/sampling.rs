//! From the register to weights, end to end with the real binary and server: `sample plan`
//! and `sample draw` on a Shift_JIS frame, codes for the drawn sample, answers through the
//! letters' links, and raked weighted exports with their diagnostics and the
//! representativeness table; bad frames, plans and margin files refused with their line and
//! nothing written; and an attacker's look for the register in the database and the logs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use citizen_survey::stats::ValueSums;
use citizen_survey::weights::{WaveWeighting, cells};

use crate::codes::{answer_by_link, code_definitions, generate};
use crate::helpers::{TestApp, TestDatabase, V1, midterm_day, settings, spawn_app_with_settings};

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
const FAMILY: [&str; 8] = ["山田", "田中", "佐藤", "鈴木", "金", "朴", "李", "阮"];
const GIVEN: [&str; 6] = ["花子", "太郎", "美咲", "翔太", "陽菜", "大輝"];

/// One resident of the synthetic register.
#[derive(Debug, Clone)]
struct Resident {
    id: String,
    name: String,
    address: String,
    age: usize,
    area: usize,
    female: bool,
}

/// A small deterministic generator (the test must give the same frame every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// `count` residents sorted by area and address, as a register extract is.
fn register(count: usize) -> Vec<Resident> {
    let mut rng = Lcg(20261001);
    let mut out: Vec<Resident> = (0..count)
        .map(|i| {
            let area = [0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5][rng.next(12)];
            Resident {
                id: format!("{}", 3_000_000_000u64 + (i as u64 * 7919) % 999_983),
                name: format!("{} {}", FAMILY[rng.next(8)], GIVEN[rng.next(6)]),
                address: format!("吹田市{}町{}番{}号", AREAS[area].len(), rng.next(40) + 1, i),
                age: [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6][rng.next(12)],
                area,
                female: rng.next(100) < 52,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.area, &a.address).cmp(&(b.area, &b.address)));
    out
}

/// The frame as the city's system writes it: Shift_JIS, CRLF, the id column named in
/// Japanese, names and addresses the draw must never keep.
fn frame_bytes(residents: &[Resident]) -> Vec<u8> {
    let mut text = String::from("住民番号,氏名,住所,area\r\n");
    for r in residents {
        text.push_str(&format!(
            "{},{},{},{}\r\n",
            r.id, r.name, r.address, AREAS[r.area]
        ));
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

const DECLARED: &str =
    "# source: synthetic register for tests/api/sampling.rs\n# reference_date: 2026-10-01\n";

/// The register margins of `residents`: age band × gender, and area.
fn margins(residents: &[Resident]) -> (String, String) {
    let mut ag = format!("{DECLARED}age_band,gender,population\n");
    for (a, age) in AGES.iter().enumerate() {
        for (female, gender) in [(true, "female"), (false, "male")] {
            let n = residents
                .iter()
                .filter(|r| r.age == a && r.female == female)
                .count();
            ag.push_str(&format!("{age},{gender},{n}\n"));
        }
    }
    let mut area = format!("{DECLARED}area,population\n");
    for (k, code) in AREAS.iter().enumerate() {
        let n = residents.iter().filter(|r| r.area == k).count();
        area.push_str(&format!("{code},{n}\n"));
    }
    (ag, area)
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-survey"));
    command.args(args).env_remove("RUST_LOG");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// A CSV file or text as rows of named cells (BOM stripped).
fn rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Frame, plan and draw in a folder: the frame, the plan (`sample plan --frame`, 240 letters
/// at least 30 per area) and the draw (`sample draw`, seed 20261001).
struct Drawn {
    /// Holds the frame, plan and draw until the test ends.
    _dir: tempfile::TempDir,
    residents: Vec<Resident>,
    plan: PathBuf,
    selected: Vec<String>,
}

fn plan_and_draw() -> Drawn {
    let dir = tempfile::tempdir().unwrap();
    let residents = register(3_000);
    let frame = dir.path().join("frame.csv");
    std::fs::write(&frame, frame_bytes(&residents)).unwrap();
    let plan = dir.path().join("plan.csv");
    let table = ok(&run(
        &[
            "sample",
            "plan",
            "--frame",
            p(&frame),
            "--id-column",
            "住民番号",
            "--by",
            "area",
            "--n",
            "240",
            "--allocation",
            "min=30",
            "--expected-rate",
            "0.5",
            "--output",
            p(&plan),
        ],
        &[],
    ));
    assert!(table.contains("(total)"), "{table}");
    let planned = rows(&std::fs::read_to_string(&plan).unwrap());
    assert_eq!(planned.len(), 6);
    let letters: u64 = planned
        .iter()
        .map(|r| r["sample_size"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(letters, 240);
    for r in &planned {
        let area = AREAS.iter().position(|a| *a == r["area"]).unwrap();
        let n_h = residents.iter().filter(|x| x.area == area).count();
        assert_eq!(
            r["population"],
            n_h.to_string(),
            "N_h counted from the frame"
        );
        assert!(r["sample_size"].parse::<u64>().unwrap() >= 30);
    }
    let out = dir.path().join("draw");
    let said = ok(&run(
        &[
            "sample",
            "draw",
            "--frame",
            p(&frame),
            "--plan",
            p(&plan),
            "--seed",
            "20261001",
            "--id-column",
            "住民番号",
            "--output",
            p(&out),
        ],
        &[],
    ));
    assert!(said.contains("240 of 3000 residents selected"), "{said}");
    assert!(said.contains("Shift_JIS"), "{said}");
    let selected: Vec<String> =
        rows(&std::fs::read_to_string(out.join("selected_ids.csv")).unwrap())
            .into_iter()
            .map(|r| r["id"].clone())
            .collect();
    assert_eq!(selected.len(), 240);
    let record = rows(&std::fs::read_to_string(out.join("sampling_record.csv")).unwrap());
    assert_eq!(record.len(), 6);
    for (r, planned) in record.iter().zip(&planned) {
        assert_eq!(r["area"], planned["area"]);
        assert_eq!(r["sample_size"], planned["sample_size"]);
        assert_eq!(r["seed"], "20261001");
        assert_eq!(r["frame_records"], "3000");
        // Exactly n_h of the stratum were selected.
        let area = AREAS.iter().position(|a| *a == r["area"]).unwrap();
        let got = selected
            .iter()
            .filter(|id| residents.iter().any(|x| &&x.id == id && x.area == area))
            .count();
        assert_eq!(got.to_string(), r["sample_size"]);
    }
    Drawn {
        _dir: dir,
        residents,
        plan,
        selected,
    }
}

/// Definitions for a postal wave raked to the margins of `residents`, with the plan.
fn raked_definitions(residents: &[Resident], plan: &Path) -> PathBuf {
    let dir = code_definitions(false);
    let (ag, area) = margins(residents);
    std::fs::create_dir_all(dir.join("margins")).unwrap();
    std::fs::write(dir.join("margins/age_gender.csv"), ag).unwrap();
    std::fs::write(dir.join("margins/area.csv"), area).unwrap();
    std::fs::copy(plan, dir.join("plan.csv")).unwrap();
    std::fs::write(
        dir.join("weighting.toml"),
        "method = \"rake\"\nmargins = [\"margins/age_gender.csv\", \"margins/area.csv\"]\ndesign = \"plan.csv\"\n",
    )
    .unwrap();
    dir
}

fn analyst_csv(app: &TestApp, token: &str, kind: &str) -> String {
    let mut response = app
        .agent
        .get(format!(
            "{}/analyst/waves/2026-midterm/{kind}.csv",
            app.address
        ))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.body_mut().read_to_string().unwrap()
}

/// What a selected resident answers: their age band, area and gender as the register has
/// them (some say "prefer not to say", one in twenty answers another gender), and a v1
/// score that rises with age.
fn answers_of(r: &Resident, i: usize) -> Vec<(String, String)> {
    let gender = match i % 20 {
        7 => "other",
        13 => "no_answer",
        _ if r.female => "female",
        _ => "male",
    };
    let area = if i % 10 == 3 {
        "outside_or_no_answer"
    } else {
        AREAS[r.area]
    };
    let mut a = vec![
        ("age_band".to_string(), AGES[r.age].to_string()),
        ("area".to_string(), area.to_string()),
        ("gender".to_string(), gender.to_string()),
    ];
    let v = 1 + (r.age + i) % 5;
    for q in V1 {
        a.push((q.to_string(), v.to_string()));
    }
    a
}

#[test]
fn plan_draw_codes_answers_and_a_raked_export_with_diagnostics() {
    let drawn = plan_and_draw();
    let definitions = raked_definitions(&drawn.residents, &drawn.plan);
    let check = run(&["check", p(&definitions)], &[]);
    let said = ok(&check);
    assert!(!said.contains("warning"), "{said}");

    let database = TestDatabase::new();
    let mut settings = settings(&database.url);
    settings.definitions = definitions.clone();
    let app = spawn_app_with_settings(database, settings, midterm_day());
    // One letter per selected resident (the mail merge pairs letters and addresses; the
    // service never sees which code went to whom).
    let codes = generate(&app, "2026-midterm", drawn.selected.len());
    assert_eq!(codes.len(), 240);
    // Older residents answer more often: 3 of 4 from 50, 1 of 2 below.
    let by_id: HashMap<&str, &Resident> =
        drawn.residents.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut answered: Vec<Vec<(String, String)>> = Vec::new();
    for (i, (id, code)) in drawn.selected.iter().zip(&codes).enumerate() {
        let r = by_id[id.as_str()];
        let answers = if r.age >= 3 { i % 4 != 0 } else { i % 2 == 0 };
        if !answers {
            continue;
        }
        let a = answers_of(r, i);
        let borrowed: Vec<(&str, &str)> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = answer_by_link(&app, code, &borrowed);
        assert_eq!(page.status, 303, "{}", page.body);
        answered.push(a);
    }
    assert!(answered.len() > 120, "{}", answered.len());

    let token = app.create_analyst("analyst");
    let text = analyst_csv(&app, &token, "vision-scores");
    let v1 = rows(&text)
        .into_iter()
        .find(|r| r["vision_id"] == "v1")
        .unwrap();
    assert_eq!(v1["respondents"], answered.len().to_string());
    assert_eq!(v1["weighting_method"], "rake");
    assert_eq!(v1["weighting_status"], "ok");
    for column in [
        "weighted_mean",
        "weighted_se",
        "weight_min",
        "weight_max",
        "weight_ratio",
    ] {
        let value: f64 = v1[column]
            .parse()
            .unwrap_or_else(|_| panic!("{column}: {v1:?}"));
        assert!(value > 0.0, "{column}");
    }
    assert!(v1["weight_ratio"].parse::<f64>().unwrap() > 1.0);

    // The same figures from the pure core on the answers as submitted: the export reads
    // them back through the running totals correctly.
    let loaded = citizen_survey::weights::load(
        &definitions,
        &citizen_survey::definitions::load_dir(&definitions).unwrap(),
    );
    let Ok(WaveWeighting::Rake(spec)) = &loaded.waves["2026-midterm"] else {
        panic!("{:?}", loaded.findings)
    };
    let mut cell_index: Vec<(String, String, String)> = Vec::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut sums: Vec<ValueSums> = Vec::new();
    for a in &answered {
        let get = |q: &str| a.iter().find(|(k, _)| k == q).unwrap().1.clone();
        let key = (get("age_band"), get("area"), get("gender"));
        let i = cell_index
            .iter()
            .position(|k| *k == key)
            .unwrap_or_else(|| {
                cell_index.push(key.clone());
                counts.push(0);
                sums.push(ValueSums::default());
                cell_index.len() - 1
            });
        counts[i] += 1;
        let v: f64 = get(V1[0]).parse().unwrap();
        let score = (v - 1.0) / 4.0 * 100.0;
        sums[i].n += 1;
        sums[i].sum += score - 50.0;
        sums[i].sum_sq += (score - 50.0).powi(2);
    }
    let views: Vec<cells::Cell<'_>> = cell_index
        .iter()
        .zip(&counts)
        .map(|((a, k, g), n)| cells::Cell {
            age_band: Some(a.as_str()),
            area: Some(k.as_str()),
            gender: Some(g.as_str()),
            respondents: *n,
        })
        .collect();
    let c = cells::rake(spec, &views).unwrap();
    let e = c
        .weighted_mean(&sums, 50.0, citizen_survey::stats::Variance::Regression)
        .unwrap();
    assert_eq!(v1["weighted_mean"], format_fixed(e.mean), "{v1:?}");
    assert_eq!(v1["weighted_se"], format_fixed(e.se.unwrap()));

    // Representativeness: register and respondents by area, the margin fit, and the
    // response rate per stratum of the plan.
    let text = analyst_csv(&app, &token, "representativeness");
    let table = rows(&text);
    let (_, area_margin) = margins(&drawn.residents);
    for (k, code) in AREAS.iter().enumerate() {
        let r = table
            .iter()
            .find(|r| r["dimension"] == "area" && r["category"] == *code)
            .unwrap();
        let register = drawn.residents.iter().filter(|x| x.area == k).count();
        assert!(area_margin.contains(&format!("{code},{register}")));
        assert_eq!(r["register_population"], register.to_string());
        let n = answered
            .iter()
            .filter(|a| a.iter().any(|(q, v)| q == "area" && v == code))
            .count();
        assert_eq!(r["respondents"], n.to_string(), "{r:?}");
        // Raking to area: the weighted share is the register's.
        let w: f64 = r["weighted_share_pct"].parse().unwrap();
        let s: f64 = r["register_share_pct"].parse().unwrap();
        assert!((w - s).abs() < 1e-3, "{r:?}");
        let stratum = table
            .iter()
            .find(|r| r["dimension"] == "sample_stratum" && r["category"] == *code)
            .unwrap();
        let letters: f64 = stratum["sample_size"].parse().unwrap();
        let rate: f64 = stratum["response_rate_pct"].parse().unwrap();
        assert!(
            (rate - 100.0 * n as f64 / letters).abs() < 1e-3,
            "{stratum:?}"
        );
    }
    // Gender: the register has female and male; "other" and "no answer" are shown but
    // have no register figure.
    let other = table
        .iter()
        .find(|r| r["dimension"] == "gender" && r["category"] == "other")
        .unwrap();
    assert_eq!(other["register_population"], "");
    let total = table
        .iter()
        .find(|r| r["dimension"] == "sample_stratum" && r["category"] == "(total)")
        .unwrap();
    assert_eq!(total["sample_size"], "240");
    assert_eq!(total["respondents"], answered.len().to_string());
    // The CLI writes the same bytes.
    let out = app.cli(&["export", "representativeness", "--wave", "2026-midterm"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), text);
}

/// As the exports format an estimate (six significant digits, at least four decimals).
fn format_fixed(x: f64) -> String {
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (5 - magnitude).clamp(4, 17) as usize;
    format!("{x:.decimals$}")
}

#[test]
fn bad_frames_plans_and_margins_are_refused_with_their_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.csv");
    std::fs::write(&plan, "area,population,sample_size\nnorth,4,2\nsouth,2,1\n").unwrap();
    let draw = |frame: &[u8], plan: &Path| -> (String, PathBuf) {
        let f = dir.path().join("frame.csv");
        std::fs::write(&f, frame).unwrap();
        let out = dir.path().join("out");
        let said = failed(&run(
            &[
                "sample",
                "draw",
                "--frame",
                p(&f),
                "--plan",
                p(plan),
                "--seed",
                "1",
                "--output",
                p(&out),
            ],
            &[],
        ));
        assert!(!out.exists(), "nothing written: {said}");
        (said, out)
    };
    let (said, _) = draw(
        b"id,area\n1,north\n2,north\n3,south\n2,north\n4,north\n5,south\n",
        &plan,
    );
    assert!(
        said.contains("line 5: the id is the same as on line 3"),
        "{said}"
    );
    let (said, _) = draw(b"id,name,area\n1,x,north\n2,y,west\n", &plan);
    assert!(
        said.contains("line 3: the stratum area=west is not in the plan"),
        "{said}"
    );
    let (said, _) = draw(b"id,name\n1,x\n", &plan);
    assert!(
        said.contains("line 1: the frame has no column `area`"),
        "{said}"
    );
    // Shift_JIS first, then a line in UTF-8 with a character Shift_JIS cannot decode.
    let mut mixed = encoding_rs::SHIFT_JIS
        .encode("id,name,area\r\n1,山田,north\r\n")
        .0
        .into_owned();
    mixed.extend_from_slice("2,\u{1F600},north\r\n".as_bytes());
    let (said, _) = draw(&mixed, &plan);
    assert!(
        said.contains("line 3: the text is not valid Shift_JIS"),
        "{said}"
    );
    // n_h > N_h in the plan.
    let bad_plan = dir.path().join("bad-plan.csv");
    std::fs::write(
        &bad_plan,
        "area,population,sample_size\nnorth,4,2\nsouth,2,3\n",
    )
    .unwrap();
    let (said, _) = draw(b"id,area\n1,north\n", &bad_plan);
    assert!(
        said.contains("line 3: sample_size 3 is more than the stratum's population 2 (n_h > N_h)"),
        "{said}"
    );
    // The frame's count disagrees with the plan's N_h.
    let (said, _) = draw(
        b"id,area\n1,north\n2,north\n3,south\n4,north\n5,north\n6,north\n7,south\n",
        &plan,
    );
    assert!(
        said.contains("the frame has 5 records in stratum area=north, the plan 4"),
        "{said}"
    );
    // A draw never overwrites an earlier one.
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "id,area\n1,north\n2,north\n3,south\n4,north\n5,south\n6,north\n",
    )
    .unwrap();
    let out = dir.path().join("done");
    let args = [
        "sample",
        "draw",
        "--frame",
        p(&good),
        "--plan",
        p(&plan),
        "--seed",
        "1",
        "--output",
        p(&out),
    ];
    ok(&run(&args, &[]));
    let before = std::fs::read(out.join("selected_ids.csv")).unwrap();
    let said = failed(&run(
        &[
            "sample",
            "draw",
            "--frame",
            p(&good),
            "--plan",
            p(&plan),
            "--seed",
            "2",
            "--output",
            p(&out),
        ],
        &[],
    ));
    assert!(said.contains("already exists"), "{said}");
    assert_eq!(std::fs::read(out.join("selected_ids.csv")).unwrap(), before);

    // A margin file with a code that is not an option: `check` names file and line, and
    // a server on these definitions leaves the weighted columns blank (nothing computed
    // from a file it refuses) while storing and exporting as before.
    let residents = register(600);
    let definitions = raked_definitions(&residents, &plan);
    let file = definitions.join("margins/age_gender.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("age_30_39,male", "age_30_39,man")).unwrap();
    let said = failed(&run(&["check", p(&definitions)], &[]));
    assert!(
        said.contains(&format!(
            "{}:7: gender `man` is not an option",
            file.display()
        )),
        "{said}"
    );
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.definitions = definitions;
    let app = spawn_app_with_settings(database, s, midterm_day());
    let codes = generate(&app, "2026-midterm", 12);
    for (i, code) in codes.iter().enumerate() {
        let a = answers_of(&residents[i], i);
        let borrowed: Vec<(&str, &str)> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(answer_by_link(&app, code, &borrowed).status, 303);
    }
    let token = app.create_analyst("a");
    let v1 = rows(&analyst_csv(&app, &token, "vision-scores"))
        .into_iter()
        .find(|r| r["vision_id"] == "v1")
        .unwrap();
    assert_eq!(v1["respondents"], "12");
    assert_eq!(v1["weighted_mean"], "");
    assert!(
        !v1.contains_key("weighting_status"),
        "not raked: the file was refused"
    );
}

/// Everything the database holds, as bytes to search: the SQLite file and its write-ahead
/// log, or every row of every table as text on PostgreSQL.
fn database_contents(app: &TestApp) -> Vec<u8> {
    if let Some(file) = app.sqlite_file() {
        let mut bytes = Vec::new();
        for suffix in ["", "-wal"] {
            if let Ok(b) = std::fs::read(format!("{file}{suffix}")) {
                bytes.extend(b);
            }
        }
        return bytes;
    }
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Text {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut conn = app.db();
    let tables: Vec<Text> = diesel::sql_query(
        "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .load(&mut conn)
    .unwrap();
    let mut bytes = Vec::new();
    for table in tables {
        let rows: Vec<Text> = diesel::sql_query(format!(
            "SELECT COALESCE(string_agg(x::text, E'\\n'), '') AS t FROM \"{}\" x",
            table.t
        ))
        .load(&mut conn)
        .unwrap();
        for r in rows {
            bytes.extend(r.t.into_bytes());
        }
    }
    bytes
}

/// Bytes as text, one character per byte (Latin-1), so that the standard library's fast
/// substring search works on any bytes.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[test]
fn after_a_draw_nothing_of_the_frame_is_in_the_database_or_the_logs() {
    let database = TestDatabase::new();
    let mut s = settings(&database.url);
    s.definitions = code_definitions(false);
    let app = spawn_app_with_settings(database, s, midterm_day());
    // The service in use: codes issued, answers stored.
    let codes = generate(&app, "2026-midterm", 5);
    let residents = register(500);
    for (i, code) in codes.iter().enumerate() {
        let a = answers_of(&residents[i], i);
        let borrowed: Vec<(&str, &str)> = a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(answer_by_link(&app, code, &borrowed).status, 303);
    }
    let before = row_counts(&app);

    // The draw, with every log on and the app's database and definitions in the
    // environment, as an operator would run it on the server.
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame.csv");
    std::fs::write(&frame, frame_bytes(&residents)).unwrap();
    let plan = dir.path().join("plan.csv");
    let env = [
        ("DATABASE_URL", app.database_url.as_str()),
        ("SURVEY_DEFINITIONS", p(&app.definitions)),
        ("RUST_LOG", "trace"),
    ];
    let planned = run(
        &[
            "sample",
            "plan",
            "--frame",
            p(&frame),
            "--id-column",
            "住民番号",
            "--by",
            "area",
            "--n",
            "60",
            "--output",
            p(&plan),
        ],
        &env,
    );
    ok(&planned);
    let out = dir.path().join("draw");
    let drawn = run(
        &[
            "sample",
            "draw",
            "--frame",
            p(&frame),
            "--plan",
            p(&plan),
            "--seed",
            "7",
            "--id-column",
            "住民番号",
            "--output",
            p(&out),
        ],
        &env,
    );
    ok(&drawn);
    let selected = rows(&std::fs::read_to_string(out.join("selected_ids.csv")).unwrap());
    assert_eq!(selected.len(), 60);

    // The attacker's look: every id, name and address of the frame (in UTF-8 and in the
    // frame's Shift_JIS) against the logs of both commands and the whole database.
    let mut logs = Vec::new();
    for o in [&planned, &drawn] {
        logs.extend_from_slice(&o.stdout);
        logs.extend_from_slice(&o.stderr);
    }
    let logs = latin1(&logs);
    let database = latin1(&database_contents(&app));
    for r in &residents {
        for value in [&r.id, &r.name, &r.address] {
            let sjis = encoding_rs::SHIFT_JIS.encode(value).0.into_owned();
            for needle in [latin1(value.as_bytes()), latin1(&sjis)] {
                assert!(!logs.contains(&needle), "{value} in the logs");
                assert!(!database.contains(&needle), "{value} in the database");
            }
        }
    }
    // The search works: what the residents answered is there.
    assert!(database.contains("2026-midterm"));
    // And the commands never opened the database: not a row more anywhere, and no word of
    // it on their output (the commands that do open it say which one they use).
    assert_eq!(before, row_counts(&app));
    for o in [&planned, &drawn] {
        assert!(!String::from_utf8_lossy(&o.stderr).contains("citizen-survey: database"));
    }
}

/// Rows per table, on either backend.
fn row_counts(app: &TestApp) -> Vec<(String, i64)> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.db();
    let query = if app.sqlite_file().is_some() {
        "SELECT name AS t FROM sqlite_master WHERE type = 'table' ORDER BY name"
    } else {
        "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
    };
    let tables: Vec<Name> = diesel::sql_query(query).load(&mut conn).unwrap();
    tables
        .into_iter()
        .map(|table| {
            let n: Vec<Count> =
                diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{}\"", table.t))
                    .load(&mut conn)
                    .unwrap();
            (table.t, n[0].n)
        })
        .collect()
}
