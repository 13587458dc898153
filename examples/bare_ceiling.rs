//! The bare ceiling of the submission benchmark (scripts/bench-submit.sh): an actix-web
//! program with the service's features and no database. `POST /surveys/{wave}` reads the
//! urlencoded body, parses it into pairs as the service does, and answers 303; `GET
//! /surveys/{wave}` serves the bytes of a file (the service's own form, saved by the
//! script) through the same compression middleware. What the service does beyond this is
//! what the benchmark's ratios measure.
//!
//!   cargo run --release --example bare_ceiling -- 127.0.0.1:8090 form.html

use actix_web::http::header;
use actix_web::{App, HttpResponse, HttpServer, middleware, web};

async fn submit(body: web::Bytes) -> HttpResponse {
    match serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) {
        Ok(fields) if !fields.is_empty() => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/surveys/2026-midterm/thanks?lang=ja"))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        _ => HttpResponse::BadRequest().finish(),
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8090".into());
    let form = std::fs::read(args.next().unwrap_or_else(|| "form.html".into()))?;
    let form = web::Bytes::from(form);
    let workers = std::env::var("SURVEY_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let form = form.clone();
            App::new()
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
        .bind(&bind)?
        .run()
        .await
    })
}
