//! Integration tests: the real app on a random port, a real database (SQLite by default,
//! PostgreSQL with TEST_DATABASE_URL), driven over HTTP. One test binary for fast builds.

mod helpers;
mod smtp;

mod accounts;
mod admin;
mod authorization;
mod backup;
mod check;
mod email;
mod faults;
mod groups;
mod moderation;
mod page_cache;
mod posting;
mod professionals;
mod queue_tools;
mod safeguarding;
mod search;
mod security;
mod storage;
mod two_factor;
mod weight;
