//! E-mail addresses, web addresses and profile links, social media handles, phone numbers and
//! postcodes: the kinds of identifying detail that patterns find.

use super::*;

pub(super) const EMAIL: &str =
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}";
pub(super) const SPELLED_EMAIL: &str = r"(?i)(?-u:\b)[a-z0-9][a-z0-9._+\-]*[ \t]*(?:\[at\]|\(at\)|\{at\})[ \t]*[a-z0-9\-]+[ \t]*(?:\[dot\]|\(dot\)|\{dot\}|\.|[ \t]dot[ \t])[ \t]*(?:com|org|net|co\.uk|ac\.uk)(?-u:\b)|(?-u:\b)[a-z0-9][a-z0-9._+\-]*[ \t]+at[ \t]+[a-z0-9\-]+[ \t]+dot[ \t]+(?:com|org|net|co[ \t]+dot[ \t]+uk)(?-u:\b)";
pub(super) const URL: &str = r#"(?i)(?:https?://|www\.)[^\s<>()\[\]{}"'`|\\^]+|(?-u:\b)(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:com|org|net|edu|gov|uk|io|info|biz|ly|tv|app|dev|xyz|ie|eu|de|fr|es|nl|pl|ca|au|nz|ng|za|gh|ke|pk|online|site|blog|page|link|shop|store|gg|social)(?-u:\b)(?:/[^\s<>()\[\]{}"'`|\\^]*)?"#;
pub(super) const PHONE: &str =
    r"(?:\+[ \t]?[0-9]|\([ \t]?0[0-9]|(?-u:\b)0[0-9])[0-9 \t().\-]{6,30}";
pub(super) const POSTCODE: &str =
    r"(?i)(?-u:\b)([a-z]{1,2})([0-9][a-z0-9]?)[ \t]?([0-9][a-z]{2})(?-u:\b)";
pub(super) const PLATFORMS: &str = "snapchat|snap|sc|instagram|insta|ig|tiktok|tik[ \\t]?tok|twitter|discord|\
    facebook|fb|whatsapp|kik|telegram|threads|twitch|reddit|youtube|yt|bereal|x";
/// What may stand between a platform and a handle: "snap name: ...", "insta username is ...".
pub(super) const LABEL: &str = r"(?:[ \t]+(?:name|user[ \t]?name|handle|account|id|tag|@))?";
/// The ways of giving a handle, each with the handle as its one group.
pub(super) const HANDLE_FORMS: [&str; 4] = [
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
    pub(super) fn find_emails(&self, text: &str, found: &mut Spans) {
        for m in self.email.find_iter(text) {
            found.add(m.start(), m.end(), FindingKind::Email);
        }
        if spelled_hint(text) {
            for m in self.spelled_email.find_iter(text) {
                found.add(m.start(), m.end(), FindingKind::Email);
            }
        }
    }

    pub(super) fn find_urls(&self, text: &str, found: &mut Spans) {
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

    pub(super) fn find_handles(&self, text: &str, found: &mut Spans) {
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

    pub(super) fn find_phones(&self, text: &str, found: &mut Spans) {
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

    pub(super) fn find_postcodes(&self, text: &str, found: &mut Spans) {
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
}

/// Whether `text` has what every spelled-out address has, in any case: "at" before a closing
/// bracket ("[at]", "(at)", "{at}") or " dot ". A quick look that skips most texts.
pub(super) fn spelled_hint(text: &str) -> bool {
    let bytes = text.as_bytes();
    let at = memchr::memchr3_iter(b']', b')', b'}', bytes)
        .any(|i| i >= 2 && bytes[i - 2..i].eq_ignore_ascii_case(b"at"));
    at || memchr::memchr2_iter(b'd', b'D', bytes).any(|i| {
        i >= 1
            && bytes[i - 1] == b' '
            && bytes
                .get(i + 1..i + 4)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"ot "))
    })
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
