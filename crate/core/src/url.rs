//! URL parsing. (Contract stub: replaced by the full implementation.)
use crate::host::{normalize_host, Host, HostError};

/// A parsed URL reduced to what filtering needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    scheme: String,
    host: Host,
    port: Option<u16>,
    path: String,
}

/// Why a URL could not be parsed.
pub type UrlError = HostError;

impl ParsedUrl {
    /// Parses a URL.
    pub fn parse(input: &str) -> Result<ParsedUrl, UrlError> {
        let (scheme, rest) = match input.find("://") {
            Some(i) => (input[..i].to_ascii_lowercase(), &input[i + 3..]),
            None => ("http".to_string(), input),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let auth = &rest[..end];
        let auth = auth.rsplit('@').next().unwrap_or(auth);
        let host = auth.split(':').next().unwrap_or(auth);
        let mut path = rest[end..].split('#').next().unwrap_or("").to_string();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        Ok(ParsedUrl {
            scheme,
            host: normalize_host(host)?,
            port: None,
            path,
        })
    }
    /// Scheme, lower-case.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// Host.
    pub fn host(&self) -> &Host {
        &self.host
    }
    /// Port if not default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// Path and query, starting with '/'.
    pub fn path(&self) -> &str {
        &self.path
    }
}
