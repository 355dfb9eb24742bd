//! Line parsers for the source formats.
//!
//! A parser turns one line into zero or more [`Item`]s. It decides what a
//! line *is* (a domain, a URL rule, an expression, a comment, something to
//! skip or reject); whether a host is valid, and its canonical form
//! (lower case, punycode, no trailing dot), is the core's decision, made when
//! the item is added to the bundle, so the CLI and the engine never disagree.
use crate::lines::{lines, utf8_problem, LineEndings};
use crate::registry::Format;

/// What a line yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// A host: covers itself and its subdomains.
    Domain(&'a str),
    /// A URL-prefix rule (`host/path`, scheme optional).
    Url(&'a str),
    /// A regular expression over `host/path`.
    Expression(&'a str),
    /// A line that is deliberately not used (counted, not an error).
    Skip(Skip),
    /// A line that cannot be used, with the reason.
    Reject(String),
}

/// Why a line was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// `localhost`, `broadcasthost` and the like in a hosts file.
    LocalName,
    /// An Adblock cosmetic (element hiding) rule: `##`, `#@#`, `#?#`, …
    Cosmetic,
    /// An Adblock exception rule `@@…`: it unblocks ad requests on a site,
    /// which says nothing about whether the site is fit for a child, so it is
    /// neither a block nor an allow entry here.
    Exception,
}

impl Skip {
    /// A short plural label for summaries.
    pub fn label(self) -> &'static str {
        match self {
            Skip::LocalName => "local names",
            Skip::Cosmetic => "cosmetic rules",
            Skip::Exception => "exception rules",
        }
    }
}

/// Names in hosts files that point the machine at itself; never list entries.
const LOCAL_NAMES: &[&str] = &[
    "localhost",
    "localhost.localdomain",
    "localhost4",
    "localhost4.localdomain4",
    "localhost6",
    "localhost6.localdomain6",
    "local",
    "broadcasthost",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
    "ip6-allhosts",
    "0.0.0.0",
];

/// Splits `bytes` into lines (LF, CRLF or a bare CR, a leading UTF-8 BOM
/// dropped: see [`crate::lines`]) and parses each with `format`; `f` gets
/// the 1-based line number and each item. Lines that are not UTF-8 are
/// rejected, the rest of the file still counts. Returns the line endings
/// seen, for the build report.
pub fn parse_bytes(format: Format, bytes: &[u8], f: impl FnMut(usize, Item<'_>)) -> LineEndings {
    parse_bytes_with_progress(format, bytes, f, |_| {})
}

/// [`parse_bytes`], calling `progress` with the bytes consumed since its
/// last call about every 64 KiB (and once at the end).
pub fn parse_bytes_with_progress(
    format: Format,
    bytes: &[u8],
    mut f: impl FnMut(usize, Item<'_>),
    mut progress: impl FnMut(u64),
) -> LineEndings {
    const STEP: u64 = 64 << 10;
    let total = bytes.len() as u64;
    let mut consumed = 0u64;
    let mut reported = 0u64;
    let mut it = lines(bytes);
    for (n, raw) in it.by_ref() {
        consumed += raw.len() as u64 + 1;
        if consumed - reported >= STEP {
            let upto = consumed.min(total);
            progress(upto - reported);
            reported = upto;
        }
        if raw.is_empty() {
            continue;
        }
        match std::str::from_utf8(raw) {
            Ok(line) => parse_line(format, line, |item| f(n, item)),
            Err(e) => f(n, Item::Reject(utf8_problem(&e))),
        }
    }
    if total > reported {
        progress(total - reported);
    }
    it.endings()
}

/// Parses `text` into a vector of `(line, item)`; convenient for tests and
/// small files.
pub fn parse_to_vec(format: Format, text: &str) -> Vec<(usize, Item<'_>)> {
    let mut out = Vec::new();
    for (n, line) in lines(text.as_bytes()) {
        // Line ends are ASCII, so every line of a `str` is a `str`.
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        parse_line(format, line, |item| out.push((n, item)));
    }
    out
}

/// Parses one line. For [`Format::Ut1`] the caller picks the per-file format
/// (see [`ut1_file_format`]); a `Ut1` line here is read as a domain line.
pub fn parse_line<'a>(format: Format, line: &'a str, mut emit: impl FnMut(Item<'a>)) {
    match format {
        Format::Domains | Format::Ut1 => domain_line(line, &mut emit),
        Format::Hosts => hosts_line(line, &mut emit),
        Format::Adblock => adblock_line(line, &mut emit),
        Format::Urls => url_line(line, &mut emit),
        Format::Expressions => expression_line(line, &mut emit),
    }
}

/// The format of a file inside a UT1 category folder, by its name.
pub fn ut1_file_format(file: &str) -> Format {
    let base = file.strip_suffix(".gz").unwrap_or(file);
    if base == "urls" || base.starts_with("urls.") {
        Format::Urls
    } else if base.contains("expression") {
        Format::Expressions
    } else {
        Format::Domains
    }
}

fn strip_hash_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    }
}

/// An address that hosts files use to black-hole a name.
fn is_sink_address(tok: &str) -> Option<bool> {
    if tok == "0" {
        return Some(true);
    }
    let ip: std::net::IpAddr = tok.parse().ok()?;
    Some(ip.is_unspecified() || ip.is_loopback())
}

fn domain_token<'a>(tok: &'a str, emit: &mut impl FnMut(Item<'a>)) {
    // `*.example.com` and `.example.com` mean "and its subdomains", which
    // every domain rule already covers.
    let host = tok
        .strip_prefix("*.")
        .or_else(|| tok.strip_prefix('.'))
        .unwrap_or(tok);
    if host.contains("://") || host.contains('/') {
        emit(Item::Reject(format!(
            "{tok:?} has a scheme or path; URL rules belong in a list with format = \"urls\""
        )));
    } else if host.contains('*') {
        emit(Item::Reject(format!(
            "{tok:?} has a wildcard inside it; only whole domains are supported"
        )));
    } else {
        emit(Item::Domain(host));
    }
}

fn domain_line<'a>(line: &'a str, emit: &mut impl FnMut(Item<'a>)) {
    let body = strip_hash_comment(line);
    let mut toks = body.split_whitespace();
    let Some(first) = toks.next() else { return };
    let rest = toks.count();
    if rest > 0 {
        if is_sink_address(first).is_some() {
            emit(Item::Reject(
                "looks like a hosts-file line (address then names); use format = \"hosts\"".into(),
            ));
        } else {
            emit(Item::Reject(format!(
                "expected one domain per line, found {} fields",
                rest + 1
            )));
        }
        return;
    }
    domain_token(first, emit);
}

fn hosts_line<'a>(line: &'a str, emit: &mut impl FnMut(Item<'a>)) {
    let body = strip_hash_comment(line);
    let mut toks = body.split_whitespace();
    let Some(first) = toks.next() else { return };
    match is_sink_address(first) {
        Some(true) if body.split_whitespace().nth(1).is_some() => {
            for name in toks {
                if LOCAL_NAMES.contains(&name.to_ascii_lowercase().as_str())
                    || is_sink_address(name).is_some()
                {
                    emit(Item::Skip(Skip::LocalName));
                } else {
                    domain_token(name, emit);
                }
            }
        }
        // A lone block address (`0.0.0.0` listed as a name in a converted
        // file, or an address with no names): nothing to block.
        Some(true) => emit(Item::Skip(Skip::LocalName)),
        Some(false) => {
            if toks.next().is_some() {
                emit(Item::Reject(format!(
                    "maps names to {first}, a real address, not a block address \
                     (0.0.0.0, 127.0.0.1, ::)"
                )));
            } else {
                // A lone address: a converted hosts file listing an IP host.
                emit(Item::Domain(first));
            }
        }
        None => {
            // A bare name: mirrors keep converted hosts files one name a line.
            if toks.next().is_some() {
                emit(Item::Reject(
                    "expected an address (0.0.0.0, 127.0.0.1, ::) followed by host names".into(),
                ));
            } else if LOCAL_NAMES.contains(&first.to_ascii_lowercase().as_str()) {
                emit(Item::Skip(Skip::LocalName));
            } else {
                domain_token(first, emit);
            }
        }
    }
}

/// Options that do not narrow a `||domain^` rule below "the whole site".
const NEUTRAL_OPTIONS: &[&str] = &[
    "third-party",
    "3p",
    "first-party",
    "1p",
    "important",
    "all",
    "document",
    "doc",
    "popup",
    "match-case",
];

/// Request types: a rule limited to these blocks parts of pages, not pages.
const RESOURCE_TYPES: &[&str] = &[
    "script",
    "image",
    "stylesheet",
    "css",
    "xmlhttprequest",
    "xhr",
    "media",
    "font",
    "object",
    "subdocument",
    "frame",
    "ping",
    "websocket",
    "webrtc",
    "other",
    "object-subrequest",
];

fn adblock_line<'a>(line: &'a str, emit: &mut impl FnMut(Item<'a>)) {
    let t = line.trim();
    if t.is_empty() || t.starts_with('!') || (t.starts_with('[') && t.ends_with(']')) {
        return;
    }
    if ["##", "#@#", "#?#", "#$#", "#%#", "#@?#", "#@$#", "#@%#"]
        .iter()
        .any(|sep| t.contains(sep))
    {
        emit(Item::Skip(Skip::Cosmetic));
        return;
    }
    if t.starts_with("@@") {
        emit(Item::Skip(Skip::Exception));
        return;
    }
    let Some(rest) = t.strip_prefix("||") else {
        let why = if t.starts_with('/') && t.len() > 1 {
            "regular-expression filters are not supported; only ||domain^ rules are used"
        } else if t.starts_with('|') {
            "address-anchored rules (|https://…) are not supported; only ||domain^ rules are used"
        } else {
            "not a ||domain^ rule (a plain pattern matches anywhere in any address)"
        };
        emit(Item::Reject(why.into()));
        return;
    };
    let (pattern, options) = match rest.find('$') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let host = pattern
        .strip_suffix("^|")
        .or_else(|| pattern.strip_suffix('^'));
    let Some(host) = host else {
        emit(Item::Reject(if pattern.contains('/') {
            "has a path; only whole-domain rules (||domain^) are used".into()
        } else {
            "no `^` after the domain, so the rule would also match longer names; \
             only ||domain^ rules are used"
                .into()
        }));
        return;
    };
    if host.contains('/') || host.contains('^') {
        emit(Item::Reject(
            "has a path; only whole-domain rules (||domain^) are used".into(),
        ));
        return;
    }
    if host.contains('*') || host.contains('|') {
        emit(Item::Reject(
            "wildcards inside the domain are not supported".into(),
        ));
        return;
    }
    if let Some(opts) = options {
        let mut types = Vec::new();
        for opt in opts.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            let name = opt.trim_start_matches('~');
            let key = name.split('=').next().unwrap_or(name);
            if NEUTRAL_OPTIONS.contains(&key) && !name.contains('=') {
                continue;
            }
            if RESOURCE_TYPES.contains(&key) && !opt.starts_with('~') {
                types.push(key);
                continue;
            }
            if RESOURCE_TYPES.contains(&key) {
                // `~script`: every type but one, so pages too.
                continue;
            }
            let why = match key {
                "domain" | "from" | "to" | "denyallow" => {
                    format!("option ${key}= limits the rule to some pages; not supported")
                }
                _ => format!("unsupported option ${opt}"),
            };
            emit(Item::Reject(why));
            return;
        }
        if !types.is_empty() {
            emit(Item::Reject(format!(
                "applies only to {} requests, not to whole pages",
                types.join("/")
            )));
            return;
        }
    }
    if host.is_empty() {
        emit(Item::Reject("empty domain".into()));
        return;
    }
    emit(Item::Domain(host));
}

fn url_line<'a>(line: &'a str, emit: &mut impl FnMut(Item<'a>)) {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return;
    }
    // `#` right after whitespace starts a comment; inside a URL it is a fragment.
    let t = match t.find(" #").or_else(|| t.find("\t#")) {
        Some(i) => t[..i].trim_end(),
        None => t,
    };
    let mut toks = t.split_whitespace();
    let Some(first) = toks.next() else { return };
    let rest = toks.count();
    if rest > 0 {
        emit(Item::Reject(format!(
            "expected one URL per line, found {} fields",
            rest + 1
        )));
        return;
    }
    emit(Item::Url(first));
}

fn expression_line<'a>(line: &'a str, emit: &mut impl FnMut(Item<'a>)) {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return;
    }
    emit(Item::Expression(t));
}
