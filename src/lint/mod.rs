//! The identifying-details lint (DESIGN.md §2 item 5, "No one identifiable").
//!
//! Finds what could identify a person in a testimony's Markdown body, so that a moderator can
//! edit it out: e-mail addresses, phone numbers, social media handles, profile links, other web
//! addresses, UK postcodes, people's names and titled names ("Mr Pemberton").
//!
//! Patterns find the first six kinds (`patterns.rs`). Names come from the word lists in
//! `names.txt` plus capitalisation (`names.rs`): a title followed by a word is a titled name; a
//! known given name followed by capitalised words is a full name, and alone it is a name unless
//! it is also an ordinary word at the start of a sentence ("Will", "Grace"); a known surname is
//! a name, alone or after any capitalised word. Registered school names (`known_names`),
//! months, days, places and ordinary sentence-start capitals never count. Each text is scanned
//! once per pattern and once word by word, so checking takes time in proportion to its length.
//! What the lint found nothing in is remembered between runs (`memory.rs`).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use regex::Regex;

/// What kind of identifying detail a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    Email,
    Phone,
    SocialHandle,
    ProfileUrl,
    Domain,
    Postcode,
    PersonName,
    TitledName,
}

impl FindingKind {
    /// What the finding is, in plain words ("an email address").
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::Email => "an email address",
            FindingKind::Phone => "a phone number",
            FindingKind::SocialHandle => "a social media handle",
            FindingKind::ProfileUrl => "a profile link",
            FindingKind::Domain => "a web address",
            FindingKind::Postcode => "a postcode",
            FindingKind::PersonName => "a person's name",
            FindingKind::TitledName => "a titled name",
        }
    }

    /// How a moderator fixes it, in plain words.
    pub fn advice(self) -> &'static str {
        match self {
            FindingKind::Email => "remove it or replace it with [email removed]",
            FindingKind::Phone => "remove it or replace it with [number removed]",
            FindingKind::SocialHandle => "remove it or replace it with [handle removed]",
            FindingKind::ProfileUrl => "remove the link or replace it with [profile removed]",
            FindingKind::Domain => {
                "remove it, or if it is a public service such as a helpline, add it to \
                 moderation.allow"
            }
            FindingKind::Postcode => "remove it or replace it with the town or area",
            FindingKind::PersonName => {
                "replace it with a description such as \"a boy in my year\", or add it to \
                 moderation.allow if it is not a person"
            }
            FindingKind::TitledName => {
                "replace it with the role, such as \"a teacher\" or \"the head of year\""
            }
        }
    }
}

/// One identifying detail: where it starts in the checked text, and the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// 1-based line within the checked text.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub matched: String,
}

/// A ready-to-run lint: word lists, patterns and the names that are never a person's name.
pub struct Lint {
    known: KnownNames,
    /// Every word of `names.txt`, lower case, with what it is (the flags below).
    vocab: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    email: Regex,
    spelled_email: Regex,
    url: Regex,
    phone: Regex,
    postcode: Regex,
    /// The titles ("mr", "professor"), lower case, by their length in bytes, with their flags
    /// (`TITLE`, `CAPITAL_TITLE`): most words are looked up here, which takes no lower-case copy.
    titles: Vec<Vec<(String, u32)>>,
    /// The titles, for a quick look before that.
    title_words: WordFilter,
    /// The given names that count in lower case ("then jake said"), for a quick look.
    lower_case_names: WordFilter,
    /// The given names and surnames, for a quick look.
    names: WordFilter,
    /// The four ways of giving a handle; only the second ("his snap was name") may run on.
    handles: Regex,
    /// Words the campaign's moderators accepted once for every testimony (site.yaml's
    /// `lint.accept`), lower case: a finding containing one is left out, like `moderation.allow`.
    accepted: Vec<String>,
    /// The SHA-256 of what the lint was made from (the registered names, the accepted words):
    /// part of the key of each verdict it remembers.
    made_from: memory::Key,
    /// The verdicts of the last run, when the lint is given them ([`Lint::remembering`]).
    memory: Option<Memory>,
}

// What a word of `names.txt` is: the section it is in (bit = position in SECTIONS), and the
// marks after a given name. One word may be several things.
const SECTIONS: &str = "given surnames not-names places place-prefixes place-cues titles \
    capital-titles not-titled fiction postcode-areas profile-sites";
const GIVEN: u32 = 1;
const SURNAME: u32 = 1 << 1;
const NOT_NAME: u32 = 1 << 2;
const PLACE_WORD: u32 = 1 << 3;
const PREFIX: u32 = 1 << 4;
const PLACE_CUE: u32 = 1 << 5;
const TITLE: u32 = 1 << 6;
const CAPITAL_TITLE: u32 = 1 << 7;
const NOT_TITLED: u32 = 1 << 8;
const FICTION: u32 = 1 << 9;
const AREA: u32 = 1 << 10;
const PROFILE_SITE: u32 = 1 << 11;
const CAPS_ONLY: u32 = 1 << 12;
const NOT_AT_START: u32 = 1 << 13;
const PLACE_NAME: u32 = 1 << 14;
/// A place in the United Kingdom (`places.txt`, from GeoNames): after a place cue ("the trip to
/// Hartley") it is not a name, wherever else it is one ("Hartley told me").
const GAZETTEER_PLACE: u32 = 1 << 15;
const WORDS: &str = include_str!("names.txt");
const PLACES: &str = include_str!("places.txt");
const SURNAME_ENDINGS: &str = "ski ska wicz czyk enko ović ovic escu poulos sson son sen";

impl Lint {
    /// Builds the lint. `known_names` are never a person's name: registered school names,
    /// aliases, former names, the site title and the like.
    pub fn new(known_names: impl IntoIterator<Item = impl AsRef<str>>) -> Lint {
        Lint::for_site(known_names, &[])
    }

    /// The lint of a site: its registered school names are never a person's, and the words in
    /// site.yaml's `lint.accept` are accepted in every testimony.
    pub fn for_site(
        known_names: impl IntoIterator<Item = impl AsRef<str>>,
        accepted: &[String],
    ) -> Lint {
        let known: Vec<String> = known_names
            .into_iter()
            .map(|n| n.as_ref().trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let accepted: Vec<String> = accepted
            .iter()
            .map(|word| word.trim().to_lowercase())
            .filter(|word| !word.is_empty())
            .collect();
        let made_from = memory::key_of_lists(&known, &accepted);
        let handles = HANDLE_FORMS.map(|form| {
            let form = form.replace("{platform}", &format!("(?:{PLATFORMS})"));
            format!(r"(?-u:\b){}", form.replace("{label}", LABEL))
        });
        let mut lint = Lint {
            known: KnownNames::new(&known),
            vocab: HashMap::default(),
            titles: Vec::new(),
            title_words: WordFilter::new([]),
            lower_case_names: WordFilter::new([]),
            names: WordFilter::new([]),
            email: re(EMAIL),
            spelled_email: re(SPELLED_EMAIL),
            url: re(URL),
            phone: re(PHONE),
            postcode: re(POSTCODE),
            handles: re(&format!("(?i){}", handles.join("|"))),
            accepted,
            made_from,
            memory: None,
        };
        for place in PLACES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            *lint.vocab.entry(place.to_lowercase()).or_default() |= GAZETTEER_PLACE;
        }
        let mut section = 0;
        for line in WORDS.lines().map(str::trim).filter(|l| !l.starts_with('#')) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = SECTIONS
                    .split_whitespace()
                    .position(|n| n == name)
                    .map_or(0, |i| 1 << i);
                continue;
            }
            for word in line.split_whitespace() {
                let (word, marks) = match word.chars().last() {
                    Some('*') => (&word[..word.len() - 1], CAPS_ONLY),
                    Some('~') => (&word[..word.len() - 1], CAPS_ONLY | NOT_AT_START),
                    Some('@') => (&word[..word.len() - 1], CAPS_ONLY | PLACE_NAME),
                    _ => (word, 0),
                };
                let flags = lint
                    .vocab
                    .entry(word.replace('_', " ").to_lowercase())
                    .or_default();
                *flags |= section | marks;
            }
        }
        for (word, &flags) in &lint.vocab {
            if flags & (TITLE | CAPITAL_TITLE) != 0 {
                if lint.titles.len() <= word.len() {
                    lint.titles.resize(word.len() + 1, Vec::new());
                }
                lint.titles[word.len()].push((word.clone(), flags & (TITLE | CAPITAL_TITLE)));
            }
        }
        lint.title_words = WordFilter::new(lint.titles.iter().flatten().map(|(w, _)| w.as_str()));
        lint.names = WordFilter::new(
            lint.vocab
                .iter()
                .filter(|&(_, &flags)| flags & (GIVEN | SURNAME) != 0)
                .map(|(word, _)| word.as_str()),
        );
        lint.lower_case_names = WordFilter::new(
            lint.vocab
                .iter()
                .filter(|&(_, &flags)| counts_in_lower_case(flags))
                .map(|(word, _)| word.as_str()),
        );
        lint
    }

    /// The lint, letting through unread each text the last run found nothing in, and keeping
    /// for the next run those it finds nothing in now (see [`memory`]).
    pub fn remembering(mut self, memory: Memory) -> Lint {
        self.memory = Some(memory);
        self
    }

    /// What the lint remembers, to be saved when the run is over.
    pub fn memory(&self) -> Option<&Memory> {
        self.memory.as_ref()
    }

    /// All findings in `text` (a Markdown body), in order of position. A finding whose matched
    /// text contains, ignoring case, any non-blank entry of `allow` is left out.
    pub fn check(&self, text: &str, allow: &[String]) -> Vec<Finding> {
        let Some(memory) = &self.memory else {
            return self.scan(text, allow);
        };
        let key = memory.key(&self.made_from, allow, text);
        if memory.found_nothing_before(&key) {
            memory.keep(key);
            return Vec::new();
        }
        let findings = self.scan(text, allow);
        if findings.is_empty() {
            memory.keep(key);
        }
        findings
    }

    /// [`Lint::check`], reading the whole text.
    fn scan(&self, text: &str, allow: &[String]) -> Vec<Finding> {
        let mut found = Spans::default();
        self.find_emails(text, &mut found);
        self.find_urls(text, &mut found);
        self.find_handles(text, &mut found);
        self.find_phones(text, &mut found);
        self.find_postcodes(text, &mut found);
        self.find_names(text, &mut found);

        let allow: Vec<String> = allow
            .iter()
            .map(|a| a.trim().to_lowercase())
            .chain(self.accepted.iter().cloned())
            .collect();
        let allowed = |m: &str| {
            let m = m.to_lowercase();
            allow
                .iter()
                .any(|a| !a.is_empty() && m.contains(a.as_str()))
        };
        let (mut line, mut column, mut counted) = (1, 1, 0);
        let mut findings = Vec::new();
        for (&start, &(end, kind)) in &found.0 {
            for c in text[counted..start].chars() {
                (line, column) = if c == '\n' {
                    (line + 1, 1)
                } else {
                    (line, column + 1)
                };
            }
            counted = start;
            let matched = text[start..end].to_string();
            if !allowed(&matched) {
                findings.push(Finding {
                    kind,
                    line,
                    column,
                    matched,
                });
            }
        }
        findings
    }

    fn flags(&self, word: &str) -> u32 {
        self.vocab.get(word).copied().unwrap_or(0)
    }

    fn is(&self, word: &str, flag: u32) -> bool {
        self.flags(word) & flag != 0
    }
}

/// Whether a word with these flags is a name in lower case too: a given name that is no
/// ordinary word ("jake", not "will").
fn counts_in_lower_case(flags: u32) -> bool {
    flags & (GIVEN | CAPS_ONLY | NOT_NAME) == GIVEN
}

/// Whether two bytes side by side in `text` pass `test`: a quick look before a regex search.
/// Pairs are tested in blocks, with no early exit inside a block, so that the compiler tests
/// many at once (this runs over every byte of every testimony).
fn pair(text: &str, test: impl Fn(u8, u8) -> bool) -> bool {
    let bytes = text.as_bytes();
    let Some(last) = bytes.len().checked_sub(1) else {
        return false;
    };
    bytes[..last]
        .chunks(64)
        .zip(bytes[1..].chunks(64))
        .any(|(firsts, seconds)| {
            firsts
                .iter()
                .zip(seconds)
                .fold(false, |found, (&a, &b)| found | test(a, b))
        })
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the lint's patterns are valid")
}

/// FNV-1a: the word lists are looked up once per word, and short keys hash faster so.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let start = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        self.0 = bytes.iter().fold(start, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    }
}

/// A quick look before a word-list look-up: one bit for each word of a list, chosen by up to
/// eight of the word's bytes and its length, ASCII case ignored. A clear bit means the word is
/// not in the list. Most words of a testimony are in none, and this costs a few instructions
/// where hashing a word and probing a table costs tens.
struct WordFilter(Box<[u64]>);

impl WordFilter {
    const BITS: u32 = 16;

    fn new<'w>(words: impl IntoIterator<Item = &'w str>) -> WordFilter {
        let mut filter = WordFilter(vec![0; 1 << (Self::BITS - 6)].into_boxed_slice());
        for word in words {
            let bit = filter.bit(word.as_bytes());
            filter.0[bit / 64] |= 1 << (bit % 64);
        }
        filter
    }

    fn may_have(&self, word: &[u8]) -> bool {
        let bit = self.bit(word);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn bit(&self, word: &[u8]) -> usize {
        // Up to eight of the word's bytes in one number, read as a few whole loads (the last
        // ones may overlap the first) rather than byte by byte.
        let n = word.len();
        let load = |at: usize, width: usize| {
            let mut bytes = [0; 8];
            bytes[..width].copy_from_slice(&word[at..at + width]);
            u64::from_le_bytes(bytes)
        };
        let first = match n {
            8.. => load(0, 8),
            4..8 => load(0, 4) | load(n - 4, 4) << 32,
            1..4 => load(0, 1) | load(n / 2, 1) << 8 | load(n - 1, 1) << 16,
            0 => 0,
        };
        // Setting bit 5 of every byte makes ASCII letters lower case. It changes other bytes
        // too, alike on both sides of the look-up.
        let folded = first | 0x2020_2020_2020_2020;
        let mixed = (folded ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - Self::BITS)) as usize
    }
}

/// Non-overlapping findings by start offset; the first one added wins.
#[derive(Default)]
struct Spans(BTreeMap<usize, (usize, FindingKind)>);

impl Spans {
    fn add(&mut self, start: usize, end: usize, kind: FindingKind) {
        let overlaps = self
            .0
            .range(..end)
            .next_back()
            .is_some_and(|(_, (e, _))| *e > start);
        if start < end && !overlaps {
            self.0.insert(start, (end, kind));
        }
    }
}

mod known;
pub mod memory;
mod names;
mod patterns;

use known::KnownNames;
pub use memory::Memory;
use patterns::*;

#[cfg(test)]
mod tests;
