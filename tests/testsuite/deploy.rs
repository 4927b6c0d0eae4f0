//! The host configurations in `deploy/`, and those that `testimony init` writes into a new
//! campaign repository, say what `netlify.toml` says: the same security headers, and for
//! Cloudflare Pages the same headers for the same paths, so that no host is left with an older
//! policy when one of them changes. The campaign repository's build commands run the npm
//! package of this very version, and none needs cargo.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::common::{TestSite, repo_root};

/// Header name (lower case, as hosts compare them) to value.
type Headers = BTreeMap<String, String>;

/// Path pattern to the headers sent for it.
type Rules = BTreeMap<String, Headers>;

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join(relative))
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

/// The `[[headers]]` rules of netlify.toml.
fn netlify_rules() -> Rules {
    netlify_rules_of(&read("netlify.toml"))
}

/// The `[[headers]]` rules of a netlify.toml's text.
fn netlify_rules_of(text: &str) -> Rules {
    let config: toml::Value = toml::from_str(text).unwrap();
    let mut rules = Rules::new();
    for rule in config["headers"].as_array().unwrap() {
        let values = rule["values"].as_table().unwrap().iter();
        let headers = values
            .map(|(name, value)| (name.to_lowercase(), value.as_str().unwrap().to_string()))
            .collect();
        let pattern = rule["for"].as_str().unwrap().to_string();
        assert!(
            rules.insert(pattern.clone(), headers).is_none(),
            "netlify.toml: {pattern} twice"
        );
    }
    rules
}

/// A `_headers` file as Cloudflare Pages reads it: a line starting with `/` opens a rule,
/// indented `Name: value` lines follow, `#` starts a comment. Cloudflare ignores a line longer
/// than 2,000 characters and takes at most 100 rules; a name given twice in a rule would be
/// joined with a comma, which no value here means.
fn cloudflare_rules(relative: &str) -> Rules {
    cloudflare_rules_of(relative, &read(relative))
}

/// The rules of a `_headers` file's text; `relative` names it in messages.
fn cloudflare_rules_of(relative: &str, text: &str) -> Rules {
    let mut rules = Rules::new();
    let mut current: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        let at = format!("{relative}:{}", index + 1);
        assert!(line.len() <= 2000, "{at}: longer than Cloudflare reads");
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('/') {
            assert!(
                rules.insert(trimmed.to_string(), Headers::new()).is_none(),
                "{at}: rule twice"
            );
            current = Some(trimmed.to_string());
            continue;
        }
        assert!(
            line.starts_with(char::is_whitespace),
            "{at}: a header line must be indented"
        );
        let rule = current
            .as_ref()
            .unwrap_or_else(|| panic!("{at}: header before any path"));
        let (name, value) = trimmed
            .split_once(':')
            .unwrap_or_else(|| panic!("{at}: no colon"));
        let headers = rules.get_mut(rule).unwrap();
        let previous = headers.insert(name.trim().to_lowercase(), value.trim().to_string());
        assert!(previous.is_none(), "{at}: {name} twice in one rule");
    }
    assert!(
        rules.len() <= 100,
        "{relative}: more rules than Cloudflare takes"
    );
    rules
}

/// `NAME "VALUE"` pairs of the lines of `relative` that start with `directive` (after
/// indentation), as nginx's `add_header` and Apache's `Header always set` write them.
fn quoted_headers(relative: &str, directive: &str) -> Headers {
    let mut headers = Headers::new();
    for line in read(relative).lines() {
        let Some(rest) = line.trim().strip_prefix(directive) else {
            continue;
        };
        let (name, quoted) = rest.trim().split_once(' ').unwrap();
        let value = quoted
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("{relative}: {line}"));
        let previous = headers.insert(name.to_lowercase(), value.to_string());
        assert!(previous.is_none(), "{relative}: {name} twice");
    }
    headers
}

/// Every double-quoted string of `relative` that holds a `max-age`, as the caching rules of the
/// nginx and Apache files write their Cache-Control values (and Apache its HSTS header).
fn quoted_max_ages(relative: &str) -> BTreeSet<String> {
    let text = read(relative);
    let quoted = text
        .lines()
        .flat_map(|line| line.split('"').skip(1).step_by(2));
    quoted
        .filter(|s| s.contains("max-age="))
        .map(str::to_string)
        .collect()
}

#[test]
fn cloudflare_pages_headers_are_netlify_toml_headers() {
    assert_eq!(
        cloudflare_rules("deploy/cloudflare-pages/_headers"),
        netlify_rules(),
        "deploy/cloudflare-pages/_headers and netlify.toml differ"
    );
}

#[test]
fn nginx_and_apache_send_netlify_toml_headers() {
    let netlify = netlify_rules();
    let security = &netlify["/*"];
    assert!(security.contains_key("content-security-policy"));
    for (file, directive) in [
        ("deploy/nginx/testimony-headers.conf", "add_header "),
        ("deploy/apache/testimony.conf", "Header always set "),
        ("deploy/apache/.htaccess", "Header always set "),
    ] {
        assert_eq!(
            &quoted_headers(file, directive),
            security,
            "{file} and netlify.toml differ"
        );
    }

    // The caching rules are written in each server's own terms; their values must be the same.
    let mut max_ages: BTreeSet<String> = netlify
        .values()
        .filter_map(|headers| headers.get("cache-control").cloned())
        .collect();
    assert_eq!(max_ages.len(), 2, "immutable files and the search manifest");
    for file in [
        "deploy/nginx/testimony.conf",
        "deploy/nginx/testimony-archive.conf",
    ] {
        assert_eq!(
            quoted_max_ages(file),
            max_ages,
            "{file} and netlify.toml differ"
        );
    }
    max_ages.insert(security["strict-transport-security"].clone());
    for file in ["deploy/apache/testimony.conf", "deploy/apache/.htaccess"] {
        assert_eq!(
            quoted_max_ages(file),
            max_ages,
            "{file} and netlify.toml differ"
        );
    }
}

/// A new campaign repository, as `testimony init` writes it.
fn init_repository() -> TestSite {
    let site = TestSite::empty();
    site.run(&["init", "campaign"]).assert_ok();
    site
}

fn read_in(site: &TestSite, relative: &str) -> String {
    let path = site.path("campaign").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The command that installs and runs this version of testimony from npm.
fn npx_testimony() -> String {
    format!(
        "npx --yes @testimony-archive/testimony@{}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The files of the new repository that a host reads.
const HOST_FILES: &[&str] = &[
    "netlify.toml",
    ".github/workflows/pages.yml",
    "cloudflare-pages/build.sh",
    "cloudflare-pages/_headers",
    ".gitlab-ci.yml",
];

#[test]
fn init_writes_each_host_s_files_with_netlify_toml_s_headers() {
    let site = init_repository();
    let netlify = read_in(&site, "netlify.toml");
    assert_eq!(
        netlify_rules_of(&netlify),
        netlify_rules(),
        "the netlify.toml that init writes and the repository's differ"
    );
    assert_eq!(
        cloudflare_rules_of(
            "cloudflare-pages/_headers",
            &read_in(&site, "cloudflare-pages/_headers")
        ),
        netlify_rules(),
        "the _headers that init writes and netlify.toml differ"
    );

    let config: toml::Value = toml::from_str(&netlify).unwrap();
    assert_eq!(
        config["build"]["command"].as_str(),
        Some(format!("{} build", npx_testimony()).as_str())
    );
    assert_eq!(config["build"]["publish"].as_str(), Some("public"));

    let cloudflare = read_in(&site, "cloudflare-pages/build.sh");
    assert!(
        cloudflare.contains(&format!("{} build", npx_testimony())),
        "{cloudflare}"
    );
    assert!(
        cloudflare.contains("cp cloudflare-pages/_headers public/_headers"),
        "{cloudflare}"
    );
}

#[test]
fn init_s_ci_files_check_the_content_then_build_with_the_host_s_address() {
    let site = init_repository();
    let package = format!("@testimony-archive/testimony@{}", env!("CARGO_PKG_VERSION"));

    // GitHub Pages: check, then build for the address configure-pages (or the public
    // repository) gives, then deploy.
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&read_in(&site, ".github/workflows/pages.yml")).unwrap();
    assert_eq!(
        workflow["env"]["TESTIMONY"].as_str(),
        Some(package.as_str())
    );
    let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    let position = |needle: &str| {
        runs.iter()
            .position(|run| run.contains(needle))
            .unwrap_or_else(|| panic!("no step runs {needle}: {runs:?}"))
    };
    assert!(
        position("npx --yes \"$TESTIMONY\" check")
            < position("npx --yes \"$TESTIMONY\" build --base-url")
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/configure-pages@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/upload-pages-artifact@")),
        "{uses:?}"
    );
    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert!(
        deploy["steps"][0]["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/deploy-pages@")
    );

    // GitLab Pages: the same, for $CI_PAGES_URL, leaving public/ as the artifact.
    let gitlab: serde_yaml::Value =
        serde_yaml::from_str(&read_in(&site, ".gitlab-ci.yml")).unwrap();
    let pages = &gitlab["pages"];
    assert_eq!(
        pages["variables"]["TESTIMONY"].as_str(),
        Some(package.as_str())
    );
    let script: Vec<&str> = pages["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect();
    assert_eq!(
        script,
        [
            "npx --yes \"$TESTIMONY\" check",
            "npx --yes \"$TESTIMONY\" build --base-url \"$CI_PAGES_URL\"",
        ]
    );
    assert_eq!(pages["artifacts"]["paths"][0].as_str(), Some("public"));

    // Nothing a host runs needs a Rust toolchain, and every version mark was filled in.
    for file in HOST_FILES {
        let text = read_in(&site, file);
        for word in ["cargo", "rustup", "rustc", "testimony_version"] {
            assert!(!text.contains(word), "{file} says {word}");
        }
    }
}

#[test]
fn init_s_readme_says_the_repository_must_stay_private_and_where_each_host_is_set_up() {
    let site = init_repository();
    let readme = read_in(&site, "README.md");
    for expected in [
        "Keep this repository private",
        "pending, rejected and withdrawn testimonies",
        "publish only `public/`",
        "testimony new testimony",
        "testimony check",
        "testimony serve",
        "status: approved",
        "testimony build",
        "moderation:",
        "allow:",
        &format!("@testimony-archive/testimony@{}", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(readme.contains(expected), "README.md lacks {expected:?}");
    }
    for file in HOST_FILES {
        assert!(
            readme.contains(&format!("`{file}`")),
            "README.md never names {file}"
        );
    }
    assert!(
        !readme.contains("testimony_version"),
        "a version mark was left in README.md"
    );
}

/// Runs git in `dir`, quietly, with no user configuration.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn git_ignores_the_output_its_scratch_folders_and_the_lint_s_memory_of_an_init_repository() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("\n*** SKIPPED: git was not found ***\n");
        return;
    }
    let site = init_repository();
    let repo = site.path("campaign");
    site.run(&["build", "--site", "campaign"]).assert_ok();
    for scratch in [
        ".public.building-4242/index.html",
        ".public.old-4242/index.html",
        ".public.journal-4242",
    ] {
        site.write(
            &format!("campaign/{scratch}"),
            "left by a build that was stopped",
        );
    }
    assert!(
        repo.join(".testimony-cache/lint-found-nothing").is_file(),
        "the build kept no lint memory to ignore"
    );
    git(&repo, &["init", "-q"]);
    let untracked = git(&repo, &["status", "--porcelain", "--untracked-files=all"]);
    let paths: Vec<&str> = untracked.lines().map(|line| &line[3..]).collect();
    assert!(paths.contains(&"content/site.yaml"), "{paths:?}");
    assert!(paths.contains(&".github/workflows/pages.yml"), "{paths:?}");
    assert!(paths.contains(&".gitignore"), "{paths:?}");
    for path in &paths {
        assert!(
            !path.starts_with("public/")
                && !path.starts_with(".public.")
                && !path.starts_with(".testimony-cache/"),
            "git would commit {path}"
        );
    }
}
