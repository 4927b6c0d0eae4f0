//! The query code, run natively on an index built from a fictional fixture: the same code the
//! browser runs (see search_runtime_node.rs for the wasm build of it).

mod search_fixture;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use testimony::search::{
    Manifest, SearchIndex, SearchRequest, SearchResults, SnippetPart, build_index,
    build_index_with_tag_labels, format_results_text, search_output_dir,
};

fn files() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let labels = BTreeMap::from([
            ("harassment".to_owned(), "Harassment".to_owned()),
            (
                "image-based-abuse".to_owned(),
                "Image-based abuse".to_owned(),
            ),
        ]);
        build_index_with_tag_labels(&search_fixture::docs(), "en", &labels).expect("index builds")
    })
}

fn open(files: &[(String, Vec<u8>)]) -> SearchIndex {
    let files = files.to_vec();
    let get = move |path: &str| {
        files
            .iter()
            .find(|(name, _)| name == path)
            .map(|(_, bytes)| bytes.clone())
    };
    let manifest = Manifest::parse(&get("search/manifest.json").expect("manifest")).unwrap();
    SearchIndex::from_manifest(&manifest, move |name| {
        get(&format!("search/{name}"))
            .ok_or_else(|| testimony::search::SearchError::new(format!("missing {name}")))
    })
    .expect("index opens")
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| open(files()))
}

fn search(request: SearchRequest) -> SearchResults {
    index().search(&request).expect("search runs")
}

fn query(text: &str) -> SearchResults {
    search(SearchRequest {
        query: text.into(),
        ..SearchRequest::default()
    })
}

fn ids(results: &SearchResults) -> Vec<u64> {
    let mut ids: Vec<u64> = results.results.iter().map(|hit| hit.id).collect();
    ids.sort();
    ids
}

#[test]
fn words_are_all_required_by_default() {
    assert_eq!(ids(&query("stop")), [1001, 1002, 1003]);
    assert_eq!(ids(&query("bus stop")), [1001]);
}

#[test]
fn phrases_match_words_in_order() {
    assert_eq!(ids(&query("\"bus stop\"")), [1001]);
    assert_eq!(ids(&query("\"stop bus\"")), Vec::<u64>::new());
    // Both words, but not as a phrase:
    assert_eq!(ids(&query("bus home")), [1004]);
    assert_eq!(ids(&query("\"bus home\"")), [1004]);
    assert_eq!(ids(&query("\"home bus\"")), Vec::<u64>::new());
}

#[test]
fn boolean_operators() {
    assert_eq!(ids(&query("photos OR banter")), [1002, 1004]);
    assert_eq!(ids(&query("stop AND library")), [1003]);
    assert_eq!(ids(&query("stop NOT library")), [1001, 1002]);
    assert_eq!(ids(&query("stop -library")), [1001, 1002]);
    assert_eq!(ids(&query("(photos OR banter) -college")), [1002]);
    // `OR` joins only the words beside it, as in a web search: (stop OR banter) walking, where
    // "walked" (1001) and "walking" (1003) are both "walk".
    assert_eq!(ids(&query("stop OR banter walking")), [1001, 1003]);
    assert_eq!(ids(&query("walking stop OR banter")), [1001, 1003]);
    // A query of only exclusions means "everything but".
    assert_eq!(ids(&query("NOT stop")), [1004, 1005]);
}

#[test]
fn words_match_their_other_forms() {
    // "walking" is stemmed to "walk", and so are "walked" and "walks".
    assert_eq!(ids(&query("walks")), [1001, 1003]);
    assert_eq!(ids(&query("reporting")), [1002, 1003]);
    assert_eq!(ids(&query("COMMENT")), [1001, 1005]);
}

/// The text of a fixture testimony, as its page shows it.
fn text_of(id: u64) -> String {
    search_fixture::docs()
        .into_iter()
        .find(|doc| doc.id == id)
        .expect("a fixture testimony")
        .body_text
}

fn snippet(query: &str, id: u64) -> Vec<SnippetPart> {
    index().snippet(query, &text_of(id)).expect("a snippet")
}

fn marked(parts: &[SnippetPart]) -> Vec<&str> {
    parts
        .iter()
        .filter(|part| part.mark)
        .map(|part| part.text.as_str())
        .collect()
}

#[test]
fn snippets_highlight_the_matched_words() {
    let parts = snippet("\"bus stop\"", 1001);
    assert_eq!(marked(&parts), ["bus", "stop"]);
    let text: String = parts.iter().map(|part| part.text.as_str()).collect();
    assert!(text.contains("bus stop by the gates"), "{text}");
    // Stemmed matches are highlighted as written in the text.
    assert!(marked(&snippet("walks", 1003)).contains(&"walking"));
    // Without words, or when none of them is in the text, a snippet is the text's start.
    for query in ["", "library"] {
        let parts = snippet(query, 1005);
        assert!(marked(&parts).is_empty(), "{query:?}: {parts:?}");
        assert!(
            parts[0].text.starts_with("Comments about our bodies"),
            "{parts:?}"
        );
    }
}

#[test]
fn results_name_the_testimony_and_its_page() {
    let results = query("\"bus stop\"");
    assert_eq!(results.total, 1);
    let hit = &results.results[0];
    assert_eq!(hit.id, 1001);
    assert_eq!(hit.url, "/archive/testimonies/1001/");
    assert!(hit.score > 0.0);
    let json = serde_json::to_value(&results).unwrap();
    for key in ["id", "url", "score"] {
        assert!(json["results"][0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn the_index_holds_no_text_of_its_own() {
    // Nothing is stored: no title, no body, no date; a result's page has them.
    let held = index().everything_held().unwrap();
    let stored: Vec<&str> = held.lines().filter(|line| line.starts_with('{')).collect();
    assert!(stored.iter().all(|doc| *doc == "{}"), "{stored:?}");
    assert!(!held.contains("bus stop by the gates"), "{held}");
}

#[test]
fn counts_can_wait_for_the_results() {
    let without = search(SearchRequest {
        query: "stop".into(),
        counts: false,
        ..SearchRequest::default()
    });
    assert!(!without.counted);
    assert_eq!(without.facets, Default::default());
    let with = query("stop");
    assert!(with.counted);
    assert_eq!(ids(&without), ids(&with));
    assert_eq!(without.total, with.total);
    assert!(with.facets.kind.iter().any(|kind| kind.count > 0));
}

#[test]
fn school_names_aliases_and_former_names_are_searchable_text() {
    assert_eq!(ids(&query("Northbridge")), [1001, 1003]);
    assert_eq!(ids(&query("NBA")), [1001, 1003]);
    assert_eq!(ids(&query("\"Northbridge High School\"")), [1001, 1003]);
}

fn at_school(school: &str, text: &str) -> SearchResults {
    search(SearchRequest {
        query: text.into(),
        school: Some(school.into()),
        ..SearchRequest::default()
    })
}

#[test]
fn school_filter_by_slug_name_alias_and_former_name() {
    for school in [
        "northbridge-academy",
        "Northbridge Academy",
        "northbridge academy!",
        "NBA",
        "Northbridge High School",
    ] {
        let results = at_school(school, "");
        assert_eq!(ids(&results), [1001, 1003], "school filter {school:?}");
        assert_eq!(results.school.as_ref().unwrap().slug, "northbridge-academy");
    }
    assert_eq!(ids(&at_school("Fenwick College", "stop")), [1003]);
}

#[test]
fn school_filter_tolerates_typos() {
    let results = at_school("Northbrige", "");
    assert_eq!(results.school.as_ref().unwrap().name, "Northbridge Academy");
    assert_eq!(ids(&results), [1001, 1003]);
    assert_eq!(ids(&at_school("Holowmere Gramar", "")), [1002, 1005]);
    let unknown = at_school("Zzyzx Towers", "");
    assert_eq!(unknown.unknown_school.as_deref(), Some("Zzyzx Towers"));
    assert!(unknown.results.is_empty());
}

#[test]
fn typeahead_suggests_schools() {
    let found = index().suggest_schools("northbrige", 5);
    assert_eq!(found[0].slug, "northbridge-academy");
    let found = index().suggest_schools("Fenw", 5);
    assert_eq!(found[0].slug, "fenwick-sixth-form-college");
    let found = index().suggest_schools("NBA", 5);
    assert_eq!(found[0].matched.as_deref(), Some("NBA"));
}

#[test]
fn a_query_that_names_a_school_offers_it_as_a_filter() {
    let results = query("Northbrige");
    let offered: Vec<&str> = results
        .school_suggestions
        .iter()
        .map(|s| s.slug.as_str())
        .collect();
    assert_eq!(offered, ["northbridge-academy"]);
    assert!(query("bus stop").school_suggestions.is_empty());
}

#[test]
fn an_empty_query_lists_newest_first() {
    let results = search(SearchRequest::default());
    assert_eq!(results.total, 5);
    let order: Vec<u64> = results.results.iter().map(|h| h.id).collect();
    assert_eq!(order, [1005, 1004, 1003, 1002, 1001]);
}

#[test]
fn the_unfiltered_answer_counts_what_an_empty_search_counts() {
    let searched = search(SearchRequest::default());
    let answer = index().unfiltered_answer();
    assert_eq!(answer.total, searched.total);
    assert!(answer.results.is_empty() && answer.facets.school.is_empty());
    assert_eq!(answer.facets.kind, searched.facets.kind);
    assert_eq!(answer.facets.region, searched.facets.region);
    assert_eq!(answer.facets.tag, searched.facets.tag);
    assert_eq!(answer.facets.year, searched.facets.year);
}

#[test]
fn filters_come_with_counts() {
    let results = query("stop");
    let count = |list: &[testimony::search::FacetCount], value: &str| {
        list.iter().find(|f| f.value == value).map(|f| f.count)
    };
    assert_eq!(
        count(&results.facets.school, "northbridge-academy"),
        Some(2)
    );
    assert_eq!(
        count(&results.facets.school, "hollowmere-grammar-school"),
        Some(1)
    );
    assert_eq!(count(&results.facets.kind, "state-secondary"), Some(2));
    assert_eq!(count(&results.facets.kind, "college"), Some(1));
    assert_eq!(count(&results.facets.region, "North West"), Some(2));
    assert_eq!(count(&results.facets.tag, "harassment"), Some(3));
    assert_eq!(count(&results.facets.year, "2019"), Some(1));
    let tag = results
        .facets
        .tag
        .iter()
        .find(|f| f.value == "image-based-abuse")
        .unwrap();
    assert_eq!(tag.label, "Image-based abuse");
    let kind = results
        .facets
        .kind
        .iter()
        .find(|f| f.value == "independent")
        .unwrap();
    assert_eq!(kind.label, "Independent school");

    // With a kind chosen, the results narrow but the kind counts still show the others.
    let results = search(SearchRequest {
        query: "stop".into(),
        kind: Some("independent".into()),
        ..SearchRequest::default()
    });
    assert_eq!(ids(&results), [1002]);
    assert_eq!(count(&results.facets.kind, "state-secondary"), Some(2));
    assert!(
        results
            .facets
            .kind
            .iter()
            .any(|f| f.selected && f.value == "independent")
    );
    assert_eq!(count(&results.facets.school, "northbridge-academy"), None);

    for (request, expected) in [
        (
            SearchRequest {
                tag: Some("assault".into()),
                ..Default::default()
            },
            vec![1004],
        ),
        (
            SearchRequest {
                year: Some(2018),
                ..Default::default()
            },
            vec![1002],
        ),
        (
            SearchRequest {
                region: Some("South East".into()),
                ..Default::default()
            },
            vec![1002, 1005],
        ),
    ] {
        assert_eq!(ids(&search(request.clone())), expected, "{request:?}");
    }
}

#[test]
fn paging() {
    let first = search(SearchRequest {
        limit: 2,
        ..SearchRequest::default()
    });
    let second = search(SearchRequest {
        limit: 2,
        offset: 2,
        ..SearchRequest::default()
    });
    assert_eq!(first.total, 5);
    let order: Vec<u64> = first
        .results
        .iter()
        .chain(&second.results)
        .map(|h| h.id)
        .collect();
    assert_eq!(order, [1005, 1004, 1003, 1002]);
    // Past the end: no results, the counts still there, and no overflow on a silly offset.
    for offset in [5, 1_000, usize::MAX] {
        let past = search(SearchRequest {
            query: "stop".into(),
            offset,
            ..SearchRequest::default()
        });
        assert!(past.results.is_empty());
        assert_eq!(past.total, query("stop").total);
    }
}

#[test]
fn a_query_fetches_only_the_chunks_it_reads() {
    // Enough testimonies that the stored text spans many chunks.
    let docs: Vec<_> = (0..400u64)
        .map(|n| {
            let mut doc = search_fixture::docs()[(n % 5) as usize].clone();
            doc.id = 5000 + n;
            doc.url = format!("/testimonies/{}/", doc.id);
            // Made-up words that do not compress away, so the stored text is large.
            let filler: Vec<String> = (0..150u64)
                .map(|i| format!("word{}", (n * 7919 + i * 104_729) % 6007))
                .collect();
            doc.body_text = format!("{} {}", doc.body_text, filler.join(" "));
            doc
        })
        .collect();
    let files = build_index(&docs, "en").unwrap();
    let total: u64 = files
        .iter()
        .filter(|(name, _)| name.ends_with(".bin"))
        .map(|(_, bytes)| bytes.len() as u64)
        .sum();
    let index = open(&files);
    let one = index
        .search(&SearchRequest {
            query: "\"bus stop\"".into(),
            limit: 1,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(one.results.len(), 1);
    let fetched = index.fetched_bytes();
    assert!(
        fetched > 0 && fetched < total / 3,
        "one result fetched {fetched} of {total} index bytes"
    );
    // Asking again fetches nothing new.
    index
        .search(&SearchRequest {
            query: "\"bus stop\"".into(),
            limit: 1,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(index.fetched_bytes(), fetched);
}

#[test]
fn bad_queries_do_not_fail() {
    for text in [
        "\"unbalanced",
        "((",
        "AND",
        "title:bus",
        "bus^3",
        "[a TO b]",
        "*",
        "don't",
        "\u{0}",
        "-",
        "NOT",
    ] {
        let results = query(text);
        assert!(results.total <= 5, "{text:?}");
    }
    // Field syntax is not offered to readers: "title:bus" is the two words.
    assert_eq!(ids(&query("title:bus")), Vec::<u64>::new());
}

#[test]
fn the_same_input_gives_the_same_files() {
    let again = build_index_with_tag_labels(
        &search_fixture::docs(),
        "en",
        &BTreeMap::from([
            ("harassment".to_owned(), "Harassment".to_owned()),
            (
                "image-based-abuse".to_owned(),
                "Image-based abuse".to_owned(),
            ),
        ]),
    )
    .unwrap();
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&again), names(files()));
    assert!(
        again == *files(),
        "the index bytes differ between two builds"
    );
    // Input order does not matter either.
    let mut reversed = search_fixture::docs();
    reversed.reverse();
    let reversed_files = build_index(&reversed, "en").unwrap();
    let plain_files = build_index(&search_fixture::docs(), "en").unwrap();
    assert!(reversed_files == plain_files);
}

#[test]
fn files_are_content_addressed_under_search() {
    let manifest_bytes = &files()
        .iter()
        .find(|(name, _)| name == "search/manifest.json")
        .unwrap()
        .1;
    let manifest = Manifest::parse(manifest_bytes).unwrap();
    assert!(manifest.runtime.starts_with("runtime.") && manifest.runtime.ends_with(".wasm"));
    assert!(manifest.index.iter().any(|f| f.name == "meta.json"));
    for (path, bytes) in files() {
        assert!(path.starts_with("search/"), "{path}");
        if path != "search/manifest.json" {
            // the file name carries a hash of its bytes
            let stem = path.rsplit('/').next().unwrap();
            assert!(stem.split('.').any(|part| part.len() == 20), "{path}");
            assert!(!bytes.is_empty() || path.ends_with(".bin"));
        }
    }
    let wasm = files()
        .iter()
        .find(|(name, _)| name.ends_with(".wasm"))
        .unwrap();
    assert_eq!(&wasm.1[..4], b"\0asm");
}

#[test]
fn other_languages_and_no_stemming() {
    let docs = search_fixture::docs();
    // Welsh has no stemmer: words match only as written.
    let files = build_index(&docs, "cy").unwrap();
    let index = open(&files);
    assert_eq!(index.catalog().stemming, None);
    let found = index
        .search(&SearchRequest {
            query: "walks".into(),
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(found.total, 0);
    let found = index
        .search(&SearchRequest {
            query: "walking".into(),
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(
        build_index(&docs, "fr-CA").map(|f| f.len()).ok(),
        Some(files.len())
    );
}

#[test]
fn an_empty_archive_has_a_working_index() {
    let files = build_index(&[], "en").unwrap();
    let index = open(&files);
    assert_eq!(index.doc_count(), 0);
    let results = index.search(&SearchRequest::default()).unwrap();
    assert_eq!(results.total, 0);
}

#[test]
fn search_output_dir_reads_a_built_site() {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files() {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    // The page of testimony 1001, with the marks the theme's testimony page has.
    let page = dir.path().join("testimonies/1001/index.html");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    std::fs::write(
        page,
        format!(
            "<article class=testimony><h1>At the bus stop</h1><dl class=facts><dd><time \
             datetime=2021-03-28>28 March 2021</time></dd><dd class=schools><a \
             href=/s/>Northbridge Academy</a></dd></dl><div class=testimony-body><p>{}</p>\
             </div></article>",
            text_of(1001)
        ),
    )
    .unwrap();
    let found = search_output_dir(
        dir.path(),
        &SearchRequest {
            query: "\"bus stop\"".into(),
            school: Some("Northbrige".into()),
            ..SearchRequest::default()
        },
    )
    .unwrap();
    assert_eq!(ids(&found.results), [1001]);
    assert_eq!(found.shown[0].title, "At the bus stop");
    assert_eq!(found.shown[0].published, "2021-03-28");
    assert_eq!(found.shown[0].schools, ["Northbridge Academy"]);
    let text = format_results_text(&found);
    assert!(
        text.contains("1 testimony found at Northbridge Academy."),
        "{text}"
    );
    assert!(text.contains("#1001  At the bus stop"), "{text}");
    assert!(text.contains("[bus] [stop]"), "{text}");
    let json = found.to_json();
    assert_eq!(json["results"][0]["title"], "At the bus stop");
    assert_eq!(json["total"], 1);

    let missing = search_output_dir(&dir.path().join("nowhere"), &SearchRequest::default())
        .err()
        .unwrap();
    assert!(missing.to_string().contains("testimony build"), "{missing}");
}
