//! The `lachan` list compiler as a library: each format's parser on the
//! fixture files in `tests/fixtures/cli/mirror/lists/`, registry validation,
//! the real `lists/registry.toml`, and a build of the fixture registry whose
//! bundle is then queried through the core engine. The binary itself (exit
//! codes, HTTP downloads, damaged bundles, atomic output) is tested in
//! `crate/cli/tests/cli.rs`.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use lachan::build::{build, BuildError, BuildOptions};
use lachan::parse::{parse_bytes, parse_to_vec, ut1_file_format, Item, Skip};
use lachan::registry::{Format, Registry};
use lachan_core::{Action, AgeBand, Bundle, Engine, MatchKind, SourceKind};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures/cli").join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let p = std::env::temp_dir().join(format!(
        "lachan-tests-cli-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

/// Items other than rejects, as `(line, item)`.
fn kept<'a>(items: &[(usize, Item<'a>)]) -> Vec<(usize, Item<'a>)> {
    items
        .iter()
        .filter(|(_, i)| !matches!(i, Item::Reject(_)))
        .cloned()
        .collect()
}

/// Rejects as `(line, reason)`.
fn rejects(items: &[(usize, Item<'_>)]) -> Vec<(usize, String)> {
    items
        .iter()
        .filter_map(|(l, i)| match i {
            Item::Reject(r) => Some((*l, r.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn domains_parser_handles_comments_wildcards_and_bad_lines() {
    let text = read("mirror/lists/domains.txt");
    let items = parse_to_vec(Format::Domains, &text);
    assert_eq!(
        kept(&items),
        vec![
            (2, Item::Domain("bet-one.example")),
            (4, Item::Domain("BET-TWO.example.")),
            (5, Item::Domain("bet-three.example")),
            (6, Item::Domain("bet-one.example")),
            (7, Item::Domain("bücher-bet.example")),
            (10, Item::Domain("bad..dots.example")),
            (11, Item::Domain("bet-five.example")),
        ]
    );
    let r = rejects(&items);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].0, 8);
    assert!(r[0]
        .1
        .contains("expected one domain per line, found 2 fields"));
    assert_eq!(r[1].0, 9);
    assert!(r[1].1.contains("scheme or path"));
    // A hosts-file line in a domains list says which format to use.
    let r = rejects(&parse_to_vec(Format::Domains, "0.0.0.0 a.example"));
    assert!(r[0].1.contains("format = \"hosts\""), "{r:?}");
    // Host validity is the core's call (bad..dots is rejected at build time).
}

#[test]
fn hosts_parser_reads_block_addresses_and_skips_local_names() {
    let text = read("mirror/lists/hosts.txt");
    let items = parse_to_vec(Format::Hosts, &text);
    let kept = kept(&items);
    let domains: Vec<&str> = kept
        .iter()
        .filter_map(|(_, i)| match i {
            Item::Domain(d) => Some(*d),
            _ => None,
        })
        .collect();
    assert_eq!(
        domains,
        [
            "porn-one.example",
            "porn-two.example",
            "porn-three.example",
            "porn-four.example",
            "porn-five.example",
            "203.0.113.9",
            "porn-one.example"
        ]
    );
    let skipped = kept
        .iter()
        .filter(|(_, i)| *i == Item::Skip(Skip::LocalName))
        .count();
    assert_eq!(skipped, 3, "localhost, localhost, ip6-localhost");
    let r = rejects(&items);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, 7);
    assert!(r[0].1.contains("192.0.2.7, a real address"));
}

#[test]
fn adblock_parser_keeps_only_whole_domain_rules() {
    let text = read("mirror/lists/adblock.txt");
    let items = parse_to_vec(Format::Adblock, &text);
    assert_eq!(
        kept(&items),
        vec![
            (3, Item::Domain("scam-one.example")),
            (4, Item::Domain("scam-two.example")),
            (5, Item::Domain("scam-three.example")),
            (6, Item::Skip(Skip::Exception)),
            (7, Item::Skip(Skip::Cosmetic)),
            (15, Item::Domain("scam-ten.example")),
        ]
    );
    let r = rejects(&items);
    let lines: Vec<usize> = r.iter().map(|x| x.0).collect();
    assert_eq!(lines, [8, 9, 10, 11, 12, 13, 14]);
    assert!(r[0].1.contains("has a path"));
    assert!(r[1].1.contains("only to script requests"));
    assert!(r[2].1.contains("$domain="));
    assert!(r[3].1.contains("regular-expression"));
    assert!(r[4].1.contains("plain pattern"));
    assert!(r[5].1.contains("no `^`"));
    assert!(r[6].1.contains("address-anchored"));
    // Negated types still cover pages; unknown options are named.
    assert_eq!(
        kept(&parse_to_vec(Format::Adblock, "||x.example^$~script,3p")),
        vec![(1, Item::Domain("x.example"))]
    );
    assert!(rejects(&parse_to_vec(
        Format::Adblock,
        "||x.example^$redirect=noop.js"
    ))[0]
        .1
        .contains("unsupported option $redirect=noop.js"));
}

#[test]
fn url_and_expression_parsers() {
    let urls = read("mirror/lists/urls.txt");
    let items = parse_to_vec(Format::Urls, &urls);
    assert_eq!(
        kept(&items),
        vec![
            (2, Item::Url("pharmacy.example/pills")),
            (3, Item::Url("https://drugs-shop.example/buy/")),
            (4, Item::Url("forum.example/weed")),
        ]
    );
    assert_eq!(rejects(&items)[0].0, 5);
    let exprs = read("mirror/lists/expressions.txt");
    let items = parse_to_vec(Format::Expressions, &exprs);
    assert_eq!(
        items.len(),
        3,
        "comment skipped; regex validity is the core's call"
    );
    assert!(matches!(items[1], (3, Item::Expression("(unclosed"))));
}

#[test]
fn byte_input_handles_bom_crlf_and_invalid_utf8() {
    let bytes = b"\xEF\xBB\xBFa.example\r\nb\xFF.example\r\n\r\nc.example";
    let mut got = Vec::new();
    parse_bytes(Format::Domains, bytes, |line, item| {
        got.push((line, format!("{item:?}")))
    });
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], (1, "Domain(\"a.example\")".to_string()));
    assert_eq!(got[1].0, 2);
    assert!(got[1].1.contains("not valid UTF-8"));
    assert_eq!(got[2], (4, "Domain(\"c.example\")".to_string()));
}

#[test]
fn ut1_files_map_to_formats() {
    assert_eq!(ut1_file_format("domains"), Format::Domains);
    assert_eq!(ut1_file_format("domains.gz"), Format::Domains);
    assert_eq!(ut1_file_format("urls"), Format::Urls);
    assert_eq!(ut1_file_format("expressions"), Format::Expressions);
    assert_eq!(
        ut1_file_format("very_restrictive_expression"),
        Format::Expressions
    );
}

#[test]
fn registry_validation_names_every_problem() {
    let dir = root().join("lists");
    let text = r#"
categories = "categories.toml"
[[source]]
name = "Bad Name"
category = "nope"
kind = "deny"
format = "domains"
path = ""
licence = ""
bands = ["7-9"]
files = ["domains"]
"#;
    let err = Registry::parse(text, Path::new("reg.toml"), &dir).unwrap_err();
    for want in [
        "name must be lower-case",
        "kind must be \"block\" or \"allow\"",
        "unknown category \"nope\"",
        "unknown age band \"7-9\"",
        "path is empty",
        "`files` is only for format = \"ut1\"",
        "upstream is missing",
        "licence is missing",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    let err = Registry::parse("[[source]]\nname = 1\n", Path::new("reg.toml"), &dir).unwrap_err();
    assert!(err.starts_with("reg.toml: "), "{err}");
    let err = Registry::parse(
        "[[source]]\nname=\"a\"\ncategory=\"x\"\nkind=\"block\"\nformat=\"csv\"\npath=\"p\"\n",
        Path::new("reg.toml"),
        &dir,
    )
    .unwrap_err();
    assert!(err.contains("csv"), "{err}");
}

/// The real registry: valid, every category known, pinned upstreams, UT1
/// licence and attribution kept, allow kinds where the category says so.
#[test]
fn real_registry_is_valid_and_keeps_licences() {
    let reg = Registry::load(&root().join("lists/registry.toml")).unwrap();
    assert!(reg.sources.len() >= 30);
    assert!(reg.policy.is_object(), "default policy converted from TOML");
    for s in &reg.sources {
        let cat = reg.categories.iter().find(|c| c.key == s.category).unwrap();
        assert_eq!(cat.kind, s.kind, "{}", s.name);
        assert!(!s.attribution.is_empty(), "{} has no attribution", s.name);
        if s.local {
            assert!(s.path.starts_with("curated/"), "{}", s.name);
            assert!(root().join("lists").join(&s.path).is_file(), "{}", s.name);
            continue;
        }
        assert!(
            s.upstream.starts_with("https://raw.githubusercontent.com/"),
            "{}",
            s.name
        );
        let commit = s.upstream.split('/').nth(5).unwrap();
        assert!(
            commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{} is not pinned to a commit",
            s.name
        );
        if s.name.starts_with("ut1-") {
            assert_eq!(s.licence, "CC-BY-SA-4.0", "{}", s.name);
            assert!(s.attribution.contains("Toulouse"), "{}", s.name);
        }
    }
    let by_name = |n: &str| reg.sources.iter().find(|s| s.name == n).unwrap();
    assert_eq!(by_name("ut1-liste-blanche").kind, SourceKind::Allow);
    assert_eq!(by_name("ut1-sexual-education").kind, SourceKind::Allow);
    assert_eq!(
        by_name("ut1-adult-expressions").bands,
        [AgeBand::Under6, AgeBand::Age6To10]
    );
    assert_eq!(by_name("hostsvn-threat").category, "scam");
    assert_eq!(
        by_name("ut1-adult-expressions").context_path.as_deref(),
        Some("curated/url_context.txt")
    );
    assert!(by_name("ut1-adult-expressions").context.words.len() >= 20);
    assert_eq!(by_name("lachan-list-errors").kind, SourceKind::Allow);
    // Every curated entry has a reason.
    for f in [
        "safe.txt",
        "circumvention.txt",
        "self_harm.txt",
        "list_errors.txt",
        "url_context.txt",
    ] {
        let text = std::fs::read_to_string(root().join("lists/curated").join(f)).unwrap();
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (_, reason) = line.split_once('#').expect("domain  # reason");
            assert!(reason.trim().len() > 10, "{f}: {line}");
        }
    }
}

fn fixture_build(tag: &str) -> (lachan::build::BuildReport, PathBuf) {
    let out = temp_dir(tag).join("fx.lcb");
    let opts = BuildOptions {
        registry: fixture("registry.toml"),
        mirror: Some(fixture("mirror")),
        out: out.clone(),
        offline: true,
        quiet: true,
        strict: true,
        show_rejected: 100,
        holdout: None,
        dry_run: false,
    };
    (build(&opts).expect("fixture build"), out)
}

#[test]
fn fixture_build_counts_duplicates_rejects_and_unicode() {
    let (report, out) = fixture_build("counts");
    let src = |n: &str| report.sources.iter().find(|s| s.name == n).unwrap();
    let d = src("fx-domains");
    assert_eq!((d.added, d.duplicates, d.rejected), (5, 1, 3));
    assert!(
        d.first_rejects[0].ends_with("domains.txt:8: expected one domain per line, found 2 fields")
    );
    assert!(
        d.first_rejects[2].contains("domains.txt:10: "),
        "{:?}",
        d.first_rejects
    );
    let h = src("fx-hosts");
    assert_eq!((h.added, h.duplicates, h.rejected), (6, 1, 1));
    assert_eq!(h.skipped.get(&Skip::LocalName), Some(&3));
    let a = src("fx-adblock");
    assert_eq!((a.added, a.rejected), (4, 7));
    let x = src("fx-expressions");
    assert_eq!((x.added, x.duplicates, x.rejected), (1, 1, 1));
    assert_eq!(src("fx-ut1-gambling").added, 3);
    assert_eq!(src("fx-gz").added, 2, "gzip read transparently");
    assert_eq!(src("fx-curated-safe").origin, Some("project"));
    assert_eq!(report.by_category["gambling"], 8);
    assert!(report.failed().next().is_none());

    let bundle = Bundle::from_bytes(std::fs::read(&out).unwrap()).unwrap();
    bundle.verify().unwrap();
    let rules: Vec<String> = bundle
        .export_rules()
        .expect("export")
        .into_iter()
        .map(|r| r.rule)
        .collect();
    assert!(
        rules.contains(&"xn--bcher-bet-q9a.example".to_string()),
        "{rules:?}"
    );
    assert!(rules.contains(&"bet-two.example".to_string()));
    assert!(rules.contains(&"pharmacy.example/pills".to_string()));
    assert!(!rules.iter().any(|r| r.contains("localhost")));
    let info = bundle.info();
    let ut1 = info
        .sources
        .iter()
        .find(|s| s.name == "fx-ut1-gambling")
        .unwrap();
    assert_eq!(ut1.licence, "CC-BY-SA-4.0");
    assert!(ut1.upstream.contains("fixture UT1"), "attribution kept");
    assert_eq!(
        info.categories.len(),
        22,
        "every category of categories.toml"
    );
    let _ = std::fs::remove_dir_all(out.parent().unwrap());
}

#[test]
fn fixture_bundle_gives_the_expected_verdicts() {
    let (_, out) = fixture_build("verdicts");
    let engine = Engine::from_bytes(std::fs::read(&out).unwrap()).unwrap();
    let check = |url: &str, band: Option<AgeBand>| engine.check_url(url, band);
    let v = check("https://WWW.Bet-One.example./x", None);
    assert_eq!(
        (v.action, v.category.as_deref()),
        (Action::Block, Some("gambling"))
    );
    assert_eq!(v.source.as_deref(), Some("fx-domains"));
    assert_eq!(v.match_kind, MatchKind::Domain);
    assert_eq!(
        check("http://bücher-bet.example/", None).action,
        Action::Block
    );
    assert_eq!(
        check("http://xn--bcher-bet-q9a.example/", None).action,
        Action::Block
    );
    assert_eq!(
        check("https://notbet-one.example/", None).action,
        Action::Allow
    );
    let v = check("https://help.bet-one.example/", None);
    assert_eq!(v.action, Action::Allow);
    assert!(v.allow_override);
    assert_eq!(
        check("https://pharmacy.example/pills/a", None).match_kind,
        MatchKind::UrlPrefix
    );
    assert_eq!(
        check("https://pharmacy.example/pillsx", None).action,
        Action::Allow
    );
    assert_eq!(
        check("https://games.example/poker", None)
            .category
            .as_deref(),
        Some("gambling")
    );
    // Banded expressions: only for the youngest.
    assert_eq!(
        check("https://xxxporn3.example/", Some(AgeBand::Age6To10)).action,
        Action::Block
    );
    assert_eq!(
        check("https://xxxporn3.example/", Some(AgeBand::Age15To17)).action,
        Action::Allow
    );
    assert_eq!(
        check("https://gore-two.example/", None).category.as_deref(),
        Some("violence")
    );
    assert_eq!(
        check("http://203.0.113.9/", None).category.as_deref(),
        Some("adult")
    );
    let _ = std::fs::remove_dir_all(out.parent().unwrap());
}

/// The context list of `fx-context-expressions`: a match only in the path
/// is cancelled on an address with a context word or suffix; a match in the
/// host, a word only in the query, or another source's expression is not.
#[test]
fn fixture_context_list_cancels_path_only_matches() {
    let (report, out) = fixture_build("context");
    assert!(
        report.notes.iter().any(|n| n.starts_with(
            "fx-context-expressions: a match only in the path is cancelled by 3 context words \
             and 1 host suffixes"
        )),
        "{:?}",
        report.notes
    );
    let engine = Engine::from_bytes(std::fs::read(&out).unwrap()).unwrap();
    let band = Some(AgeBand::Age6To10);
    for (url, want) in [
        ("https://clinic.example/health/teen-acne", Action::Allow),
        ("https://clinic.example/teen-acne", Action::Block),
        ("https://example.test/en/teens/sex-ed.html", Action::Allow),
        ("https://example.test/en/teens/sexed.html", Action::Block),
        (
            "https://news.example/world/same-sex-marriage",
            Action::Allow,
        ),
        ("https://www.health.gov.test/teen-pregnancy", Action::Allow),
        ("https://healthgov.test/teen-pregnancy", Action::Block),
        ("https://example.com/porn/videos", Action::Block),
        (
            "https://example.com/porn/videos?about=health",
            Action::Block,
        ),
        ("https://teen-sex.example/health/", Action::Block),
        ("https://xxxporn3.example/health/", Action::Block),
    ] {
        let v = engine.check_url(url, band);
        assert_eq!(v.action, want, "{url}: {}", v.reason);
        assert_eq!(engine.check_code(url, band) & 3, want as u32, "{url}");
    }
    let v = engine.check_url("https://example.com/porn/videos", band);
    assert_eq!(v.source.as_deref(), Some("fx-context-expressions"));
    assert_eq!(v.match_kind, MatchKind::Expression);
    let _ = std::fs::remove_dir_all(out.parent().unwrap());
}

#[test]
fn registry_names_every_problem_of_a_context_list() {
    let dir = temp_dir("context-registry");
    std::fs::write(
        dir.join("ctx.txt"),
        "# comment\nhealth   # health pages\nnews\nsức-khỏe  # health, with diacritics\n\
         ..gov    # a bad suffix\n",
    )
    .unwrap();
    std::fs::write(dir.join("empty.txt"), "# nothing yet\n").unwrap();
    let source = |name: &str, kind: &str, format: &str, context: &str| {
        format!(
            "[[source]]\nname = \"{name}\"\ncategory = \"{}\"\nkind = \"{kind}\"\n\
             format = \"{format}\"\npath = \"p\"\nlocal = true\nlicence = \"MIT\"\n\
             context = \"{context}\"\n",
            if kind == "allow" { "safe" } else { "adult" }
        )
    };
    let text = [
        source("a", "block", "expressions", "ctx.txt"),
        source("b", "block", "domains", "empty.txt"),
        source("c", "allow", "ut1", "missing.txt"),
    ]
    .concat();
    let err = Registry::parse(&text, Path::new("reg.toml"), &dir).unwrap_err();
    for want in [
        "ctx.txt:3: \"news\" needs a reason after `#`",
        "ctx.txt:4: \"sức-khỏe\" is not a context word",
        "ctx.txt:5: host suffix \"..gov\"",
        "source \"b\": `context` is only for format = \"expressions\" or \"ut1\"",
        "empty.txt has no entries",
        "source \"c\": `context` is only for block sources",
        "source \"c\": cannot read context list",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    std::fs::write(
        dir.join("ctx.txt"),
        "health  # health pages\n.NHS.uk  # NHS\n",
    )
    .unwrap();
    let reg = Registry::parse(
        &source("a", "block", "expressions", "ctx.txt"),
        Path::new("reg.toml"),
        &dir,
    )
    .unwrap();
    assert_eq!(reg.sources[0].context.words, ["health"]);
    assert_eq!(reg.sources[0].context.hosts, ["nhs.uk"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nothing_usable_is_an_error_and_writes_nothing() {
    let dir = temp_dir("empty");
    let mirror = dir.join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    let reg = dir.join("registry.toml");
    std::fs::write(
        &reg,
        "[[source]]\nname=\"a\"\ncategory=\"gambling\"\nkind=\"block\"\nformat=\"domains\"\n\
         path=\"a.txt\"\nupstream=\"https://lists.invalid/a.txt\"\nlicence=\"MIT\"\n",
    )
    .unwrap();
    let out = dir.join("out.lcb");
    let opts = BuildOptions {
        registry: reg,
        mirror: Some(mirror),
        out: out.clone(),
        offline: true,
        quiet: true,
        strict: false,
        show_rejected: 5,
        holdout: None,
        dry_run: false,
    };
    match build(&opts) {
        Err(BuildError::Failed(m)) => assert!(m.contains("nothing usable"), "{m}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes a registry of local sources (`name`, `format`, file bytes; all
/// in category `adult` unless named `safe-*`), an optional policy file and
/// extra files (`phrases/…`, `hashes/…`), builds it, and returns the report
/// and the engine.
fn local_build(
    tag: &str,
    sources: &[(&str, &str, &[u8])],
    policy: Option<&str>,
    extra: &[(&str, &[u8])],
) -> (lachan::build::BuildReport, Engine) {
    let dir = temp_dir(tag);
    let mut reg = String::new();
    if let Some(p) = policy {
        std::fs::write(dir.join("policy.toml"), p).unwrap();
        reg.push_str("policy = \"policy.toml\"\n");
    }
    for (name, format, bytes) in sources {
        std::fs::write(dir.join(format!("{name}.txt")), bytes).unwrap();
        let (category, kind) = if name.starts_with("safe") {
            ("safe", "allow")
        } else {
            ("adult", "block")
        };
        reg.push_str(&format!(
            "[[source]]\nname = \"{name}\"\ncategory = \"{category}\"\nkind = \"{kind}\"\n\
             format = \"{format}\"\npath = \"{name}.txt\"\nlocal = true\nlicence = \"CC0-1.0\"\n"
        ));
    }
    for (path, bytes) in extra {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    std::fs::write(dir.join("registry.toml"), reg).unwrap();
    let out = dir.join("out.lcb");
    let opts = BuildOptions {
        registry: dir.join("registry.toml"),
        mirror: None,
        out: out.clone(),
        offline: true,
        quiet: true,
        strict: true,
        show_rejected: 100,
        holdout: None,
        dry_run: false,
    };
    let report = build(&opts).unwrap_or_else(|e| panic!("{tag}: {e}"));
    let engine = Engine::from_bytes(std::fs::read(&out).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (report, engine)
}

fn blocked(engine: &Engine, host: &str) -> bool {
    engine.check_url(&format!("https://{host}/"), None).action == Action::Block
}

#[test]
fn invalid_utf8_in_hash_list_is_reported_per_line() {
    let hashes = b"# list\n\
        d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22,p,one\n\
        e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064,p,\xff\xfe\n\
        0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff,p,three\n";
    let (report, engine) = local_build(
        "hash-utf8",
        &[("a", "domains", b"a.example\n")],
        None,
        &[("hashes/list.txt", hashes)],
    );
    let bad: Vec<&String> = report
        .notes
        .iter()
        .filter(|n| n.contains("UTF-8"))
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", report.notes);
    assert!(bad[0].ends_with("list.txt:3: not valid UTF-8 (bad byte at column 68); line skipped"));
    assert_eq!(engine.image_hashes(), 2, "the other lines are kept");
}

/// A line that is not UTF-8 is one rejected line in every list format,
/// page-text phrase lists included; the rest of each file is kept.
#[test]
fn invalid_utf8_is_reported_per_line_in_every_format() {
    let phrases = b"# category: gambling\n60 | nh\xe0 c\xe1i | whole | latin-1 bytes\n50 | c\xc3\xa1 c\xc6\xb0\xe1\xbb\xa3c | whole | betting\n";
    let (report, engine) = local_build(
        "every-utf8",
        &[
            ("d", "domains", b"d1.example\nbad\xff.example\nd2.example\n"),
            (
                "h",
                "hosts",
                b"0.0.0.0 h1.example\n0.0.0.0 \xc3(.example\n0.0.0.0 h2.example\n",
            ),
            (
                "b",
                "adblock",
                b"||b1.example^\n||\xf0\x28.example^\n||b2.example^\n",
            ),
            (
                "u",
                "urls",
                b"u1.example/x\nu\xff.example/y\nu2.example/z\n",
            ),
            (
                "e",
                "expressions",
                b"^e1\\.example/\n\xffe\n^e2\\.example/\n",
            ),
        ],
        None,
        &[("phrases/g.txt", phrases)],
    );
    for s in &report.sources {
        assert_eq!(s.rejected, 1, "{}: {:?}", s.name, s.first_rejects);
        assert!(
            s.first_rejects[0].contains(".txt:2: not valid UTF-8 (bad byte at column"),
            "{:?}",
            s.first_rejects
        );
    }
    for host in [
        "d1.example",
        "d2.example",
        "h1.example",
        "h2.example",
        "b1.example",
        "b2.example",
    ] {
        assert!(blocked(&engine, host), "{host}");
    }
    assert!(blocked(&engine, "u2.example/z"));
    assert!(blocked(&engine, "e2.example/"));
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.ends_with("g.txt:2: not valid UTF-8 (bad byte at column 8); line skipped")),
        "{:?}",
        report.notes
    );
    let text = engine.check_text("cá cược", None);
    assert_eq!(
        text.scores,
        [("gambling".to_string(), 50)],
        "the good phrase line is kept"
    );
}

#[test]
fn bad_default_policy_value_is_reported_and_ignored() {
    let policy = "age_band = \"twelve\"\n[categories]\nadult = \"blok\"\nsafe = \"allow\"\n";
    let (report, engine) = local_build(
        "policy",
        &[
            ("a", "domains", b"a.example\n"),
            ("safe-s", "domains", b"s.example\n"),
        ],
        Some(policy),
        &[],
    );
    let notes: Vec<&String> = report
        .notes
        .iter()
        .filter(|n| n.contains("policy.toml"))
        .collect();
    assert_eq!(notes.len(), 2, "{:?}", report.notes);
    assert!(notes
        .iter()
        .any(|n| n.contains("age_band") && n.contains("\"twelve\" is not an age band")));
    assert!(notes.iter().any(|n| n.contains("categories.adult")
        && n.ends_with("ignored, the built-in default applies there")));
    // The defaults apply where the values were bad: band 6-10, a category
    // the policy does not set is blocked; the good value is kept.
    assert_eq!(engine.policy().band(), AgeBand::Age6To10);
    assert!(blocked(&engine, "a.example"));
    assert_eq!(engine.default_table()["safe"]["15-17"], Action::Allow);
}

#[test]
fn overlong_url_prefix_rule_is_rejected() {
    let mut urls = b"ok.example/fine\n".to_vec();
    urls.extend_from_slice(b"long.example/");
    urls.extend(std::iter::repeat_n(b'a', 10 << 20));
    urls.extend_from_slice(b"\nok2.example/also\n");
    let (report, engine) = local_build("long-url", &[("u", "urls", &urls)], None, &[]);
    let s = &report.sources[0];
    assert_eq!((s.accepted, s.rejected), (2, 1), "{:?}", s.first_rejects);
    assert!(
        s.first_rejects[0].contains(":2: URL rule is 10485773 bytes long, more than the 2048"),
        "{}",
        &s.first_rejects[0][..s.first_rejects[0].len().min(300)]
    );
    assert!(blocked(&engine, "ok2.example/also"));
    assert!(!blocked(&engine, "long.example/aaaa"));
}

/// A list saved with bare CR line ends (old Mac) is read line by line, and
/// the build report says so.
#[test]
fn cr_only_list_file_is_read_and_its_line_endings_reported() {
    let (report, engine) = local_build(
        "cr",
        &[(
            "a",
            "domains",
            b"# old Mac file\rone.example\rtwo.example\rthree.example\r",
        )],
        None,
        &[],
    );
    let s = &report.sources[0];
    assert_eq!((s.added, s.rejected), (3, 0));
    assert_eq!(s.notes.len(), 1, "{:?}", s.notes);
    assert!(
        s.notes[0]
            .ends_with("a.txt: 4 lines end in a bare CR (old Mac line endings), read as lines"),
        "{:?}",
        s.notes
    );
    let mut out = Vec::new();
    lachan::build::print_report(&report, false, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("lines end in a bare CR"), "{out}");
    assert!(blocked(&engine, "three.example"));
}
