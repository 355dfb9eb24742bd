//! Host normalisation. (Contract stub: replaced by the full implementation.)
use std::fmt;

/// What kind of host a normalised host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// A DNS name: ASCII, lower-case, punycode labels, no trailing dot.
    Domain,
    /// An IPv4 address in dotted-decimal form.
    Ipv4,
    /// An IPv6 address in RFC 5952 compressed form, without brackets.
    Ipv6,
}

/// A normalised host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    text: String,
    kind: HostKind,
}

impl Host {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// The kind of host.
    pub fn kind(&self) -> HostKind {
        self.kind
    }
}

/// Why a host could not be normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    reason: String,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for HostError {}

/// Normalises a host.
pub fn normalize_host(input: &str) -> Result<Host, HostError> {
    let t = input.trim_end_matches('.').to_ascii_lowercase();
    if t.is_empty() {
        return Err(HostError {
            reason: "empty host".into(),
        });
    }
    Ok(Host {
        text: t,
        kind: HostKind::Domain,
    })
}
