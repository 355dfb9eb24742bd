//! `manifest.json`: what a published bundle is, signed apart from it so a
//! reader can refuse an old or foreign update before fetching the bundle.
use serde::{Deserialize, Serialize};

use super::UpdateError;

/// The manifest format this build writes and reads; readers refuse others.
pub const FORMAT: u64 = 1;

/// The largest version: JavaScript reads it as a number, exact to 2⁵³ − 1.
pub const MAX_VERSION: u64 = (1 << 53) - 1;

/// The manifest, fields in the order they are written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u64,
    /// `bundle` (lists and everything else) or `hashes` (image hashes only).
    pub kind: String,
    /// Monotonic, 1 ..= [`MAX_VERSION`]; never reused, never lowered.
    pub version: u64,
    /// The bundle's file name, relative to the manifest's address.
    pub file: String,
    /// sha256 of the bundle bytes, 64 lowercase hex digits.
    pub sha256: String,
    /// The bundle's size in bytes.
    pub size: u64,
    /// When it was published, RFC 3339 UTC (`2026-12-03T07:00:00Z`).
    pub created: String,
    /// Extensions older than this refuse the update (`X.Y.Z`).
    pub min_extension_version: String,
    /// What the bundle was made from, with licences.
    pub sources: Vec<ManifestSource>,
}

/// One source of the bundle and its licence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSource {
    /// The source id (as `lachan verify` lists it).
    pub name: String,
    /// Its licence (`CC-BY-SA-4.0` for UT1: lists derived from it keep it).
    pub licence: String,
    /// Where it comes from (upstream address, or the project's file).
    #[serde(default)]
    pub url: String,
    /// Whom to credit, when the licence asks for it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub attribution: String,
}

/// The two kinds.
pub const KINDS: [&str; 2] = ["bundle", "hashes"];

impl Manifest {
    /// The bytes written (and signed): pretty JSON and a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        v.push(b'\n');
        v
    }

    /// Parses and checks a manifest: the format first (a later format may
    /// change anything else), then every field.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Manifest, UpdateError> {
        let bad = |why: String| UpdateError::Manifest {
            file: file.into(),
            why,
        };
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON ({e})")))?;
        let Some(obj) = value.as_object() else {
            return Err(bad("not a JSON object".into()));
        };
        match obj.get("format").and_then(serde_json::Value::as_u64) {
            Some(FORMAT) => {}
            other => {
                return Err(UpdateError::UnknownFormat {
                    file: file.into(),
                    why: format!(
                        "manifest format {}, this build reads format {FORMAT} only",
                        other.map_or_else(
                            || obj
                                .get("format")
                                .map_or("missing".into(), |v| v.to_string()),
                            |n| n.to_string()
                        )
                    ),
                })
            }
        }
        let m: Manifest =
            serde_json::from_value(value).map_err(|e| bad(format!("not a manifest: {e}")))?;
        if !KINDS.contains(&m.kind.as_str()) {
            return Err(UpdateError::UnknownFormat {
                file: file.into(),
                why: format!(
                    "kind {:?}, this build reads \"bundle\" or \"hashes\"",
                    m.kind
                ),
            });
        }
        if m.version == 0 || m.version > MAX_VERSION {
            return Err(bad(format!(
                "version {} is outside 1..={MAX_VERSION}",
                m.version
            )));
        }
        if m.file.is_empty() || m.file.contains(['/', '\\', '?', '#']) || m.file.starts_with('.') {
            return Err(bad(format!(
                "file {:?} is not a plain file name beside the manifest",
                m.file
            )));
        }
        let hex_ok = m.sha256.len() == 64
            && m.sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex_ok {
            return Err(bad(format!(
                "sha256 {:?} is not 64 lowercase hex digits",
                m.sha256
            )));
        }
        if parse_rfc3339_utc(&m.created).is_none() {
            return Err(bad(format!(
                "created {:?} is not an RFC 3339 UTC time like 2026-12-03T07:00:00Z",
                m.created
            )));
        }
        if parse_semver(&m.min_extension_version).is_none() {
            return Err(bad(format!(
                "minExtensionVersion {:?} is not X.Y.Z",
                m.min_extension_version
            )));
        }
        Ok(m)
    }
}

/// `X.Y.Z` (digits only) as numbers.
pub fn parse_semver(s: &str) -> Option<[u64; 3]> {
    let mut parts = s.split('.');
    let mut out = [0u64; 3];
    for slot in &mut out {
        let p = parts.next()?;
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 9 {
            return None;
        }
        *slot = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The reverse of [`rfc3339_utc`], for the `Z` form it writes (fractions
/// of a second allowed); seconds since the epoch.
pub fn parse_rfc3339_utc(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || !s.ends_with('Z') || !s.is_ascii() {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = &s[19..s.len() - 1];
    if !(frac.is_empty()
        || (frac.len() > 1 && frac.starts_with('.') && num(20..s.len() - 1).is_some()))
    {
        return None;
    }
    let days = days_from_civil(y as i64, mo, d);
    let ok = (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && civil_from_days(days) == (y as i64, mo, d)
        && h < 24
        && mi < 60
        && sec < 61
        && days >= 0;
    ok.then(|| days as u64 * 86_400 + h * 3600 + mi * 60 + sec)
}

// Howard Hinnant's civil-date algorithms (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT,
            kind: "bundle".into(),
            version: 3,
            file: "lachan.lcb".into(),
            sha256: "ab".repeat(32),
            size: 10,
            created: "2026-12-03T07:00:00Z".into(),
            min_extension_version: "0.1.0".into(),
            sources: vec![ManifestSource {
                name: "ut1-gambling".into(),
                licence: "CC-BY-SA-4.0".into(),
                url: "https://example.org/ut1".into(),
                attribution: "UT1, Université Toulouse Capitole".into(),
            }],
        }
    }

    #[test]
    fn round_trips_with_the_agreed_field_names() {
        let m = sample();
        let bytes = m.to_bytes();
        let text = std::str::from_utf8(&bytes).unwrap();
        for k in [
            "\"format\": 1",
            "\"minExtensionVersion\"",
            "\"sha256\"",
            "\"attribution\"",
        ] {
            assert!(text.contains(k), "{text}");
        }
        assert_eq!(Manifest::parse("m", &bytes).unwrap(), m);
    }

    #[test]
    fn refuses_other_formats_kinds_and_bad_fields() {
        let with = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = serde_json::to_value(sample()).unwrap();
            f(&mut v);
            Manifest::parse("m.json", &serde_json::to_vec(&v).unwrap()).unwrap_err()
        };
        assert_eq!(with(&|v| v["format"] = 2.into()).kind(), "format");
        assert_eq!(with(&|v| v["kind"] = "lists".into()).kind(), "format");
        assert_eq!(with(&|v| v["version"] = 0.into()).kind(), "manifest");
        assert_eq!(
            with(&|v| v["sha256"] = "AB".repeat(32).into()).kind(),
            "manifest"
        );
        assert_eq!(with(&|v| v["file"] = "../x.lcb".into()).kind(), "manifest");
        assert_eq!(
            with(&|v| v["created"] = "yesterday".into()).kind(),
            "manifest"
        );
        assert_eq!(
            with(&|v| v["minExtensionVersion"] = "1.2".into()).kind(),
            "manifest"
        );
        let e = Manifest::parse("m.json", b"[1]").unwrap_err();
        assert!(e.to_string().starts_with("m.json: [manifest]"), "{e}");
    }

    #[test]
    fn times_and_versions() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_796_281_200), "2026-12-03T07:00:00Z");
        assert_eq!(
            parse_rfc3339_utc("2026-12-03T07:00:00Z"),
            Some(1_796_281_200)
        );
        assert_eq!(
            parse_rfc3339_utc("2024-02-29T23:59:59.5Z"),
            Some(1_709_251_199)
        );
        assert_eq!(parse_rfc3339_utc("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_utc("2026-12-03 07:00:00Z"), None);
        assert_eq!(parse_semver("0.10.2"), Some([0, 10, 2]));
        assert_eq!(parse_semver("1.2"), None);
        assert_eq!(parse_semver("1.2.x"), None);
    }
}
