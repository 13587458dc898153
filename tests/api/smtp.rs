//! A real SMTP server for the tests, on 127.0.0.1: it speaks the protocol over TCP, keeps
//! what it receives, and answers each delivery attempt as the test scripts it (accept, 451
//! or 550), or holds new connections before the greeting.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Accept,
    /// 451: try again later.
    Temporary,
    /// 550: mailbox unavailable.
    Permanent,
}

type Script = Box<dyn Fn(&str, usize) -> Reply + Send>;

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub rcpt: String,
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(&self.raw).unwrap()
    }

    pub fn header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap;
        self.parsed()
            .headers
            .get_first_value(name)
            .unwrap_or_default()
    }

    /// The decoded body of the part with this MIME type.
    pub fn part(&self, mime: &str) -> String {
        fn find(p: &mailparse::ParsedMail<'_>, mime: &str) -> Option<String> {
            if p.ctype.mimetype == mime {
                return p.get_body().ok();
            }
            p.subparts.iter().find_map(|s| find(s, mime))
        }
        find(&self.parsed(), mime).unwrap_or_default()
    }

    /// The personal link's token (`…/s/{token}`) in the plain-text part.
    pub fn token(&self) -> String {
        let text = self.part("text/plain");
        let start = text.find("/s/").expect("a personal link") + 3;
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect()
    }
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    attempts: HashMap<String, usize>,
}

pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
    hold: Arc<AtomicBool>,
    script: Arc<Mutex<Script>>,
}

impl SmtpSink {
    /// Accepts everything.
    pub fn start() -> Self {
        Self::scripted(|_, _| Reply::Accept)
    }

    /// `script(recipient, attempt)` (attempt counts from 1 per recipient) decides each reply.
    pub fn scripted(script: impl Fn(&str, usize) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let sink = SmtpSink {
            port: listener.local_addr().unwrap().port(),
            state: Arc::default(),
            hold: Arc::default(),
            script: Arc::new(Mutex::new(Box::new(script))),
        };
        let (state, hold, script) = (sink.state.clone(), sink.hold.clone(), sink.script.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (state, hold, script) = (state.clone(), hold.clone(), script.clone());
                std::thread::spawn(move || {
                    let _ = session(stream, &state, &hold, &script);
                });
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// New connections wait before the greeting until released.
    pub fn hold(&self, on: bool) {
        self.hold.store(on, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn attempts(&self, rcpt: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .attempts
            .get(rcpt)
            .copied()
            .unwrap_or(0)
    }

    /// Waits until `n` messages have been accepted (panics after `timeout`).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} messages, got {}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn session(
    stream: TcpStream,
    state: &Mutex<State>,
    hold: &AtomicBool,
    script: &Mutex<Script>,
) -> std::io::Result<()> {
    while hold.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
    }
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut rcpt = String::new();
    let mut reply = Reply::Accept;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            out.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("MAIL FROM") {
            out.write_all(b"250 2.1.0 OK\r\n")?;
        } else if upper.starts_with("RCPT TO") {
            rcpt = line
                .split(['<', '>'])
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let attempt = {
                let mut s = state.lock().unwrap();
                let n = s.attempts.entry(rcpt.clone()).or_default();
                *n += 1;
                *n
            };
            reply = (script.lock().unwrap())(&rcpt, attempt);
            match reply {
                Reply::Accept => out.write_all(b"250 2.1.5 OK\r\n")?,
                Reply::Temporary => {
                    out.write_all(b"451 4.3.0 Mailbox busy, try again later\r\n")?
                }
                Reply::Permanent => out.write_all(b"550 5.1.1 No such mailbox here\r\n")?,
            }
        } else if upper.starts_with("DATA") {
            if reply != Reply::Accept {
                out.write_all(b"503 5.5.1 No valid recipients\r\n")?;
                continue;
            }
            out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
            let mut raw = Vec::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(()); // connection lost mid-message: nothing delivered
                }
                if line == ".\r\n" {
                    break;
                }
                let content = line.strip_prefix('.').unwrap_or(&line);
                raw.extend_from_slice(content.as_bytes());
            }
            state.lock().unwrap().received.push(Received {
                rcpt: rcpt.clone(),
                raw,
            });
            out.write_all(b"250 2.0.0 Queued\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 2.0.0 Bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 2.0.0 OK\r\n")?;
        }
    }
}
