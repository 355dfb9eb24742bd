/* tslint:disable */
/* eslint-disable */

/**
 * The engine as JS sees it: `Engine` in the generated bindings.
 */
export class Engine {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Categories in id order, JSON `[{key, description}]`.
     */
    categories(): string;
    /**
     * [`WasmEngine::check_code`] for the first `len` bytes of the input
     * buffer (UTF-8). Returns 0 (allow) when `len` is beyond the buffer or
     * the bytes are not UTF-8, as `checkCode` does for a URL it cannot
     * read.
     */
    checkCodeBuf(len: number, band: number): number;
    /**
     * Fast path: `action | (categoryId + 1) << 2`, action 0 allow, 1 warn,
     * 2 block; `band` is an index into `under-6, 6-10, 11-14, 15-17`, or
     * any other number for the policy's band.
     */
    checkCode(url: string, band: number): number;
    /**
     * Judges short posts one by one (comments, replies): `texts` is a JSON
     * array of strings; the answer a JSON array, one `{mask, category,
     * phrase_score, model_permille}` per post, in order.
     */
    checkComments(texts: string, band?: string | null): string;
    /**
     * Looks up a PDQ hash (64 hex digits); JSON match or `null`.
     */
    checkImageHash(hex: string): string;
    /**
     * PDQ-hashes an RGBA image (`ImageData.data` of a canvas) and checks it
     * against the bundle's hash list. JSON `{hash, quality, low_quality,
     * matched: null | {distance, hash, source, id, transform}}`.
     */
    checkImage(rgba: Uint8Array | number[], width: number, height: number): string;
    /**
     * Scores page text or a search query. JSON `{action, category, support,
     * score, limit, band, scores, matches: [{phrase, category, weight,
     * start, end, reason}]}`; `action` is `warn` (blur + overlay) over the
     * band's limit, `block` for a banned phrase. With the page's `url` (and
     * `article`: the page marks itself up as one), a page of a listed news,
     * education, health or government site counts the informational
     * categories less, and the JSON carries `context: {site, article,
     * keep_percent}`.
     */
    checkText(text: string, band?: string | null, url?: string | null, article?: boolean | null): string;
    /**
     * The full verdict for a URL as JSON: `{action, category, source, rule,
     * match_kind, band, matched_url, allow_override, reason}`.
     */
    check(url: string, band?: string | null): string;
    /**
     * The default action table (no parent or school layer), JSON
     * `{category: {band: action}}`.
     */
    defaultTable(): string;
    /**
     * Every host and URL rule with its source ids, JSON (build tools only:
     * generates declarativeNetRequest rulesets from the same bundle).
     * Throws if the host index is malformed.
     */
    exportRules(): string;
    /**
     * Number of hashes in the bundle's image-hash list (0 when none).
     */
    imageHashCount(): number;
    /**
     * Bundle facts as JSON (sizes, sources with licences and counts).
     */
    info(): string;
    /**
     * The fastest entry, with [`WasmEngine::check_code_buf`]: makes the
     * engine's input buffer at least `capacity` bytes long and returns its
     * address in WASM memory ([`wasm_memory`]). JS keeps a `Uint8Array`
     * view of it, writes the URL there itself (an ASCII string: one
     * `charCodeAt` per byte; or `TextEncoder.encodeInto`) and calls
     * `checkCodeBuf(length, band)`: no string crossing, no allocation.
     * The address stays valid until the next `inputBuffer` call; the view
     * must be made again whenever `memory.buffer` changes (memory growth
     * detaches it: `view.buffer !== memory.buffer`). See
     * `bench/lib/fastcheck.cjs` for a ready helper.
     */
    inputBuffer(capacity: number): number;
    /**
     * Opens a bundle from its bytes (copied once into WASM memory, then
     * read in place). Throws on a truncated or malformed bundle.
     */
    static open(bytes: Uint8Array | number[]): Engine;
    /**
     * The age band in force (`6-10`…).
     */
    policyBand(): string;
    /**
     * The merged action table, JSON `{category: {band: action}}`.
     */
    policyTable(): string;
    /**
     * Sets the parent's and the school's policy layers (JSON text; `undefined`
     * clears a layer). Returns the warnings as a JSON array.
     */
    setPolicy(parent?: string | null, school?: string | null): string;
    /**
     * Checks a policy layer (JSON text) without applying it; returns the
     * warnings `setPolicy` would give, as a JSON array.
     */
    validatePolicy(layer: string, json: string): string;
    /**
     * Verifies the bundle checksum; throws if the bytes are corrupt.
     */
    verify(): void;
}

export function __wbg_reset_state(): void;

/**
 * What the engine reads from a URL, as JSON: `{scheme, host, kind, port,
 * path}` (`kind` is `domain`, `ipv4` or `ipv6`, the host without brackets;
 * `port` is null when absent or the scheme's default), or `{error,
 * not_web}` when the URL gives no host to filter. The host is the one every
 * verdict is about; the parity test compares it with Node's `URL`.
 */
export function parseUrl(url: string): string;

/**
 * Runs when the module is instantiated (again after a reset): a panic's
 * message reaches the console before the trap.
 */
export function start(): void;

/**
 * The module's `WebAssembly.Memory`, for views of the input buffer
 * ([`WasmEngine::input_buffer`]).
 */
export function wasmMemory(): any;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_engine_free: (a: number, b: number) => void;
    readonly engine_categories: (a: number) => [number, number];
    readonly engine_check: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly engine_checkCode: (a: number, b: number, c: number, d: number) => number;
    readonly engine_checkCodeBuf: (a: number, b: number, c: number) => number;
    readonly engine_checkComments: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly engine_checkImage: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly engine_checkImageHash: (a: number, b: number, c: number) => [number, number, number, number];
    readonly engine_checkText: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => [number, number, number, number];
    readonly engine_defaultTable: (a: number) => [number, number];
    readonly engine_exportRules: (a: number) => [number, number, number, number];
    readonly engine_imageHashCount: (a: number) => number;
    readonly engine_info: (a: number) => [number, number];
    readonly engine_inputBuffer: (a: number, b: number) => number;
    readonly engine_open: (a: number, b: number) => [number, number, number];
    readonly engine_policyBand: (a: number) => [number, number];
    readonly engine_policyTable: (a: number) => [number, number];
    readonly engine_setPolicy: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly engine_validatePolicy: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly engine_verify: (a: number) => [number, number];
    readonly parseUrl: (a: number, b: number) => [number, number];
    readonly start: () => void;
    readonly wasmMemory: () => any;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
