//! Shared helpers for the integration tests: the real default bundle, built
//! once per test process from `lists/registry.toml` and the mirror of the
//! real lists in `../shared/data`.
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lachan_core::{Engine, Verdict};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The mirror of the real lists (`../shared/data` beside the checkout, or
/// `$LACHAN_MIRROR`). The integration tests need it: CI always has it.
pub fn mirror() -> PathBuf {
    let dir = std::env::var_os("LACHAN_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data"));
    assert!(
        dir.join("blocklists").is_dir(),
        "the real lists are missing at {}; set LACHAN_MIRROR to a mirror of shared/data",
        dir.display()
    );
    dir
}

/// The default bundle's bytes: `$LACHAN_BUNDLE` if set (what `make test`
/// built a moment ago), else built here from the registry and the mirror.
pub fn default_bundle() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        if let Some(p) = std::env::var_os("LACHAN_BUNDLE") {
            return std::fs::read(&p).unwrap_or_else(|e| panic!("LACHAN_BUNDLE {p:?}: {e}"));
        }
        let out = std::env::temp_dir().join(format!("lachan-it-{}.lcb", std::process::id()));
        let opts = lachan::build::BuildOptions {
            registry: root().join("lists/registry.toml"),
            mirror: Some(mirror()),
            out: out.clone(),
            offline: true,
            quiet: true,
            strict: true,
            show_rejected: 0,
            holdout: None,
            dry_run: false,
        };
        lachan::build::build(&opts).unwrap_or_else(|e| panic!("building the default bundle: {e}"));
        let bytes = std::fs::read(&out).expect("bundle written");
        let _ = std::fs::remove_file(&out);
        bytes
    })
}

/// A fresh engine over the default bundle.
pub fn default_engine() -> Engine {
    Engine::from_bytes(default_bundle().to_vec()).expect("default bundle opens")
}

/// Whether the fast path's `code` (`Engine::check_code`) says what the full
/// `verdict` says: the same action and the same category (none for an
/// allow-list override, which the code does not carry). `Err` shows both.
pub fn code_agrees(engine: &Engine, verdict: &Verdict, code: u32) -> Result<(), String> {
    let categories = engine.bundle().categories();
    let cat = (code >> 2)
        .checked_sub(1)
        .map(|c| categories[c as usize].key.as_str());
    let full_cat = if verdict.allow_override {
        None
    } else {
        verdict.category.as_deref()
    };
    if code & 3 != verdict.action as u32 || cat != full_cat {
        return Err(format!(
            "code {code} vs {} {:?} ({})",
            verdict.action, verdict.category, verdict.reason
        ));
    }
    Ok(())
}
