//! The commands of the `citizen-survey` binary.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::clock;
use crate::definitions;
use crate::domain::AnalystToken;
use crate::export::{self, Encoding};
use crate::settings::{AnalystCommand, Cli, Command, ExportCommand, Settings};
use crate::startup::Application;

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings),
        Command::Check { dir } => {
            return check(dir.as_deref().unwrap_or(&cli.settings.definitions));
        }
        Command::Analyst(AnalystCommand::Create { name }) => create_analyst(&cli.settings, &name),
        Command::Export(ExportCommand::VisionScores {
            wave,
            encoding,
            output,
        }) => export_vision_scores(&cli.settings, &wave, &encoding, output.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: &Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings, clock_for(settings))?;
        println!(
            "citizen-survey: serving http://{} (database {}, definitions {})",
            settings.bind,
            settings.database_url.split('?').next().unwrap_or_default(),
            settings.definitions.display()
        );
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn clock_for(settings: &Settings) -> clock::Clock {
    match settings.today {
        Some(day) => {
            tracing::warn!(%day, "SURVEY_TODAY is set: the service pretends today is {day}");
            clock::fixed(day)
        }
        None => clock::system(),
    }
}

fn check(dir: &Path) -> ExitCode {
    match definitions::load_dir(dir) {
        Ok(defs) => {
            let waves: Vec<String> = defs
                .waves
                .iter()
                .map(|w| format!("{} ({} questions)", w.id, w.questions().count()))
                .collect();
            println!(
                "{}: ok: {} visions, waves {}",
                dir.display(),
                defs.visions.len(),
                waves.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("{}: {} error(s)", dir.display(), errors.0.len());
            ExitCode::FAILURE
        }
    }
}

fn create_analyst(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 100,
        "an analyst name must have 1 to 100 characters"
    );
    let pool = crate::db::connect(&settings.database_url)?;
    let token = AnalystToken::generate();
    let created = crate::db::analysts::create(
        &mut *pool.get()?,
        name,
        &token.hash(),
        clock_for(settings)(),
    )?;
    anyhow::ensure!(created, "an analyst named `{name}` already exists");
    println!("{}", token.as_str());
    eprintln!(
        "Analyst `{name}` created. The token above is shown only once: store it now. Use it as `Authorization: Bearer TOKEN`."
    );
    Ok(())
}

fn export_vision_scores(
    settings: &Settings,
    wave_id: &str,
    encoding: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let encoding: Encoding = encoding.parse().map_err(anyhow::Error::msg)?;
    let defs = definitions::load_dir(&settings.definitions).map_err(|e| {
        anyhow::anyhow!(
            "the survey definitions in {} are invalid:\n{e}",
            settings.definitions.display()
        )
    })?;
    let wave = defs.wave(wave_id).with_context(|| {
        let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
        format!("unknown wave `{wave_id}`: use one of {}", known.join(", "))
    })?;
    let pool = crate::db::connect(&settings.database_url)?;
    let mut conn = pool.get()?;
    match output {
        Some(path) => {
            // Write beside the target and rename, so a failed export leaves no half file.
            let tmp = path.with_extension("csv.partial");
            let file = std::io::BufWriter::new(
                std::fs::File::create(&tmp)
                    .with_context(|| format!("cannot create {}", tmp.display()))?,
            );
            let result = export::vision_scores(
                &mut conn,
                &defs,
                wave,
                settings.min_group_size,
                encoding,
                file,
            );
            match result {
                Ok(mut file) => {
                    file.flush()?;
                    std::fs::rename(&tmp, path)?;
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e.into());
                }
            }
        }
        None => {
            let bytes = export::vision_scores(
                &mut conn,
                &defs,
                wave,
                settings.min_group_size,
                encoding,
                Vec::new(),
            )?;
            std::io::stdout().lock().write_all(&bytes)?;
        }
    }
    Ok(())
}
