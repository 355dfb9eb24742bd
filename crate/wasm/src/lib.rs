//! The WASM facade of the Lá Chắn core: a thin `#[wasm_bindgen]` layer over
//! [`lachan_core::Engine`] for the extension's service worker and Node.
//!
//! Results cross the boundary as JSON strings (one `JSON.parse` on the JS
//! side) except on the hot path, [`WasmEngine::check_code`], which returns a
//! number. Errors become JS exceptions whose message says what to do.
//!
//! A panic (none is known: bundles, URLs, texts and images are checked
//! before use) would be a WASM trap that poisons the instance. Its message
//! goes to the console first (the panic hook below); the worker's wrapper
//! (`extension/src/background/resilient.js`) then makes a fresh instance
//! from the last good bundle bytes. The glue must be generated with
//! `wasm-bindgen --experimental-reset-state-function` for that.
#![forbid(unsafe_code)]

use lachan_core::{AgeBand, Engine};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated (again after a reset): a panic's
/// message reaches the console before the trap.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!(
            "Lá Chắn engine panicked (the worker reopens it): {info}"
        ));
    }));
}

/// Armed by [`arm_trap_for_tests`]: the next engine call panics.
#[cfg(feature = "test-trap")]
static TRAP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tests only (feature `test-trap`): the next engine call panics once, as
/// if an input had hit a bug.
#[cfg(feature = "test-trap")]
#[wasm_bindgen(js_name = armTrapForTests)]
pub fn arm_trap_for_tests() {
    TRAP.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// With the `test-trap` feature, panics when armed or when `input` holds
/// `lachan-test-trap` (a trap on every try); nothing otherwise.
#[inline(always)]
fn trap_point(_input: &str) {
    #[cfg(feature = "test-trap")]
    if TRAP.swap(false, std::sync::atomic::Ordering::Relaxed) || _input.contains("lachan-test-trap")
    {
        panic!("test trap");
    }
}

/// What the engine reads from a URL, as JSON: `{scheme, host, kind, port,
/// path}` (`kind` is `domain`, `ipv4` or `ipv6`, the host without brackets;
/// `port` is null when absent or the scheme's default), or `{error,
/// not_web}` when the URL gives no host to filter. The host is the one every
/// verdict is about; the parity test compares it with Node's `URL`.
#[wasm_bindgen(js_name = parseUrl)]
pub fn parse_url(url: &str) -> String {
    use lachan_core::host::HostKind;
    let value = match lachan_core::url::ParsedUrl::parse(url) {
        Ok(u) => serde_json::json!({
            "scheme": u.scheme(),
            "host": u.host().as_str(),
            "kind": match u.host().kind() {
                HostKind::Domain => "domain",
                HostKind::Ipv4 => "ipv4",
                HostKind::Ipv6 => "ipv6",
            },
            "port": u.port(),
            "path": u.path(),
        }),
        Err(e) => serde_json::json!({ "error": e.to_string(), "not_web": e.is_not_web() }),
    };
    value.to_string()
}

/// The engine as JS sees it: `Engine` in the generated bindings.
#[wasm_bindgen(js_name = Engine)]
pub struct WasmEngine {
    inner: Engine,
    /// The input buffer of [`WasmEngine::check_code_buf`]: JS writes URL
    /// bytes straight into it (see [`WasmEngine::input_buffer`]).
    input: Vec<u8>,
}

fn band_from_js(band: Option<String>) -> Result<Option<AgeBand>, JsError> {
    match band {
        None => Ok(None),
        Some(b) if b.is_empty() => Ok(None),
        Some(b) => b.parse::<AgeBand>().map(Some).map_err(|_| {
            JsError::new(&format!(
                "unknown age band {b:?}; use under-6, 6-10, 11-14 or 15-17"
            ))
        }),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// Opens a bundle from its bytes (copied once into WASM memory, then
    /// read in place). Throws on a truncated or malformed bundle.
    pub fn open(bytes: Vec<u8>) -> Result<WasmEngine, JsError> {
        let inner = Engine::from_bytes(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(WasmEngine {
            inner,
            input: Vec::new(),
        })
    }

    /// Verifies the bundle checksum; throws if the bytes are corrupt.
    pub fn verify(&self) -> Result<(), JsError> {
        trap_point("");
        self.inner
            .bundle()
            .verify()
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Sets the parent's and the school's policy layers (JSON text; `undefined`
    /// clears a layer). Returns the warnings as a JSON array.
    #[wasm_bindgen(js_name = setPolicy)]
    pub fn set_policy(&mut self, parent: Option<String>, school: Option<String>) -> String {
        trap_point(parent.as_deref().unwrap_or(""));
        trap_point(school.as_deref().unwrap_or(""));
        to_json(&self.inner.set_policy(parent.as_deref(), school.as_deref()))
    }

    /// The full verdict for a URL as JSON: `{action, category, source, rule,
    /// match_kind, band, matched_url, allow_override, reason}`.
    pub fn check(&self, url: &str, band: Option<String>) -> Result<String, JsError> {
        trap_point(url);
        Ok(to_json(&self.inner.check_url(url, band_from_js(band)?)))
    }

    /// Fast path: `action | (categoryId + 1) << 2`, action 0 allow, 1 warn,
    /// 2 block; `band` is an index into `under-6, 6-10, 11-14, 15-17`, or
    /// any other number for the policy's band.
    #[wasm_bindgen(js_name = checkCode)]
    pub fn check_code(&self, url: &str, band: u32) -> u32 {
        trap_point(url);
        let band = AgeBand::ALL.get(band as usize).copied();
        self.inner.check_code(url, band)
    }

    /// The fastest entry, with [`WasmEngine::check_code_buf`]: makes the
    /// engine's input buffer at least `capacity` bytes long and returns its
    /// address in WASM memory ([`wasm_memory`]). JS keeps a `Uint8Array`
    /// view of it, writes the URL there itself (an ASCII string: one
    /// `charCodeAt` per byte; or `TextEncoder.encodeInto`) and calls
    /// `checkCodeBuf(length, band)`: no string crossing, no allocation.
    /// The address stays valid until the next `inputBuffer` call; the view
    /// must be made again whenever `memory.buffer` changes (memory growth
    /// detaches it: `view.buffer !== memory.buffer`). See
    /// `bench/lib/fastcheck.cjs` for a ready helper.
    #[wasm_bindgen(js_name = inputBuffer)]
    pub fn input_buffer(&mut self, capacity: u32) -> u32 {
        let capacity = capacity as usize;
        if self.input.len() < capacity {
            self.input.resize(capacity, 0);
        }
        self.input.as_ptr() as usize as u32
    }

    /// [`WasmEngine::check_code`] for the first `len` bytes of the input
    /// buffer (UTF-8). Returns 0 (allow) when `len` is beyond the buffer or
    /// the bytes are not UTF-8, as `checkCode` does for a URL it cannot
    /// read.
    #[wasm_bindgen(js_name = checkCodeBuf)]
    pub fn check_code_buf(&self, len: u32, band: u32) -> u32 {
        let Some(bytes) = self.input.get(..len as usize) else {
            return 0;
        };
        let Ok(url) = std::str::from_utf8(bytes) else {
            return 0;
        };
        let band = AgeBand::ALL.get(band as usize).copied();
        self.inner.check_code(url, band)
    }

    /// Categories in id order, JSON `[{key, description}]`.
    pub fn categories(&self) -> String {
        to_json(&self.inner.bundle().categories())
    }

    /// Bundle facts as JSON (sizes, sources with licences and counts).
    pub fn info(&self) -> String {
        to_json(&self.inner.bundle().info())
    }

    /// The age band in force (`6-10`…).
    #[wasm_bindgen(js_name = policyBand)]
    pub fn policy_band(&self) -> String {
        trap_point("");
        self.inner.policy().band().as_str().to_string()
    }

    /// The merged action table, JSON `{category: {band: action}}`.
    #[wasm_bindgen(js_name = policyTable)]
    pub fn policy_table(&self) -> String {
        to_json(&self.inner.policy().table())
    }

    /// Checks a policy layer (JSON text) without applying it; returns the
    /// warnings `setPolicy` would give, as a JSON array.
    #[wasm_bindgen(js_name = validatePolicy)]
    pub fn validate_policy(&self, layer: &str, json: &str) -> String {
        to_json(&self.inner.validate_layer(layer, json))
    }

    /// The default action table (no parent or school layer), JSON
    /// `{category: {band: action}}`.
    #[wasm_bindgen(js_name = defaultTable)]
    pub fn default_table(&self) -> String {
        to_json(&self.inner.default_table())
    }

    /// Scores page text or a search query. JSON `{action, category, support,
    /// score, limit, band, scores, matches: [{phrase, category, weight,
    /// start, end, reason}]}`; `action` is `warn` (blur + overlay) over the
    /// band's limit, `block` for a banned phrase. With the page's `url` (and
    /// `article`: the page marks itself up as one), a page of a listed news,
    /// education, health or government site counts the informational
    /// categories less, and the JSON carries `context: {site, article,
    /// keep_percent}`.
    #[wasm_bindgen(js_name = checkText)]
    pub fn check_text(
        &self,
        text: &str,
        band: Option<String>,
        url: Option<String>,
        article: Option<bool>,
    ) -> Result<String, JsError> {
        trap_point(text);
        let page = url.as_deref().map(|url| lachan_core::TextPage {
            url,
            article: article.unwrap_or(false),
        });
        Ok(to_json(&self.inner.check_text_on(
            text,
            band_from_js(band)?,
            page,
        )))
    }

    /// Judges short posts one by one (comments, replies): `texts` is a JSON
    /// array of strings; the answer a JSON array, one `{mask, category,
    /// phrase_score, model_permille}` per post, in order.
    #[wasm_bindgen(js_name = checkComments)]
    pub fn check_comments(&self, texts: &str, band: Option<String>) -> Result<String, JsError> {
        trap_point(texts);
        let posts: Vec<String> = serde_json::from_str(texts).map_err(|e| {
            JsError::new(&format!("checkComments: not a JSON array of strings: {e}"))
        })?;
        let refs: Vec<&str> = posts.iter().map(String::as_str).collect();
        Ok(to_json(
            &self.inner.check_comments(&refs, band_from_js(band)?),
        ))
    }

    /// PDQ-hashes an RGBA image (`ImageData.data` of a canvas) and checks it
    /// against the bundle's hash list. JSON `{hash, quality, low_quality,
    /// matched: null | {distance, hash, source, id, transform}}`.
    #[wasm_bindgen(js_name = checkImage)]
    pub fn check_image(&self, rgba: &[u8], width: u32, height: u32) -> Result<String, JsError> {
        let v = self
            .inner
            .check_image_rgba(rgba, width, height)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(to_json(&v))
    }

    /// Looks up a PDQ hash (64 hex digits); JSON match or `null`.
    #[wasm_bindgen(js_name = checkImageHash)]
    pub fn check_image_hash(&self, hex: &str) -> Result<String, JsError> {
        let m = self
            .inner
            .check_image_hash(hex)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(to_json(&m))
    }

    /// Number of hashes in the bundle's image-hash list (0 when none).
    #[wasm_bindgen(js_name = imageHashCount)]
    pub fn image_hash_count(&self) -> u32 {
        self.inner.image_hashes() as u32
    }

    /// Every host and URL rule with its source ids, JSON (build tools only:
    /// generates declarativeNetRequest rulesets from the same bundle).
    /// Throws if the host index is malformed.
    #[wasm_bindgen(js_name = exportRules)]
    pub fn export_rules(&self) -> Result<String, JsError> {
        let rules = self
            .inner
            .bundle()
            .export_rules()
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(to_json(&rules))
    }
}

/// The module's `WebAssembly.Memory`, for views of the input buffer
/// ([`WasmEngine::input_buffer`]).
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}
