//! The invented school registry: names, kinds, regions, aliases and former names, all unique,
//! and how popular each school is.

use std::collections::HashMap;
use std::fmt::Write as _;

use slug::slugify;
use testimony::model::{SchoolKind, match_key};

use crate::{Rng, STREAM_POPULARITY, STREAM_SCHOOLS};

/// p(rank k) ∝ (k + ZIPF_OFFSET)^-ZIPF_EXPONENT, k from 1.
pub const ZIPF_OFFSET: u32 = 10;
pub const ZIPF_EXPONENT: f64 = 1.25;

/// First halves of place names: plants, birds, animals and materials rarely part of a real one.
const PLACE_STARTS: &[&str] = &[
    "Kestrel",
    "Linnet",
    "Plover",
    "Curlew",
    "Siskin",
    "Dunlin",
    "Bittern",
    "Lapwing",
    "Whimbrel",
    "Godwit",
    "Redshank",
    "Teasel",
    "Tansy",
    "Sorrel",
    "Campion",
    "Burdock",
    "Marram",
    "Samphire",
    "Pewter",
    "Tallow",
    "Cobalt",
    "Garnet",
    "Hornbeam",
    "Spindle",
    "Wagtail",
    "Stoat",
    "Tamarisk",
    "Damson",
    "Quince",
    "Medlar",
    "Lovage",
    "Chervil",
    "Foxglove",
    "Bilberry",
    "Harebell",
    "Celandine",
    "Betony",
    "Vetch",
    "Sainfoin",
    "Tormentil",
    "Cowslip",
];

/// Second halves: old place-name endings.
const PLACE_ENDS: &[&str] = &[
    "mere", "hythe", "beck", "spire", "marren", "scarth", "wyke", "nab", "rigg", "holme",
    "thwaite", "garth", "combe", "stowe", "fold", "wold", "dene", "loe", "cote", "moss", "shaw",
    "sike", "carr", "ings", "howe", "haven",
];

/// Words that may follow a place to make a neighbourhood ("Curlewbeck Vale").
const QUALIFIERS: &[&str] = &[
    "Vale", "Park", "Hill", "Green", "Bridge", "Fields", "Cross", "Heath",
];

const REGIONS: &[&str] = &[
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
    "Scotland",
    "Northern Ireland",
];

/// How many in a hundred schools are of each kind.
const KINDS: [(SchoolKind, u64); 6] = [
    (SchoolKind::Primary, 40),
    (SchoolKind::StateSecondary, 32),
    (SchoolKind::Independent, 12),
    (SchoolKind::College, 8),
    (SchoolKind::University, 3),
    (SchoolKind::Other, 5),
];

/// Name endings of a kind, each with a weight. "University of" goes before the place.
fn endings(kind: SchoolKind) -> &'static [(&'static str, u64)] {
    match kind {
        SchoolKind::Primary => &[
            ("Primary School", 5),
            ("Primary Academy", 2),
            ("Junior School", 2),
            ("Church of England Primary School", 1),
        ],
        SchoolKind::StateSecondary => &[
            ("Academy", 4),
            ("High School", 3),
            ("Community School", 2),
            ("Grammar School", 1),
            ("School", 1),
            ("Secondary School", 1),
        ],
        SchoolKind::Independent => &[
            ("School", 3),
            ("College", 2),
            ("Preparatory School", 1),
            ("Collegiate School", 1),
            ("Senior School", 1),
        ],
        SchoolKind::College => &[
            ("Sixth Form College", 3),
            ("College", 2),
            ("College of Further Education", 1),
            ("College of Technology", 1),
        ],
        SchoolKind::University => &[("University", 1), ("University of", 1)],
        SchoolKind::Other => &[
            ("Learning Centre", 2),
            ("Stage School", 1),
            ("Tutorial College", 1),
            ("Music School", 1),
        ],
    }
}

/// Whether testimonies about a school speak of halls and seminars rather than forms and lessons.
pub fn campus(kind: SchoolKind) -> bool {
    matches!(kind, SchoolKind::College | SchoolKind::University)
}

pub struct School {
    pub name: String,
    slug: String,
    /// Whether `slug` differs from the one `testimony` would make from the name.
    custom_slug: bool,
    pub kind: SchoolKind,
    region: Option<&'static str>,
    pub aliases: Vec<String>,
    former_names: Vec<String>,
    urn: Option<u32>,
}

pub struct Registry {
    schools: Vec<School>,
    /// Cumulative Zipf weights by popularity rank.
    cumulative: Vec<u64>,
    /// The school at each popularity rank.
    by_rank: Vec<usize>,
}

/// Every name, alias, former name and slug in use, compared as `testimony` compares them, with
/// the school that has it.
#[derive(Default)]
struct Taken(HashMap<String, usize>);

impl Taken {
    /// Claims `name` for `school`; false if another school has it.
    fn claim(&mut self, name: &str, school: usize) -> bool {
        *self.0.entry(match_key(name)).or_insert(school) == school
    }
}

/// A place and the parts of a school's name around it.
struct Parts {
    place: usize,
    qualifier: Option<&'static str>,
    ending: &'static str,
}

impl Parts {
    fn base(&self) -> String {
        let place = place_name(self.place);
        match self.qualifier {
            Some(q) => format!("{place} {q}"),
            None => place,
        }
    }

    fn name(&self) -> String {
        match self.ending {
            "University of" => format!("University of {}", self.base()),
            ending => format!("{} {ending}", self.base()),
        }
    }
}

fn place_name(place: usize) -> String {
    let start = PLACE_STARTS[place / PLACE_ENDS.len()];
    format!("{start}{}", PLACE_ENDS[place % PLACE_ENDS.len()])
}

fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, u64)]) -> T {
    let mut roll = rng.below(items.iter().map(|(_, w)| w).sum());
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

impl Registry {
    pub fn generate(count: usize, seed: u64) -> Result<Registry, String> {
        let places = PLACE_STARTS.len() * PLACE_ENDS.len();
        // Past this many, finding a free name by chance gets slow; far more than any test needs.
        let most = places * 16;
        if count > most {
            return Err(format!(
                "--schools {count} is more than the {most} distinct names this generator can make"
            ));
        }
        let mut rng = Rng::stream(seed, STREAM_SCHOOLS);
        let mut taken = Taken::default();
        let mut parts = Vec::with_capacity(count);
        while parts.len() < count {
            let kind = weighted(&mut rng, &KINDS);
            let p = Parts {
                place: rng.index(places),
                qualifier: rng.percent(30).then(|| rng.pick(QUALIFIERS)),
                ending: weighted(&mut rng, endings(kind)),
            };
            if taken.claim(&p.name(), parts.len()) {
                parts.push((kind, p));
            }
        }
        // The registry file lists schools by kind, then by name.
        parts.sort_by_cached_key(|(kind, p)| (*kind, p.name()));
        let mut taken = Taken::default();
        for (i, (_, p)) in parts.iter().enumerate() {
            taken.claim(&p.name(), i);
        }

        let mut schools = Vec::with_capacity(count);
        let mut next_urn = 900_000;
        for (i, (kind, p)) in parts.into_iter().enumerate() {
            let name = p.name();
            let mut school = School {
                slug: slugify(&name),
                custom_slug: false,
                name,
                kind,
                // A place lies in one region, whatever its schools.
                region: (p.place % 17 != 0).then(|| REGIONS[p.place * 7 % REGIONS.len()]),
                aliases: Vec::new(),
                former_names: Vec::new(),
                urn: None,
            };
            school.add_other_names(&p, i, &mut taken, &mut rng);
            if kind != SchoolKind::University && rng.percent(80) {
                school.urn = Some(next_urn);
                next_urn += 1 + rng.below(4) as u32;
            }
            schools.push(school);
        }

        let mut rng = Rng::stream(seed, STREAM_POPULARITY);
        let mut by_rank: Vec<usize> = (0..count).collect();
        for i in (1..count).rev() {
            by_rank.swap(i, rng.index(i + 1));
        }
        let mut total = 0u64;
        let cumulative = (1..=count)
            .map(|k| {
                // (k + q)^-1.25 = 1 / (x · √√x): only operations IEEE 754 rounds exactly.
                let x = (k + ZIPF_OFFSET as usize) as f64;
                total += ((1u64 << 50) as f64 / (x * x.sqrt().sqrt())) as u64;
                total
            })
            .collect();
        Ok(Registry {
            schools,
            cumulative,
            by_rank,
        })
    }

    pub fn len(&self) -> usize {
        self.schools.len()
    }

    pub fn get(&self, school: usize) -> &School {
        &self.schools[school]
    }

    /// A school drawn by popularity.
    pub fn popular(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("at least one school");
        let roll = rng.below(total);
        self.by_rank[self.cumulative.partition_point(|&c| c <= roll)]
    }

    /// How a testimony's front matter names a school: usually the slug, sometimes the name or
    /// an alias, now and then in another case (matching ignores case and punctuation).
    pub fn reference(&self, school: usize, rng: &mut Rng) -> String {
        let s = &self.schools[school];
        match rng.below(100) {
            0..75 => s.slug.clone(),
            75..88 => s.name.clone(),
            88..97 if !s.aliases.is_empty() => s.aliases[rng.index(s.aliases.len())].clone(),
            _ => s.name.to_lowercase(),
        }
    }

    /// How a testimony's text names a school: its name, or now and then an alias.
    pub fn mention(&self, school: usize, rng: &mut Rng) -> &str {
        let s = &self.schools[school];
        if !s.aliases.is_empty() && rng.percent(25) {
            &s.aliases[rng.index(s.aliases.len())]
        } else {
            &s.name
        }
    }

    pub fn to_yaml(&self) -> String {
        let mut out = String::with_capacity(self.schools.len() * 120);
        out.push_str(
            "# The school registry of a generated archive. Every school and place here is \
             invented.\n# A testimony may name a school by its slug, name, alias or former name.\n",
        );
        let mut kind = None;
        for s in &self.schools {
            if kind != Some(s.kind) {
                kind = Some(s.kind);
                let _ = write!(out, "\n# --- {} ---\n", s.kind.slug());
            }
            let _ = writeln!(out, "\n- name: {}", s.name);
            if s.custom_slug {
                let _ = writeln!(out, "  slug: {}", s.slug);
            }
            let _ = writeln!(out, "  kind: {}", s.kind.slug());
            if let Some(region) = s.region {
                let _ = writeln!(out, "  region: {region}");
            }
            if !s.aliases.is_empty() {
                let _ = writeln!(out, "  aliases: [{}]", s.aliases.join(", "));
            }
            if !s.former_names.is_empty() {
                let _ = writeln!(out, "  former_names: [{}]", s.former_names.join(", "));
            }
            if let Some(urn) = s.urn {
                let _ = writeln!(out, "  urn: \"{urn}\"");
            }
        }
        out
    }
}

impl School {
    /// Aliases, former names and a shorter slug for some schools, each unique in the registry.
    fn add_other_names(&mut self, p: &Parts, i: usize, taken: &mut Taken, rng: &mut Rng) {
        let base = p.base();
        let short = match p.ending {
            "High School" => Some("High"),
            "Grammar School" => Some("Grammar"),
            "Primary School" | "Primary Academy" => Some("Primary"),
            "Sixth Form College" => Some("Sixth Form"),
            _ => None,
        };
        let mut alias = |name: String, percent: u64, school: &mut School, rng: &mut Rng| {
            if rng.percent(percent) && taken.claim(&name, i) {
                school.aliases.push(name);
            }
        };
        if let Some(short) = short {
            alias(format!("{base} {short}"), 40, self, rng);
        }
        alias(base.clone(), 20, self, rng);
        let words: Vec<&str> = self.name.split_whitespace().collect();
        let initials: String = words
            .iter()
            .filter_map(|w| w.chars().next().filter(char::is_ascii_uppercase))
            .collect();
        if initials.len() >= 3 {
            alias(initials, 8, self, rng);
        }

        let former = match p.ending {
            "Academy" => Some(rng.pick(&["High School", "Community School", "School"])),
            "Primary Academy" => Some("Primary School"),
            "University" | "University of" => Some("Polytechnic"),
            "College" if self.kind == SchoolKind::College => Some("Technical College"),
            "Primary School" => Some("Infant and Junior School"),
            _ => None,
        };
        let chance = if p.ending.contains("Academy") { 50 } else { 10 };
        if let Some(former) = former.filter(|_| rng.percent(chance)) {
            let name = format!("{base} {former}");
            if taken.claim(&name, i) {
                self.former_names.push(name);
            }
        }

        if rng.percent(8) {
            let slug = slugify(format!("{base} {}", short.unwrap_or_default()));
            if slug != self.slug && taken.claim(&slug, i) {
                self.slug = slug;
                self.custom_slug = true;
            }
        }
    }
}
