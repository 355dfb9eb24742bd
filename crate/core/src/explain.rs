//! Sentence building: a [`Decision`] becomes a [`Verdict`] that says, in
//! words, which rule of which list decided and why.

use crate::engine::{Decision, Engine, Rule};
use crate::host::{Host, HostKind};
use crate::names::NameHit;
use crate::policy::{Action, AgeBand};
use crate::url::ParsedUrl;
use crate::verdict::{MatchKind, Verdict};

/// The `source` of a model verdict.
pub const MODEL_SOURCE: &str = "host-name-model";

impl Engine {
    pub(crate) fn explain(
        &self,
        d: Decision,
        band: AgeBand,
        url: &ParsedUrl,
        embedded: bool,
    ) -> Verdict {
        let mut v = Verdict::allow(band, "not on any list");
        v.action = d.action;
        v.allow_override = d.allow_override;
        v.category = d
            .category
            .map(|c| self.bundle.categories()[c as usize].key.clone());
        if embedded {
            v.matched_url = Some(display_url(url));
        }
        let host = url.host().as_str();
        match d.rule {
            Rule::None => {}
            Rule::List { source, hit } => {
                let s = &self.bundle.sources()[source as usize];
                let rule = format!("{}{}", &host[hit.host_start..], rule_path(url, hit));
                v.match_kind = if hit.path_len > 0 {
                    MatchKind::UrlPrefix
                } else {
                    MatchKind::Domain
                };
                v.source = Some(s.name.clone());
                v.reason = if d.allow_override {
                    v.category = Some(s.category.clone());
                    format!(
                        "{rule} is on the allow-list {} ({}), which wins over block lists",
                        s.name, s.category
                    )
                } else {
                    format!(
                        "{rule} is on the {} list {} → {} for age {band}",
                        s.category, s.name, d.action
                    )
                };
                v.rule = Some(rule);
            }
            Rule::Expression { source, index } => {
                let s = &self.bundle.sources()[source as usize];
                let pattern = self.bundle.meta.expressions[index].pattern.clone();
                v.match_kind = MatchKind::Expression;
                v.source = Some(s.name.clone());
                v.reason = format!(
                    "the address matches an expression of the {} list {} → {} for age {band}",
                    s.category, s.name, d.action
                );
                v.rule = Some(pattern);
            }
            Rule::Custom {
                layer,
                entry,
                allow,
            } => {
                let l = &self.policy.custom[layer];
                let list = if allow { &l.allow } else { &l.block };
                let e = &list[entry];
                v.match_kind = MatchKind::Custom;
                v.source = Some(l.name().to_string());
                v.rule = Some(e.original.clone());
                v.reason = format!(
                    "{} is on the {}'s {} list",
                    e.original,
                    l.name(),
                    if allow { "allow" } else { "block" }
                );
            }
            Rule::Name(hit) => self.explain_name(&mut v, hit, host, band, d.action),
        }
        if embedded && d.rule != Rule::None {
            v.reason = format!("the page carries {}: {}", display_url(url), v.reason);
        }
        if d.rule == Rule::None {
            v.reason = format!("{host} is not on any list");
        }
        if d.category.is_some() && d.action == Action::Allow && !d.allow_override {
            v.reason = v.reason.replace("→ allow", "→ allowed");
        }
        v
    }

    fn explain_name(&self, v: &mut Verdict, hit: NameHit, host: &str, band: AgeBand, a: Action) {
        let category = v.category.clone().unwrap_or_default();
        match hit {
            NameHit::Brand {
                source, start, end, ..
            } => {
                let s = &self.bundle.sources()[source as usize];
                let brand = &host[start..end];
                v.match_kind = MatchKind::Brand;
                v.source = Some(s.name.clone());
                v.rule = Some(brand.to_string());
                v.reason = format!(
                    "{host} looks like {brand}, a known {category} site on the list {} → {a} \
                     for age {band}",
                    s.name
                );
            }
            NameHit::Lookalike { index } => {
                let names = self.names.get().and_then(Option::as_ref);
                let Some(p) = names.map(|n| n.protected(index)) else {
                    return;
                };
                let source = self.bundle.meta.lookalike_source;
                v.match_kind = MatchKind::Lookalike;
                v.source = source.map(|s| self.bundle.sources()[s as usize].name.clone());
                v.rule = Some(p.name.clone());
                v.reason = format!(
                    "{host} looks like {} but is not {} → {a} for age {band}",
                    p.name,
                    p.domains.first().map_or("its site", String::as_str)
                );
            }
            NameHit::Model { score, .. } => {
                v.match_kind = MatchKind::Model;
                v.source = Some(MODEL_SOURCE.to_string());
                v.score = Some((f64::from(score) * 1000.0).round() / 1000.0);
                v.reason = format!(
                    "{host} is on no list, but the host-name model scores it {score:.2} as \
                     {category} → {a} for age {band}"
                );
            }
        }
    }
}

/// The path part of a list hit's rule, as compiled: the first
/// `hit.path_len` bytes of the URL's canonical path.
fn rule_path(url: &ParsedUrl, hit: crate::matcher::Hit) -> String {
    if hit.path_len == 0 {
        return String::new();
    }
    let canon = crate::path::canonical(url.path().get(1..).unwrap_or(""));
    let end = (hit.path_len - 1).min(canon.len());
    let mut out = String::from("/");
    out.push_str(&String::from_utf8_lossy(&canon[..end]));
    out.make_ascii_lowercase();
    out
}

fn display_url(url: &ParsedUrl) -> String {
    let host: &Host = url.host();
    let h = if host.kind() == HostKind::Ipv6 {
        format!("[{}]", host.as_str())
    } else {
        host.as_str().into()
    };
    match url.port() {
        Some(p) => format!("{}://{}:{}{}", url.scheme(), h, p, url.path()),
        None => format!("{}://{}{}", url.scheme(), h, url.path()),
    }
}
