//! A moderated peer-support forum: one crate, one binary, SQLite or PostgreSQL.
//!
//! Request path: `web::security` (headers, CSRF) → `web::Ctx` (who is asking) → `routes` (thin
//! handlers) → services (`accounts`, `groups`, `posting`, `moderation`, `mail`) → `db`.
//! Permission questions are answered in `policy`.

pub mod accounts;
pub mod backup;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod groups;
pub mod mail;
pub mod markdown;
pub mod moderation;
pub mod policy;
pub mod posting;
pub mod professionals;
pub mod retention;
pub mod routes;
pub mod search;
pub mod secrets;
pub mod seed;
pub mod site;
pub mod startup;
pub mod stats;
pub mod synthetic;
pub mod web;

/// Logs to stderr, one line per event; `RUST_LOG` picks the level (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(false)
        .with_writer(|| OneLine(std::io::stderr()))
        .try_init();
}

/// A log writer that keeps each event on one line, whatever its fields hold: a line break (or
/// any other control character) inside an event is written escaped, so text a member typed can
/// never start a line that looks like another log event.
pub struct OneLine<W>(pub W);

impl<W: std::io::Write> std::io::Write for OneLine<W> {
    /// The formatter hands over one whole event per call.
    fn write(&mut self, event: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(&one_line(event))?;
        Ok(event.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// An event's text with interior control characters escaped (`\n`, `\r`, `\x1b`…) and one
/// final line break.
pub fn one_line(event: &[u8]) -> Vec<u8> {
    let body = event.strip_suffix(b"\n").unwrap_or(event);
    let mut out = Vec::with_capacity(body.len() + 1);
    for &byte in body {
        match byte {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.push(byte),
            0..=0x1f | 0x7f => out.extend_from_slice(format!("\\x{byte:02x}").as_bytes()),
            _ => out.push(byte),
        }
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod log_tests {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn text_a_member_typed_cannot_forge_a_log_line() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(move || super::OneLine(writer.clone())).finish();
        let typed = "ann@example.org\n2026-11-23T10:00:00Z  INFO signed in user_id=1 admin=true\r\x1b[2J";
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(display = %typed, debug = ?typed, "sign-in refused");
            tracing::info!("next event");
        });
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 2, "{log}");
        assert!(lines[0].contains("sign-in refused") && lines[0].contains("\\n2026-11-23T10:00:00Z  INFO"), "{log}");
        assert!(!log.contains('\x1b') && !log.contains('\r'));
        assert!(lines[1].contains("next event"));
    }
}
