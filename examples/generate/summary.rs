//! What a run wrote, counted as it is written and summed up at the end.

use std::fmt::Write as _;
use std::time::Instant;

use crate::schools::{self, Registry};
use crate::{Options, Status, Written};

/// Counts for the summary printed at the end.
pub struct Tally {
    words: Vec<u32>,
    statuses: [u32; 4],
    two_schools: u32,
    titled: u32,
    tagged: u32,
    warned: u32,
    /// Testimonies per school: all of them, and approved ones only.
    per_school: Vec<u32>,
    approved_per_school: Vec<u32>,
    testimony_bytes: u64,
    pub other_bytes: u64,
}

impl Tally {
    pub fn new(schools: usize) -> Tally {
        Tally {
            words: Vec::new(),
            statuses: [0; 4],
            two_schools: 0,
            titled: 0,
            tagged: 0,
            warned: 0,
            per_school: vec![0; schools],
            approved_per_school: vec![0; schools],
            testimony_bytes: 0,
            other_bytes: 0,
        }
    }

    pub fn add(&mut self, w: &Written, bytes: usize) {
        self.words.push(w.words);
        self.statuses[w.status as usize] += 1;
        self.two_schools += u32::from(w.schools.len() > 1);
        self.titled += u32::from(w.titled);
        self.tagged += u32::from(w.tags > 0);
        self.warned += u32::from(w.warnings > 0);
        for &s in &w.schools {
            self.per_school[s] += 1;
            if w.status == Status::Approved {
                self.approved_per_school[s] += 1;
            }
        }
        self.testimony_bytes += bytes as u64;
    }

    pub fn merge(&mut self, other: Tally) {
        self.words.extend(other.words);
        for i in 0..4 {
            self.statuses[i] += other.statuses[i];
        }
        self.two_schools += other.two_schools;
        self.titled += other.titled;
        self.tagged += other.tagged;
        self.warned += other.warned;
        for (mine, theirs) in self.per_school.iter_mut().zip(other.per_school) {
            *mine += theirs;
        }
        for (mine, theirs) in self
            .approved_per_school
            .iter_mut()
            .zip(other.approved_per_school)
        {
            *mine += theirs;
        }
        self.testimony_bytes += other.testimony_bytes;
        self.other_bytes += other.other_bytes;
    }

    pub fn report(
        mut self,
        options: &Options,
        registry: &Registry,
        dirs: usize,
        other_files: usize,
        started: Instant,
    ) -> String {
        let mut out = String::new();
        let n = self.words.len().max(1) as f64;
        let pct = |x: u32| 100.0 * f64::from(x) / n;
        self.words.sort_unstable();
        let quantile = |q: usize| self.words[(self.words.len() - 1) * q / 100];
        let mean = self.words.iter().map(|&w| f64::from(w)).sum::<f64>() / n;
        let [approved, pending, rejected, withdrawn] = self.statuses;
        let mut counts = self.approved_per_school.clone();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let named = self.per_school.iter().filter(|&&c| c > 0).count();
        let published = counts.iter().filter(|&&c| c > 0).count();
        let at_most = |k: u32| counts.iter().filter(|&&c| c > 0 && c <= k).count();
        let top: Vec<String> = counts.iter().take(5).map(u32::to_string).collect();

        let _ = writeln!(
            out,
            "wrote {}: {} testimonies in {dirs} folders, {} schools, {} other files",
            options.out.display(),
            self.words.len(),
            registry.len(),
            other_files
        );
        let _ = writeln!(
            out,
            "  status: {approved} approved ({:.1}%), {pending} pending, {rejected} rejected, \
             {withdrawn} withdrawn",
            pct(approved)
        );
        let _ = writeln!(
            out,
            "  words: mean {mean:.0}, median {}, 90th percentile {}, 99th {}, min {}, max {}",
            quantile(50),
            quantile(90),
            quantile(99),
            self.words.first().copied().unwrap_or(0),
            self.words.last().copied().unwrap_or(0)
        );
        let _ = writeln!(
            out,
            "  schools per testimony: 1 for {:.1}%, 2 for {:.1}%; Zipf-Mandelbrot (k + {})^-{}",
            100.0 - pct(self.two_schools),
            pct(self.two_schools),
            schools::ZIPF_OFFSET,
            schools::ZIPF_EXPONENT,
        );
        let _ = writeln!(
            out,
            "  schools named: {named} of {}; with an approved testimony: {published}, \
             of which {} have 1, {} have 5 or fewer; the most: {}",
            registry.len(),
            at_most(1),
            at_most(5),
            top.join(", ")
        );
        let _ = writeln!(
            out,
            "  titles {:.1}%, tags {:.1}%, content warnings {:.1}%",
            pct(self.titled),
            pct(self.tagged),
            pct(self.warned)
        );
        let _ = writeln!(
            out,
            "  {:.1} MB of testimonies, {:.1} kB of other files, in {:.2} s",
            self.testimony_bytes as f64 / 1e6,
            self.other_bytes as f64 / 1e3,
            started.elapsed().as_secs_f64()
        );
        out
    }
}
