//! Integration tests. One binary; each module says what belongs in it.

// URL -> verdict expectations in tests/fixtures/urls.tsv over the real lists.
mod fixtures;
// Every list of the registry: listed hosts, subdomains, neighbours, tricks.
mod real_lists;
// The lachan list compiler as a library: parsers, registry, fixture build.
mod cli;
// Seeded generated and adversarial URLs: no panic, fast path = full path,
// the slowest URL's time.
mod generated_urls;
// Seeded mutants of a small bundle: typed errors, never a panic, never accepted.
mod mutants;
