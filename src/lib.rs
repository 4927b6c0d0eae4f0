//! testimony: a static-site generator for moderated testimony archives.
//!
//! The build is a pipeline, one module a stage:
//! load (`content`) → validate (`content`, `diagnostics`) → model (`model`) →
//! render (`markdown`, `render`, `theme`) → index (`search`) → write (`output`), run in order by
//! `site`.

// A content mistake carries its file, position, message, hint and source line: errors are the
// cold path, and boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

#[cfg(feature = "native")]
pub mod cli;
#[cfg(feature = "native")]
pub mod config;
#[cfg(feature = "native")]
pub mod content;
#[cfg(feature = "native")]
pub mod diagnostics;
#[cfg(feature = "native")]
pub mod incremental;
#[cfg(feature = "native")]
pub mod init;
#[cfg(feature = "native")]
pub mod links;
#[cfg(feature = "native")]
pub mod lint;
#[cfg(feature = "native")]
pub mod markdown;
#[cfg(feature = "native")]
pub mod model;
#[cfg(feature = "native")]
pub mod new;
#[cfg(feature = "native")]
pub mod output;
#[cfg(feature = "native")]
pub mod progress;
#[cfg(feature = "native")]
pub mod render;
pub mod search;
#[cfg(feature = "native")]
pub mod serve;
#[cfg(feature = "native")]
pub mod site;
#[cfg(feature = "native")]
pub mod theme;
