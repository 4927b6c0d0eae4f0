//! The lint measured against a labelled fixture, and its edge cases.

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

#[test]
fn the_quick_looks_find_a_pair_wherever_it_is() {
    let lint = Lint::new(["Northbridge Academy"]);
    // Every position of the pair, across the edges of the blocks it is tested in.
    for at in 0..140 {
        let text = format!("{}see www.example.org", "x".repeat(at));
        let found = lint.check(&text, &[]);
        assert!(
            found.iter().any(|f| f.kind == FindingKind::Domain),
            "{at}: {found:?}"
        );
        let text = format!("{} we lived near SW1A 1AA then", "x".repeat(at));
        let found = lint.check(&text, &[]);
        assert!(
            found.iter().any(|f| f.kind == FindingKind::Postcode),
            "{at}: {found:?}"
        );
    }
    assert!(!pair("", |_, _| true) && !pair("a", |_, _| true) && pair("ab", |_, _| true));
}

#[test]
fn every_given_name_that_counts_in_lower_case_is_found_in_lower_case() {
    let lint = Lint::new(["Northbridge Academy"]);
    let mut names: Vec<&String> = lint
        .vocab
        .iter()
        .filter(|(word, flags)| {
            counts_in_lower_case(**flags)
                && word.len() >= 3
                && word.chars().all(|c| c.is_alphabetic())
        })
        .map(|(word, _)| word)
        .collect();
    names.sort();
    assert!(names.len() > 100, "{}", names.len());
    for name in names {
        let found = lint.check(&format!("and then {name} said it again"), &[]);
        assert!(
            found
                .iter()
                .any(|f| f.kind == FindingKind::PersonName && f.matched == *name),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn every_spelled_out_address_is_looked_at_in_any_case() {
    let lint = Lint::new(["Northbridge Academy"]);
    for text in [
        "write to jake.t [at] example [dot] com",
        "write to jake (AT) example.com",
        "write to jake{at}example.org",
        "write to jake at example dot com",
        "WRITE TO JAKE AT EXAMPLE DOT COM",
        "at] x",
    ] {
        assert!(spelled_hint(text), "{text}");
    }
    for text in [
        "",
        "d",
        "at",
        "a dot",
        "we sat (then) dotted lines",
        "Dr Dot",
    ] {
        assert!(!spelled_hint(text), "{text}");
    }
    let found = lint.check("you could write to jake (AT) example.com back then", &[]);
    assert!(
        found.iter().any(|f| f.kind == FindingKind::Email),
        "{found:?}"
    );
}
