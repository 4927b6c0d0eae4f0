//! Figures, not a test: index size and native query latency on a generated archive.
//! Ignored by default; run with
//!
//! ```text
//! SEARCH_MEASURE_DOCS=10000 cargo test --release --test search_measure -- --ignored --nocapture
//! ```
//!
//! Nothing here asserts a time (DESIGN.md §8): it prints what it measured.

use std::time::Instant;

use testimony::search::{
    Manifest, SearchDoc, SearchError, SearchIndex, SearchRequest, SearchSchool, build_index,
};

const WORDS: &[&str] = &[
    "after",
    "school",
    "corridor",
    "teacher",
    "students",
    "comments",
    "group",
    "chat",
    "photos",
    "shared",
    "reported",
    "nobody",
    "listened",
    "bus",
    "stop",
    "library",
    "changing",
    "rooms",
    "lunch",
    "break",
    "classroom",
    "older",
    "boys",
    "girls",
    "every",
    "day",
    "week",
    "told",
    "fuss",
    "laughed",
    "followed",
    "home",
    "evening",
    "party",
    "messages",
    "phone",
    "rumours",
    "year",
    "form",
    "tutor",
    "head",
    "office",
    "complaint",
    "ignored",
    "afraid",
    "friends",
    "walked",
    "waited",
    "gates",
    "playground",
    "trip",
    "residential",
    "sports",
    "hall",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn archive(count: usize) -> Vec<SearchDoc> {
    let schools: Vec<SearchSchool> = (0..(count / 20).max(1))
        .map(|i| SearchSchool {
            slug: format!("school-{i}"),
            name: format!("Invented School Number {i}"),
            aliases: vec![format!("ISN{i}")],
            former_names: vec![],
            kind: ["primary", "state-secondary", "independent", "college"][i % 4].into(),
            region: Some(format!("Region {}", i % 9)),
        })
        .collect();
    let mut rng = Lcg(42);
    (0..count)
        .map(|i| {
            let words = 60 + rng.next(200);
            let body: Vec<&str> = (0..words).map(|_| WORDS[rng.next(WORDS.len())]).collect();
            SearchDoc {
                id: i as u64 + 1,
                title: format!("Testimony #{}", i + 1),
                url: format!("/testimonies/{}/", i + 1),
                published: format!("2021-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                schools: vec![schools[rng.next(schools.len())].clone()],
                tags: vec![["harassment", "assault", "image-based-abuse"][i % 3].into()],
                year: Some(2010 + (i % 12) as u64),
                body_text: body.join(" "),
                content_warnings: vec![],
            }
        })
        .collect()
}

#[test]
#[ignore]
fn measure_index_size_and_query_latency() {
    let count: usize = std::env::var("SEARCH_MEASURE_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let docs = archive(count);
    let started = Instant::now();
    let files = build_index(&docs, "en").unwrap();
    let build = started.elapsed();
    let manifest = Manifest::parse(
        &files
            .iter()
            .find(|(p, _)| p == "search/manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let index_bytes: u64 = manifest.index.iter().map(|f| f.bytes).sum();
    println!("{count} docs: index built in {build:.2?}");
    println!(
        "index files {index_bytes} bytes, catalog {} bytes, runtime {} bytes",
        manifest.catalog_bytes, manifest.runtime_bytes
    );
    for file in &manifest.index {
        println!("  {:>40} {:>10}", file.name, file.bytes);
    }
    let started = Instant::now();
    let shared = files.clone();
    let index = SearchIndex::from_manifest(&manifest, move |name| {
        shared
            .iter()
            .find(|(p, _)| p == &format!("search/{name}"))
            .map(|(_, b)| b.clone())
            .ok_or_else(|| SearchError::new(name))
    })
    .unwrap();
    println!("opened in {:.2?}", started.elapsed());
    for (query, school) in [
        ("bus", None),
        ("\"bus stop\"", None),
        ("teacher ignored complaint", None),
        ("photos OR rumours -party", None),
        ("", Some("Invented Scool Number 7")),
        ("library", Some("school-3")),
    ] {
        let request = SearchRequest {
            query: query.into(),
            school: school.map(str::to_owned),
            ..SearchRequest::default()
        };
        index.search(&request).unwrap(); // warm up
        let runs = 20;
        let started = Instant::now();
        let mut total = 0;
        for _ in 0..runs {
            total = index.search(&request).unwrap().total;
        }
        println!(
            "{:>32} {:>24} {:>7} hits {:>10.2?}/query",
            format!("{query:?}"),
            format!("{school:?}"),
            total,
            started.elapsed() / runs
        );
    }
}
