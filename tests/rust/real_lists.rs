//! Every list of the registry, checked at scale against its own raw lines:
//! listed hosts, subdomains, tricky spellings and label-boundary neighbours.
//!
//! The expectation is computed independently of the engine from the raw
//! files: the categories of every list naming the host or a parent domain,
//! the policy's action for them, and no expectation at all for hosts under
//! an allow-list (their verdict is tested in the fixture).
use std::collections::{HashMap, HashSet};

use lachan::fetch::Fetcher;
use lachan::parse::{parse_bytes, Item};
use lachan::registry::Registry;
use lachan_core::host::{normalize_host, HostKind};
use lachan_core::{Action, AgeBand, Engine, SourceKind};
use lachan_tests::{code_agrees, default_engine, mirror, root};

/// Band for the scale checks: 11-14, where UT1's very restrictive adult
/// expressions (under-6 and 6-10 only) do not apply, so list hits alone
/// decide and the expectation can be computed from the lists.
const BAND: AgeBand = AgeBand::Age11To14;
/// Hosts sampled per source (spread over the whole file).
const SAMPLE: usize = 400;

struct Truth {
    /// host -> category keys of block lists naming it exactly.
    blocked: HashMap<String, HashSet<String>>,
    /// hosts named by allow lists.
    allowed: HashSet<String>,
    /// (source name, hosts) for sampling.
    by_source: Vec<(String, Vec<String>)>,
}

fn load_truth() -> Truth {
    let reg = Registry::load(&root().join("lists/registry.toml")).expect("registry loads");
    let fetcher = Fetcher::new(Some(mirror()), true);
    let mut t = Truth {
        blocked: HashMap::new(),
        allowed: HashSet::new(),
        by_source: Vec::new(),
    };
    for src in &reg.sources {
        if !src.bands.is_empty() && !src.bands.contains(&BAND) {
            continue;
        }
        let inputs = fetcher
            .inputs(&reg, src)
            .unwrap_or_else(|e| panic!("{}: {e}", src.name));
        let mut hosts = Vec::new();
        for input in inputs {
            let format = input.format;
            parse_bytes(format, &input.bytes, |_, item| {
                let Item::Domain(d) = item else { return };
                let Ok(h) = normalize_host(d) else { return };
                if h.kind() == HostKind::Domain && !h.as_str().contains('.') {
                    return;
                }
                hosts.push(h.as_str().to_string());
            });
        }
        for h in &hosts {
            match src.kind {
                SourceKind::Allow => {
                    t.allowed.insert(h.clone());
                }
                SourceKind::Block => {
                    t.blocked
                        .entry(h.clone())
                        .or_default()
                        .insert(src.category.clone());
                }
            }
        }
        if src.kind == SourceKind::Block && !hosts.is_empty() {
            t.by_source.push((src.name.clone(), hosts));
        }
    }
    t
}

/// The host itself and each parent domain (IP literals: only themselves).
fn suffixes(host: &str) -> Vec<&str> {
    if normalize_host(host)
        .map(|h| h.kind() != HostKind::Domain)
        .unwrap_or(true)
    {
        return vec![host];
    }
    let mut out = vec![host];
    let mut rest = host;
    while let Some(i) = rest.find('.') {
        rest = &rest[i + 1..];
        out.push(rest);
    }
    out
}

/// What the verdict must be for `host` (None: under an allow-list, skip).
fn expect(t: &Truth, engine: &Engine, host: &str) -> Option<(Action, HashSet<String>)> {
    let sfx = suffixes(host);
    if sfx.iter().any(|s| t.allowed.contains(*s)) {
        return None;
    }
    let cats: HashSet<String> = sfx
        .iter()
        .filter_map(|s| t.blocked.get(*s))
        .flatten()
        .cloned()
        .collect();
    let action = cats
        .iter()
        .map(|c| engine.policy().action(c, BAND))
        .max()
        .unwrap_or(Action::Allow);
    let deciding = cats
        .into_iter()
        .filter(|c| engine.policy().action(c, BAND) == action)
        .collect();
    Some((action, deciding))
}

fn translate_goog(host: &str) -> String {
    format!(
        "https://{}.translate.goog/?_x_tr_sl=auto&_x_tr_tl=vi",
        host.replace('-', "--").replace('.', "-")
    )
}

#[test]
fn every_list_listed_subdomain_tricks_and_neighbours() {
    let t = load_truth();
    let engine = default_engine();
    assert!(
        t.by_source.len() >= 10,
        "expected the registry's block lists, got {}",
        t.by_source.len()
    );
    let mut failures = Vec::new();
    let mut checked = 0usize;
    let mut neighbours_allowed = 0usize;
    for (source, hosts) in &t.by_source {
        let step = (hosts.len() / SAMPLE).max(1);
        for host in hosts.iter().step_by(step) {
            let is_ip = normalize_host(host)
                .map(|h| h.kind() != HostKind::Domain)
                .unwrap_or(false);
            let mut urls: Vec<(String, String)> = vec![
                (format!("http://{host}/"), host.clone()),
                (
                    format!("HTTPS://{}./Some/Path", host.to_uppercase()),
                    host.clone(),
                ),
                (format!("http://vnexpress.net@{host}/"), host.clone()),
            ];
            if !is_ip {
                urls.push((
                    format!("https://www.sub.{host}/page?q=1"),
                    format!("www.sub.{host}"),
                ));
                // Only wrappers a browser could open: Google's encoding of
                // a long or xn-- host is not a valid label, and such a URL
                // never loads.
                let wrapped = translate_goog(host);
                if lachan_core::url::ParsedUrl::parse(&wrapped).is_ok() {
                    urls.push((wrapped, host.clone()));
                }
                urls.push((format!("https://x{host}/"), format!("x{host}")));
                urls.push((format!("https://{host}x/"), format!("{host}x")));
            }
            for (url, tested_host) in urls {
                let Some((action, cats)) = expect(&t, &engine, &tested_host) else {
                    continue;
                };
                let v = engine.check_url(&url, Some(BAND));
                checked += 1;
                let cat_ok = action == Action::Allow
                    || v.category.as_ref().is_some_and(|c| cats.contains(c));
                if v.action != action || !cat_ok {
                    failures.push(format!(
                        "[{source}] {url}: got {} {:?}, want {action} one of {cats:?} — {}",
                        v.action, v.category, v.reason
                    ));
                }
                if tested_host.starts_with('x') || tested_host.ends_with('x') {
                    neighbours_allowed += usize::from(v.action == Action::Allow);
                }
            }
        }
    }
    eprintln!(
        "real lists: {checked} URLs checked, {neighbours_allowed} unlisted neighbours allowed"
    );
    assert!(checked > 10_000, "only {checked} URLs checked");
    assert!(
        neighbours_allowed > 1_000,
        "label-boundary neighbours barely exercised"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} failed; first 40:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn default_bundle_verifies_and_is_compact() {
    let engine = default_engine();
    engine.bundle().verify().expect("checksum");
    let info = engine.bundle().info();
    let hosts: u64 = info.keys;
    let bytes_per_key = info.size as f64 / hosts as f64;
    eprintln!(
        "default bundle: {} keys, {} bytes, {bytes_per_key:.2} bytes/key",
        hosts, info.size
    );
    assert!(hosts > 200_000, "{hosts} keys: are lists missing?");
    assert!(
        info.sources.iter().all(|s| !s.licence.is_empty()),
        "every source names its licence"
    );
}

/// The fast path (`check_code`: a host pre-filter, no parsing into owned
/// strings) must give exactly the full verdict's action and category, on
/// popular hosts (mostly unlisted) and listed ones, in every band.
#[test]
fn fast_path_agrees_with_full_verdicts() {
    use std::io::Read;
    let engine = default_engine();
    let gz = std::fs::read(mirror().join("topsites/umbrella_top_1-50000.csv.gz")).unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap();
    let mut hosts: Vec<String> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .map(str::to_string)
        .collect();
    let t = load_truth();
    for (_, listed) in &t.by_source {
        hosts.extend(listed.iter().step_by(97).cloned());
    }
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for (i, host) in hosts.iter().enumerate() {
        let url = match i % 4 {
            0 => format!("https://{host}/"),
            1 => format!("http://www.{host}/teen-porn/videos?id={i}"),
            2 => format!("https://{host}:8443/Search?q=casino"),
            _ => format!("https://{}/a", host.to_uppercase()),
        };
        for band in AgeBand::ALL {
            let v = engine.check_url(&url, Some(band));
            let code = engine.check_code(&url, Some(band));
            if let Err(why) = code_agrees(&engine, &v, code) {
                disagreements.push(format!("{url} [{band}]: {why}"));
            }
            checked += 1;
        }
    }
    eprintln!("fast path: {checked} verdicts compared");
    assert!(checked > 100_000);
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(30)].join("\n")
    );
}
