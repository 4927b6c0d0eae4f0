//! The test suite: one binary, each module a theme, each test running the real `testimony`
//! binary on a fixture site copied into a temporary directory.

mod a11y;
mod browser;
mod build;
mod bundle;
mod common;
mod deploy;
mod desk;
mod errors;
mod hostile;
mod moderation;
mod npm;
mod safety;
mod serve;
mod server;
mod xss;
