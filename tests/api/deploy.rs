//! Docker is not available where the tests run, so the deployment files are kept honest
//! here: every setting they pass is one the binary reads, and the image gets every file the
//! build and the service need.

use std::path::Path;
use std::process::Command;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// `KEY: value` pairs under `services.app.environment` of docker-compose.yml.
fn compose_app_environment(compose: &str) -> Vec<(String, String)> {
    let mut in_app = false;
    let mut in_env = false;
    let mut vars = Vec::new();
    for line in compose.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match indent {
            0 => in_app = false,
            2 => {
                in_app = trimmed == "app:";
                in_env = false;
            }
            4 if in_app => in_env = trimmed == "environment:",
            6 if in_app && in_env => {
                let (k, v) = trimmed.split_once(':').unwrap();
                vars.push((k.trim().to_string(), v.trim().to_string()));
            }
            _ => {}
        }
    }
    vars
}

#[test]
fn compose_passes_only_settings_the_binary_reads() {
    let help = Command::new(env!("CARGO_BIN_EXE_citizen-survey"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let vars = compose_app_environment(&read("docker-compose.yml"));
    let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    for required in ["DATABASE_URL", "SURVEY_BIND", "SMTP_URL", "PUBLIC_BASE_URL"] {
        assert!(
            names.contains(&required),
            "compose sets {required}: {names:?}"
        );
    }
    for name in &names {
        assert!(
            help.contains(&format!("[env: {name}")),
            "{name} is not a setting:\n{help}"
        );
    }
    let url = &vars.iter().find(|(k, _)| k == "DATABASE_URL").unwrap().1;
    let url = url.replace(
        "${SURVEY_DB_PASSWORD:?set SURVEY_DB_PASSWORD in .env}",
        "pw",
    );
    let parsed = citizen_survey::db::DatabaseUrl::parse(&url).unwrap();
    assert_eq!(parsed.backend(), "postgresql");
    assert!(
        !read("docker-compose.yml").contains("POSTGRES_PASSWORD: survey"),
        "no literal secrets"
    );
}

#[test]
fn the_image_gets_what_the_build_and_the_service_need() {
    let dockerfile = read("Dockerfile");
    // Compiled in: templates (askama), the stylesheet (include_str!), migrations (embedded).
    for dir in ["src", "migrations", "templates", "static"] {
        assert!(
            dockerfile.contains(&format!("COPY {dir} {dir}")),
            "Dockerfile copies {dir}"
        );
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).is_dir());
    }
    assert!(dockerfile.contains("COPY Cargo.toml Cargo.lock"));
    assert!(dockerfile.contains("COPY survey-definitions survey-definitions"));
    assert!(
        dockerfile.contains("USER survey"),
        "runs as a non-root user"
    );
    assert!(dockerfile.contains("SURVEY_BIND=0.0.0.0:8080"));
}
