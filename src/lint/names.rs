//! People's names: words of a line, and the rules that make a run of them a name.

use super::*;

impl Lint {
    pub(super) fn find_names(&self, text: &str, found: &mut Spans) {
        // Words inside a finding so far or inside a registered name are never a person's name.
        let mut masks: Vec<(usize, usize)> = found.0.iter().map(|(s, (e, _))| (*s, *e)).collect();
        self.known.find(text, &mut masks);
        masks.sort_unstable();
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
                if w.len() >= 3
                    && self.lower_case_names.may_have(w.as_bytes())
                    && counts_in_lower_case(self.flags(w))
                {
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
            // One word that no list has as a given name or surname is no name ("It", "There").
            if end == i + 1 && !self.may_be_name(&text[t.start..t.core]) {
                i = end;
                continue;
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
            let place = flags & (PLACE_NAME | GAZETTEER_PLACE) != 0 && cued;
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
            } else if t.plain && !t.acronym && self.is(&words[p], SURNAME) && !place {
                found.add(t.start, t.core, FindingKind::PersonName);
            }
            p += 1;
        }
    }

    /// Whether a word may be a given name or a surname, by a quick look that never misses one:
    /// false only for a word in ASCII, with no hyphen, that is neither in the lists.
    fn may_be_name(&self, word: &str) -> bool {
        !word.is_ascii() || word.contains('-') || self.names.may_have(word.as_bytes())
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
        if !t.plain {
            return false;
        }
        let flags = self.title_flags(&text[t.start..t.end]);
        flags & TITLE != 0 || flags & CAPITAL_TITLE != 0 && t.capital && !t.acronym
    }

    /// The title flags of a word in any case: `TITLE`, `CAPITAL_TITLE`, both or none.
    fn title_flags(&self, word: &str) -> u32 {
        let same = |word: &str| {
            let titles = self.titles.get(word.len()).map_or(&[][..], Vec::as_slice);
            titles
                .iter()
                .find(|(title, _)| title.as_bytes().eq_ignore_ascii_case(word.as_bytes()))
                .map_or(0, |&(_, flags)| flags)
        };
        if word.is_ascii() {
            if self.title_words.may_have(word.as_bytes()) {
                same(word)
            } else {
                0
            }
        } else {
            same(&word.to_lowercase())
        }
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
    // "1. ", "2) ": a numbered list item.
    let digits = lead.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = digits > 0 && matches!(lead.as_bytes().get(digits), Some(b'.' | b')'));
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
            if c.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
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
    let core = match w.as_bytes().last() {
        Some(b's' | b'S') => ["'s", "’s", "'S", "’S"]
            .iter()
            .find_map(|p| w.strip_suffix(p).filter(|c| !c.is_empty()))
            .unwrap_or(w),
        _ => w,
    };
    let gap = &line[prev_end..s];
    let opening_quote = gap.ends_with(['"', '\'']);
    // Most gaps are one space: nothing in them starts a sentence.
    let sentence_mark = gap != " " && gap.contains(['.', '!', '?', ':', '…', '“', '‘', '«']);
    let mut t = Tok {
        start: offset + s,
        end: offset + e,
        core: offset + s + core.len(),
        possessive: core.len() < w.len(),
        joined: prev_end > 0 && !gap.is_empty() && gap.bytes().all(|b| b == b' ' || b == b'\t'),
        sentence: line_start || opening_quote || sentence_mark,
        ..Tok::default()
    };
    let mut upper = true;
    t.plain = true;
    if let Some(b) = core.is_ascii().then_some(core.as_bytes()) {
        // One pass over the letters: this runs for every word of every testimony.
        let (mut upper, mut lower) = (false, b[0].is_ascii_lowercase());
        t.plain = b[0].is_ascii_alphabetic() || matches!(b[0], b'\'' | b'-');
        for c in &b[1..] {
            upper |= c.is_ascii_uppercase();
            lower |= c.is_ascii_lowercase();
            t.plain &= c.is_ascii_alphabetic() || matches!(c, b'\'' | b'-');
        }
        t.capital = b[0].is_ascii_uppercase();
        t.inner_capital = upper;
        (t.len_chars, t.acronym) = (b.len(), b.len() >= 2 && !lower);
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
