//! The identifying-details lint (DESIGN.md §2 item 5, "No one identifiable").
//!
//! Finds what could identify a person in a testimony's Markdown body, so that a moderator can
//! edit it out: e-mail addresses, phone numbers, social media handles, profile links, other web
//! addresses, UK postcodes, people's names and titled names ("Mr Pemberton").
//!
//! Patterns find the first six kinds. Names come from the word lists in `names.txt` plus
//! capitalisation: a title followed by a word is a titled name; a known given name followed by
//! capitalised words is a full name, and alone it is a name unless it is also an ordinary word at
//! the start of a sentence ("Will", "Grace"); a known surname is a name, alone or after any
//! capitalised word. Registered school names (`known_names`), months, days, places and ordinary
//! sentence-start capitals never count. Each text is scanned once per pattern and once word by
//! word, so checking takes time in proportion to its length.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
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
    known: Option<AhoCorasick>,
    /// Every word of `names.txt`, lower case, with what it is (the flags below).
    vocab: HashMap<String, u32, BuildHasherDefault<Fnv>>,
    email: Regex,
    spelled_email: Regex,
    /// Something every spelled-out address has ("[at]", " dot "), to skip most texts quickly.
    spelled_hint: AhoCorasick,
    url: Regex,
    phone: Regex,
    postcode: Regex,
    /// The first letters of titles (see `initial`), to skip most words without a look-up.
    title_initials: u32,
    /// The four ways of giving a handle; only the second ("his snap was name") may run on.
    handles: Regex,
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
const WORDS: &str = include_str!("names.txt");
const SURNAME_ENDINGS: &str = "ski ska wicz czyk enko ović ovic escu poulos sson son sen";

const EMAIL: &str =
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}";
const SPELLED_EMAIL: &str = r"(?i)(?-u:\b)[a-z0-9][a-z0-9._+\-]*[ \t]*(?:\[at\]|\(at\)|\{at\})[ \t]*[a-z0-9\-]+[ \t]*(?:\[dot\]|\(dot\)|\{dot\}|\.|[ \t]dot[ \t])[ \t]*(?:com|org|net|co\.uk|ac\.uk)(?-u:\b)|(?-u:\b)[a-z0-9][a-z0-9._+\-]*[ \t]+at[ \t]+[a-z0-9\-]+[ \t]+dot[ \t]+(?:com|org|net|co[ \t]+dot[ \t]+uk)(?-u:\b)";
const URL: &str = r#"(?i)(?:https?://|www\.)[^\s<>()\[\]{}"'`|\\^]+|(?-u:\b)(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:com|org|net|edu|gov|uk|io|info|biz|ly|tv|app|dev|xyz|ie|eu|de|fr|es|nl|pl|ca|au|nz|ng|za|gh|ke|pk|online|site|blog|page|link|shop|store|gg|social)(?-u:\b)(?:/[^\s<>()\[\]{}"'`|\\^]*)?"#;
const PHONE: &str = r"(?:\+[ \t]?[0-9]|\([ \t]?0[0-9]|(?-u:\b)0[0-9])[0-9 \t().\-]{6,30}";
const POSTCODE: &str = r"(?i)(?-u:\b)([a-z]{1,2})([0-9][a-z0-9]?)[ \t]?([0-9][a-z]{2})(?-u:\b)";
const PLATFORMS: &str = "snapchat|snap|sc|instagram|insta|ig|tiktok|tik[ \\t]?tok|twitter|discord|\
    facebook|fb|whatsapp|kik|telegram|threads|twitch|reddit|youtube|yt|bereal|x";
/// What may stand between a platform and a handle: "snap name: ...", "insta username is ...".
const LABEL: &str = r"(?:[ \t]+(?:name|user[ \t]?name|handle|account|id|tag|@))?";
/// The ways of giving a handle, each with the handle as its one group.
const HANDLE_FORMS: [&str; 4] = [
    // "snap: name", "insta = name", "discord: name#1234"
    r"{platform}{label}[ \t]*[:=][ \t]*@?([a-z0-9_.]{2,30}(?:#[0-9]{4})?)",
    // "his snap was name", "my insta username is name"
    r"(?:his|her|my|their|your|its)[ \t]+{platform}{label}[ \t]+(?:was|is|were|=|-)[ \t]+@?([a-z0-9_.]{2,30})",
    // "add me on snapchat name", "follow him on tiktok: name"
    r"(?:add|added|adding|follow|followed|find|found|search|searched|dm|message|messaged)[ \t]+(?:(?:me|him|her|them|us|you|each[ \t]+other)[ \t]+)?on[ \t]+{platform}(?:[ \t]*[:\-][ \t]*|[ \t]+(?:(?:at|as)[ \t]+)?)@?([a-z0-9_.]{2,30})",
    // "an account called name"
    r"(?:account|profile|page|user[ \t]?name|handle|alias)[ \t]+(?:(?:was|is)[ \t]+)?(?:called|named)[ \t]+@?([a-z0-9_.]{2,30})",
];

impl Lint {
    /// Builds the lint. `known_names` are never a person's name: registered school names,
    /// aliases, former names, the site title and the like.
    pub fn new(known_names: impl IntoIterator<Item = impl AsRef<str>>) -> Lint {
        let known: Vec<String> = known_names
            .into_iter()
            .map(|n| n.as_ref().trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let literals = |kind, words: &[String]| {
            let mut builder = AhoCorasickBuilder::new();
            builder.ascii_case_insensitive(true).match_kind(kind);
            builder
                .build(words)
                .expect("a list of literals always builds")
        };
        let handles = HANDLE_FORMS.map(|form| {
            let form = form.replace("{platform}", &format!("(?:{PLATFORMS})"));
            format!(r"(?-u:\b){}", form.replace("{label}", LABEL))
        });
        let mut lint = Lint {
            known: (!known.is_empty()).then(|| literals(MatchKind::LeftmostLongest, &known)),
            vocab: HashMap::default(),
            title_initials: 0,
            email: re(EMAIL),
            spelled_email: re(SPELLED_EMAIL),
            spelled_hint: literals(
                MatchKind::Standard,
                &["at]", "at)", "at}", " dot "].map(String::from),
            ),
            url: re(URL),
            phone: re(PHONE),
            postcode: re(POSTCODE),
            handles: re(&format!("(?i){}", handles.join("|"))),
        };
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
                if section & (TITLE | CAPITAL_TITLE) != 0 {
                    lint.title_initials |= initial(word);
                }
            }
        }
        lint
    }

    /// All findings in `text` (a Markdown body), in order of position. A finding whose matched
    /// text contains, ignoring case, any non-blank entry of `allow` is left out.
    pub fn check(&self, text: &str, allow: &[String]) -> Vec<Finding> {
        let mut found = Spans::default();
        for m in self.email.find_iter(text) {
            found.add(m.start(), m.end(), FindingKind::Email);
        }
        if self.spelled_hint.is_match(text) {
            for m in self.spelled_email.find_iter(text) {
                found.add(m.start(), m.end(), FindingKind::Email);
            }
        }
        self.find_urls(text, &mut found);
        self.find_handles(text, &mut found);
        self.find_phones(text, &mut found);
        self.find_postcodes(text, &mut found);
        self.find_names(text, &mut found);

        let allow: Vec<String> = allow.iter().map(|a| a.trim().to_lowercase()).collect();
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

    fn find_urls(&self, text: &str, found: &mut Spans) {
        // Every web address has a dot right before a letter ("example.com", "www.").
        if !pair(text, |a, b| a == b'.' && b.is_ascii_alphabetic()) {
            return;
        }
        for m in self.url.find_iter(text) {
            let url = m
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '\'', '"']);
            let lower = url.to_ascii_lowercase();
            let schemed = ["http://", "https://", "www."]
                .iter()
                .any(|p| lower.starts_with(p));
            let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
            let (host, path) = rest.split_once(['/', '?', '#']).unwrap_or((rest, ""));
            let host = host.split(':').next().unwrap_or(host);
            let host = ["www.", "m.", "mobile.", "uk."]
                .iter()
                .fold(host, |h, p| h.strip_prefix(p).unwrap_or(h));
            // "school.Info" is a missing space, not a web address.
            let tld = url
                .split(['/', '?', '#'])
                .next()
                .and_then(|h| h.rsplit('.').next());
            let tld = tld.unwrap_or("");
            if !schemed
                && tld.chars().any(char::is_uppercase)
                && tld.chars().any(char::is_lowercase)
            {
                continue;
            }
            let mut parents = std::iter::successors(Some(host), |h| h.split_once('.').map(|p| p.1));
            let kind = match parents.find(|h| self.is(h, PROFILE_SITE)) {
                // A subdomain of a profile site is a profile ("name.tumblr.com").
                Some(site) if site.len() < host.len() => FindingKind::ProfileUrl,
                Some(_) if path.trim_matches('/').is_empty() => continue,
                Some(_) => FindingKind::ProfileUrl,
                None => FindingKind::Domain,
            };
            found.add(m.start(), m.start() + url.len(), kind);
        }
    }

    fn find_handles(&self, text: &str, found: &mut Spans) {
        for (at, _) in text.match_indices('@') {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || "_.@/\\".contains(c)) {
                continue;
            }
            let handle = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.';
            let len = text[at + 1..].bytes().take_while(handle).count();
            let name = text[at + 1..at + 1 + len].trim_end_matches('.');
            let mention = ["everyone", "here", "channel", "all"].contains(&name);
            if name.len() >= 2
                && name.bytes().any(|b| b.is_ascii_alphabetic())
                && !is_time(name)
                && !mention
            {
                found.add(at, at + 1 + name.len(), FindingKind::SocialHandle);
            }
        }
        for caps in self.handles.captures_iter(text) {
            let Some((group, m)) = (1..=4).find_map(|g| caps.get(g).map(|m| (g, m))) else {
                continue;
            };
            let name = m.as_str().trim_end_matches('.');
            if self.handle_ok(name, &text[m.start() + name.len()..], group != 2) {
                let start = m.start() - usize::from(text[..m.start()].ends_with('@'));
                found.add(start, m.start() + name.len(), FindingKind::SocialHandle);
            }
        }
    }

    /// Whether the word after "snap:", "his insta was", "add me on tiktok"... is a handle.
    fn handle_ok(&self, name: &str, after: &str, no_run_on: bool) -> bool {
        if name.len() < 2 || !name.bytes().any(|b| b.is_ascii_alphabetic()) || is_time(name) {
            return false;
        }
        if name
            .bytes()
            .any(|b| b.is_ascii_digit() || b == b'_' || b == b'.')
        {
            return true;
        }
        let word = name.to_ascii_lowercase();
        if self.is(&word, NOT_NAME) || word.ends_with("ly") || word.ends_with("ing") {
            return false;
        }
        // "on Snapchat: loads of messages" runs on into a sentence; "snap: jaketurner" does not.
        let next = after.trim_start_matches([' ', '\t']).chars().next();
        !(no_run_on && next.is_some_and(char::is_lowercase))
    }

    fn find_phones(&self, text: &str, found: &mut Spans) {
        let mut from = 0;
        while let Some(m) = self.phone.find_at(text, from) {
            let before = text[..m.start()].chars().next_back();
            let glued = before.is_some_and(|c| c.is_alphanumeric() || "/._-=#£$€".contains(c));
            match phone_len(m.as_str()).filter(|_| !glued) {
                Some(len) => {
                    // "(07700 900111, ...": an opening bracket without its closing one is prose.
                    let open = m.as_str().starts_with('(') && !m.as_str()[..len].contains(')');
                    found.add(
                        m.start() + usize::from(open),
                        m.start() + len,
                        FindingKind::Phone,
                    );
                    from = m.start() + len;
                }
                None => from = m.start() + 1, // it starts with an ASCII "+", "(" or "0"
            }
        }
    }

    fn find_postcodes(&self, text: &str, found: &mut Spans) {
        // Every postcode has a letter right before a digit ("SW1A", "M1").
        if !pair(text, |a, b| a.is_ascii_alphabetic() && b.is_ascii_digit()) {
            return;
        }
        for caps in self.postcode.captures_iter(text) {
            let (Some(all), Some(area), Some(district), Some(inward)) =
                (caps.get(0), caps.get(1), caps.get(2), caps.get(3))
            else {
                continue;
            };
            let letters = &inward.as_str()[1..];
            let bad_letter = letters
                .to_ascii_uppercase()
                .contains(['C', 'I', 'K', 'M', 'O', 'V']);
            // "Room B12 3rd": an ordinal in lower case after a capitalised code is not a postcode.
            let capitalised = area
                .as_str()
                .chars()
                .chain(district.as_str().chars())
                .any(|c| c.is_ascii_uppercase());
            let ordinal = capitalised && ["st", "nd", "rd", "th"].contains(&letters);
            if self.is(&area.as_str().to_ascii_lowercase(), AREA) && !bad_letter && !ordinal {
                found.add(all.start(), all.end(), FindingKind::Postcode);
            }
        }
    }

    fn find_names(&self, text: &str, found: &mut Spans) {
        // Words inside a finding so far or inside a registered name are never a person's name.
        let mut masks: Vec<(usize, usize)> = found.0.iter().map(|(s, (e, _))| (*s, *e)).collect();
        if let Some(ac) = &self.known {
            let alone = |(s, e): &(usize, usize)| {
                !text[..*s]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
                    && !text[*e..].chars().next().is_some_and(char::is_alphanumeric)
            };
            masks.extend(
                ac.find_iter(text)
                    .map(|m| (m.start(), m.end()))
                    .filter(alone),
            );
            masks.sort_unstable();
        }
        let mut mask = masks.iter().peekable();
        let (mut sentence_start, mut offset, mut toks) = (true, 0, Vec::new());
        for raw in text.split('\n') {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            tokenize(line, offset, sentence_start, &mut toks);
            for t in &mut toks {
                while mask.next_if(|m| m.1 <= t.start).is_some() {}
                t.masked = mask.peek().is_some_and(|m| m.0 < t.end);
            }
            self.names_in_line(text, &toks, found);
            let last = line
                .trim_end()
                .trim_end_matches(['"', '\'', '”', '’', ')', '*', '_']);
            sentence_start = last.is_empty()
                || line.trim_start().starts_with('#')
                || last.ends_with(['.', '!', '?', ':', '…']);
            offset += raw.len() + 1;
        }
    }

    fn names_in_line(&self, text: &str, toks: &[Tok], found: &mut Spans) {
        let word = |t: &Tok| text[t.start..t.core].to_lowercase();
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            if t.masked || !t.plain {
                i += 1;
                continue;
            }
            if let Some(end) = self.titled(text, toks, i) {
                found.add(t.start, toks[end].core, FindingKind::TitledName);
                i = end + 1;
                continue;
            }
            if !t.capital {
                // "then jake said": a given name that is no ordinary word, even in lower case.
                let w = &text[t.start..t.core];
                if w.len() >= 3 && self.flags(w) & (GIVEN | CAPS_ONLY | NOT_NAME) == GIVEN {
                    found.add(t.start, t.core, FindingKind::PersonName);
                }
                i += 1;
                continue;
            }
            // A run of capitalised words with only spaces between them.
            let mut end = i + 1;
            while toks
                .get(end)
                .is_some_and(|n| n.joined && n.capital && !n.masked && !self.title_at(text, n))
            {
                end += 1;
            }
            // "a Jack Wills hoodie", "the Holly Lodge": after an article it is a thing.
            let article = i > 0 && matches!(word(&toks[i - 1]).as_str(), "a" | "an" | "the");
            let words: Vec<String> = toks[i..end].iter().map(word).collect();
            // Up to a place word the run is a place ("Jake Street"), and after a prefix ("St John").
            let from = words
                .iter()
                .rposition(|w| self.is(w, PLACE_WORD))
                .map_or(0, |p| p + 1);
            let to = words
                .iter()
                .position(|w| self.is(w, PREFIX))
                .unwrap_or(words.len());
            if !article {
                self.names_in_run(
                    &toks[i..end],
                    i > 0 && self.is(&word(&toks[i - 1]), PLACE_CUE),
                    &words,
                    from..to,
                    found,
                );
            }
            i = end;
        }
    }

    /// Names in a run of capitalised words, between `range` (a place or prefix may cut it).
    fn names_in_run(
        &self,
        run: &[Tok],
        cue: bool,
        words: &[String],
        range: std::ops::Range<usize>,
        found: &mut Spans,
    ) {
        let mut p = range.start;
        while p < range.end {
            let t = &run[p];
            let flags = self.given_flags(&words[p]);
            // "in Chelsea" is a place; "Chelsea said" is a person.
            let cued = if p == 0 {
                cue
            } else {
                self.is(&words[p - 1], PLACE_CUE)
            };
            let place = flags & PLACE_NAME != 0 && cued;
            if flags & GIVEN != 0 && !t.acronym && !place {
                let mut q = p + 1;
                while q < range.end
                    && q - p < 3
                    && !run[q - 1].possessive
                    && self.nameish(&run[q], &words[q])
                {
                    q += 1;
                    // An initial ends a name ("Jake T"), except the Irish "Ó".
                    if run[q - 1].len_chars == 1 && words[q - 1] != "ó" {
                        break;
                    }
                }
                if q > p + 1 {
                    if !self.is(&words[p..q].join(" "), FICTION) {
                        found.add(t.start, run[q - 1].core, FindingKind::PersonName);
                    }
                    p = q;
                    continue;
                }
                // "Henry VIII" is a king; "Will you" opens a question, "Will said" does not.
                let regnal = words
                    .get(p + 1)
                    .is_some_and(|w| w.chars().all(|c| matches!(c, 'i' | 'v' | 'x')));
                let ordinary_word = flags & NOT_AT_START != 0 && t.sentence && !t.possessive;
                if !ordinary_word && !regnal {
                    found.add(t.start, t.core, FindingKind::PersonName);
                }
            } else if p + 1 < range.end
                && self.nameish(t, &words[p])
                && !t.possessive
                && self.surnamish(&run[p + 1], &words[p + 1])
            {
                found.add(t.start, run[p + 1].core, FindingKind::PersonName);
                p += 1;
            } else if t.plain && !t.acronym && self.is(&words[p], SURNAME) {
                found.add(t.start, t.core, FindingKind::PersonName);
            }
            p += 1;
        }
    }

    /// The flags of a word, or of the first part of a hyphenated given name ("Mary-Jane").
    fn given_flags(&self, word: &str) -> u32 {
        match self.flags(word) {
            0 => word
                .split_once('-')
                .map_or(0, |(first, _)| self.flags(first) & !SURNAME),
            flags => flags,
        }
    }

    /// A capitalised word that can continue a name: not a sentence word, month, place word...
    fn nameish(&self, t: &Tok, word: &str) -> bool {
        t.capital
            && t.plain
            && (!t.acronym || t.len_chars == 1)
            && !self.is(word, NOT_NAME | PLACE_WORD | PREFIX)
            && !matches!(word, "i" | "a")
    }

    /// A word that is a surname by list or by form ("McKay", "O'Hara", "Nowakowski").
    fn surnamish(&self, t: &Tok, word: &str) -> bool {
        let prefixed = ["mc", "mac", "o'", "o’"]
            .iter()
            .any(|p| word.starts_with(p))
            && t.inner_capital;
        let ending = SURNAME_ENDINGS.split(' ').any(|e| word.ends_with(e)) && t.len_chars >= 6;
        self.nameish(t, word) && !t.acronym && (self.is(word, SURNAME) || prefixed || ending)
    }

    fn title_at(&self, text: &str, t: &Tok) -> bool {
        let w = &text[t.start..t.end];
        if w.len() > 12 || !t.plain || self.title_initials & initial(w) == 0 {
            return false;
        }
        let flags = self.flags(&w.to_lowercase());
        flags & TITLE != 0 || flags & CAPITAL_TITLE != 0 && t.capital && !t.acronym
    }

    /// If a title starts at token `i`, the index of the last word of the titled name.
    fn titled(&self, text: &str, toks: &[Tok], i: usize) -> Option<usize> {
        let t = &toks[i];
        if !self.title_at(text, t) {
            return None;
        }
        let w = &text[t.start..t.end];
        let next = toks.get(i + 1).filter(|n| !n.masked && n.plain)?;
        let gap = &text[t.end..next.start];
        let spaces = |g: &str| g.bytes().all(|b| b == b' ' || b == b'\t');
        let gap_ok = gap
            .strip_prefix('.')
            .map_or(!gap.is_empty() && spaces(gap), spaces);
        let name = text[next.start..next.core].to_lowercase();
        if !gap_ok || self.is(&format!("{} {name}", w.to_lowercase()), NOT_TITLED) {
            return None;
        }
        let named = if t.acronym {
            next.acronym // "MR HARGREAVES", but not "MS Teams"
        } else if next.capital {
            !matches!(name.as_str(), "i" | "i'm" | "i'd" | "i've" | "i'll")
        } else {
            self.is(&w.to_lowercase(), TITLE) && !self.is(&name, NOT_NAME)
        };
        // "Mr John Smith", "Dr Anand Mistry": a given name or surname after it belongs to it.
        let more = toks.get(i + 2).is_some_and(|a| {
            let surname = text[a.start..a.core].to_lowercase();
            a.joined
                && !a.masked
                && !next.possessive
                && self.nameish(a, &surname)
                && (self.given_flags(&name) & GIVEN != 0 || self.surnamish(a, &surname))
        });
        named.then_some(i + 1 + usize::from(more))
    }
}

/// A bit for the first letter of a word: a to z, or any other.
fn initial(word: &str) -> u32 {
    match word.as_bytes().first().map(u8::to_ascii_lowercase) {
        Some(b @ b'a'..=b'z') => 1 << (b - b'a'),
        _ => 1 << 26,
    }
}

/// Whether two bytes side by side in `text` pass `test`: a quick look before a regex search.
fn pair(text: &str, test: impl Fn(u8, u8) -> bool) -> bool {
    text.as_bytes().windows(2).any(|w| test(w[0], w[1]))
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the lint's patterns are valid")
}

/// "3pm", "10.30am", "9am": a time, not a handle.
fn is_time(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let digits = lower.trim_end_matches("am").trim_end_matches("pm");
    digits.len() < lower.len()
        && !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b':')
}

/// The length in bytes of the phone number at the start of `cand`, if there is one: the longest
/// run of digit groups that is a UK number (01, 02, 05 or 07 and 10 or 11 digits) or an
/// international one (+ or 00 and 8 to 15 digits). Helplines (0800, 0808, 03...) are not people.
fn phone_len(cand: &str) -> Option<usize> {
    let (mut digits, mut cuts, mut first_group, mut seps) = (String::new(), Vec::new(), 0, 0);
    for (i, c) in cand.char_indices() {
        if c.is_ascii_digit() {
            digits.push(c);
            seps = 0;
            first_group += usize::from(cuts.is_empty());
            if !cand[i + 1..].starts_with(|n: char| n.is_ascii_digit()) {
                cuts.push((i + 1, digits.len()));
            }
        } else {
            seps += 1;
            if seps > 2 || (c == '+' && i > 0) {
                break;
            }
        }
    }
    let intl = |d: &str| {
        let uk = d
            .strip_prefix("44")
            .map(|n| n.strip_prefix('0').unwrap_or(n));
        (8..=15).contains(&d.len())
            && !d.starts_with('0')
            && uk.is_none_or(|n| (9..=10).contains(&n.len()) && n.starts_with(['1', '2', '5', '7']))
    };
    let valid = |d: &str| match d.strip_prefix("00") {
        _ if cand.starts_with('+') => intl(d),
        Some(rest) => intl(rest),
        None => {
            (10..=11).contains(&d.len())
                && ["01", "02", "05", "07"].iter().any(|p| d.starts_with(p))
                && (first_group >= 3 || cand.starts_with('('))
        }
    };
    cuts.iter()
        .rev()
        .find(|(_, n)| valid(&digits[..*n]))
        .map(|(end, _)| *end)
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

/// A word of a line, with byte offsets into the whole text.
#[derive(Debug, Default)]
struct Tok {
    start: usize,
    end: usize,
    /// End of the word without a possessive "'s".
    core: usize,
    possessive: bool,
    /// First letter upper case.
    capital: bool,
    /// All letters upper case, two or more ("PE", "DSL").
    acronym: bool,
    /// An upper-case letter after the first ("McKay", "O'Brien").
    inner_capital: bool,
    /// Letters, apostrophes and hyphens only.
    plain: bool,
    /// Only spaces or tabs between this word and the one before.
    joined: bool,
    /// First word of a sentence, a Markdown block, or a quotation.
    sentence: bool,
    masked: bool,
    len_chars: usize,
}

/// Splits a line into words: letters, digits and "_", joined by inner apostrophes and hyphens.
fn tokenize(line: &str, offset: usize, line_starts_sentence: bool, toks: &mut Vec<Tok>) {
    toks.clear();
    let lead = line.trim_start();
    let numbered = lead
        .split_once(['.', ')'])
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let starts =
        line_starts_sentence || numbered || lead.starts_with(['#', '>', '-', '*', '+', '|']);
    let at = |i: usize| match line.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => line[i..].chars().next(),
        None => None,
    };
    let in_word = |c: char| c.is_alphanumeric() || c == '_';
    let (mut i, mut prev_end) = (0, 0);
    while let Some(c) = at(i) {
        i += c.len_utf8();
        if !in_word(c) {
            continue;
        }
        let s = i - c.len_utf8();
        while let Some(c) = at(i) {
            let joins = matches!(c, '\'' | '’' | '-')
                && at(i + c.len_utf8()).is_some_and(char::is_alphanumeric);
            if !in_word(c) && !joins {
                break;
            }
            i += c.len_utf8();
        }
        toks.push(word(
            line,
            offset,
            (prev_end, s, i),
            starts && toks.is_empty(),
        ));
        prev_end = i;
    }
}

/// The word `line[s..e]`, after the gap `line[prev_end..s]`.
fn word(
    line: &str,
    offset: usize,
    (prev_end, s, e): (usize, usize, usize),
    line_start: bool,
) -> Tok {
    let w = &line[s..e];
    let core = ["'s", "’s", "'S", "’S"]
        .iter()
        .find_map(|p| w.strip_suffix(p).filter(|c| !c.is_empty()))
        .unwrap_or(w);
    let gap = &line[prev_end..s];
    let opening_quote = gap.ends_with(['"', '\'']);
    let mut t = Tok {
        start: offset + s,
        end: offset + e,
        core: offset + s + core.len(),
        possessive: core.len() < w.len(),
        joined: prev_end > 0 && !gap.is_empty() && gap.bytes().all(|b| b == b' ' || b == b'\t'),
        sentence: line_start
            || opening_quote
            || gap.contains(['.', '!', '?', ':', '…', '“', '‘', '«']),
        ..Tok::default()
    };
    let mut upper = true;
    t.plain = true;
    if let Some(b) = core.is_ascii().then_some(core.as_bytes()) {
        t.capital = b[0].is_ascii_uppercase();
        t.inner_capital = b[1..].iter().any(u8::is_ascii_uppercase);
        t.plain = b
            .iter()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, b'\'' | b'-'));
        (t.len_chars, t.acronym) = (
            b.len(),
            b.len() >= 2 && !b.iter().any(u8::is_ascii_lowercase),
        );
        return t;
    }
    for (i, c) in core.chars().enumerate() {
        let is_upper = c.is_uppercase();
        t.capital |= i == 0 && is_upper;
        t.inner_capital |= i > 0 && is_upper;
        upper &= is_upper || !c.is_alphabetic();
        t.plain &= c.is_alphabetic() || matches!(c, '\'' | '’' | '-');
        t.len_chars = i + 1;
    }
    t.acronym = t.len_chars >= 2 && upper;
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/lint/labelled.txt");

    type Expected = (FindingKind, Option<(usize, usize)>, String);

    fn expected(entry: &str) -> Expected {
        let (head, matched) = entry.split_once(": ").expect("an entry is `kind: matched`");
        let (kind, position) = match head.split_once('@') {
            Some((kind, at)) => {
                let (l, c) = at.split_once(':').expect("a position is LINE:COLUMN");
                (kind, Some((l.parse().unwrap(), c.parse().unwrap())))
            }
            None => (head, None),
        };
        let kind = match kind {
            "email" => FindingKind::Email,
            "phone" => FindingKind::Phone,
            "handle" => FindingKind::SocialHandle,
            "profile" => FindingKind::ProfileUrl,
            "domain" => FindingKind::Domain,
            "postcode" => FindingKind::Postcode,
            "name" => FindingKind::PersonName,
            "titled" => FindingKind::TitledName,
            other => panic!("unknown kind `{other}` in the fixture"),
        };
        (kind, position, matched.to_string())
    }

    fn same(f: &Finding, (kind, position, matched): &Expected) -> bool {
        f.kind == *kind
            && f.matched == *matched
            && position.is_none_or(|(l, c)| (f.line, f.column) == (l, c))
    }

    /// The finding's line and column point at its matched text.
    fn assert_positions(text: &str, findings: &[Finding]) {
        for f in findings {
            let line = text.split('\n').nth(f.line - 1).expect("line in range");
            let from: String = line.chars().skip(f.column - 1).collect();
            assert!(
                from.starts_with(&f.matched),
                "{f:?} does not point at its text in {text:?}"
            );
        }
    }

    #[test]
    fn labelled_fixture() {
        let mut known: Vec<&str> = Vec::new();
        let mut cases = Vec::new();
        for (n, line) in FIXTURE.lines().enumerate() {
            if let Some(names) = line.strip_prefix("@known:") {
                known = names.split('|').map(str::trim).collect();
            } else if !line.trim().is_empty() && !line.starts_with('#') {
                let (text, expect) = line.rsplit_once(" ||").expect("a case is `TEXT || ...`");
                let expect: Vec<Expected> = expect
                    .split(";;")
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(expected)
                    .collect();
                cases.push((n + 1, text.replace("\\n", "\n"), expect));
            }
        }
        let lint = Lint::new(&known);
        let (mut wanted, mut hits, mut negatives, mut alarms, mut extras) = (0, 0, 0, 0, 0);
        for (n, text, expect) in &cases {
            let got = lint.check(text, &[]);
            assert_positions(text, &got);
            if expect.is_empty() {
                negatives += 1;
                if !got.is_empty() {
                    alarms += 1;
                    println!("false alarm, fixture line {n}: {got:?}");
                }
                continue;
            }
            for e in expect {
                wanted += 1;
                if got.iter().any(|f| same(f, e)) {
                    hits += 1;
                } else {
                    println!("missed, fixture line {n}: {e:?}; found {got:?}");
                }
            }
            for f in got.iter().filter(|f| !expect.iter().any(|e| same(f, e))) {
                extras += 1;
                println!("unexpected, fixture line {n}: {f:?}");
            }
        }
        let recall = f64::from(hits) / f64::from(wanted);
        let false_alarms = f64::from(alarms) / f64::from(negatives);
        println!(
            "{} cases: recall {recall:.3} ({hits}/{wanted}); false alarms {:.1}% ({alarms}/{negatives} \
             negative lines); {extras} unexpected findings on positive lines",
            cases.len(),
            false_alarms * 100.0
        );
        assert!(
            cases.len() >= 150 && negatives >= 60,
            "the fixture is too small"
        );
        assert!(recall >= 0.95, "recall {recall:.3} is below 0.95");
        assert!(
            false_alarms <= 0.02,
            "false alarms {false_alarms:.3} above 2% of negatives"
        );
    }

    #[test]
    fn allow_list_drops_accepted_findings() {
        let lint = Lint::new(["Northbridge Academy"]);
        let text = "Call support.example.org or 07700 900123.";
        assert_eq!(lint.check(text, &[]).len(), 2);
        let allow = vec!["SUPPORT.example.org".to_string(), "  ".to_string()];
        let left = lint.check(text, &allow);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].kind, FindingKind::Phone);
    }

    #[test]
    fn positions_count_characters_and_lines() {
        let lint = Lint::new(Vec::<String>::new());
        let text = "Première ligne.\r\n“Ça va,” dit Zoë à Mr Pemberton.\n\n\tjake@example.com";
        let got = lint.check(text, &[]);
        let at: Vec<_> = got
            .iter()
            .map(|f| (f.kind, f.line, f.column, f.matched.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (FindingKind::PersonName, 2, 14, "Zoë"),
                (FindingKind::TitledName, 2, 20, "Mr Pemberton"),
                (FindingKind::Email, 4, 2, "jake@example.com"),
            ]
        );
    }

    #[test]
    fn every_kind_has_words() {
        use FindingKind::*;
        let kinds = [
            Email,
            Phone,
            SocialHandle,
            ProfileUrl,
            Domain,
            Postcode,
            PersonName,
        ];
        for kind in kinds.into_iter().chain([TitledName]) {
            assert!(!kind.label().is_empty() && !kind.advice().is_empty());
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let lint = Lint::new(["", "  ", "Zoë Academy", "NBA"]);
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet: Vec<char> =
            "aZ0 9@.:+-()'’_\n\r\t#*>ßÉë€😀\u{301}\u{200b}\u{202e}MrsJakeTurner07700SW1A1AAhttps:/www"
                .chars()
                .collect();
        let mut texts = vec![
            String::new(),
            "@".into(),
            "+".into(),
            "(0".into(),
            "Mr".into(),
            "Mr.".into(),
            "'s".into(),
            "0".repeat(20_000),
            "0 ".repeat(10_000),
            "@ab ".repeat(5_000),
            "Jake ".repeat(4_000),
            "x".repeat(50_000),
        ];
        for _ in 0..200 {
            let len = (seed % 400) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            texts.push(s);
        }
        for text in &texts {
            let got = lint.check(text, &["".to_string()]);
            assert_positions(text, &got);
        }
    }
}
