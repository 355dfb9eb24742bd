//! Embedded-URL unwrapping. (Contract stub.)
use crate::url::ParsedUrl;

/// Target URLs carried by a wrapper URL (translate proxies, caches, archives).
pub fn embedded_urls(_url: &ParsedUrl) -> Vec<String> {
    Vec::new()
}
