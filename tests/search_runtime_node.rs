//! The search runtime as the browser runs it: the embedded wasm, loaded by the theme's real
//! worker.js, in Node (tests/js/run_worker.mjs), answering queries against a built index.
//! Without Node the test says loudly that it was skipped.

mod search_fixture;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use testimony::search::build_index;

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .map(|output| output.status.success())
        .unwrap_or(false)
}

fn run_worker(output_dir: &Path, messages: &Value) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .arg(root.join("tests/js/run_worker.mjs"))
        .arg(root.join("themes/default/static/search/worker.js"))
        .arg(output_dir)
        .arg(messages.to_string())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "node failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

fn result_ids(reply: &Value) -> Vec<u64> {
    let mut ids: Vec<u64> = reply["results"]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {reply}"))
        .iter()
        .map(|hit| hit["id"].as_u64().unwrap())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_wasm_runtime_answers_queries_in_node() {
    if !node_available() {
        eprintln!();
        eprintln!("==================================================================");
        eprintln!("SKIPPED: the wasm search runtime test needs Node.js (`node`),");
        eprintln!("which is not installed. Install Node.js 20+ to run it.");
        eprintln!("==================================================================");
        eprintln!();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in build_index(&search_fixture::docs(), "en").unwrap() {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let messages = json!([
        {"type": "search", "id": 1, "request": {"query": "\"bus stop\""}},
        {"type": "search", "id": 2, "request": {"query": "stop NOT library", "school": "Northbrige"}},
        {"type": "search", "id": 3, "request": {"query": "walks"}},
        {"type": "suggest", "id": 4, "text": "holowmere", "limit": 3},
        {"type": "search", "id": 5, "request": {"query": "bus", "nonsense": true}},
        {"type": "search", "id": 6, "request": {"query": "", "school": "NBA", "year": 2020}},
        {"type": "bogus", "id": 7},
        {"type": "snippets", "id": 8, "query": "\"bus stop\"",
         "texts": ["We waited at the bus stop by the gates.", "Nothing here."]},
    ]);
    let out = run_worker(dir.path(), &messages);
    eprintln!(
        "runtime load {:.0} ms, queries {} ms",
        out["load_ms"].as_f64().unwrap_or_default(),
        out["query_ms"]
    );

    let ready = &out["ready"];
    assert_eq!(ready["type"], "ready", "{ready}");
    assert_eq!(ready["doc_count"], 5);
    assert_eq!(ready["catalog"]["schools"].as_array().unwrap().len(), 3);

    let replies = out["replies"].as_array().unwrap();
    let phrase = &replies[0];
    assert_eq!(phrase["type"], "results");
    assert_eq!(phrase["id"], 1);
    assert_eq!(result_ids(phrase), [1001]);
    let hit = &phrase["results"]["results"][0];
    assert_eq!(hit["url"], "/archive/testimonies/1001/");
    // The index holds no text: a result is its id and page.
    assert!(hit.get("title").is_none(), "{hit}");

    let snippets = &replies[7];
    assert_eq!(snippets["type"], "snippets", "{snippets}");
    let marked: Vec<&str> = snippets["snippets"][0]
        .as_array()
        .unwrap()
        .iter()
        .filter(|part| part["mark"] == true)
        .map(|part| part["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["bus", "stop"]);
    assert_eq!(snippets["snippets"][1][0]["text"], "Nothing here.");

    let at_school = &replies[1];
    assert_eq!(result_ids(at_school), [1001]);
    assert_eq!(
        at_school["results"]["school"]["name"],
        "Northbridge Academy"
    );

    assert_eq!(result_ids(&replies[2]), [1001, 1003], "stemming in wasm");

    let suggestions = &replies[3];
    assert_eq!(suggestions["type"], "suggestions");
    assert_eq!(
        suggestions["schools"][0]["slug"],
        "hollowmere-grammar-school"
    );

    let bad = &replies[4];
    assert_eq!(bad["type"], "error");
    assert!(
        bad["message"].as_str().unwrap().contains("nonsense"),
        "{bad}"
    );

    assert_eq!(result_ids(&replies[5]), [1003]);
    assert_eq!(replies[6]["type"], "error");

    // Bad input straight into the exports: error JSON, never a trap.
    for (name, call) in out["robustness"].as_object().unwrap() {
        assert_eq!(call["status"], 1, "{name}: {call}");
        assert!(call["answer"]["error"].is_string(), "{name}: {call}");
    }

    // The runtime imports nothing (the worker downloads what it says it needs) and exports
    // the documented functions.
    assert_eq!(out["imports"], json!([]), "the runtime imports nothing");
    let exports: Vec<&str> = out["exports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for name in [
        "memory",
        "tm_alloc",
        "tm_free",
        "tm_add_chunk",
        "tm_open",
        "tm_search",
        "tm_snippets",
        "tm_suggest_schools",
        "tm_output_ptr",
        "tm_output_len",
    ] {
        assert!(
            exports.contains(&name),
            "missing export {name}: {exports:?}"
        );
    }

    // Opening fetched the manifest, then the runtime and the hot file (with the catalog); what the
    // queries needed besides came in rounds. Only files under /search/, each once.
    let fetched: Vec<&str> = out["fetched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(
        fetched.iter().all(|f| f.starts_with("/search/")),
        "{fetched:?}"
    );
    let mut unique = fetched.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), fetched.len(), "{fetched:?}");
    let at_init = out["fetched_at_init"].as_u64().unwrap() as usize;
    assert_eq!(at_init, 3, "{fetched:?}");
    assert!(fetched[0].ends_with("/manifest.json"), "{fetched:?}");
    assert!(
        fetched[1..3].iter().any(|f| f.contains("/hot.")),
        "{fetched:?}"
    );
    assert!(
        fetched[3..].iter().all(|f| f.ends_with(".bin")),
        "{fetched:?}"
    );
}
