//! The bare ceiling of the submission benchmark (scripts/bench-submit.sh): an actix-web
//! program with the service's features and no database. `POST /surveys/{wave}` reads the
//! urlencoded body, parses it into pairs as the service does, and answers 303; `GET
//! /surveys/{wave}` serves the bytes of a file (the service's own form, saved by the
//! script) through the same compression middleware. What the service does beyond this is
//! what the benchmark's ratios measure.
//!
//! With a third argument, a file, it is the *durable* ceiling instead: each parsed body is
//! handed to one writer thread that takes every body waiting at that moment, appends them
//! to the file and calls `fdatasync` once, and only then are they answered — the least
//! that any design acknowledging only what is on disk must do (group commit of raw bytes,
//! no database). It says how far this disk's sync latency lets 16 connections go.
//!
//!   cargo run --release --example bare_ceiling -- 127.0.0.1:8090 form.html [log.bin]

use actix_web::http::header;
use actix_web::{App, HttpResponse, HttpServer, middleware, web};

use std::io::Write;
use std::sync::mpsc;

type Durable = mpsc::Sender<(web::Bytes, tokio::sync::oneshot::Sender<()>)>;

async fn submit(body: web::Bytes, durable: web::Data<Option<Durable>>) -> HttpResponse {
    match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) {
        Ok(fields) if !fields.is_empty() => {
            if let Some(tx) = durable.get_ref() {
                let (done, synced) = tokio::sync::oneshot::channel();
                if tx.send((body, done)).is_err() || synced.await.is_err() {
                    return HttpResponse::ServiceUnavailable().finish();
                }
            }
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/surveys/2026-midterm/thanks?lang=ja"))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish()
        }
        _ => HttpResponse::BadRequest().finish(),
    }
}

/// The durable ceiling's writer: what is waiting, appended, one fdatasync, then answered.
fn sync_writer(
    mut file: std::fs::File,
    rx: mpsc::Receiver<(web::Bytes, tokio::sync::oneshot::Sender<()>)>,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        for (body, _) in &batch {
            file.write_all(body).expect("append");
        }
        file.sync_data().expect("fdatasync");
        for (_, done) in batch {
            let _ = done.send(());
        }
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8090".into());
    let form = std::fs::read(args.next().unwrap_or_else(|| "form.html".into()))?;
    let form = web::Bytes::from(form);
    let durable: Option<Durable> = match args.next() {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || sync_writer(file, rx));
            Some(tx)
        }
        None => None,
    };
    let durable = web::Data::new(durable);
    let workers = std::env::var("SURVEY_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let form = form.clone();
            App::new()
                .app_data(durable.clone())
                .wrap(middleware::Compress::default())
                .app_data(web::PayloadConfig::new(256 * 1024))
                .route("/surveys/{wave}", web::post().to(submit))
                .route(
                    "/surveys/{wave}",
                    web::get().to(move || {
                        let form = form.clone();
                        async move {
                            HttpResponse::Ok()
                                .content_type("text/html; charset=utf-8")
                                .insert_header((header::CACHE_CONTROL, "no-store"))
                                .body(form)
                        }
                    }),
                )
        })
        .workers(workers)
        .tcp_nodelay(true)
        .bind(&bind)?
        .run()
        .await
    })
}
