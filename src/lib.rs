//! testimony: a static-site generator for moderated testimony archives.
//!
//! The build is a pipeline, one module a stage:
//! load (`content`) → validate (`content`, `diagnostics`) → model (`model`) →
//! render (`markdown`, `render`) → index (`search`) → write (`output`).

pub mod search;
