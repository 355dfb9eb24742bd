//! The `lachan` binary end to end: build from the fixture registry, check,
//! verify good and damaged bundles, download over HTTP from a local server,
//! exit codes, and atomic output. Fixtures: `tests/fixtures/cli/`.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

mod common;

use common::{code, fixtures, lachan, repo_root, text, TempDir};

/// Builds the fixture registry offline into `dir/fx.lcb`.
fn build_fixture(dir: &Path) -> (PathBuf, Output) {
    let out = dir.join("fx.lcb");
    let o = lachan(
        dir,
        &[
            "build",
            "--registry",
            fixtures().join("registry.toml").to_str().unwrap(),
            "--mirror",
            fixtures().join("mirror").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--offline",
        ],
    );
    (out, o)
}

#[test]
fn help_names_every_command_and_exit_codes() {
    let tmp = TempDir::new("help");
    let o = lachan(tmp.path(), &["--help"]);
    assert_eq!(code(&o), 0);
    let s = text(&o.stdout);
    for cmd in ["build", "check", "verify", "Exit codes"] {
        assert!(s.contains(cmd), "--help lacks {cmd}: {s}");
    }
    let o = lachan(tmp.path(), &["check", "--help"]);
    assert_eq!(code(&o), 0);
    let s = text(&o.stdout);
    assert!(s.contains("--json") && s.contains("--age") && s.contains("--parent-policy"));
    let o = lachan(tmp.path(), &["build", "--help"]);
    assert!(text(&o.stdout).contains("--mirror"));
}

#[test]
fn build_reports_counts_and_rejected_lines_then_check_and_verify() {
    let tmp = TempDir::new("e2e");
    let (bundle, o) = build_fixture(tmp.path());
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(code(&o), 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("fx-domains:") && stdout.contains("5 added, 1 duplicates, 3 rejected"),
        "{stdout}"
    );
    assert!(stdout.contains("3 local names skipped"), "{stdout}");
    assert!(stdout.contains("1 exception rules skipped"), "{stdout}");
    assert!(stdout.contains("bytes per key") && stdout.contains("built in"));
    assert!(stdout.contains("gambling") && stdout.contains("[project]"));
    // file:line: reason for the first rejected lines of each source.
    assert!(
        stderr.contains("domains.txt:8: expected one domain per line"),
        "{stderr}"
    );
    assert!(stderr.contains("domains.txt:10: "), "{stderr}");
    assert!(
        stderr.contains("hosts.txt:7: maps names to 192.0.2.7"),
        "{stderr}"
    );
    assert!(
        stderr.contains("more rejected lines in fx-adblock"),
        "{stderr}"
    );
    assert!(bundle.is_file());
    // No temp file left beside the bundle.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());

    let b = bundle.to_str().unwrap();
    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--json",
            "--bundle",
            b,
            "https://www.bet-one.example/x",
            "http://bücher-bet.example/",
            "https://help.bet-one.example/",
            "https://unlisted.example/",
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let lines: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 4);
    for v in &lines {
        for field in [
            "url", "action", "category", "reason", "source", "rule", "band",
        ] {
            assert!(v.get(field).is_some(), "missing {field} in {v}");
        }
    }
    assert_eq!(lines[0]["action"], "block");
    assert_eq!(lines[0]["category"], "gambling");
    assert_eq!(lines[0]["source"], "fx-domains");
    assert_eq!(lines[0]["rule"], "bet-one.example");
    assert_eq!(lines[1]["action"], "block");
    assert_eq!(lines[1]["rule"], "xn--bcher-bet-q9a.example");
    assert_eq!(lines[2]["action"], "allow");
    assert_eq!(lines[2]["allow_override"], true);
    assert_eq!(lines[3]["action"], "allow");
    assert_eq!(lines[3]["category"], serde_json::Value::Null);

    // Human output, and --age.
    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--bundle",
            b,
            "--age",
            "15-17",
            "https://xxxporn7.example/",
            "https://bet-one.example/",
        ],
    );
    assert_eq!(code(&o), 0);
    let s = text(&o.stdout);
    assert!(
        s.contains("ALLOW  xxxporn7.example is not on any list (age 15-17)"),
        "{s}"
    );
    assert!(
        s.contains("BLOCK  gambling  (fx-domains: domain bet-one.example) — "),
        "{s}"
    );
    let o = lachan(
        tmp.path(),
        &["check", "--bundle", b, "https://xxxporn7.example/"],
    );
    assert!(text(&o.stdout).contains("BLOCK  adult  (fx-expressions: expression"));

    // A parent's TOML/JSON policy layer is applied.
    let parent = tmp.path().join("parent.json");
    std::fs::write(
        &parent,
        r#"{"allow": ["bet-one.example"], "categories": {"nonsense": "block"}}"#,
    )
    .unwrap();
    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--json",
            "--bundle",
            b,
            "--parent-policy",
            parent.to_str().unwrap(),
            "https://bet-one.example/",
        ],
    );
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["action"], "allow");
    assert_eq!(v["source"], "parent");
    assert!(
        text(&o.stderr).contains("warning: policy"),
        "{}",
        text(&o.stderr)
    );

    // verify: version, size, keys, per-category and per-source counts with licences.
    let o = lachan(tmp.path(), &["verify", b]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let s = text(&o.stdout);
    for want in [
        "OK (checksum verified)",
        &format!("format version {}", lachan_core::FORMAT_VERSION),
        "keys",
        "Categories (22)",
        "fx-ut1-gambling",
        "CC-BY-SA-4.0",
        "GPL-3.0",
        "[ages under-6, 6-10]",
    ] {
        assert!(s.contains(want), "verify output lacks {want:?}: {s}");
    }
    let o = lachan(tmp.path(), &["verify", "--json", b]);
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["by_category"]["gambling"], 8);
    assert_eq!(v["info"]["version"], lachan_core::FORMAT_VERSION);
}

#[test]
fn verify_and_check_give_typed_errors_on_damaged_bundles() {
    let tmp = TempDir::new("damaged");
    let (bundle, o) = build_fixture(tmp.path());
    assert_eq!(code(&o), 0);
    let good = std::fs::read(&bundle).unwrap();
    let bad = tmp.path().join("bad.lcb");
    let b = bad.to_str().unwrap();

    // Truncated at several points.
    for cut in [0, 5, 20, 40, good.len() / 2, good.len() - 1] {
        std::fs::write(&bad, &good[..cut]).unwrap();
        let o = lachan(tmp.path(), &["verify", b]);
        assert_eq!(code(&o), 1, "cut {cut}: {}", text(&o.stderr));
        let e = text(&o.stderr);
        assert!(
            e.contains("[truncated]") || e.contains("[not-a-bundle]"),
            "cut {cut}: {e}"
        );
    }
    std::fs::write(&bad, &good[..good.len() / 2]).unwrap();
    let e = text(&lachan(tmp.path(), &["verify", b]).stderr);
    assert!(
        e.contains("[truncated]") && e.contains("bundle is truncated"),
        "{e}"
    );

    // A flipped bit in the stored checksum: a checksum error.
    let mut flipped = good.clone();
    flipped[17] ^= 0x04;
    std::fs::write(&bad, &flipped).unwrap();
    let o = lachan(tmp.path(), &["verify", b]);
    assert_eq!(code(&o), 1);
    assert!(
        text(&o.stderr).contains("[checksum]"),
        "{}",
        text(&o.stderr)
    );

    // Flipped bits all over the payload: always a typed error, never a panic.
    for at in (32..good.len()).step_by(97) {
        let mut f = good.clone();
        f[at] ^= 0x10;
        std::fs::write(&bad, &f).unwrap();
        let o = lachan(tmp.path(), &["verify", b]);
        assert_eq!(code(&o), 1, "flip at {at}");
        let e = text(&o.stderr);
        assert!(
            e.contains("error: ") && e.contains("] "),
            "flip at {at}: {e}"
        );
        // check refuses a bundle that does not verify.
        let o = lachan(
            tmp.path(),
            &["check", "--bundle", b, "https://bet-one.example/"],
        );
        assert_eq!(code(&o), 1, "check, flip at {at}");
    }

    // Not a bundle at all.
    std::fs::write(&bad, b"hello, this is not a bundle at all").unwrap();
    let o = lachan(tmp.path(), &["verify", b]);
    assert_eq!(code(&o), 1);
    assert!(text(&o.stderr).contains("[not-a-bundle]"));
}

#[test]
fn check_without_a_bundle_and_bad_usage_exit_2() {
    let tmp = TempDir::new("usage");
    let missing = tmp.path().join("nope.lcb");
    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--bundle",
            missing.to_str().unwrap(),
            "https://a.example/",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        text(&o.stderr).contains("run `lachan build` first"),
        "{}",
        text(&o.stderr)
    );
    let o = lachan(tmp.path(), &["verify", missing.to_str().unwrap()]);
    assert_eq!(code(&o), 2);

    let (bundle, _) = build_fixture(tmp.path());
    let b = bundle.to_str().unwrap();
    let o = lachan(
        tmp.path(),
        &["check", "--bundle", b, "--age", "99", "https://a.example/"],
    );
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("unknown age band"));
    let o = lachan(tmp.path(), &["check", "--bundle", b]);
    assert_eq!(code(&o), 2);
    let o = lachan(tmp.path(), &["frobnicate"]);
    assert_eq!(code(&o), 2);
    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--bundle",
            b,
            "--school-policy",
            "/nonexistent/school.json",
            "https://a.example/",
        ],
    );
    assert_eq!(code(&o), 2);
}

/// Writes a registry for `sources` (TOML `[[source]]` bodies) next to copies
/// of the real categories and policy.
fn write_registry(dir: &Path, sources: &[String]) -> PathBuf {
    let mut t = String::from(
        "categories = \"../../../lists/categories.toml\"\npolicy = \"../../../lists/policy/default.toml\"\n",
    );
    // The registry sits in a temp dir; point at the repository's files.
    let root = repo_root().canonicalize().unwrap();
    t = t.replace("../../../lists", &root.join("lists").display().to_string());
    for s in sources {
        t.push_str("\n[[source]]\n");
        t.push_str(s);
        t.push('\n');
    }
    let p = dir.join("registry.toml");
    std::fs::write(&p, t).unwrap();
    p
}

fn source(name: &str, category: &str, format: &str, path: &str, upstream: &str) -> String {
    format!(
        "name = \"{name}\"\ncategory = \"{category}\"\nkind = \"block\"\nformat = \"{format}\"\n\
         path = \"{path}\"\nupstream = \"{upstream}\"\nlicence = \"MIT\"\nattribution = \"test\""
    )
}

/// A tiny HTTP/1.1 server on 127.0.0.1 serving `files` (path → body); other
/// paths get 404. It answers at most `max` requests, then stops.
/// The returned list fills with the request paths as they arrive; the
/// thread is not joined (it may still be waiting in `accept`), and it ends
/// with the test process.
fn serve(files: Vec<(&'static str, Vec<u8>)>, max: usize) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                match reader.read_line(&mut h) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if h == "\r\n" || h == "\n" => break,
                    Ok(_) => {}
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            log.lock().unwrap().push(path.clone());
            let (status, body) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, b)) => ("200 OK", b.clone()),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
        }
    });
    (port, seen)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn build_downloads_missing_sources_over_http_and_continues_past_failures() {
    let tmp = TempDir::new("http");
    let mirror = tmp.path().join("empty-mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    let files = vec![
        (
            "/hosts/gambling.txt",
            b"0.0.0.0 dl-bet.example\n0.0.0.0 localhost\n".to_vec(),
        ),
        ("/plain/scam.txt.gz", gzip(b"dl-scam.example\n")),
        ("/ut1/drugs/domains", b"dl-drugs.example\n".to_vec()),
        ("/ut1/drugs/urls", b"dl-shop.example/weed\n".to_vec()),
        // /ut1/drugs/expressions: 404, an optional UT1 file: skipped.
        // /missing.txt: 404 for a whole source: reported, build continues.
    ];
    let (port, server) = serve(files, 16);
    let base = format!("http://127.0.0.1:{port}");
    let reg = write_registry(
        tmp.path(),
        &[
            source(
                "dl-hosts",
                "gambling",
                "hosts",
                "x/gambling.txt",
                &format!("{base}/hosts/gambling.txt"),
            ),
            source(
                "dl-gz",
                "scam",
                "domains",
                "x/scam.txt",
                &format!("{base}/plain/scam.txt.gz"),
            ),
            source(
                "dl-ut1",
                "drugs",
                "ut1",
                "x/ut1/drugs",
                &format!("{base}/ut1/drugs"),
            ),
            source(
                "dl-missing",
                "adult",
                "domains",
                "x/missing.txt",
                &format!("{base}/missing.txt"),
            ),
        ],
    );
    let out = tmp.path().join("dl.lcb");
    let o = lachan(
        tmp.path(),
        &[
            "build",
            "--registry",
            reg.to_str().unwrap(),
            "--mirror",
            mirror.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(code(&o), 0, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("downloading dl-hosts from http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: source dl-missing: download of") && stderr.contains("404"),
        "{stderr}"
    );
    assert!(
        stdout.contains("dl-missing:") && stdout.contains("FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("dl-ut1:") && stdout.contains("2 added"),
        "{stdout}"
    );
    assert!(stdout.contains("[download]"), "{stdout}");
    let seen = server.lock().unwrap().clone();
    assert!(
        seen.iter().any(|p| p == "/ut1/drugs/expressions"),
        "{seen:?}"
    );

    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--json",
            "--bundle",
            out.to_str().unwrap(),
            "https://dl-bet.example/",
            "https://www.dl-scam.example/",
            "https://dl-drugs.example/",
            "https://dl-shop.example/weed/x",
        ],
    );
    assert_eq!(code(&o), 0);
    let cats: Vec<String> = text(&o.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["action"], "block", "{v}");
            v["category"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(cats, ["gambling", "scam", "drugs", "drugs"]);

    // --strict: a failed source fails the build.
    let (port, server) = serve(vec![("/ok.txt", b"ok.example\n".to_vec())], 4);
    let base = format!("http://127.0.0.1:{port}");
    let reg = write_registry(
        tmp.path(),
        &[
            source(
                "ok",
                "gambling",
                "domains",
                "x/ok.txt",
                &format!("{base}/ok.txt"),
            ),
            source(
                "gone",
                "gambling",
                "domains",
                "x/gone.txt",
                &format!("{base}/gone.txt"),
            ),
        ],
    );
    let strict_out = tmp.path().join("strict.lcb");
    let o = lachan(
        tmp.path(),
        &[
            "build",
            "--strict",
            "--quiet",
            "--registry",
            reg.to_str().unwrap(),
            "--mirror",
            mirror.to_str().unwrap(),
            "--out",
            strict_out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--strict"));
    assert!(!strict_out.exists());
    assert_eq!(
        server.lock().unwrap().len(),
        2,
        "both sources were requested"
    );
}

#[test]
fn a_build_with_nothing_usable_fails_and_keeps_the_previous_bundle() {
    let tmp = TempDir::new("nothing");
    let mirror = tmp.path().join("mirror");
    std::fs::create_dir_all(mirror.join("x")).unwrap();
    std::fs::write(
        mirror.join("x/bad.txt"),
        "# only bad lines\ntwo words\nhttp://a.example/path\n",
    )
    .unwrap();
    let reg = write_registry(
        tmp.path(),
        &[
            source(
                "all-bad",
                "gambling",
                "domains",
                "x/bad.txt",
                "https://lists.invalid/bad.txt",
            ),
            source(
                "absent",
                "adult",
                "domains",
                "x/absent.txt",
                "https://lists.invalid/absent.txt",
            ),
        ],
    );
    let out = tmp.path().join("dist").join("lachan.lcb");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, b"previous good bundle").unwrap();
    let o = lachan(
        tmp.path(),
        &[
            "build",
            "--offline",
            "--registry",
            reg.to_str().unwrap(),
            "--mirror",
            mirror.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stderr = text(&o.stderr);
    assert_eq!(code(&o), 1, "{stderr}");
    assert!(stderr.contains("nothing usable"), "{stderr}");
    assert!(stderr.contains("left as it was"), "{stderr}");
    assert!(
        stderr.contains("bad.txt:2: expected one domain per line"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source absent:") && stderr.contains("--offline"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"previous good bundle");
    let names: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "temp files left: {names:?}");

    // A good build then replaces it.
    std::fs::write(mirror.join("x/absent.txt"), "porn.example\n").unwrap();
    let o = lachan(
        tmp.path(),
        &[
            "build",
            "--offline",
            "--quiet",
            "--registry",
            reg.to_str().unwrap(),
            "--mirror",
            mirror.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(text(&o.stdout).starts_with("wrote "), "{}", text(&o.stdout));
    assert!(std::fs::read(&out).unwrap().starts_with(b"\x89LCB"));
}

#[test]
fn a_bad_registry_exits_2_naming_each_problem() {
    let tmp = TempDir::new("badreg");
    let mut bad_kind = source(
        "safe-as-block",
        "safe",
        "domains",
        "x/a.txt",
        "https://a.invalid/a",
    );
    bad_kind.push_str("\nbands = [\"12-13\"]");
    let reg = write_registry(
        tmp.path(),
        &[
            source(
                "one",
                "no_such_category",
                "domains",
                "x/a.txt",
                "https://a.invalid/a",
            ),
            bad_kind,
            source("one", "gambling", "domains", "x/a.txt", "ftp://a.invalid/a"),
        ],
    );
    let o = lachan(
        tmp.path(),
        &[
            "build",
            "--registry",
            reg.to_str().unwrap(),
            "--out",
            tmp.path().join("o.lcb").to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 2);
    let e = text(&o.stderr);
    for want in [
        "unknown category \"no_such_category\"",
        "category safe is an allow category",
        "unknown age band \"12-13\"",
        "name is used twice",
        "upstream must be an http(s) address",
    ] {
        assert!(e.contains(want), "missing {want:?} in {e}");
    }
}

/// The real registry against the real mirror (`$LACHAN_MIRROR`, else
/// `../shared/data`; skipped when absent): every source reads, and the
/// mission's two checks hold.
#[test]
fn real_registry_builds_from_shared_data() {
    let mirror = std::env::var_os("LACHAN_MIRROR")
        .map_or_else(|| repo_root().join("../shared/data"), PathBuf::from);
    if !mirror
        .join("blocklists/hostsvn/gambling/domain.txt")
        .is_file()
    {
        eprintln!("skipped: no shared/data mirror next to the repository");
        return;
    }
    let tmp = TempDir::new("real");
    let out = tmp.path().join("real.lcb");
    let o = lachan(
        &repo_root(),
        &[
            "build",
            "--offline",
            "--strict",
            "--mirror",
            mirror.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stdout = text(&o.stdout);
    assert_eq!(code(&o), 0, "{stdout}\n{}", text(&o.stderr));
    assert!(!stdout.contains("FAILED"), "{stdout}");
    let gambling =
        std::fs::read_to_string(mirror.join("blocklists/hostsvn/gambling/domain.txt")).unwrap();
    let domain = gambling
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap();
    let url = format!("https://www.{domain}/x");
    let o = lachan(
        &repo_root(),
        &[
            "check",
            "--json",
            "--bundle",
            out.to_str().unwrap(),
            &url,
            "https://vnexpress.net/",
        ],
    );
    assert_eq!(code(&o), 0);
    let v: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v[0]["action"], "block", "{}", v[0]);
    assert_eq!(v[0]["category"], "gambling");
    assert_eq!(v[1]["action"], "allow", "{}", v[1]);
}
