//! Testimony text: neutral, non-graphic accounts assembled from sentence templates.
//!
//! A template is plain text with slots in braces (`{they}`, `{place}`, `{staff}` ...) and may end
//! in ` |tag`: using it adds that tag (or, for `|cw:...`, that content warning). Nothing here
//! names a person, and the only capitalised words after a sentence's first are school names
//! from the registry and "I".

use testimony::model::SchoolKind;

use crate::Rng;
use crate::schools::{Registry, campus};
use crate::words::*;

/// Word counts at the 0/64, 1/64 ... 64/64 quantiles of a log-normal (median 250, σ 0.75) cut
/// to 50–1500 words; a length is drawn between two neighbours. Tabulated once, so that no
/// logarithm or exponential decides the output.
const LENGTH_QUANTILES: [u32; 65] = [
    50, 62, 71, 79, 86, 92, 99, 105, 110, 116, 122, 127, 133, 138, 143, 149, 154, 160, 165, 171,
    176, 182, 188, 194, 200, 206, 212, 218, 224, 231, 238, 245, 252, 259, 267, 274, 282, 291, 300,
    309, 318, 328, 338, 349, 360, 372, 385, 398, 412, 428, 444, 462, 481, 502, 526, 552, 581, 615,
    654, 701, 759, 834, 938, 1106, 1500,
];
const MIN_WORDS: u32 = 50;
const MAX_WORDS: u32 = 1500;
/// Wrap body lines at this many characters, as a volunteer's editor might.
const WRAP: usize = 98;

/// A composed testimony: its body and the front matter that goes with it.
pub struct Testimony {
    pub body: String,
    pub words: u32,
    pub title: Option<&'static str>,
    pub tags: Vec<&'static str>,
    pub warnings: Vec<&'static str>,
    pub period: Option<(i64, i64)>,
}

/// What a testimony's sentences share: who, where, which year.
struct Scene<'a> {
    words: &'static Words,
    theme: usize,
    group: (&'static str, Pronoun),
    year: usize,
    school_names: [Option<&'a str>; 2],
    tags: Vec<&'static str>,
    warnings: Vec<&'static str>,
    /// The feeling and the act last named, so that a second one differs.
    feeling: usize,
    act: usize,
    /// Templates already used, per list, so a long testimony repeats itself as little as it can.
    /// Each entry: the list (by its first template), the templates used, the one used last.
    used: Vec<(&'static str, u64, u64)>,
}

impl Testimony {
    pub fn compose(
        rng: &mut Rng,
        registry: &Registry,
        schools: &[usize],
        published: i64,
    ) -> Testimony {
        let target = draw_length(rng);
        let first = registry.get(schools[0]);
        let words = match first.kind {
            SchoolKind::Primary => &PRIMARY,
            kind if campus(kind) => &CAMPUS,
            _ => &SCHOOL,
        };
        let mention = schools.len() > 1 || rng.percent(40);
        let school_names = [
            mention.then(|| registry.mention(schools[0], rng)),
            schools.get(1).map(|&s| registry.mention(s, rng)),
        ];
        let mut scene = Scene {
            words,
            theme: rng.pick(words.themes),
            group: rng.pick(words.groups),
            // The last year is left for {year2} and for later chapters.
            year: rng.index(words.years.len() - 1),
            school_names,
            tags: Vec::new(),
            warnings: Vec::new(),
            feeling: 0,
            act: 0,
            used: Vec::new(),
        };
        let first_theme = scene.theme;

        let mut body = Body::default();
        let opening = if school_names[1].is_some() {
            OPENING_MOVED
        } else if mention {
            OPENING_AT
        } else {
            OPENING
        };
        body.sentence(scene.fill(rng, opening));
        if target >= 120 || rng.percent(50) {
            body.sentence(scene.fill(rng, OPENING));
        }
        // The end takes about this many words; chapters of episodes fill the rest. A long
        // account moves on in time every few hundred words, often to other people.
        let ending = (target / 5).clamp(20, 90);
        let mut chapter_end = body.words + 150 + rng.below(200) as u32;
        body.paragraph();
        body.sentence(scene.fill(rng, INTRO[scene.theme]));
        while body.words + ending < target {
            if body.words > chapter_end && body.words + ending + 100 < target {
                body.paragraph();
                if scene.year + 2 < words.years.len() {
                    scene.year += 1;
                }
                body.sentence(scene.fill(rng, TRANSITIONS));
                if rng.percent(60) {
                    scene.theme = rng.pick(words.themes);
                    scene.group = rng.pick(words.groups);
                    body.sentence(scene.fill(rng, INTRO[scene.theme]));
                }
                chapter_end = body.words + 150 + rng.below(200) as u32;
            }
            let list = match rng.below(10) {
                0..7 => EPISODE[scene.theme],
                _ => FEELING,
            };
            body.sentence(scene.fill(rng, list));
            if body.line_sentences >= 3 && rng.percent(30) {
                body.paragraph();
            }
        }
        body.paragraph();
        let told = rng.percent(70);
        body.sentence(scene.fill(rng, if told { TELLING } else { NEVER_TOLD }));
        if target >= 150 {
            body.sentence(scene.fill(rng, AFTER));
        }
        let closing_at = mention && rng.percent(40);
        while body.words < target.max(MIN_WORDS) {
            if body.line_sentences >= 3 {
                body.paragraph();
            }
            body.sentence(scene.fill(rng, REFLECTION));
        }
        if target >= 100 || body.words < MIN_WORDS {
            body.paragraph();
            body.sentence(scene.fill(rng, if closing_at { CLOSING_AT } else { CLOSING }));
        }
        body.trim_to(MAX_WORDS);

        if told && rng.percent(60) {
            scene.tags.push("staff-response");
        }
        let mut tags = scene.tags.clone();
        tags.sort_unstable();
        tags.dedup();
        tags.truncate(4);
        if rng.percent(8) {
            tags.clear();
        }
        let mut warnings = scene.warnings.clone();
        for (tag, warning, percent) in [
            ("assault", "unwanted touching", 60),
            ("image-based-abuse", "image-based abuse", 70),
            ("coercion", "coercion", 40),
            ("harassment", "sexual harassment", 10),
        ] {
            if tags.contains(&tag) && rng.percent(percent) {
                warnings.push(warning);
            }
        }
        warnings.sort_unstable();
        warnings.dedup();
        let title = rng.percent(35).then(|| {
            let titles = if rng.percent(60) {
                TITLES[first_theme]
            } else {
                ANY_TITLES
            };
            rng.pick(titles)
        });
        let period = rng.percent(70).then(|| {
            let to = published - [0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10][rng.index(12)];
            (to - [0, 0, 0, 1, 1, 2][rng.index(6)], to)
        });
        Testimony {
            words: body.words,
            body: body.finish(),
            title,
            tags,
            warnings,
            period,
        }
    }
}

fn draw_length(rng: &mut Rng) -> u32 {
    let roll = rng.next_u64();
    let segment = (roll >> 58) as usize; // 64 segments
    let fraction = (roll >> 26) & 0xffff_ffff;
    let (low, high) = (LENGTH_QUANTILES[segment], LENGTH_QUANTILES[segment + 1]);
    low + ((u64::from(high - low) * fraction) >> 32) as u32
}

impl Scene<'_> {
    /// One sentence from `list`, its slots filled, tags noted, first letter capitalised.
    fn fill(&mut self, rng: &mut Rng, list: &'static [&'static str]) -> String {
        let template = self.choose(rng, list);
        let text = self.note(template);
        let mut out = String::with_capacity(text.len() + 40);
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').expect("slots are closed");
            self.slot(rng, &rest[open + 1..close], &mut out);
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        if let Some(first) = out.get(..1) {
            let upper = first.to_ascii_uppercase();
            out.replace_range(..1, &upper);
        }
        out
    }

    /// A template from `list` not used yet in this testimony, while there are any.
    fn choose(&mut self, rng: &mut Rng, list: &'static [&'static str]) -> &'static str {
        // Lists are told apart by their first template: a constant's address may differ between
        // two uses of it, its text may not.
        let key = list[0];
        let slot = match self.used.iter().position(|(k, _, _)| *k == key) {
            Some(i) => i,
            None => {
                self.used.push((key, 0, 0));
                self.used.len() - 1
            }
        };
        let all = if list.len() >= 64 {
            u64::MAX
        } else {
            (1 << list.len()) - 1
        };
        if self.used[slot].1 & all == all {
            // All used: start again, but not with the one just used.
            self.used[slot].1 = self.used[slot].2;
        }
        let mut i = rng.index(list.len());
        while self.used[slot].1 & (1 << i) != 0 {
            i = (i + 1) % list.len();
        }
        self.used[slot].1 |= 1 << i;
        self.used[slot].2 = 1 << i;
        list[i]
    }

    /// The template without its ` |tag` ending, the tag noted.
    fn note(&mut self, template: &'static str) -> &'static str {
        match template.rsplit_once(" |") {
            Some((text, mark)) => {
                match mark.strip_prefix("cw:") {
                    Some(warning) => self.warnings.push(warning),
                    None => self.tags.push(mark),
                }
                text
            }
            None => template,
        }
    }

    fn slot(&mut self, rng: &mut Rng, name: &str, out: &mut String) {
        let pronoun = self.group.1;
        let capital = name.starts_with(|c: char| c.is_ascii_uppercase());
        let start = out.len();
        match name.to_ascii_lowercase().as_str() {
            "group" => out.push_str(self.group.0),
            "they" => out.push_str(match pronoun {
                Pronoun::They => "they",
                Pronoun::He => "he",
                Pronoun::She => "she",
            }),
            "them" => out.push_str(match pronoun {
                Pronoun::They => "them",
                Pronoun::He => "him",
                Pronoun::She => "her",
            }),
            "their" => out.push_str(match pronoun {
                Pronoun::They => "their",
                Pronoun::He => "his",
                Pronoun::She => "her",
            }),
            "place" => {
                let place = rng.pick(self.words.places);
                out.push_str(self.note(place));
            }
            "staff" => out.push_str(rng.pick(self.words.staff)),
            "friend" => out.push_str(rng.pick(self.words.friends)),
            "year" => out.push_str(self.words.years[self.year]),
            "year2" => out.push_str(self.words.years[self.year + 1]),
            "lessons" => out.push_str(self.words.lessons),
            "sanction" => out.push_str(self.words.sanction),
            "where" => out.push_str(self.words.where_),
            "when" => out.push_str(rng.pick(WHEN)),
            "teacher" => out.push_str(self.words.teacher),
            "react" => out.push_str(rng.pick(REACTIONS)),
            "act" => {
                let acts = ACTS[self.theme];
                self.act = rng.index(acts.len());
                out.push_str(acts[self.act]);
            }
            // Another act than the one just named.
            "act2" => {
                let acts = ACTS[self.theme];
                let other = self.act + 1 + rng.index(acts.len() - 1);
                out.push_str(acts[other % acts.len()]);
            }
            "comment" => out.push_str(rng.pick(self.words.comments)),
            "feeling" => {
                self.feeling = rng.index(FEELINGS.len());
                out.push_str(FEELINGS[self.feeling]);
            }
            // Another feeling than the one just named.
            "feeling2" => {
                let other = self.feeling + 1 + rng.index(FEELINGS.len() - 1);
                out.push_str(FEELINGS[other % FEELINGS.len()]);
            }
            "response" => {
                let response = self.note(rng.pick(RESPONSES));
                // A response may itself speak of {them}.
                let them = match pronoun {
                    Pronoun::They => "them",
                    Pronoun::He => "him",
                    Pronoun::She => "her",
                };
                out.push_str(&response.replace("{them}", them));
            }
            // School names stay on one line: spaces become NUL until the body is wrapped.
            "school" | "school2" => {
                let which = usize::from(name == "school2");
                let school = self.school_names[which]
                    .expect("a template names a school only when there is one");
                out.extend(school.chars().map(|c| if c == ' ' { '\0' } else { c }));
            }
            other => panic!("unknown slot {{{other}}}"),
        }
        if capital && let Some(first) = out.get(start..start + 1) {
            let upper = first.to_ascii_uppercase();
            out.replace_range(start..start + 1, &upper);
        }
    }
}

/// A body being written: paragraphs of sentences, counted in words.
#[derive(Default)]
struct Body {
    paragraphs: Vec<Vec<String>>,
    words: u32,
    line_sentences: usize,
}

impl Body {
    fn sentence(&mut self, sentence: String) {
        if self.paragraphs.is_empty() {
            self.paragraphs.push(Vec::new());
        }
        self.words += count_words(&sentence);
        self.line_sentences += 1;
        self.paragraphs
            .last_mut()
            .expect("there is a paragraph")
            .push(sentence);
    }

    fn paragraph(&mut self) {
        if self.paragraphs.last().is_some_and(|p| !p.is_empty()) {
            self.paragraphs.push(Vec::new());
            self.line_sentences = 0;
        }
    }

    /// Drops sentences from the middle (the episodes) until at most `most` words remain.
    fn trim_to(&mut self, most: u32) {
        while self.words > most {
            let middle = self.paragraphs.len() / 2;
            let paragraph = (middle..self.paragraphs.len())
                .chain(0..middle)
                .find(|&i| self.paragraphs[i].len() > 1)
                .expect("a long body has a paragraph of several sentences");
            let dropped = self.paragraphs[paragraph].pop().expect("not empty");
            self.words -= count_words(&dropped);
        }
    }

    /// The Markdown text: paragraphs wrapped at `WRAP` characters, school names kept whole.
    fn finish(self) -> String {
        let mut out = String::with_capacity(self.words as usize * 7);
        for (i, paragraph) in self.paragraphs.iter().filter(|p| !p.is_empty()).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let mut line = 0;
            for word in paragraph.iter().flat_map(|s| s.split(' ')) {
                let len = word.chars().count();
                if line > 0 && line + 1 + len > WRAP {
                    out.push('\n');
                    line = 0;
                } else if line > 0 {
                    out.push(' ');
                    line += 1;
                }
                out.extend(word.chars().map(|c| if c == '\0' { ' ' } else { c }));
                line += len;
            }
            out.push('\n');
        }
        out
    }
}

fn count_words(sentence: &str) -> u32 {
    sentence
        .split([' ', '\0'])
        .filter(|w| !w.is_empty())
        .count() as u32
}

/// A moderator's note for a testimony of this status, if it has one.
pub fn moderation_notes(status: &str, rng: &mut Rng) -> Option<&'static str> {
    let notes: &[&str] = match status {
        "pending" => &[
            "Waiting for a second reader.",
            "Needs a check that no one can be identified.",
            "Held until the author confirms the school.",
            "Read once, looks fine, second read due.",
        ],
        "rejected" => &[
            "Not about a school, college or university.",
            "Duplicate of an earlier submission.",
            "Could identify a member of staff, and the author did not reply.",
            "Submitted twice by mistake.",
        ],
        "withdrawn" => &[
            "Withdrawn at the author's request.",
            "The author asked for this to be taken down.",
        ],
        _ if rng.percent(15) => &[
            "Edited to remove a place name.",
            "Edited to remove a year group.",
            "Read by two moderators.",
        ],
        _ => return None,
    };
    Some(rng.pick(notes))
}
