//! `testimony init DIR`: a new site with sample content and `netlify.toml`. The theme is built
//! into the binary, so a new site needs nothing else to build.

use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold");
const NETLIFY_TOML: &str = include_str!("../netlify.toml");
const GITIGNORE: &str = "/public\n";

/// Writes the sample site into `dir`, which must not already hold a site. Returns the files
/// written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join("content").exists() {
        return Err(format!(
            "{} already has a content/ folder; choose an empty or new directory",
            dir.display()
        ));
    }
    let mut files: Vec<(PathBuf, &[u8])> = Vec::new();
    let mut stack = vec![&SCAFFOLD];
    while let Some(current) = stack.pop() {
        stack.extend(current.dirs());
        files.extend(
            current
                .files()
                .map(|f| (f.path().to_path_buf(), f.contents())),
        );
    }
    files.push(("netlify.toml".into(), NETLIFY_TOML.as_bytes()));
    files.push((".gitignore".into(), GITIGNORE.as_bytes()));
    files.sort();
    let mut written = Vec::new();
    for (relative, bytes) in files {
        let path = dir.join(&relative);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(relative);
    }
    Ok(written)
}
