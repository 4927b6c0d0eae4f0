//! The registered names in a text: school names, aliases, the site title. Words inside one are
//! never a person's name ("St Agnes Academy").
//!
//! A registered name is found where a word starts: its first word is looked up, then the names
//! that start with that word are compared with the text, longest first, ignoring ASCII case. An
//! archive registers thousands of names; scanning every byte of every testimony for all of them
//! with one automaton cost a fifth of the lint, where a look-up per word costs a few per cent.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::WordFilter;

pub(super) struct KnownNames {
    /// The names, ASCII lower case, by their first word; longest first.
    by_first_word: HashMap<String, Vec<String>>,
    /// The first words, for a quick look before the look-up.
    first_words: WordFilter,
    /// The few names that do not start with a letter or digit ("'t Hof"), found by scanning.
    others: Option<AhoCorasick>,
}

impl KnownNames {
    /// `names` trimmed and not empty.
    pub(super) fn new(names: &[String]) -> KnownNames {
        let mut by_first_word: HashMap<String, Vec<String>> = HashMap::new();
        let mut others = Vec::new();
        for name in names {
            let lower = name.to_ascii_lowercase();
            match first_word(&lower) {
                Some(word) => by_first_word
                    .entry(word.to_string())
                    .or_default()
                    .push(lower),
                None => others.push(lower),
            }
        }
        for names in by_first_word.values_mut() {
            names.sort_by_key(|name| std::cmp::Reverse(name.len()));
            names.dedup();
        }
        let others = (!others.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&others)
                .expect("a list of literals always builds")
        });
        KnownNames {
            first_words: WordFilter::new(by_first_word.keys().map(String::as_str)),
            by_first_word,
            others,
        }
    }

    /// The byte ranges of the registered names in `text` that stand alone: with no letter or
    /// digit right before or after them. They do not overlap; at one place the longest wins.
    pub(super) fn find(&self, text: &str, found: &mut Vec<(usize, usize)>) {
        let (mut word_start, mut free_from) = (None, 0);
        let (bytes, mut at) = (text.as_bytes(), 0);
        while at <= bytes.len() {
            // A letter or digit, and the length of its character; past the end, neither.
            let (alphanumeric, len) = match bytes.get(at) {
                Some(b) if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
                Some(_) => text[at..]
                    .chars()
                    .next()
                    .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
                None => (false, 1),
            };
            match (alphanumeric, word_start) {
                (true, None) => word_start = Some(at),
                (false, Some(start)) => {
                    word_start = None;
                    if start >= free_from
                        && let Some((end, alone)) = self.name_at(text, start, &text[start..at])
                    {
                        // Taken even when it does not stand alone, as a scan for the longest
                        // match at each place would take it.
                        free_from = end;
                        if alone {
                            found.push((start, end));
                        }
                    }
                }
                _ => {}
            }
            at += len;
        }
        if let Some(others) = &self.others {
            found.extend(
                others
                    .find_iter(text)
                    .map(|m| (m.start(), m.end()))
                    .filter(|&(s, e)| alone(text, s, e)),
            );
            found.sort_unstable();
        }
    }

    /// The end of the longest registered name at `start`, whose first word is `word`, and
    /// whether it stands alone there.
    fn name_at(&self, text: &str, start: usize, word: &str) -> Option<(usize, bool)> {
        if !self.first_words.may_have(word.as_bytes()) {
            return None;
        }
        let names = self.by_first_word.get(&word.to_ascii_lowercase())?;
        let rest = &text.as_bytes()[start..];
        let name = names.iter().find(|name| {
            rest.get(..name.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(name.as_bytes()))
        })?;
        let end = start + name.len();
        text.is_char_boundary(end)
            .then(|| (end, alone(text, start, end)))
    }
}

/// The letters and digits a name starts with, if it starts with one.
fn first_word(name: &str) -> Option<&str> {
    let end = name
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(name.len(), |(at, _)| at);
    (end > 0).then(|| &name[..end])
}

/// Whether `text[start..end]` has no letter or digit right before or right after it.
fn alone(text: &str, start: usize, end: usize) -> bool {
    !text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
        && !text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a scan of every byte for the longest match finds, kept where the name stands alone.
    fn scanned(names: &[String], text: &str) -> Vec<(usize, usize)> {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(names)
            .unwrap()
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .filter(|&(s, e)| alone(text, s, e))
            .collect()
    }

    #[test]
    fn finds_what_a_scan_of_every_byte_finds_between_words() {
        let names: Vec<String> = [
            "St Agnes Academy",
            "St Agnes",
            "Agnes Park",
            "Oak Hill School",
            "Hill",
            "NBA",
            "Zoë Academy",
            "'t Hof",
            "King's College",
        ]
        .map(String::from)
        .to_vec();
        let known = KnownNames::new(&names);
        let words = [
            "St",
            "st",
            "ST",
            "Agnes",
            "AGNES",
            "Academy",
            "Park",
            "Oak",
            "Hill",
            "hill",
            "School",
            "Zoë",
            "ZOË",
            "'t",
            "Hof",
            "nba",
            "NBA",
            "King's",
            "College",
            "Hillside",
            "x",
            "é",
            "2",
            "St Agnes Academy",
            "st agnes ACADEMY",
            "Oak Hill School",
            "Oak Hill",
            "King's College",
            "Zoë Academy",
            "St Agnes Park",
        ];
        let gaps = [
            " ", " ", " ", "  ", ". ", ", ", "-", "'", "\n", "\t", "(", ")",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut matched = 0;
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..next(12) {
                text.push_str(words[next(words.len())]);
                text.push_str(gaps[next(gaps.len())]);
            }
            let mut found = Vec::new();
            known.find(&text, &mut found);
            assert_eq!(found, scanned(&names, &text), "{text:?}");
            matched += found.len();
        }
        assert!(matched > 1_000, "only {matched} names in the texts");
    }
}
