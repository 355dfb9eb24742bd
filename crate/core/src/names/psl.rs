//! The Public Suffix List, compiled into the bundle (`PSFX`).
//!
//! The list comes from the build machine (Debian's `publicsuffix` package,
//! or any copy of `public_suffix_list.dat`) and travels with the bundle, so
//! it updates with the lists and costs the `.wasm` nothing. It is stored as
//! an FST keyed like the host index (bytes reversed, so one walk from the
//! right over a host meets every rule that covers it), with a value of
//! rule-kind flags.
use crate::host_index::HostIndex;

/// Labels of the longest suffix (plus its registrable label) we look at.
const MAX_LABELS: usize = 16;

/// A plain rule (`com.vn`).
const NORMAL: u64 = 1;
/// A wildcard rule `*.X`, stored under `X`.
const WILDCARD: u64 = 2;
/// An exception rule `!a.X`, stored under `a.X`.
const EXCEPTION: u64 = 4;
/// The rule is in the list's private section (`cloudfront.net`,
/// `appspot.com`): names under it are a platform's tenants. Lists compiled
/// before this flag existed simply have none.
const PRIVATE: u64 = 8;

/// Compiles the text of `public_suffix_list.dat` (ICANN and private
/// sections: a site on `pages.dev` or `blogspot.com` is its own operator)
/// into the section bytes. Returns the bytes and the number of rules.
pub fn build(list: &str) -> Result<(Vec<u8>, usize), String> {
    let mut rules: std::collections::BTreeMap<Vec<u8>, u64> = Default::default();
    let mut private = 0;
    for line in list.lines() {
        if line.contains("===BEGIN PRIVATE DOMAINS===") {
            private = PRIVATE;
        } else if line.contains("===END PRIVATE DOMAINS===") {
            private = 0;
        }
        let rule = line.split_whitespace().next().unwrap_or("");
        if rule.is_empty() || rule.starts_with("//") {
            continue;
        }
        let (flag, name) = if let Some(r) = rule.strip_prefix("!") {
            (EXCEPTION, r)
        } else if let Some(r) = rule.strip_prefix("*.") {
            (WILDCARD, r)
        } else {
            (NORMAL, rule)
        };
        // Unicode rules are stored as the host index stores hosts.
        let Ok(host) = crate::host::normalize_host(name) else {
            continue;
        };
        *rules
            .entry(host.as_str().bytes().rev().collect())
            .or_default() |= flag | private;
    }
    if rules.is_empty() {
        return Err("the public suffix list has no rules".into());
    }
    let n = rules.len();
    let mut b = fst::MapBuilder::memory();
    for (k, v) in rules {
        b.insert(k, v).map_err(|e| e.to_string())?;
    }
    Ok((b.into_inner().map_err(|e| e.to_string())?, n))
}

/// Where the registrable part of a host lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registrable {
    /// Byte offset of the registrable label (`shop` in `m.shop.com.vn`).
    pub label_start: usize,
    /// Byte offset of the public suffix (`com.vn`), after the dot.
    pub suffix_start: usize,
    /// The suffix is a private rule of the list (a cloud or hosting
    /// platform's domain): the registrable label is a tenant's name, often
    /// made by a machine.
    pub private: bool,
}

impl Registrable {
    /// The registrable label of `host`.
    pub fn label<'h>(&self, host: &'h str) -> &'h str {
        &host[self.label_start..self.suffix_start - 1]
    }

    /// The registrable domain (`shop.com.vn`).
    pub fn domain<'h>(&self, host: &'h str) -> &'h str {
        &host[self.label_start..]
    }

    /// The public suffix (`com.vn`).
    pub fn suffix<'h>(&self, host: &'h str) -> &'h str {
        &host[self.suffix_start..]
    }
}

/// The compiled list.
pub(crate) struct PublicSuffixes {
    index: HostIndex,
}

impl PublicSuffixes {
    pub(crate) fn new(index: HostIndex) -> Self {
        PublicSuffixes { index }
    }

    /// The registrable part of a canonical domain name, by the list's
    /// algorithm (the longest matching rule wins, exceptions beat it, and
    /// an unlisted TLD is a suffix of one label). `None` when the host is
    /// itself a public suffix.
    pub(crate) fn registrable(&self, host: &str) -> Option<Registrable> {
        let h = host.as_bytes();
        let raw = self.index.raw();
        let mut addr = self.index.root();
        // Label starts from the right: starts[k] = start of the k+1-label
        // suffix. No rule of the list has more than a handful of labels.
        let mut starts = [0usize; MAX_LABELS];
        let mut nlabels = 0usize;
        let mut out = 0u64;
        let mut alive = true;
        // Suffix length in labels: 1 by the default rule `*`.
        let mut suffix_labels = 1usize;
        let mut exception: Option<usize> = None;
        let mut private = false;
        let mut exception_private = false;
        for i in (0..h.len()).rev() {
            if alive {
                match raw.step(addr, h[i]) {
                    Some((next, o)) => {
                        addr = next;
                        out = out.wrapping_add(o);
                    }
                    None => alive = false,
                }
            }
            let boundary = i == 0 || h[i - 1] == b'.';
            if !boundary {
                continue;
            }
            if nlabels < starts.len() {
                starts[nlabels] = i;
            }
            nlabels += 1;
            if !alive {
                // No rule can match further left: stop once the
                // registrable label is known.
                if nlabels > exception.unwrap_or(suffix_labels) {
                    break;
                }
                continue;
            }
            if let Some(f) = raw.final_output(addr) {
                let flags = out.wrapping_add(f);
                let is_private = flags & PRIVATE != 0;
                if flags & EXCEPTION != 0 {
                    exception = Some(nlabels - 1);
                    exception_private = is_private;
                }
                if flags & NORMAL != 0 && nlabels >= suffix_labels {
                    suffix_labels = nlabels;
                    private = is_private;
                }
                if flags & WILDCARD != 0 && nlabels + 1 >= suffix_labels {
                    suffix_labels = nlabels + 1;
                    private = is_private;
                }
            }
        }
        // An exception removes its own first label; a damaged list could
        // name a one-label exception: the suffix is never shorter than one.
        let private = if exception.is_some() {
            exception_private
        } else {
            private
        };
        let suffix_labels = exception.unwrap_or(suffix_labels).max(1);
        if suffix_labels >= nlabels || suffix_labels >= starts.len() {
            return None;
        }
        let suffix_start = starts[suffix_labels - 1];
        let label_start = starts[suffix_labels];
        Some(Registrable {
            label_start,
            suffix_start,
            private,
        })
    }
}
