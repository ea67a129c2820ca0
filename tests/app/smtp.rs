//! A real SMTP server inside the test process (the `mailin` protocol library behind a TCP
//! listener): the forum's worker holds a real SMTP conversation with it. It records every message it accepts, and can be
//! told to refuse mail (as a server in trouble does) or be started late (an outage).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use mailin::{Action, Handler, Response, SessionBuilder, response};

/// A message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: SystemTime,
    pub from: String,
    pub to: Vec<String>,
    /// The raw message: headers, blank line, body parts.
    pub data: String,
}

impl Received {
    /// The message with quoted-printable soft breaks and escapes undone, for assertions.
    pub fn text(&self) -> String {
        crate::helpers::decode_quoted_printable(&self.data)
    }

    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ");
        head.lines().find_map(|l| {
            l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned())
        })
    }
}

#[derive(Clone)]
struct Recorder {
    store: Arc<Mutex<Vec<Received>>>,
    refusing: Arc<AtomicBool>,
    current: Option<Received>,
}

impl Handler for Recorder {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        if self.refusing.load(Ordering::SeqCst) {
            // 451: a temporary failure, as from a server that is overloaded or in maintenance.
            return response::INTERNAL_ERROR;
        }
        self.current =
            Some(Received { at: SystemTime::now(), from: from.to_owned(), to: to.to_vec(), data: String::new() });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(done) = self.current.take() {
            self.store.lock().unwrap().push(done);
        }
        response::OK
    }
}

/// One SMTP session: greeting, then a reply to each command line until QUIT.
fn converse(stream: TcpStream, handler: Recorder) -> std::io::Result<()> {
    let ip = stream.peer_addr()?.ip();
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut session = SessionBuilder::new("smtp.test").build(ip, handler);
    session.greeting().write_to(&mut writer)?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let reply = session.process(&line);
        match reply.action {
            Action::Reply => reply.write_to(&mut writer)?,
            Action::Close => {
                reply.write_to(&mut writer)?;
                return writer.flush();
            }
            Action::NoReply | Action::UpgradeTls => {}
        }
    }
}

/// The server's handle: its port, what it received, and a switch to refuse mail.
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    store: Arc<Mutex<Vec<Received>>>,
    refusing: Arc<AtomicBool>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        let server = Self::not_started();
        server.listen();
        server
    }

    /// Reserves a port but does not listen on it yet: connections are refused until
    /// [`SmtpServer::listen`].
    pub fn not_started() -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        SmtpServer { port, store: Arc::default(), refusing: Arc::default() }
    }

    /// Starts accepting connections on the reserved port (the server runs until the process ends).
    pub fn listen(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("the SMTP port is free");
        let handler = Recorder { store: Arc::clone(&self.store), refusing: Arc::clone(&self.refusing), current: None };
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let handler = handler.clone();
                std::thread::spawn(move || converse(stream, handler));
            }
        });
    }

    /// Refuse (or accept again) every message with a temporary failure.
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.store.lock().unwrap().clone()
    }

    /// Waits until `count` messages have arrived, then a moment more, so a duplicate would show.
    pub fn wait_for_count(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.messages().len() < count {
            assert!(Instant::now() < deadline, "only {} of {count} emails arrived", self.messages().len());
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(600));
        self.messages()
    }

    /// Waits for a message to `to` whose text contains `needle`.
    pub fn wait_for(&self, to: &str, needle: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(m) =
                self.messages().into_iter().find(|m| m.to.iter().any(|t| t == to) && m.text().contains(needle))
            {
                return m;
            }
            assert!(Instant::now() < deadline, "no email to {to} containing {needle:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
