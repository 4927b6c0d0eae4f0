//! Updating an earlier output in place: the moves, the journal that records them before they
//! are made, and undoing them.

use std::fs;
use std::io;
use std::path::Path;

use super::remove_empty_folders;

/// One step of updating an earlier output, as its journal records it. A file moved out goes
/// into the old folder under its step's number in the journal; a file moved in comes from the
/// scratch folder, under the number it was written as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Move {
    /// A file the new build does not have: moved out.
    Gone(String),
    /// A file whose bytes changed: the earlier one moved out, the new one in.
    Changed(String, usize),
    /// A file the earlier build did not have: moved in.
    New(String, usize),
}

/// The last line of a journal written whole; without it, no move was made yet.
const JOURNAL_END: &str = "end";

/// Writes the journal of `moves`, a line each (`-`, `~ N` or `+ N`, then the path as a JSON
/// string), and waits until it is on disk: a build killed after this can be undone.
pub(super) fn write(path: &Path, moves: &[Move]) -> io::Result<()> {
    let mut text = String::new();
    for step in moves {
        let (mark, file) = match step {
            Move::Gone(file) => ("-".to_owned(), file),
            Move::Changed(file, number) => (format!("~ {number}"), file),
            Move::New(file, number) => (format!("+ {number}"), file),
        };
        text.push_str(&mark);
        text.push(' ');
        text.push_str(&serde_json::to_string(file).map_err(io::Error::other)?);
        text.push('\n');
    }
    text.push_str(JOURNAL_END);
    text.push('\n');
    let mut file = fs::File::create(path)?;
    io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()
}

/// The moves of a journal; none if it was not written whole (no move was made).
pub(super) fn read(path: &Path) -> io::Result<Vec<Move>> {
    let text = fs::read_to_string(path)?;
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.pop() != Some(JOURNAL_END) {
        return Ok(Vec::new());
    }
    lines
        .into_iter()
        .map(|line| {
            parse_line(line).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the build journal has a line it cannot read: {line}"),
                )
            })
        })
        .collect()
}

/// One line of a journal, as [`write`] wrote it.
fn parse_line(line: &str) -> Option<Move> {
    let (mark, rest) = line.split_once(' ')?;
    if mark == "-" {
        return Some(Move::Gone(serde_json::from_str(rest).ok()?));
    }
    let (number, file) = rest.split_once(' ')?;
    let (number, file) = (number.parse().ok()?, serde_json::from_str(file).ok()?);
    match mark {
        "~" => Some(Move::Changed(file, number)),
        "+" => Some(Move::New(file, number)),
        _ => None,
    }
}

/// The three folders an update moves files between: the output, the old folder that takes
/// what leaves it, and the scratch folder that holds what comes in.
pub(super) struct Update<'a> {
    pub output: &'a Path,
    pub old: &'a Path,
    pub new: &'a Path,
}

impl Update<'_> {
    pub fn apply(&self, moves: &[Move]) -> io::Result<()> {
        fs::create_dir_all(self.old)?;
        for (at, step) in moves.iter().enumerate() {
            match step {
                Move::Gone(file) => {
                    self.move_out(file, at)?;
                    remove_empty_folders(self.output, file);
                }
                Move::Changed(file, number) => {
                    self.move_out(file, at)?;
                    fs::rename(self.new.join(number.to_string()), self.output.join(file))?;
                }
                Move::New(file, number) => {
                    let to = self.output.join(file);
                    if let Some(dir) = to.parent() {
                        fs::create_dir_all(dir)?;
                    }
                    fs::rename(self.new.join(number.to_string()), to)?;
                }
            }
        }
        Ok(())
    }

    /// Moves the earlier build's `file`, step `at` of the journal, into the old folder.
    fn move_out(&self, file: &str, at: usize) -> io::Result<()> {
        fs::rename(self.output.join(file), self.old.join(at.to_string()))
    }

    /// Undoes whichever of `moves` were made, last first: the output is as it was before.
    pub fn undo(&self, moves: &[Move]) -> io::Result<()> {
        let exists = |path: &Path| fs::symlink_metadata(path).is_ok();
        for (at, step) in moves.iter().enumerate().rev() {
            match step {
                Move::New(file, number) => {
                    if !exists(&self.new.join(number.to_string())) {
                        match fs::remove_file(self.output.join(file)) {
                            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                                return Err(error);
                            }
                            _ => remove_empty_folders(self.output, file),
                        }
                    }
                }
                Move::Changed(file, _) | Move::Gone(file) => {
                    let from = self.old.join(at.to_string());
                    if exists(&from) {
                        let to = self.output.join(file);
                        if let Some(dir) = to.parent() {
                            fs::create_dir_all(dir)?;
                        }
                        fs::rename(from, to)?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::staging::files_of;
    use super::*;

    /// Every file under `root`, with its bytes.
    fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = files_of(root)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|path| {
                let bytes = fs::read(root.join(&path)).unwrap();
                (path, bytes)
            })
            .collect();
        files.sort();
        files
    }

    fn write_file(root: &Path, path: &str, text: &str) {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    }

    /// An output and an update of it: a file gone (and with it its folder), a folder that
    /// becomes a file, a changed file, and a new one in a new folder.
    fn update_fixture(dir: &Path) -> (PathBuf, PathBuf, PathBuf, Vec<Move>) {
        let (output, old, new) = (dir.join("public"), dir.join("old"), dir.join("new"));
        write_file(&output, "index.html", "home, before");
        write_file(&output, "gone/index.html", "a page withdrawn");
        write_file(&output, "feed/index.xml", "a folder that becomes a file");
        write_file(&output, "about/index.html", "about");
        // The scratch folder is flat: each file under the number it was written as.
        write_file(&new, "0", "home, after");
        write_file(&new, "1", "a file now");
        write_file(&new, "2", "a new page");
        let mut moves = vec![
            Move::New("schools/new/index.html".into(), 2),
            Move::Changed("index.html".into(), 0),
            Move::Gone("gone/index.html".into()),
            Move::Gone("feed/index.xml".into()),
            Move::New("feed".into(), 1),
        ];
        moves.sort_unstable();
        (output, old, new, moves)
    }

    #[test]
    fn an_update_gives_the_new_build_and_leaves_no_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (output, old, new, moves) = update_fixture(dir.path());
        let update = Update {
            output: &output,
            old: &old,
            new: &new,
        };
        update.apply(&moves).unwrap();
        let files: Vec<String> = tree(&output).into_iter().map(|(path, _)| path).collect();
        assert_eq!(
            files,
            [
                "about/index.html",
                "feed",
                "index.html",
                "schools/new/index.html"
            ]
        );
        assert_eq!(fs::read(output.join("index.html")).unwrap(), b"home, after");
        assert!(!output.join("gone").exists());
    }

    #[test]
    fn an_update_stopped_at_any_point_is_undone_whole() {
        // Stopped after each whole move, and halfway through each changed file's two renames.
        for (whole, half) in (0..=5).flat_map(|n| [(n, false), (n, true)]) {
            let dir = tempfile::tempdir().unwrap();
            let (output, old, new, moves) = update_fixture(dir.path());
            let before = tree(&output);
            let update = Update {
                output: &output,
                old: &old,
                new: &new,
            };
            update.apply(&moves[..whole]).unwrap();
            if half && let Some(Move::Changed(file, _)) = moves.get(whole) {
                update.move_out(file, whole).unwrap();
            }
            write(&dir.path().join("journal"), &moves).unwrap();
            let journal = read(&dir.path().join("journal")).unwrap();
            assert_eq!(journal, moves);
            update.undo(&journal).unwrap();
            assert_eq!(
                tree(&output),
                before,
                "stopped after {whole} moves (half: {half})"
            );
        }
    }

    #[test]
    fn a_journal_not_written_whole_has_no_moves() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        fs::write(&path, "- \"index.html\"\n~ 0 \"abo").unwrap();
        assert_eq!(read(&path).unwrap(), Vec::new());
        fs::write(&path, "? \"index.html\"\nend\n").unwrap();
        assert!(read(&path).is_err());
    }
}
