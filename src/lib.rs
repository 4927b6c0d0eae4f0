//! testimony: a static-site generator for moderated testimony archives.
//!
//! The build is a pipeline, one module a stage:
//! load (`content`, reading each file through `source`) → validate (`content`, `diagnostics`) → model (`model`) →
//! render (`markdown`, `render`, `theme`) → index (`search`) → write (`output`), run in order by
//! `site`. The search core it shares with the browser's runtime is the crate `testimony-search`.

// A content mistake carries its file, position, message, hint and source line: errors are the
// cold path, and boxing them everywhere would only add noise.
#![allow(clippy::result_large_err)]

pub mod cache;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod embedded;
pub mod incremental;
pub mod init;
pub mod links;
pub mod lint;
pub mod markdown;
pub mod model;
pub mod moderation;
pub mod new;
pub mod output;
pub mod progress;
pub mod render;
pub mod routes;
pub mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod theme;
