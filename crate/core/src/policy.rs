//! Age policy: what to do with each category for each age band.
//!
//! A policy is built from layers in precedence order **school > parent >
//! defaults**. The defaults ship in the bundle (written in
//! `lists/policy/default.toml`); a parent's settings and a school's managed
//! policy arrive as JSON at run time. Every layer is validated: a bad value
//! is reported as a [`PolicyWarning`] and ignored, the rest of the layer
//! still applies, so one typo never disables the filter.
//!
//! A layer in JSON:
//! ```json
//! { "age_band": "11-14",
//!   "categories": { "social_networks": "allow",
//!                   "dating": { "15-17": "warn", "11-14": "block" } },
//!   "allow": ["khanacademy.org", "example.com/homework"],
//!   "block": ["game.example"] }
//! ```
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::host::normalize_host;
pub use lachan_vocab::{Action, AgeBand};

/// The keys a layer's JSON object may hold that the policy reads; others
/// belong to other parts of the product and pass through.
pub(crate) const LAYER_KEYS: [&str; 5] = ["age_band", "categories", "allow", "block", "model"];

/// Warnings listed per layer; past this, one summary per part of the layer
/// ("… and N more problems in allow[]") so that a large bad layer gives a
/// short answer, not one many times its size.
pub const MAX_WARNINGS_PER_LAYER: usize = 50;
/// Entries read from one allow or block list of a layer: each is compared
/// with every URL checked, so the work per URL stays bounded. The rest are
/// reported (once, as a summary) and ignored.
pub const MAX_CUSTOM_ENTRIES: usize = 10_000;
/// Longest entry text: as long as a URL-prefix rule may be in a list.
const MAX_ENTRY_LEN: usize = crate::bundle::MAX_URL_RULE_LEN;
/// Category keys longer than this get no "did you mean" hint (the edit
/// distance is quadratic in the length).
const MAX_HINT_LEN: usize = 64;

/// A value in a policy layer that was reported and ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyWarning {
    /// Which layer: `defaults`, `parent` or `school`.
    pub layer: String,
    /// Where in the layer, as a path: `categories.gambling`.
    pub path: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} policy, {}: {}", self.layer, self.path, self.message)
    }
}

/// An entry of a parent's or school's own allow or block list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CustomEntry {
    /// Normalised host.
    pub host: String,
    /// Path prefix (starting with '/'), empty for the whole site.
    pub path: String,
    /// The entry as the adult wrote it.
    pub original: String,
}

/// How the host-name model's score for a host on no list becomes an
/// action (a layer's `model` table): a score of at least `high` (one for
/// every category, or one per category: a category without one has no high
/// band) takes `high_action` for the band, at least `low` takes
/// `low_action`. Never
/// stricter than the category's own action in the band. A brand or
/// look-alike hit takes its category's action only where the model scores
/// the host at least `confirm`; below, it warns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelPolicy {
    /// The high band's lower edge per category key, in thousandths (950 =
    /// 0.95); the key `*` stands for every category.
    pub high: BTreeMap<String, u16>,
    /// The low band's lower edge, in thousandths.
    pub low: u16,
    /// Action per band for a high score.
    pub high_action: [Action; 4],
    /// Action per band for a low score.
    pub low_action: [Action; 4],
    /// The score a brand or look-alike hit needs to block, in thousandths
    /// (0: none).
    pub confirm: u16,
}

impl ModelPolicy {
    /// The action for a score of a category in a band.
    pub fn action(&self, score: f32, category: &str, band: AgeBand) -> Action {
        let per_mille = (score * 1000.0) as u16;
        let high = self.high.get(category).or_else(|| self.high.get("*"));
        if high.is_some_and(|h| per_mille >= *h) {
            self.high_action[band as usize]
        } else if per_mille >= self.low {
            self.low_action[band as usize]
        } else {
            Action::Allow
        }
    }
}

/// One layer of policy, validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyLayer {
    name: String,
    age_band: Option<AgeBand>,
    actions: BTreeMap<String, [Option<Action>; 4]>,
    model: Option<ModelPolicy>,
    pub(crate) allow: Vec<CustomEntry>,
    pub(crate) block: Vec<CustomEntry>,
}

impl PolicyLayer {
    /// Parses and validates a layer from JSON. `known_categories` are the
    /// category keys of the bundle; other keys are reported and ignored.
    ///
    /// Returns an error only when the text is not a JSON object at all; any
    /// bad value inside is a warning and is skipped. At most
    /// [`MAX_WARNINGS_PER_LAYER`] warnings are listed, then one summary per
    /// part of the layer; at most [`MAX_CUSTOM_ENTRIES`] entries are read
    /// from each of `allow` and `block`.
    pub fn from_json(
        name: &str,
        json: &str,
        known_categories: &[&str],
    ) -> Result<(PolicyLayer, Vec<PolicyWarning>), PolicyWarning> {
        let value: Value = serde_json::from_str(json).map_err(|e| PolicyWarning {
            layer: name.to_string(),
            path: "(whole policy)".into(),
            message: format!("not valid JSON ({e}); the whole {name} policy was ignored"),
        })?;
        PolicyLayer::from_value(name, &value, known_categories)
    }

    /// As [`PolicyLayer::from_json`], from an already parsed value.
    pub fn from_value(
        name: &str,
        value: &Value,
        known_categories: &[&str],
    ) -> Result<(PolicyLayer, Vec<PolicyWarning>), PolicyWarning> {
        let mut v = Validator {
            layer: name.to_string(),
            warnings: Vec::new(),
            unlisted: BTreeMap::new(),
        };
        let obj = value.as_object().ok_or_else(|| PolicyWarning {
            layer: name.to_string(),
            path: "(whole policy)".into(),
            message: "expected a JSON object; the whole policy was ignored".into(),
        })?;
        let mut layer = PolicyLayer {
            name: name.to_string(),
            ..PolicyLayer::default()
        };
        for (key, val) in obj {
            match key.as_str() {
                "age_band" => layer.age_band = v.band(key, val),
                "categories" => layer.actions = v.categories(val, known_categories),
                "allow" => layer.allow = v.custom_list(key, val),
                "block" => layer.block = v.custom_list(key, val),
                "model" => layer.model = v.model(val, known_categories),
                // Settings other parts of the product own (locks, contacts,
                // UI switches) pass through without a warning.
                _ => {}
            }
        }
        Ok((layer, v.finish()))
    }

    /// The layer as JSON, holding only what validation kept: what a bundle
    /// stores as its default policy, so that a bad value in the lists'
    /// policy file is reported once, at build time, and the default kept.
    pub fn to_value(&self) -> Value {
        let mut obj = serde_json::Map::new();
        if let Some(b) = self.age_band {
            obj.insert("age_band".into(), b.as_str().into());
        }
        if !self.actions.is_empty() {
            let cats = self
                .actions
                .iter()
                .map(|(cat, per_band)| {
                    let v = match per_band {
                        [Some(a), rest @ ..] if rest.iter().all(|r| *r == Some(*a)) => {
                            Value::from(a.as_str())
                        }
                        _ => AgeBand::ALL
                            .iter()
                            .filter_map(|b| {
                                Some((
                                    b.as_str().to_string(),
                                    per_band[*b as usize]?.as_str().into(),
                                ))
                            })
                            .collect::<serde_json::Map<_, _>>()
                            .into(),
                    };
                    (cat.clone(), v)
                })
                .collect::<serde_json::Map<_, _>>();
            obj.insert("categories".into(), cats.into());
        }
        for (key, list) in [("allow", &self.allow), ("block", &self.block)] {
            if !list.is_empty() {
                let items: Vec<Value> = list.iter().map(|e| e.original.clone().into()).collect();
                obj.insert(key.into(), items.into());
            }
        }
        if let Some(m) = &self.model {
            let per_band = |a: &[Action; 4]| -> Value {
                AgeBand::ALL
                    .iter()
                    .map(|b| (b.as_str().to_string(), Value::from(a[*b as usize].as_str())))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            };
            obj.insert(
                "model".into(),
                serde_json::json!({
                    "high": match m.high.get("*") {
                        Some(h) if m.high.len() == 1 => Value::from(f64::from(*h) / 1000.0),
                        _ => m
                            .high
                            .iter()
                            .map(|(k, h)| (k.clone(), Value::from(f64::from(*h) / 1000.0)))
                            .collect::<serde_json::Map<_, _>>()
                            .into(),
                    },
                    "low": f64::from(m.low) / 1000.0,
                    "high_action": per_band(&m.high_action),
                    "low_action": per_band(&m.low_action),
                    "confirm": f64::from(m.confirm) / 1000.0,
                }),
            );
        }
        obj.into()
    }

    /// The layer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The age band this layer sets, if any.
    pub fn age_band(&self) -> Option<AgeBand> {
        self.age_band
    }

    /// The action this layer sets for a category and band, if any.
    pub fn action(&self, category: &str, band: AgeBand) -> Option<Action> {
        self.actions.get(category).and_then(|a| a[band as usize])
    }

    /// Category keys this layer mentions.
    pub fn categories(&self) -> impl Iterator<Item = &str> {
        self.actions.keys().map(|k| k.as_str())
    }
}

struct Validator {
    layer: String,
    warnings: Vec<PolicyWarning>,
    /// Problems past the cap, by part of the layer (`allow[]`,
    /// `categories`…).
    unlisted: BTreeMap<String, usize>,
}

/// The part of a layer a warning path is in: `allow[3]` → `allow[]`,
/// `categories.x.6-10` → `categories`.
fn part_of(path: &str) -> String {
    match path.find(['[', '.']) {
        Some(i) if path[i..].starts_with('[') => format!("{}[]", &path[..i]),
        Some(i) => path[..i].to_string(),
        None => path.to_string(),
    }
}

impl Validator {
    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let path = path.into();
        if !self.listing() {
            *self.unlisted.entry(part_of(&path)).or_default() += 1;
            return;
        }
        self.warnings.push(PolicyWarning {
            layer: self.layer.clone(),
            path,
            message: message.into(),
        });
    }

    /// Whether another warning would still be listed (past the cap a
    /// warning is only counted: no message, no hint, is worth working out).
    fn listing(&self) -> bool {
        self.warnings.len() < MAX_WARNINGS_PER_LAYER
    }

    /// The warnings, with one summary per part for those past the cap.
    fn finish(mut self) -> Vec<PolicyWarning> {
        for (part, n) in std::mem::take(&mut self.unlisted) {
            let what = if n == 1 { "problem" } else { "problems" };
            self.warnings.push(PolicyWarning {
                layer: self.layer.clone(),
                path: part.clone(),
                message: format!(
                    "… and {n} more {what} in {part} (the first {MAX_WARNINGS_PER_LAYER} problems \
                     of a policy are listed; each was ignored)"
                ),
            });
        }
        self.warnings
    }

    fn band(&mut self, path: &str, val: &Value) -> Option<AgeBand> {
        let parsed = match val {
            Value::String(s) => s.parse::<AgeBand>().ok(),
            Value::Number(n) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .and_then(AgeBand::of_age),
            _ => None,
        };
        if parsed.is_none() {
            self.warn(
                path,
                format!("{val} is not an age band; use one of under-6, 6-10, 11-14, 15-17"),
            );
        }
        parsed
    }

    fn action(&mut self, path: &str, val: &Value) -> Option<Action> {
        let parsed = val.as_str().and_then(|s| s.parse::<Action>().ok());
        if parsed.is_none() {
            self.warn(
                path,
                format!("{val} is not an action; use allow, warn or block"),
            );
        }
        parsed
    }

    fn per_band(&mut self, path: &str, val: &Value) -> Option<[Action; 4]> {
        match val {
            Value::Object(bands) => {
                let mut out = [Action::Allow; 4];
                let mut seen = [false; 4];
                for (band_key, act) in bands {
                    let bpath = format!("{path}.{band_key}");
                    let Some(band) = band_key.parse::<AgeBand>().ok() else {
                        self.warn(&bpath, "not an age band; use under-6, 6-10, 11-14 or 15-17");
                        continue;
                    };
                    if let Some(a) = self.action(&bpath, act) {
                        out[band as usize] = a;
                        seen[band as usize] = true;
                    }
                }
                if seen.iter().all(|s| *s) {
                    Some(out)
                } else {
                    self.warn(
                        path,
                        "name an action for every band: under-6, 6-10, 11-14, 15-17",
                    );
                    None
                }
            }
            other => self.action(path, other).map(|a| [a; 4]),
        }
    }

    /// `model = { high = 0.95, low = 0.8, high_action = …, low_action = …,
    /// confirm = 0.02 }`, `high` also as a table of category keys; the model
    /// acts only when every part is valid (a bad `confirm` is reported and
    /// taken as 0, an unknown category in `high` is reported and ignored).
    fn model(&mut self, val: &Value, known_categories: &[&str]) -> Option<ModelPolicy> {
        let Some(obj) = val.as_object() else {
            self.warn(
                "model",
                "expected a table: high, low, high_action, low_action",
            );
            return None;
        };
        let edge = |v: &mut Self, key: &str| -> Option<u16> {
            let x = obj.get(key).and_then(Value::as_f64);
            match x {
                Some(x) if (0.0..=1.0).contains(&x) => Some((x * 1000.0).round() as u16),
                _ => {
                    v.warn(format!("model.{key}"), "expected a probability from 0 to 1");
                    None
                }
            }
        };
        let high = match obj.get("high").and_then(Value::as_object) {
            Some(per) => {
                let mut out = BTreeMap::new();
                for (cat, x) in per {
                    let path = format!("model.high.{cat}");
                    if !known_categories.contains(&cat.as_str()) {
                        self.warn(path, "unknown category; ignored");
                        continue;
                    }
                    match x.as_f64() {
                        Some(x) if (0.0..=1.0).contains(&x) => {
                            out.insert(cat.clone(), (x * 1000.0).round() as u16);
                        }
                        _ => {
                            self.warn(path, "expected a probability from 0 to 1");
                            return None;
                        }
                    }
                }
                Some(out)
            }
            None => edge(self, "high").map(|h| BTreeMap::from([("*".to_string(), h)])),
        };
        let low = edge(self, "low");
        let confirm = if obj.contains_key("confirm") {
            edge(self, "confirm").unwrap_or(0)
        } else {
            0
        };
        let acts = |v: &mut Self, key: &str| match obj.get(key) {
            Some(a) => v.per_band(&format!("model.{key}"), a),
            None => {
                v.warn(
                    format!("model.{key}"),
                    "missing: an action, or one per band",
                );
                None
            }
        };
        let high_action = acts(self, "high_action");
        let low_action = acts(self, "low_action");
        for key in obj.keys() {
            if !["high", "low", "high_action", "low_action", "confirm"].contains(&key.as_str()) {
                self.warn(format!("model.{key}"), "unknown setting; ignored");
            }
        }
        let (high, low, high_action, low_action) = (high?, low?, high_action?, low_action?);
        if high.values().any(|h| low > *h) {
            self.warn(
                "model.low",
                "must not be above model.high; the model is off",
            );
            return None;
        }
        Some(ModelPolicy {
            high,
            low,
            high_action,
            low_action,
            confirm,
        })
    }

    fn categories(&mut self, val: &Value, known: &[&str]) -> BTreeMap<String, [Option<Action>; 4]> {
        let mut out = BTreeMap::new();
        let Some(obj) = val.as_object() else {
            self.warn("categories", "expected an object of category: action");
            return out;
        };
        for (cat, spec) in obj {
            let path = format!("categories.{cat}");
            if !known.is_empty() && !known.contains(&cat.as_str()) {
                if !self.listing() {
                    self.warn(&path, ""); // counted for the summary only
                    continue;
                }
                let hint = (cat.len() <= MAX_HINT_LEN)
                    .then(|| closest(cat, known))
                    .flatten()
                    .map(|k| format!(" (did you mean {k}?)"));
                self.warn(
                    &path,
                    format!(
                        "unknown category{}; known: {}",
                        hint.unwrap_or_default(),
                        known.join(", ")
                    ),
                );
                continue;
            }
            let mut per_band = [None; 4];
            match spec {
                Value::Object(bands) => {
                    for (band_key, act) in bands {
                        let bpath = format!("{path}.{band_key}");
                        let Some(band) = band_key.parse::<AgeBand>().ok() else {
                            self.warn(&bpath, "not an age band; use under-6, 6-10, 11-14 or 15-17");
                            continue;
                        };
                        per_band[band as usize] = self.action(&bpath, act);
                    }
                }
                other => {
                    if let Some(a) = self.action(&path, other) {
                        per_band = [Some(a); 4];
                    }
                }
            }
            if per_band.iter().any(Option::is_some) {
                out.insert(cat.clone(), per_band);
            }
        }
        out
    }

    fn custom_list(&mut self, key: &str, val: &Value) -> Vec<CustomEntry> {
        let Some(items) = val.as_array() else {
            self.warn(key, "expected a list of sites, e.g. [\"example.com\"]");
            return Vec::new();
        };
        let mut out = Vec::new();
        if items.len() > MAX_CUSTOM_ENTRIES {
            self.warn(
                format!("{key}[{MAX_CUSTOM_ENTRIES}]"),
                format!(
                    "{} entries; only the first {MAX_CUSTOM_ENTRIES} are used, the other {} \
                     were ignored",
                    items.len(),
                    items.len() - MAX_CUSTOM_ENTRIES
                ),
            );
        }
        for (i, item) in items.iter().take(MAX_CUSTOM_ENTRIES).enumerate() {
            let path = format!("{key}[{i}]");
            let Some(text) = item.as_str() else {
                self.warn(
                    &path,
                    format!("{item} is not text; write a site like \"example.com\""),
                );
                continue;
            };
            if text.len() > MAX_ENTRY_LEN {
                self.warn(
                    &path,
                    format!(
                        "an entry of {} bytes is longer than the {MAX_ENTRY_LEN} an address may have",
                        text.len()
                    ),
                );
                continue;
            }
            match parse_custom_entry(text) {
                Ok(entry) => out.push(entry),
                Err(why) => self.warn(&path, format!("\"{text}\": {why}")),
            }
        }
        out
    }
}

/// Parses a site an adult typed: `example.com`, `*.example.com`,
/// `https://www.example.com/path`, `example.com/path`.
pub(crate) fn parse_custom_entry(text: &str) -> Result<CustomEntry, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty entry".into());
    }
    let no_scheme = match t.find("://") {
        Some(i) => &t[i + 3..],
        None => t,
    };
    let no_wild = no_scheme.strip_prefix("*.").unwrap_or(no_scheme);
    let (host_part, path) = match no_wild.find(['/', '?', '#']) {
        Some(i) => (&no_wild[..i], &no_wild[i..]),
        None => (no_wild, ""),
    };
    let host_part = host_part.rsplit('@').next().unwrap_or(host_part);
    let host_part = strip_port(host_part);
    let host = normalize_host(host_part).map_err(|e| e.to_string())?;
    if host.kind() == crate::host::HostKind::Domain && !host.as_str().contains('.') {
        return Err("a site needs a dot, like example.com".into());
    }
    // The path in the form URLs are checked in (resolved, decoded, slashes
    // merged), without trailing slashes; the whole site when that is empty.
    let path = crate::url::normalize_path(path);
    let path = crate::path::canonical_text(&path[1..]);
    let path = path.trim_end_matches('/');
    Ok(CustomEntry {
        host: host.as_str().to_string(),
        path: path.to_string(),
        original: t.to_string(),
    })
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map(|i| &host[..=i]).unwrap_or(host);
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &host[..i],
        _ => host,
    }
}

/// The known key closest to `s` by edit distance, if close enough to be a typo.
fn closest<'a>(s: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(s, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The merged policy: defaults, then parent, then school on top.
#[derive(Clone, Debug)]
pub struct Policy {
    band: AgeBand,
    actions: HashMap<String, [Action; 4]>,
    /// Custom lists, highest precedence first.
    pub(crate) custom: Vec<PolicyLayer>,
    unknown_category_action: Action,
    model: Option<ModelPolicy>,
}

impl Policy {
    /// Merges layers given lowest precedence first (defaults, parent, school).
    pub fn merge(layers: &[&PolicyLayer]) -> Policy {
        let mut band = AgeBand::Age6To10;
        let mut actions: HashMap<String, [Action; 4]> = HashMap::new();
        for layer in layers {
            if let Some(b) = layer.age_band {
                band = b;
            }
            for (cat, per_band) in &layer.actions {
                let slot = actions.entry(cat.clone()).or_insert([Action::Block; 4]);
                for (i, a) in per_band.iter().enumerate() {
                    if let Some(a) = a {
                        slot[i] = *a;
                    }
                }
            }
        }
        let custom = layers.iter().rev().map(|l| (*l).clone()).collect();
        let model = layers.iter().rev().find_map(|l| l.model.clone());
        // A listed category the policy never mentions is blocked: a list is
        // only compiled in because someone judged it harmful.
        Policy {
            band,
            actions,
            custom,
            unknown_category_action: Action::Block,
            model,
        }
    }

    /// How the host-name model's scores become actions, if it may act.
    pub fn model(&self) -> Option<&ModelPolicy> {
        self.model.as_ref()
    }

    /// The age band in force.
    pub fn band(&self) -> AgeBand {
        self.band
    }

    /// The action for a category in a band.
    pub fn action(&self, category: &str, band: AgeBand) -> Action {
        self.actions
            .get(category)
            .map(|a| a[band as usize])
            .unwrap_or(self.unknown_category_action)
    }

    /// The full action table, for the options page and `lachan policy`.
    pub fn table(&self) -> BTreeMap<String, BTreeMap<&'static str, Action>> {
        self.actions
            .iter()
            .map(|(cat, a)| {
                (
                    cat.clone(),
                    AgeBand::ALL
                        .iter()
                        .map(|b| (b.as_str(), a[*b as usize]))
                        .collect(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATS: &[&str] = &["adult", "gambling", "dating", "social_networks"];

    fn layer(name: &str, json: &str) -> (PolicyLayer, Vec<PolicyWarning>) {
        PolicyLayer::from_json(name, json, CATS).unwrap()
    }

    #[test]
    fn school_beats_parent_beats_defaults() {
        let (d, _) = layer(
            "defaults",
            r#"{"age_band":"6-10","categories":{"dating":{"under-6":"block","6-10":"block","11-14":"block","15-17":"warn"},"social_networks":"block"}}"#,
        );
        let (p, _) = layer(
            "parent",
            r#"{"age_band":"15-17","categories":{"dating":"allow","social_networks":"allow"}}"#,
        );
        let (s, _) = layer(
            "school",
            r#"{"categories":{"social_networks":{"15-17":"block"}}}"#,
        );
        let pol = Policy::merge(&[&d, &p, &s]);
        assert_eq!(pol.band(), AgeBand::Age15To17);
        assert_eq!(pol.action("dating", AgeBand::Age15To17), Action::Allow);
        assert_eq!(
            pol.action("social_networks", AgeBand::Age15To17),
            Action::Block
        );
        assert_eq!(
            pol.action("social_networks", AgeBand::Age6To10),
            Action::Allow
        );
        // Not mentioned anywhere: blocked.
        assert_eq!(pol.action("gambling", AgeBand::Age15To17), Action::Block);
    }

    #[test]
    fn bad_values_are_reported_and_ignored() {
        let (l, w) = layer(
            "parent",
            r#"{"age_band":"twelve","categories":{"gamblng":"allow","adult":"maybe","dating":{"16-18":"warn","15-17":"warn"}},"allow":["ok.example.com","not a host","",42,"*.good.org/path"]}"#,
        );
        let paths: Vec<&str> = w.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "age_band",
                "allow[1]",
                "allow[2]",
                "allow[3]",
                "categories.adult",
                "categories.dating.16-18",
                "categories.gamblng"
            ]
        );
        assert!(w
            .iter()
            .any(|w| w.message.contains("did you mean gambling")));
        assert_eq!(l.age_band(), None);
        assert_eq!(l.action("dating", AgeBand::Age15To17), Some(Action::Warn));
        assert_eq!(l.action("adult", AgeBand::Age15To17), None);
        let hosts: Vec<(&str, &str)> = l
            .allow
            .iter()
            .map(|e| (e.host.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(hosts, [("ok.example.com", ""), ("good.org", "/path")]);
    }

    #[test]
    fn not_json_is_one_clear_error() {
        let err = PolicyLayer::from_json("school", "{oops", CATS).unwrap_err();
        assert!(err.message.contains("not valid JSON"), "{err}");
        let err = PolicyLayer::from_json("school", "[1]", CATS).unwrap_err();
        assert!(err.message.contains("expected a JSON object"), "{err}");
    }

    /// A layer with 100,000 bad entries and 1,000 unknown categories: the
    /// warnings stay a short list plus one summary per part, far below the
    /// layer's own size.
    #[test]
    fn large_bad_policy_layer_warnings_are_capped() {
        let allow: Vec<String> = (0..100_000).map(|i| format!("not a host {i}")).collect();
        let cats: serde_json::Map<String, Value> = (0..1_000)
            .map(|i| (format!("nonsense{i}"), Value::from("block")))
            .collect();
        let json = serde_json::json!({ "allow": allow, "categories": cats }).to_string();
        let (l, w) = layer("parent", &json);
        assert!(l.allow.is_empty());
        assert_eq!(
            w.len(),
            MAX_WARNINGS_PER_LAYER + 2,
            "{:?}",
            &w[MAX_WARNINGS_PER_LAYER..]
        );
        let summaries: Vec<(&str, &str)> = w[MAX_WARNINGS_PER_LAYER..]
            .iter()
            .map(|w| (w.path.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(summaries[0].0, "allow[]");
        // The first warning says that only the first entries were read;
        // 49 of those are listed, the rest counted.
        assert!(
            w[0].message.contains("the other 90000 were ignored"),
            "{}",
            w[0]
        );
        let more = MAX_CUSTOM_ENTRIES - (MAX_WARNINGS_PER_LAYER - 1);
        let want = format!("… and {more} more problems in allow[]");
        assert!(summaries[0].1.starts_with(&want), "{summaries:?}");
        assert_eq!(summaries[1].0, "categories");
        assert!(summaries[1]
            .1
            .starts_with("… and 1000 more problems in categories"));
        let size: usize = w.iter().map(|w| w.path.len() + w.message.len()).sum();
        assert!(
            size * 20 < json.len(),
            "{size} bytes of warnings for {} of layer",
            json.len()
        );
    }

    /// Work per layer is bounded: at most `MAX_CUSTOM_ENTRIES` entries per
    /// list are kept (each is compared with every URL), an overlong entry
    /// is one short warning, and a long unknown category gets no hint.
    #[test]
    fn policy_layer_work_is_bounded() {
        let block: Vec<String> = (0..MAX_CUSTOM_ENTRIES + 5)
            .map(|i| format!("site{i}.example"))
            .collect();
        let json = serde_json::json!({ "block": block }).to_string();
        let (l, w) = layer("school", &json);
        assert_eq!(l.block.len(), MAX_CUSTOM_ENTRIES);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message.contains("the other 5 were ignored"),
            "{}",
            w[0]
        );
        let long = format!("example.com/{}", "a".repeat(10 << 20));
        let (l, w) = layer(
            "parent",
            &serde_json::json!({ "block": [long] }).to_string(),
        );
        assert!(l.block.is_empty());
        assert!(w[0].message.len() < 200, "{}", w[0].message.len());
        // Past the cap, unknown categories are only counted: 20,000 long
        // names cost no edit distances.
        let cats: serde_json::Map<String, Value> = (0..20_000)
            .map(|i| (format!("{i:060}"), Value::from("block")))
            .collect();
        let json = serde_json::json!({ "categories": cats }).to_string();
        let (_, w) = layer("parent", &json);
        assert_eq!(w.len(), MAX_WARNINGS_PER_LAYER + 1);
        let key = "x".repeat(100_000);
        let (_, w) = layer(
            "parent",
            &format!(r#"{{"categories":{{"{key}":"block"}}}}"#),
        );
        assert!(!w[0].message.contains("did you mean"));
    }

    /// `to_value` keeps exactly what validation kept: read back, it is the
    /// same layer, with no warnings.
    #[test]
    fn validated_layer_round_trips_without_its_bad_values() {
        let (l, w) = layer(
            "defaults",
            r#"{"age_band":"6-10","categories":{"adult":"block","gambling":"blok","dating":{"15-17":"warn","11-14":"block","x":"y"}},"allow":["ok.example","bad host"],"extra":1}"#,
        );
        assert_eq!(w.len(), 3, "{w:?}");
        let v = l.to_value();
        assert_eq!(
            v,
            serde_json::json!({"age_band":"6-10","categories":{"adult":"block","dating":{"11-14":"block","15-17":"warn"}},"allow":["ok.example"]})
        );
        let (back, w) = PolicyLayer::from_value("defaults", &v, CATS).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back, l);
    }

    #[test]
    fn band_parsing() {
        for (s, b) in [
            ("under-6", Some(AgeBand::Under6)),
            ("4", Some(AgeBand::Under6)),
            ("6-10", Some(AgeBand::Age6To10)),
            ("13", Some(AgeBand::Age11To14)),
            ("15-17", Some(AgeBand::Age15To17)),
            ("18", None),
            ("teen", None),
        ] {
            assert_eq!(s.parse::<AgeBand>().ok(), b, "{s}");
        }
    }

    #[test]
    fn model_high_band_per_category() {
        let (l, w) = layer(
            "defaults",
            r#"{"model":{"high":{"gambling":0.9,"adult":0.98,"nope":0.5},"low":0.8,"high_action":"block","low_action":"warn"}}"#,
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].path, "model.high.nope");
        let m = l.model.clone().expect("model bands");
        assert_eq!(m.action(0.95, "gambling", AgeBand::Age6To10), Action::Block);
        assert_eq!(m.action(0.95, "adult", AgeBand::Age6To10), Action::Warn);
        // A category without a high band only ever warns.
        assert_eq!(m.action(0.999, "dating", AgeBand::Age6To10), Action::Warn);
        let (again, w) = PolicyLayer::from_value("defaults", &l.to_value(), CATS).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(again.model, l.model);
        // A low edge above any high edge turns the model off.
        let (l, w) = layer(
            "defaults",
            r#"{"model":{"high":{"gambling":0.7},"low":0.8,"high_action":"block","low_action":"warn"}}"#,
        );
        assert!(l.model.is_none());
        assert!(w.iter().any(|w| w.path == "model.low"), "{w:?}");
    }

    #[test]
    fn model_bands_are_validated_and_survive_a_round_trip() {
        let (l, w) = layer(
            "defaults",
            r#"{"model":{"high":0.99,"low":0.97,"high_action":{"under-6":"block","6-10":"block","11-14":"warn","15-17":"warn"},"low_action":"warn","confirm":0.02}}"#,
        );
        assert!(w.is_empty(), "{w:?}");
        let m = l.model.clone().expect("model bands");
        assert_eq!((m.high["*"], m.low, m.confirm), (990, 970, 20));
        assert_eq!(m.action(0.995, "adult", AgeBand::Age6To10), Action::Block);
        assert_eq!(m.action(0.98, "adult", AgeBand::Age6To10), Action::Warn);
        assert_eq!(m.action(0.5, "adult", AgeBand::Under6), Action::Allow);
        let (again, w) = PolicyLayer::from_value("defaults", &l.to_value(), CATS).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(again.model, l.model);
        // A bad part turns the model off, with a warning naming it.
        let (l, w) = layer(
            "defaults",
            r#"{"model":{"high":0.9,"low":0.95,"high_action":"warn","low_action":"warn"}}"#,
        );
        assert!(l.model.is_none());
        assert!(w.iter().any(|w| w.path == "model.low"), "{w:?}");
        // A bad confirm is reported; the bands stand, every name hit on its own.
        let (l, w) = layer(
            "defaults",
            r#"{"model":{"high":0.99,"low":0.97,"high_action":"warn","low_action":"warn","confirm":3}}"#,
        );
        assert_eq!(l.model.map(|m| m.confirm), Some(0));
        assert!(w.iter().any(|w| w.path == "model.confirm"), "{w:?}");
    }
}
