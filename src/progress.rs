//! How a long build shows that it is moving: a bar on a terminal, a line a stage elsewhere
//! (logs, CI), nothing with `--quiet`. The build reports to a [`Progress`] from many threads.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Told of each stage and of each piece of work done in it.
pub trait Progress: Sync {
    /// A stage starts; `total` pieces of work are expected (0 when unknown).
    fn stage(&self, name: &str, total: u64);
    /// `n` more pieces of the current stage are done.
    fn advance(&self, n: u64);
    /// The build is over (successfully or not): clear what is on screen.
    fn finish(&self);
}

/// Shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _name: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// A line on standard error as each stage starts: for logs, where a bar would be noise.
pub struct Lines;

impl Progress for Lines {
    fn stage(&self, name: &str, total: u64) {
        if total > 0 {
            eprintln!("{name} ({total})");
        } else {
            eprintln!("{name}");
        }
    }
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// A progress bar on standard error, redrawn at most a few times a second.
pub struct Bar {
    bar: Mutex<Option<ProgressBar>>,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            bar: Mutex::new(None),
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        let mut slot = self.bar.lock().expect("progress bar lock");
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
        let template = if total > 0 {
            "{msg:<24} [{bar:32}] {pos}/{len} ({elapsed})"
        } else {
            "{spinner} {msg} ({elapsed})"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(name.to_string());
        if total == 0 {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        *slot = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &*self.bar.lock().expect("progress bar lock") {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.lock().expect("progress bar lock").take() {
            bar.finish_and_clear();
        }
    }
}

/// What a command should show: nothing when quiet, a bar on a terminal, lines otherwise.
pub fn for_stderr(quiet: bool) -> Box<dyn Progress> {
    if quiet {
        Box::new(Silent)
    } else if std::io::stderr().is_terminal() {
        Box::new(Bar::new())
    } else {
        Box::new(Lines)
    }
}
