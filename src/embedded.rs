//! Folders built into the binary (the default theme, the scaffold of a new site), walked one
//! way.

use include_dir::{Dir, File};

/// Every file under `dir`, at any depth, sorted by path. Paths are as `include_dir` gives
/// them: relative to the embedded root.
pub fn files<'a>(dir: &'a Dir<'a>) -> Vec<&'a File<'a>> {
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(current) = stack.pop() {
        stack.extend(current.dirs());
        files.extend(current.files());
    }
    files.sort_by_key(|file| file.path());
    files
}

/// A file's path relative to `base` (a folder it is under), with `/` separators.
pub fn relative_path(file: &File<'_>, base: &str) -> String {
    file.path()
        .strip_prefix(base)
        .unwrap_or(file.path())
        .to_string_lossy()
        .replace('\\', "/")
}
