//! The workspace's message page (titles and paragraphs in Japanese and English): what a
//! refusal, an error or a finished action shows to analysts and operators.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

#[derive(Template)]
#[template(path = "workspace/analyst_message.html")]
struct AnalystMessage<'a> {
    title: &'a str,
    paragraphs: Vec<String>,
    link: Option<(&'a str, &'a str)>,
}

/// The page's HTML.
pub fn message_body(title: &str, paragraphs: Vec<String>, link: Option<(&str, &str)>) -> String {
    AnalystMessage {
        title,
        paragraphs,
        link,
    }
    .render()
    .unwrap_or_default()
}

/// The page as a response (never cached).
pub fn message_page(
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(&str, &str)>,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(crate::web::no_store())
        .body(message_body(title, paragraphs, link))
}
