//! Punycode (RFC 3492). (Contract stub.)
