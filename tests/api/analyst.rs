use crate::helpers::{TestApp, spawn_app, spawn_app_with_example_weights, submit_known_set};

fn download(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
) -> (u16, ureq::http::HeaderMap, Vec<u8>) {
    let mut request = app.agent.get(format!(
        "{}/analyst/waves/2026-midterm/vision-scores.csv{query}",
        app.address
    ));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.body_mut().read_to_vec().unwrap();
    (status, headers, body)
}

#[test]
fn downloads_need_a_valid_token_and_say_nothing_else() {
    let app = spawn_app();
    submit_known_set(&app);
    let token = app.create_analyst("tanaka");
    assert!(token.len() >= 40);
    for bad in [None, Some("cs_wrong"), Some("")] {
        let (status, headers, body) = download(&app, bad, "");
        assert_eq!(status, 401, "{bad:?}");
        assert_eq!(headers.get("www-authenticate").unwrap(), "Bearer");
        let body = String::from_utf8(body).unwrap();
        assert!(!body.contains("v1") && !body.contains("wave_id"), "{body}");
    }
    let (status, headers, body) = download(&app, Some(&token), "");
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(body.starts_with("\u{feff}wave_id,".as_bytes()));

    // Only the hash is stored: the token is in no column of the analysts table.
    {
        use citizen_survey::db::schema::analysts;
        use diesel::prelude::*;
        let rows: Vec<(String, String, String)> = analysts::table
            .select((analysts::id, analysts::name, analysts::token_hash))
            .load(&mut app.db())
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].2, citizen_survey::domain::hash_token(&token));
        assert!(rows.iter().all(|(a, b, c)| ![a, b, c].contains(&&token)));
    }
    // A second analyst with the same name is refused.
    let again = app.cli(&["analyst", "create", "tanaka"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn vision_scores_equal_hand_computed_figures() {
    let app = spawn_app_with_example_weights();
    submit_known_set(&app);
    let token = app.create_analyst("analyst");
    let (_, _, body) = download(&app, Some(&token), "");
    let text = String::from_utf8(body).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 with BOM by default");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 7, "header, five visions, final CRLF: {text:?}");
    assert_eq!(
        lines[0],
        "wave_id,vision_id,vision_name_ja,vision_name_en,respondents,mean_score,sd,ci95_lower,ci95_upper,top2_box_pct,suppressed,weighted_mean,weighted_se,weighted_ci95_lower,weighted_ci95_upper,weighted_top2_box_pct,weighted_kish_deff,weighted_effective_n"
    );
    // v1: respondent scores 100, 75, 50, 25, 0, 87.5, 25, 75, (none), 50, 50, 62.5, 12.5
    // → n = 12, mean 612.5 / 12 = 51.0417, sd 30.8305, t(0.975, 11) = 2.200985 → CI
    // 31.4529 – 70.6304; top-2 shares 1,1,0,0,0,1,0,⅔,⅓,½,½,0 → 5 / 12 = 41.6667%.
    // Everyone is in one age band and area, so all weights are equal and the weighted
    // mean is the plain one (its standard error is the survey package's, not Student's).
    assert!(
        lines[1].starts_with(
            "2026-midterm,v1,利便性向上 — 行政サービスをもっと便利に,Convenience: more convenient public services,12,51.0417,30.8305,31.4529,70.6304,41.6667,false,51.0417,"
        ),
        "{}",
        lines[1]
    );
    // v2 has three respondents: below the minimum of 10, so blanked and flagged.
    assert!(lines[2].starts_with("2026-midterm,v2,"));
    assert!(lines[2].ends_with(",,,,,,,true,,,,,,,"), "{}", lines[2]);
    for (line, vision) in lines[3..6].iter().zip(["v3", "v4", "v5"]) {
        assert!(line.starts_with(&format!("2026-midterm,{vision},")));
        assert!(line.ends_with(",,,,,,,true,,,,,,,"));
    }
    assert_eq!(lines[6], "");
}

#[test]
fn exports_come_in_the_requested_encoding_and_match_the_cli() {
    let app = spawn_app();
    submit_known_set(&app);
    let token = app.create_analyst("sato");
    let (_, _, bom) = download(&app, Some(&token), "");
    let (_, _, plain) = download(&app, Some(&token), "?encoding=utf-8");
    assert_eq!(&bom[3..], &plain[..]);
    let (status, headers, sjis) = download(&app, Some(&token), "?encoding=shift_jis");
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").unwrap(),
        "text/csv; charset=shift_jis"
    );
    let (decoded, _, errors) = encoding_rs::SHIFT_JIS.decode(&sjis);
    assert!(!errors);
    // Same text; the em dash is written as Windows-31J's identical-looking horizontal bar.
    assert_eq!(
        decoded.replace('\u{2015}', "\u{2014}"),
        String::from_utf8(plain).unwrap()
    );

    let (status, _, body) = download(&app, Some(&token), "?encoding=latin1");
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("utf-8-bom, utf-8, shift_jis")
    );

    // The CLI writes the same bytes.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("scores.csv");
    let run = app.cli(&[
        "export",
        "vision-scores",
        "--wave",
        "2026-midterm",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read(&file).unwrap(), bom);
    let stdout = app.cli(&[
        "export",
        "vision-scores",
        "--wave",
        "2026-midterm",
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(
        stdout.stdout,
        download(&app, Some(&token), "?encoding=utf-8").2
    );
    let unknown = app.cli(&["export", "vision-scores", "--wave", "1999"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("use one of 2026-midterm, 2028-final")
    );
}

#[test]
fn an_unknown_wave_is_404_for_analysts() {
    let app = spawn_app();
    let token = app.create_analyst("suzuki");
    let mut response = app
        .agent
        .get(format!(
            "{}/analyst/waves/1999/vision-scores.csv",
            app.address
        ))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body = response.body_mut().read_to_string().unwrap();
    assert!(body.contains("2026-midterm, 2028-final"), "{body}");
}
