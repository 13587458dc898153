//! The commands of the `citizen-survey` binary.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::clock;
use crate::definitions;
use crate::domain::AnalystToken;
use crate::export::{self, ExportContext, ExportKind, ExportOptions};
use crate::settings::{
    AnalystCommand, Cli, CodesCommand, Command, ExportCommand, InviteCommand, PaperCommand,
    Settings,
};
use crate::startup::Application;

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.settings),
        Command::Check { dir } => {
            return check(dir.as_deref().unwrap_or(&cli.settings.definitions));
        }
        Command::Analyst(AnalystCommand::Create {
            name,
            password,
            role,
        }) => create_analyst(&cli.settings, &name, password, &role),
        Command::Analyst(AnalystCommand::SetPassword { name }) => {
            set_analyst_password(&cli.settings, &name)
        }
        Command::Export(command) => export(&cli.settings, &command),
        Command::Invite(command) => invite(&cli.settings, command),
        Command::Codes(command) => codes(&cli.settings, command),
        Command::Questionnaire {
            wave,
            lang,
            output,
            codes,
        } => questionnaire(
            &cli.settings,
            &wave,
            &lang,
            output.as_deref(),
            codes.as_deref(),
        ),
        Command::Paper(command) => paper(&cli.settings, command),
        Command::Report(command) => report(&cli.settings, &command),
        Command::Sample(command) => crate::sample::cli::run(command, clock_for(&cli.settings)()),
        Command::Text(command) => text(&cli.settings, &command),
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
            shown_database(&settings.database_url),
            settings.definitions.display()
        );
        app.run_until_stopped().await?;
        Ok(())
    })
}

/// Opens the database and says on standard error which one (without its password; an
/// SQLite path made absolute, and marked when the file did not exist before), so that a
/// relative `DATABASE_URL` run from another folder cannot silently use a new, empty one.
fn open_database(settings: &Settings) -> anyhow::Result<crate::db::Pool> {
    let existed = match crate::db::DatabaseUrl::parse(&settings.database_url) {
        Ok(crate::db::DatabaseUrl::Sqlite(path)) => path.exists(),
        _ => true,
    };
    let pool = crate::db::connect(&settings.database_url)?;
    eprintln!(
        "citizen-survey: database {}{}",
        shown_database(&settings.database_url),
        if existed {
            ""
        } else {
            " (new: it did not exist and was created now)"
        }
    );
    Ok(pool)
}

/// The database as shown to the operator: never the password, an SQLite path absolute.
fn shown_database(url: &str) -> String {
    match crate::db::DatabaseUrl::parse(url) {
        Ok(crate::db::DatabaseUrl::Sqlite(path)) => {
            let absolute = std::path::absolute(&path).unwrap_or(path);
            crate::db::DatabaseUrl::Sqlite(absolute).to_string()
        }
        Ok(other) => other.to_string(),
        Err(_) => "(not a valid DATABASE_URL)".to_string(),
    }
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
    match definitions::load_dir_with_coverage(dir) {
        Ok((defs, coverage)) => {
            // The targets need valid visions and waves; their errors fail the check too.
            let targets = match check_targets(dir, &defs) {
                Ok(line) => line,
                Err(errors) => {
                    eprintln!("{errors}");
                    eprintln!("{}: {} error(s)", dir.display(), errors.0.len());
                    return ExitCode::FAILURE;
                }
            };
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
            println!("{targets}");
            for line in coverage_report(&coverage) {
                println!("{line}");
            }
            // The report's metadata (optional file), checked against the waves and visions.
            let waves: Vec<&definitions::Wave> = defs.waves.iter().collect();
            if let Err(errors) = crate::report::definition::load(dir, &defs.visions, &waves) {
                for e in &errors {
                    eprintln!("{e}");
                }
                eprintln!("{}: {} error(s)", dir.display(), errors.len());
                return ExitCode::FAILURE;
            }
            // The free-text codebook and word lists (text/).
            let vision_ids: Vec<String> = defs.visions.iter().map(|v| v.id.clone()).collect();
            let mut text_errors = Vec::new();
            crate::text::codebook::load(dir, &vision_ids, &mut text_errors);
            if !text_errors.is_empty() {
                for e in &text_errors {
                    eprintln!("{e}");
                }
                eprintln!("{}: {} error(s)", dir.display(), text_errors.len());
                return ExitCode::FAILURE;
            }
            // Weighting files (weighting.toml, population and margins, the sample plan).
            let weighting = crate::weights::load(dir, &defs);
            for finding in &weighting.findings {
                eprintln!("{finding}");
            }
            if weighting.has_errors() {
                eprintln!("{}: weighting files have errors", dir.display());
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("{}: {} error(s)", dir.display(), errors.0.len());
            ExitCode::FAILURE
        }
    }
}

/// `targets.toml` (optional), checked against the valid definitions: the line `check`
/// prints about it, or its errors.
fn check_targets(
    dir: &Path,
    defs: &definitions::Definitions,
) -> Result<String, definitions::DefinitionErrors> {
    use crate::evaluation::targets;
    let path = dir.join(targets::TARGETS_FILE);
    Ok(match targets::load(dir, defs)? {
        None => format!("{}: none (no evaluation table)", path.display()),
        Some(t) => {
            let missing = targets::visions_without_indicators(&t, defs);
            format!(
                "{}: ok: {} indicators{}",
                path.display(),
                t.indicators.len(),
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("; note: no indicator for {}", missing.join(", "))
                }
            )
        }
    })
}

/// Per file and language other than Japanese: how many texts are missing (each shown in the
/// language's fallback), whether a native speaker has reviewed them, and where each missing
/// text is (`FILE:LINE: lang: what`).
pub fn coverage_report(coverage: &[definitions::FileCoverage]) -> Vec<String> {
    let mut out = Vec::new();
    for file in coverage {
        for lang in crate::domain::Lang::all().filter(|l| *l != crate::domain::Lang::Ja) {
            let missing: Vec<_> = file.missing.iter().filter(|m| m.lang == lang).collect();
            let fallback: Vec<&str> = lang.chain()[1..].iter().map(|l| l.code()).collect();
            let reviewed = if file.reviewed.get(&lang).copied().unwrap_or(false) {
                "reviewed by a native speaker"
            } else {
                "NOT reviewed by a native speaker"
            };
            let state = if missing.is_empty() {
                format!("all {} texts", file.texts)
            } else {
                format!(
                    "{} of {} texts missing (shown in {})",
                    missing.len(),
                    file.texts,
                    fallback.join(", then ")
                )
            };
            out.push(format!(
                "{}: {}: {state}; {reviewed}",
                file.file.display(),
                lang.code()
            ));
            for m in missing {
                out.push(format!(
                    "  {}:{}: {}: no text: {}",
                    m.file.display(),
                    m.line,
                    lang.code(),
                    m.what
                ));
            }
        }
    }
    out
}

fn create_analyst(
    settings: &Settings,
    name: &str,
    with_password: bool,
    role: &str,
) -> anyhow::Result<()> {
    let role: crate::domain::Role = role.parse().map_err(anyhow::Error::msg)?;
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 100,
        "an analyst name must have 1 to 100 characters"
    );
    if let Some(c) = crate::domain::text::forbidden_char(name) {
        anyhow::bail!(
            "the analyst name {}",
            crate::domain::text::forbidden_message(c)
        );
    }
    // Read (and check) the password before creating anything, so a bad one leaves no account.
    let password_hash = if with_password {
        Some(read_password_hash()?)
    } else {
        None
    };
    let pool = open_database(settings)?;
    let token = AnalystToken::generate();
    let created = crate::db::analysts::create(
        &mut *pool.get()?,
        name,
        &token.hash(),
        clock_for(settings)(),
        role,
    )?;
    anyhow::ensure!(created, "an analyst named `{name}` already exists");
    if let Some(hash) = password_hash {
        crate::db::credentials::set_password(&mut *pool.get()?, name, &hash)?;
        eprintln!("Password set: `{name}` can sign in at /analyst/sign-in.");
    }
    println!("{}", token.as_str());
    if role == crate::domain::Role::Operator {
        eprintln!(
            "`{name}` is an operator: paper entry, vendor imports and the questionnaire only (no exports, no publication)."
        );
    }
    eprintln!(
        "Analyst `{name}` created. The token above is shown only once: store it now. Use it as `Authorization: Bearer TOKEN`."
    );
    Ok(())
}

fn set_analyst_password(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = name.trim();
    let hash = read_password_hash()?;
    let pool = open_database(settings)?;
    let found = crate::db::credentials::set_password(&mut *pool.get()?, name, &hash)?;
    anyhow::ensure!(found, "there is no analyst named `{name}`");
    eprintln!("Password set for `{name}`; any lockout is lifted.");
    Ok(())
}

/// Reads a password without echo on a terminal, else one line of standard input (never
/// from argv, where other users and the shell history would see it), and hashes it.
fn read_password_hash() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    crate::domain::password::check_password(&password).map_err(anyhow::Error::msg)?;
    crate::domain::password::hash_password(&password)
        .map_err(|e| anyhow::anyhow!("hashing the password failed: {e}"))
}

fn export(settings: &Settings, command: &ExportCommand) -> anyhow::Result<()> {
    let kind: ExportKind = command.kind.parse().map_err(anyhow::Error::msg)?;
    let options = ExportOptions {
        encoding: command.encoding.parse().map_err(anyhow::Error::msg)?,
        unencodable: command.on_unencodable.parse().map_err(anyhow::Error::msg)?,
        scope: crate::domain::Scope::from_include_open(command.include_open),
    };
    let defs = definitions::load_dir(&settings.definitions).map_err(|e| {
        anyhow::anyhow!(
            "the survey definitions in {} are invalid:\n{e}",
            settings.definitions.display()
        )
    })?;
    let wave_id = &command.wave;
    let wave = defs
        .wave(wave_id)
        .with_context(|| {
            let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
            format!("unknown wave `{wave_id}`: use one of {}", known.join(", "))
        })?
        .clone();
    // The comments export masks with the definitions' word lists and dictionary.
    let text = crate::text::codebook::load_checked(&settings.definitions, &defs)
        .map_err(anyhow::Error::msg)?;
    let ctx = ExportContext::load(
        std::sync::Arc::new(defs),
        &settings.definitions,
        settings.min_group_size,
    )
    .with_mask_rules(text.mask_rules);
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    tracing::info!(analyst = "command line", %kind, wave = %wave.id, encoding = %options.encoding, "export");
    if let Err(e) = crate::db::audit::record(
        &mut conn,
        "command line",
        "export",
        Some(&wave.id),
        &format!("{kind} ({})", options.encoding),
    ) {
        tracing::warn!(error = %e, "the export could not be recorded in the audit log");
    }
    let replaced = match &command.output {
        Some(path) => {
            // Write beside the target and rename, so a failed export leaves no half file.
            let tmp = path.with_extension("csv.partial");
            let file = std::io::BufWriter::with_capacity(
                64 * 1024,
                std::fs::File::create(&tmp)
                    .with_context(|| format!("cannot create {}", tmp.display()))?,
            );
            match export::export(&mut conn, &ctx, kind, &wave, options, file) {
                Ok(mut done) => {
                    done.out.flush()?;
                    std::fs::rename(&tmp, path)?;
                    done.replaced
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e.into());
                }
            }
        }
        None => {
            // Read from the database first, then write: a slow pipe keeps no snapshot open.
            let mut done = export::spooled(&mut conn, &ctx, kind, &wave, options)?;
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            std::io::copy(&mut done.out, &mut out)?;
            out.flush()?;
            done.replaced
        }
    };
    if replaced > 0 {
        eprintln!(
            "{replaced} character(s) that {} cannot hold were replaced with {}",
            options.encoding,
            export::REPLACEMENT
        );
    }
    Ok(())
}

fn load_definitions(settings: &Settings) -> anyhow::Result<definitions::Definitions> {
    definitions::load_dir(&settings.definitions).map_err(|e| {
        anyhow::anyhow!(
            "the survey definitions in {} are invalid:\n{e}",
            settings.definitions.display()
        )
    })
}

/// The wave named on the command line, or the list of known ones.
fn find_wave<'a>(
    defs: &'a definitions::Definitions,
    wave_id: &str,
) -> anyhow::Result<&'a definitions::Wave> {
    defs.wave(wave_id).with_context(|| {
        let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
        format!("unknown wave `{wave_id}`: use one of {}", known.join(", "))
    })
}

fn invite(settings: &Settings, command: InviteCommand) -> anyhow::Result<()> {
    let wave_id = match &command {
        InviteCommand::Import { wave, .. }
        | InviteCommand::Remind { wave }
        | InviteCommand::Status { wave, .. }
        | InviteCommand::Purge { wave } => wave.clone(),
    };
    let defs = load_definitions(settings)?;
    let wave = find_wave(&defs, &wave_id)?;
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let today = clock_for(settings)();
    match command {
        InviteCommand::Import {
            file, accept_valid, ..
        } => {
            let csv = std::fs::read_to_string(&file).with_context(|| {
                format!("cannot read {} (a UTF-8 CSV is expected)", file.display())
            })?;
            let outcome = crate::invite::import(&mut conn, wave, &csv, accept_valid, today)?;
            let r = &outcome.report;
            for row in &r.rejected {
                eprintln!("{}:{}: rejected: {}", file.display(), row.line, row.reason);
            }
            for d in &r.duplicates {
                eprintln!(
                    "{}:{}: duplicate of line {}, merged",
                    file.display(),
                    d.line,
                    d.same_as_line
                );
            }
            for line in &outcome.already_invited {
                eprintln!(
                    "{}:{}: already invited to this wave, skipped",
                    file.display(),
                    line
                );
            }
            if !outcome.imported {
                anyhow::bail!(
                    "{} valid row(s), {} rejected: nothing imported. Fix the rows, or import the valid ones with --accept-valid",
                    r.valid_rows,
                    r.rejected.len()
                );
            }
            println!(
                "{} invitation(s) queued for wave {} ({} rejected, {} duplicate(s) merged, {} already invited)",
                outcome.queued,
                wave.id,
                r.rejected.len(),
                r.duplicates.len(),
                outcome.already_invited.len()
            );
        }
        InviteCommand::Remind { .. } => {
            let n = crate::invite::remind(&mut conn, wave, today, settings.reminder_days)?;
            println!("{n} reminder(s) queued for wave {}", wave.id);
        }
        InviteCommand::Status { addresses, .. } => {
            let c = crate::db::invitations::counts(&mut conn, &wave.id)?;
            println!(
                "wave {}: invited {}, queued {}, sent {}, failed {}, answered {}, opted out {}",
                wave.id, c.invited, c.queued, c.sent, c.failed, c.answered, c.opted_out
            );
            if addresses {
                for a in crate::db::invitations::addresses(&mut conn, &wave.id)? {
                    println!(
                        "{}\t{}\t{}{}{}",
                        a.email,
                        a.invitation,
                        if a.answered {
                            "answered"
                        } else {
                            "not answered"
                        },
                        if a.opted_out { "\topted out" } else { "" },
                        a.failure.map(|f| format!("\t{f}")).unwrap_or_default()
                    );
                }
            }
        }
        InviteCommand::Purge { .. } => {
            let c = crate::invite::purge(&mut conn, wave, today)?;
            println!(
                "wave {}: addresses and tokens deleted; kept counts: invited {}, sent {}, failed {}, answered {}, opted out {}",
                wave.id, c.invited, c.sent, c.failed, c.answered, c.opted_out
            );
        }
    }
    Ok(())
}

/// Writes `text` to `path` (beside it first, then renamed) or to standard output.
fn write_output(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let tmp = path.with_extension("partial");
            std::fs::write(&tmp, text)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

fn codes(settings: &Settings, command: CodesCommand) -> anyhow::Result<()> {
    use crate::postal;
    let wave_id = match &command {
        CodesCommand::Generate { wave, .. }
        | CodesCommand::Sheet { wave, .. }
        | CodesCommand::Postcard { wave, .. }
        | CodesCommand::Void { wave, .. }
        | CodesCommand::Status { wave } => wave.clone(),
    };
    let defs = load_definitions(settings)?;
    let wave = find_wave(&defs, &wave_id)?;
    postal::require_code_wave(wave)?;
    let base = &settings.public_base_url;
    let default_base = base == crate::settings::DEFAULT_PUBLIC_BASE_URL;
    match command {
        CodesCommand::Generate {
            count,
            output,
            label,
            rehearsal,
            ..
        } => {
            postal::check_base_url(base, default_base, rehearsal)?;
            if let Some(path) = &output
                && path.exists()
            {
                anyhow::bail!(
                    "{} exists: choose a new file for each batch of codes (a second mailing gets its own file)",
                    path.display()
                );
            }
            let pool = open_database(settings)?;
            let today = clock_for(settings)();
            let (mailing, codes) = postal::generate(
                &mut *pool.get()?,
                wave,
                count,
                label.as_deref(),
                today,
                rehearsal,
            )?;
            let what = format!(
                "{} code(s) for wave {}, mailing {} \"{}\"{}",
                codes.len(),
                wave.id,
                mailing.number,
                mailing.label,
                if rehearsal {
                    format!(" ({}: a rehearsal)", postal::SAMPLE_MARK)
                } else {
                    String::new()
                }
            );
            match &output {
                Some(path) => {
                    let stem = path
                        .file_stem()
                        .map_or("codes".into(), |s| s.to_string_lossy().to_string());
                    let relative = format!("{stem}-qr");
                    let dir = path.with_file_name(&relative);
                    let file = std::fs::File::create(path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    let mut out = postal::write_csv(
                        std::io::BufWriter::new(file),
                        wave,
                        &codes,
                        base,
                        Some((&dir, &relative)),
                        rehearsal,
                    )?;
                    out.flush()?;
                    eprintln!(
                        "{what} written to {} (QR codes in {}/, links to {}). Give the file to the printer, stuff the letters in no particular order and destroy the file and the QR folder after mailing.",
                        path.display(),
                        dir.display(),
                        postal::entry_url(base)
                    );
                }
                None => {
                    let mut out = postal::write_csv(
                        std::io::stdout().lock(),
                        wave,
                        &codes,
                        base,
                        None,
                        rehearsal,
                    )?;
                    out.flush()?;
                    eprintln!(
                        "{what} written to standard output, links to {} (use --output FILE to also get the QR codes as SVG files)",
                        postal::entry_url(base)
                    );
                }
            }
        }
        CodesCommand::Sheet {
            codes,
            output,
            rehearsal,
            ..
        } => {
            let text = std::fs::read_to_string(&codes).with_context(|| {
                format!("cannot read {} (a UTF-8 CSV is expected)", codes.display())
            })?;
            let csv = postal::read_printer_csv(&text, &wave.id)
                .with_context(|| format!("{}: nothing was written", codes.display()))?;
            if csv.rehearsal && !rehearsal {
                anyhow::bail!(
                    "{} was written by `codes generate --rehearsal` (its `rehearsal` column): print its letters with --rehearsal, or generate the real mailing's codes without it. Nothing was written.",
                    codes.display()
                );
            }
            postal::check_base_url(&csv.base_url, false, rehearsal).with_context(|| {
                format!(
                    "{}: its links are on {} (written by `codes generate` with that PUBLIC_BASE_URL)",
                    codes.display(),
                    csv.base_url
                )
            })?;
            let pool = open_database(settings)?;
            let problems = sheet_problems(&mut *pool.get()?, &wave.id, &csv)?;
            if !problems.is_empty() {
                anyhow::bail!(
                    "{}: {}\nNothing was written: print letters only from the CSV `codes generate` wrote for this wave into this database.",
                    codes.display(),
                    postal::problem_list(&problems)
                );
            }
            let html = postal::letters(wave, &csv, rehearsal)?;
            write_output(output.as_deref(), &html)?;
            eprintln!(
                "{} letter(s), one A4 page each, links to {}{}: print at 100% without the browser's header and footer (chromium --headless --no-pdf-header-footer --print-to-pdf=letters.pdf letters.html)",
                csv.rows.len(),
                postal::entry_url(&csv.base_url),
                if rehearsal || csv.rehearsal {
                    format!(", marked {}", postal::SAMPLE_MARK)
                } else {
                    String::new()
                }
            );
        }
        CodesCommand::Postcard {
            output, rehearsal, ..
        } => {
            postal::check_base_url(base, default_base, rehearsal)?;
            write_output(output.as_deref(), &postal::postcard(wave, base, rehearsal)?)?;
        }
        CodesCommand::Void { codes, reason, .. } => {
            let reason = crate::db::access_codes::VoidReason::parse(&reason).with_context(|| {
                format!("unknown --reason `{reason}`: use spare (printed, never mailed) or undeliverable (returned by the post office). Nothing was changed.")
            })?;
            let list = read_code_arguments(&codes)?;
            let pool = open_database(settings)?;
            let mut conn = pool.get()?;
            let found = crate::db::access_codes::lookup(
                &mut conn,
                &list.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
            )?;
            let mut problems = Vec::new();
            for (place, code) in &list {
                match found.get(&code.hash()) {
                    None => problems.push(format!(
                        "{place}: code {} was never issued in this database",
                        code.grouped()
                    )),
                    Some(row) if row.wave_id != wave.id => problems.push(format!(
                        "{place}: code {} belongs to wave `{}`, not `{}`",
                        code.grouped(),
                        row.wave_id,
                        wave.id
                    )),
                    Some(row) if row.used => problems.push(format!(
                        "{place}: code {} has been used (answered on the web or on paper): a used code cannot be voided",
                        code.grouped()
                    )),
                    Some(row) => {
                        if let Some(r) = &row.void_reason {
                            problems.push(format!(
                                "{place}: code {} is already voided ({r})",
                                code.grouped()
                            ));
                        }
                    }
                }
            }
            if !problems.is_empty() {
                anyhow::bail!("{}\nNothing was voided.", postal::problem_list(&problems));
            }
            let mut hashes: Vec<String> = list.iter().map(|(_, c)| c.hash()).collect();
            hashes.sort_unstable();
            hashes.dedup();
            match crate::db::access_codes::void(&mut conn, &wave.id, &hashes, reason)? {
                Some(n) => {
                    let counts = crate::db::counts::wave_counts(&mut conn, &wave.id)?;
                    eprintln!(
                        "voided {n} code(s) of wave {} as {}: mailed (配布数) {}, undeliverable (宛先不明) {}, 有効回収率 {}",
                        wave.id,
                        reason.code(),
                        counts.mailed(),
                        counts.undeliverable,
                        crate::db::counts::WaveCounts::percent(counts.valid_rate())
                    );
                }
                None => anyhow::bail!(
                    "a code was used or voided while this ran: nothing was voided; run the command again to see which"
                ),
            }
        }
        CodesCommand::Status { .. } => {
            let pool = open_database(settings)?;
            let mut conn = pool.get()?;
            let counts = crate::db::counts::wave_counts(&mut conn, &wave.id)?;
            let mailings = crate::db::access_codes::mailings(&mut conn, &wave.id)?;
            print!("{}", status_report(wave, &counts, &mailings));
        }
    }
    Ok(())
}

/// The codes of the printer's CSV that must not get a letter: never issued in this
/// database, of another wave, voided or already used; each with its CSV line.
fn sheet_problems(
    conn: &mut crate::db::Conn,
    wave_id: &str,
    csv: &crate::postal::PrinterCsv,
) -> anyhow::Result<Vec<String>> {
    let codes: Vec<_> = csv.rows.iter().map(|r| r.code.clone()).collect();
    let found = crate::db::access_codes::lookup(conn, &codes)?;
    let mut seen = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for row in &csv.rows {
        let code = row.code.grouped();
        if let Some(first) = seen.insert(row.code.hash(), row.line) {
            problems.push(format!(
                "line {}: code {code} is on line {first} too: one letter per code",
                row.line
            ));
        }
        match found.get(&row.code.hash()) {
            None => problems.push(format!(
                "line {}: code {code} was never issued in this database",
                row.line
            )),
            Some(r) if r.wave_id != wave_id => problems.push(format!(
                "line {}: code {code} belongs to wave `{}`, not `{wave_id}`",
                row.line, r.wave_id
            )),
            Some(r) if r.used => problems.push(format!(
                "line {}: code {code} has already been used",
                row.line
            )),
            Some(r) => {
                if let Some(reason) = &r.void_reason {
                    problems.push(format!(
                        "line {}: code {code} was voided ({reason})",
                        row.line
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// The codes named on the command line: each argument a code, or a file of codes (a CSV
/// with a `code` column, or one code a line); each with where it was found.
fn read_code_arguments(
    arguments: &[String],
) -> anyhow::Result<Vec<(String, crate::domain::AccessCode)>> {
    use crate::domain::AccessCode;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, argument) in arguments.iter().enumerate() {
        let path = Path::new(argument);
        if path.is_file() {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {} (UTF-8 expected)", path.display()))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let first = text.lines().next().unwrap_or("");
            if first.split(',').any(|h| h.trim() == "code") {
                let codes = crate::postal::read_codes_csv(text)
                    .with_context(|| format!("{}: nothing was voided", path.display()))?;
                out.extend(
                    codes
                        .into_iter()
                        .enumerate()
                        .map(|(n, c)| (format!("{} line {}", path.display(), n + 2), c)),
                );
            } else {
                for (n, line) in text.lines().enumerate() {
                    let typed = line.trim();
                    if typed.is_empty() {
                        continue;
                    }
                    match AccessCode::parse(typed) {
                        Ok(c) => out.push((format!("{} line {}", path.display(), n + 1), c)),
                        Err(p) => problems.push(format!(
                            "{} line {}: `{typed}` is not an access code ({p:?})",
                            path.display(),
                            n + 1
                        )),
                    }
                }
            }
        } else {
            match AccessCode::parse(argument) {
                Ok(c) => out.push((format!("argument {}", i + 1), c)),
                Err(p) => problems.push(format!(
                    "argument {}: `{argument}` is neither a file nor an access code ({p:?})",
                    i + 1
                )),
            }
        }
    }
    if !problems.is_empty() {
        anyhow::bail!(
            "{}\nNothing was voided.",
            crate::postal::problem_list(&problems)
        );
    }
    Ok(out)
}

/// `codes status`: the wave's line, one line per mailing, then a table per day.
pub fn status_report(
    wave: &crate::definitions::Wave,
    c: &crate::db::counts::WaveCounts,
    mailings: &[crate::db::access_codes::Mailing],
) -> String {
    use crate::db::counts::WaveCounts;
    let pct = |n: i64| WaveCounts::percent(c.rate(n));
    let mut out = format!(
        "wave {}: issued {}, spare {}, mailed (配布数) {}, undeliverable (宛先不明) {}; returned (回収数) {}: web {} ({}), paper {} ({}), paper without code {} ({}); valid responses (有効回収数) {} (returned without a valid answer {}); 有効回収率 {} = {} / ({} − {}); paper without code left out of the estimates {}; open answers (not in the sample) {}\n",
        wave.id,
        c.issued,
        c.spare,
        c.mailed(),
        c.undeliverable,
        c.returned(),
        c.web + c.email,
        pct(c.web + c.email),
        c.paper,
        pct(c.paper),
        c.paper_no_code,
        pct(c.paper_no_code),
        c.valid(),
        c.not_valid,
        pct(c.valid()),
        c.valid(),
        c.mailed(),
        c.undeliverable,
        c.paper_no_code_excluded,
        c.open
    );
    if let Some(sample) = &wave.sample
        && sample.mailed as i64 != c.mailed()
    {
        out.push_str(&format!(
            "note: the wave definition's [sample] says mailed = {}, the codes say {} (issued {} − spare {}): void the spares, or correct [sample]\n",
            sample.mailed,
            c.mailed(),
            c.issued,
            c.spare
        ));
    }
    for m in mailings {
        let t = c.mailings.get(&m.number).cloned().unwrap_or_default();
        let delivered = t.issued - t.spare - t.undeliverable;
        out.push_str(&format!(
            "mailing {} \"{}\" made {}{}: issued {}, spare {}, undeliverable {}, codes used {} ({})\n",
            m.number,
            m.label,
            m.generated_on,
            if m.rehearsal {
                format!(" ({} rehearsal, not counted)", crate::postal::SAMPLE_MARK)
            } else {
                String::new()
            },
            t.issued,
            t.spare,
            t.undeliverable,
            t.used,
            WaveCounts::percent(
                (delivered > 0).then(|| t.used as f64 * 100.0 / delivered as f64)
            )
        ));
    }
    if !c.days.is_empty() {
        out.push_str(
            "day         web  paper nocode  email   open returned  valid  total valid  有効回収率\n",
        );
        let mut total = 0;
        for d in &c.days {
            total += d.valid();
            out.push_str(&format!(
                "{} {:>5} {:>6} {:>6} {:>6} {:>6} {:>8} {:>6} {:>12} {:>10}\n",
                d.day,
                d.web,
                d.paper,
                d.paper_no_code + d.paper_no_code_excluded,
                d.email,
                d.open,
                d.returned(),
                d.valid(),
                total,
                pct(total)
            ));
        }
    }
    out
}

fn questionnaire(
    settings: &Settings,
    wave_id: &str,
    lang: &str,
    output: Option<&Path>,
    codes: Option<&Path>,
) -> anyhow::Result<()> {
    let lang = crate::domain::Lang::parse(lang)
        .with_context(|| format!("unknown language `{lang}`: use ja or en"))?;
    let defs = load_definitions(settings)?;
    let wave = find_wave(&defs, wave_id)?;
    let Some(codes) = codes else {
        write_output(
            output,
            &crate::paper::questionnaire::booklet(wave, lang, None),
        )?;
        eprintln!(
            "questionnaire of wave {} ({lang}): A4, print from a browser at 100% (or chromium --headless --print-to-pdf)",
            wave.id
        );
        return Ok(());
    };
    let covers = booklet_covers(codes, &wave.id)?;
    write_output(
        output,
        &crate::paper::questionnaire::booklets(wave, lang, &covers),
    )?;
    eprintln!(
        "{} questionnaires of wave {} ({lang}), one per row of {} in its order, each with its code and QR code on the cover: A4, each booklet starts on a new page",
        covers.len(),
        wave.id,
        codes.display()
    );
    Ok(())
}

/// The covers of a mailing's booklets from the printer's CSV (`code`, `url`, and
/// `wave_id` when present): the QR code is made from the CSV's own `url`, as on the
/// letter. Every bad row is named with its line; nothing is written then.
fn booklet_covers(
    file: &Path,
    wave_id: &str,
) -> anyhow::Result<Vec<crate::paper::questionnaire::Cover>> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).with_context(|| {
        format!(
            "{}: not UTF-8 (the printer's CSV of codes generate)",
            file.display()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}:1: the header cannot be read", file.display()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(code_col), Some(url_col)) = (column("code"), column("url")) else {
        anyhow::bail!(
            "{}:1: the header needs `code` and `url` (the printer's CSV of codes generate)",
            file.display()
        );
    };
    let wave_col = column("wave_id");
    let mut covers = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: a row cannot be read", file.display()))?;
        let line = record.position().map_or(0, |p| p.line() + 1);
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        if let Some(w) = wave_col
            && cell(w) != wave_id
        {
            problems.push(format!(
                "{}:{line}: wave_id `{}` is not {wave_id}",
                file.display(),
                cell(w)
            ));
            continue;
        }
        let code = match crate::domain::AccessCode::parse(cell(code_col)) {
            Ok(c) => c,
            Err(_) => {
                problems.push(format!(
                    "{}:{line}: `{}` is not an access code",
                    file.display(),
                    cell(code_col)
                ));
                continue;
            }
        };
        let url = cell(url_col);
        if !url.ends_with(&format!("/c/{}", code.as_str())) {
            problems.push(format!(
                "{}:{line}: url `{url}` is not the link of code {}",
                file.display(),
                code.grouped()
            ));
            continue;
        }
        covers.push(crate::paper::questionnaire::Cover {
            qr_svg: crate::postal::qr_svg(url)?,
            code,
        });
    }
    if !problems.is_empty() {
        anyhow::bail!("{}\nnothing written", problems.join("\n"));
    }
    anyhow::ensure!(!covers.is_empty(), "{}: no codes", file.display());
    Ok(covers)
}

fn report(settings: &Settings, command: &crate::report::cli::ReportCommand) -> anyhow::Result<()> {
    let sources = crate::report::cli::Sources {
        definitions: &settings.definitions,
        database_url: &settings.database_url,
        min_group_size: settings.min_group_size,
    };
    for (path, bytes) in crate::report::cli::run(&sources, command, clock_for(settings)())? {
        eprintln!("wrote {} ({} KiB)", path.display(), bytes.div_ceil(1024));
    }
    Ok(())
}

fn paper(settings: &Settings, command: PaperCommand) -> anyhow::Result<()> {
    let PaperCommand::Import {
        wave,
        file,
        accept_valid,
        values,
        received_on,
    } = command;
    let defs = load_definitions(settings)?;
    let wave = find_wave(&defs, &wave)?;
    crate::paper::require_code_wave(wave).map_err(anyhow::Error::msg)?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    let plan = crate::stats::ScorePlans::new(&defs).of(wave);
    let options = crate::paper::import::ImportOptions {
        accept_valid,
        values,
        received_on,
        today: clock_for(settings)(),
        exclude_no_code: settings.exclude_no_code_sheets,
    };
    if let Some(day) = received_on
        && day > options.today
    {
        anyhow::bail!(
            "--received-on {day} is after today ({}): nothing imported",
            options.today
        );
    }
    let report = match crate::paper::import::import(&mut conn, &plan, wave, &bytes, options) {
        Ok(r) => r,
        Err(crate::paper::import::ImportError::Header(errors)) => {
            for e in &errors {
                eprintln!(
                    "{}: {}: column {}: {}",
                    file.display(),
                    e.place(),
                    e.column,
                    e.message
                );
            }
            anyhow::bail!("the header is not the expected one: nothing imported");
        }
        Err(e) => return Err(e.into()),
    };
    for e in &report.rejected {
        eprintln!(
            "{}: {}: column {}: {}",
            file.display(),
            e.place(),
            e.column,
            e.message
        );
    }
    for row in &report.already_used {
        eprintln!(
            "{}: row {row}: code already used (answered on the web, or imported before): skipped",
            file.display(),
        );
    }
    for row in &report.not_valid {
        eprintln!(
            "{}: row {row}: no valid answer (blank, or invalid marks only): a returned sheet, not a valid response",
            file.display(),
        );
    }
    crate::paper::import::record_paper_import(&mut conn, "command line", &wave.id, &report);
    if let Some(bytes) = &report.rejected_file {
        let path = crate::paper::import::rejected_path(&file);
        std::fs::write(&path, bytes)
            .with_context(|| format!("cannot write the rejected rows to {}", path.display()))?;
        eprintln!(
            "{}: the header and the {} rejected row(s), to send back to the vendor",
            path.display(),
            report.rejected_rows.len()
        );
    }
    if !report.imported {
        anyhow::bail!(
            "{} valid row(s), {} problem(s): nothing imported. Fix the rows, or import the valid ones with --accept-valid",
            report.valid_rows,
            report.rejected.len()
        );
    }
    println!(
        "{} paper response(s) stored for wave {} from {} row(s) ({:?}, {:?}); {} code(s) already used, {} problem(s)",
        report.stored,
        wave.id,
        report.rows,
        report.encoding,
        report.values,
        report.already_used.len(),
        report.rejected.len()
    );
    Ok(())
}

fn text(settings: &Settings, command: &crate::text::command::TextCommand) -> anyhow::Result<()> {
    let defs = definitions::load_dir(&settings.definitions).map_err(|e| {
        anyhow::anyhow!(
            "the survey definitions in {} are invalid:\n{e}",
            settings.definitions.display()
        )
    })?;
    // Every text command needs the files whole: a rules file or an analysis from a
    // codebook with problems would leave codes or words out silently.
    let text = crate::text::codebook::load_checked(&settings.definitions, &defs)
        .map_err(|e| anyhow::anyhow!("{e}\nnothing was written"))?;
    if let crate::text::command::TextCommand::KhcoderRules { encoding, output } = command {
        let encoding: crate::export::Encoding = encoding.parse().map_err(anyhow::Error::msg)?;
        let file = crate::text::khcoder::rules_file(
            &text.codes,
            &text.term_rules.synonyms,
            crate::text::khcoder::mecab_cut,
        );
        let bytes = crate::text::khcoder::encode(&file, encoding).map_err(anyhow::Error::msg)?;
        return crate::text::command::emit(output.as_ref(), &bytes);
    }
    let wave_id = command.wave().context("this command needs --wave")?;
    let wave = defs.wave(wave_id).with_context(|| {
        let known: Vec<&str> = defs.waves.iter().map(|w| w.id.as_str()).collect();
        format!("unknown wave `{wave_id}`: use one of {}", known.join(", "))
    })?;
    let later = match command {
        crate::text::command::TextCommand::CompareCodes { later, .. } => Some(
            defs.wave(later)
                .with_context(|| format!("unknown wave `{later}`"))?,
        ),
        _ => None,
    };
    let pool = open_database(settings)?;
    let mut conn = pool.get()?;
    if matches!(
        command,
        crate::text::command::TextCommand::KouchouExport { .. }
            | crate::text::command::TextCommand::KouchouImport { .. }
    ) {
        return crate::text::kouchou::command(&mut conn, command, wave);
    }
    if let crate::text::command::TextCommand::CodeTable { common, group } = command {
        let selection = crate::text::load::Selection {
            question: &common.question,
            group_by: group.as_deref(),
            include_open: true,
        };
        crate::text::load::check_selection(wave, &selection).map_err(anyhow::Error::msg)?;
        let encoding: crate::export::Encoding =
            common.encoding.parse().map_err(anyhow::Error::msg)?;
        let coded = crate::text::coding::coded_by_group(
            &mut conn,
            &wave.id,
            &common.question,
            group.as_deref(),
        )?;
        let codes: Vec<&str> = text.codes.iter().map(|c| c.id.as_str()).collect();
        let table = crate::text::codetable::code_by_group(&coded, &codes, settings.min_group_size);
        let mut csv = crate::export::CsvWriter::new(
            Vec::new(),
            encoding,
            &[
                "group_by",
                "group_code",
                "group_comments",
                "code",
                "label_ja",
                "vision",
                "comments",
                "share_pct",
                "suppressed",
                "chisq",
                "df",
                "p_value",
            ],
        )?
        .numeric_columns(&[
            "group_comments",
            "comments",
            "share_pct",
            "chisq",
            "df",
            "p_value",
        ]);
        let num = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
        // Per code, χ² over the groups shown (none without --group: one group).
        let tests = crate::text::codetable::code_tests(&table, &codes);
        for cell in &table {
            let code = text.codes.iter().find(|c| c.id == cell.code);
            let test = codes
                .iter()
                .position(|c| *c == cell.code)
                .and_then(|i| tests[i].as_ref());
            csv.write(&[
                group.as_deref().unwrap_or("all"),
                &cell.group,
                &num(cell.group_comments),
                &cell.code,
                code.map_or("", |c| c.label_ja.as_str()),
                code.and_then(|c| c.vision.as_deref()).unwrap_or("none"),
                &num(cell.comments),
                &cell.share_pct.map_or(String::new(), |p| format!("{p:.4}")),
                cell.suppressed,
                &test.map_or(String::new(), |t| format!("{:.6}", t.statistic)),
                &test.map_or(String::new(), |t| t.df.to_string()),
                &test.map_or(String::new(), |t| format!("{:.6}", t.p_value)),
            ])?;
        }
        let bytes = csv.finish()?;
        return crate::text::command::emit(common.output.as_ref(), &bytes);
    }
    if let (
        crate::text::command::TextCommand::CompareCodes {
            by: crate::text::command::Basis::Coding,
            ..
        },
        Some(later),
    ) = (command, later)
    {
        return crate::text::command::compare_coding(
            command,
            wave,
            later,
            &text,
            settings.min_group_size,
            |wave_id, question| {
                Ok(crate::text::coding::first_codes(
                    &mut conn, wave_id, question,
                )?)
            },
        );
    }
    if let crate::text::command::TextCommand::Purge { common } = command {
        let selection = crate::text::load::Selection {
            question: &common.question,
            group_by: None,
            include_open: true,
        };
        crate::text::load::check_selection(wave, &selection).map_err(anyhow::Error::msg)?;
        let p = crate::text::coding::purge_originals(&mut conn, &wave.id, &common.question, &text)?;
        println!(
            "{}: {} answers of {} replaced by their masked text; {} comments taken into coding follow",
            wave.id, p.responses, common.question, p.comments
        );
        return Ok(());
    }
    crate::text::command::run(
        command,
        wave,
        later,
        &text,
        settings.min_group_size,
        |wave, selection, mask, terms| {
            crate::text::load::comments(&mut conn, wave, selection, mask, terms)
        },
    )
}
