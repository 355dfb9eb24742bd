//! The PDQ hashing pipeline.
//!
//! Steps, following Meta's published description and reference code
//! (ThreatExchange `pdq/`, BSD licence):
//!
//! 1. RGB → luminance `Y = 0.299 R + 0.587 G + 0.114 B` (alpha is ignored, as
//!    the reference converts RGBA to RGB by dropping it).
//! 2. Optional pre-shrink (ours, documented): when the longer side exceeds
//!    [`PdqHasher::max_dimension`] (default 512, as the Python reference does
//!    with `thumbnail((512, 512))`), the luminance plane is area-averaged down
//!    to fit, keeping the aspect ratio. This bounds time and memory in WASM.
//! 3. Jarosz tent filter: two passes of (box along rows, box along columns),
//!    window `ceil(dim / 128)` per pass, with the reference's shrinking windows
//!    at the edges.
//! 4. Decimate to 64×64 by sampling at the centres `floor((i + 0.5) * dim / 64)`.
//! 5. Quality: sum over neighbouring pixel pairs of `|trunc((u - v) * 100 / 255)|`,
//!    divided by 90, capped at 100.
//! 6. 2-D DCT keeping coefficients 1..=16 in each direction: `B = D A Dᵀ` with
//!    `D[i][j] = sqrt(2/64) cos(π/128 (i+1)(2j+1))`.
//! 7. Bit `i*16+j` is set when `B[i][j]` is strictly greater than the median
//!    (the lower median: the 128th smallest of the 256 values).

use crate::hash::{DihedralHashes, Hash256, PdqHash};
use crate::{Error, ErrorKind};
use std::sync::OnceLock;

/// Images smaller than this in either dimension get the zero hash with
/// quality 0 (reference behaviour).
pub const MIN_HASHABLE_DIM: u32 = 5;

/// The 16×16 low-frequency DCT block.
type Dct16 = [[f64; 16]; 16];

const LUMA_R: f32 = 0.299;
const LUMA_G: f32 = 0.587;
const LUMA_B: f32 = 0.114;

/// Pixel layout of an input buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PixelFormat {
    /// 4 bytes per pixel, R G B A (e.g. a browser canvas `ImageData`); alpha is ignored.
    Rgba8,
    /// 3 bytes per pixel, R G B.
    Rgb8,
    /// 1 byte per pixel, grey.
    Luma8,
}

impl PixelFormat {
    /// Bytes per pixel.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgba8 => 4,
            PixelFormat::Rgb8 => 3,
            PixelFormat::Luma8 => 1,
        }
    }
}

/// A configurable PDQ hasher. Cheap to create; holds no buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PdqHasher {
    max_dimension: u32,
}

impl Default for PdqHasher {
    fn default() -> Self {
        PdqHasher::new()
    }
}

impl PdqHasher {
    /// Default bound on the longer side before the PDQ filter runs (the Python
    /// reference thumbnails to 512×512 before hashing).
    pub const DEFAULT_MAX_DIMENSION: u32 = 512;

    /// A hasher with the default pre-shrink bound (512).
    pub fn new() -> Self {
        PdqHasher {
            max_dimension: Self::DEFAULT_MAX_DIMENSION,
        }
    }

    /// A hasher that area-averages images whose longer side exceeds `max`
    /// down to that size first. `0` disables the pre-shrink: the whole image
    /// goes through the Jarosz filter at full resolution, as the C++ reference
    /// does (slower and more memory for big images; same hash within a few bits).
    pub fn with_max_dimension(max: u32) -> Self {
        PdqHasher { max_dimension: max }
    }

    /// The pre-shrink bound (`0` = none).
    pub fn max_dimension(&self) -> u32 {
        self.max_dimension
    }

    /// Hashes a pixel buffer of the given format (row-major, no padding).
    pub fn hash(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
    ) -> Result<PdqHash, Error> {
        let dct = self.dct16(pixels, width, height, format)?;
        Ok(match dct {
            None => PdqHash {
                hash: Hash256::ZERO,
                quality: 0,
            },
            Some((b, quality)) => PdqHash {
                hash: bits_from_dct(&b),
                quality,
            },
        })
    }

    /// Hashes a pixel buffer and also returns the hashes of its seven rotations
    /// and flips, derived from the same DCT (no extra image work).
    pub fn hash_dihedral(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
    ) -> Result<DihedralHashes, Error> {
        let dct = self.dct16(pixels, width, height, format)?;
        Ok(match dct {
            None => DihedralHashes {
                hashes: [Hash256::ZERO; 8],
                quality: 0,
            },
            Some((b, quality)) => DihedralHashes {
                hashes: dihedral_bits(&b),
                quality,
            },
        })
    }

    /// [`PdqHasher::hash`] for RGBA input (browser canvas `ImageData`).
    pub fn hash_rgba(&self, pixels: &[u8], width: u32, height: u32) -> Result<PdqHash, Error> {
        self.hash(pixels, width, height, PixelFormat::Rgba8)
    }

    /// [`PdqHasher::hash_dihedral`] for RGBA input.
    pub fn hash_dihedral_rgba(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
    ) -> Result<DihedralHashes, Error> {
        self.hash_dihedral(pixels, width, height, PixelFormat::Rgba8)
    }

    /// Runs the pipeline up to the 16×16 DCT; `None` for images too small to hash.
    fn dct16(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        format: PixelFormat,
    ) -> Result<Option<(Box<Dct16>, u8)>, Error> {
        if width == 0 || height == 0 {
            return Err(Error::new(
                ErrorKind::EmptyImage,
                format!("image has an empty dimension ({width}x{height})"),
            ));
        }
        let bpp = format.bytes_per_pixel();
        let expected = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(bpp))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ImageTooLarge,
                    format!("image too large ({width}x{height})"),
                )
            })?;
        if pixels.len() != expected {
            return Err(Error::new(
                ErrorKind::BufferSize {
                    expected,
                    actual: pixels.len(),
                },
                format!(
                    "pixel buffer has {} bytes, expected {expected}",
                    pixels.len()
                ),
            ));
        }
        if width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM {
            return Ok(None);
        }
        let (mut luma, rows, cols) = luma_plane(
            pixels,
            width as usize,
            height as usize,
            format,
            self.max_dimension,
        );
        let a = downsample_64(&mut luma, rows, cols);
        let quality = quality_metric(&a);
        Ok(Some((dct64_to_16(&a), quality)))
    }
}

/// Hashes RGBA pixels (e.g. from a browser canvas) with the default hasher.
///
/// `pixels.len()` must be `width * height * 4`. Images smaller than 5 pixels
/// in either dimension give the zero hash with quality 0.
pub fn pdq_hash_rgba(pixels: &[u8], width: u32, height: u32) -> Result<PdqHash, Error> {
    PdqHasher::new().hash(pixels, width, height, PixelFormat::Rgba8)
}

/// Hashes RGB pixels (3 bytes per pixel) with the default hasher.
pub fn pdq_hash_rgb(pixels: &[u8], width: u32, height: u32) -> Result<PdqHash, Error> {
    PdqHasher::new().hash(pixels, width, height, PixelFormat::Rgb8)
}

/// Hashes grey pixels (1 byte per pixel) with the default hasher.
pub fn pdq_hash_luma(pixels: &[u8], width: u32, height: u32) -> Result<PdqHash, Error> {
    PdqHasher::new().hash(pixels, width, height, PixelFormat::Luma8)
}

/// The eight dihedral hashes (rotations/flips) of RGBA pixels, default hasher.
pub fn pdq_dihedral_rgba(pixels: &[u8], width: u32, height: u32) -> Result<DihedralHashes, Error> {
    PdqHasher::new().hash_dihedral(pixels, width, height, PixelFormat::Rgba8)
}

// ---------------------------------------------------------------------------
// Luminance and pre-shrink

#[inline]
fn luma_row(src: &[u8], format: PixelFormat, out: &mut [f32]) {
    match format {
        PixelFormat::Rgba8 => {
            for (o, p) in out.iter_mut().zip(src.chunks_exact(4)) {
                *o = LUMA_R * p[0] as f32 + LUMA_G * p[1] as f32 + LUMA_B * p[2] as f32;
            }
        }
        PixelFormat::Rgb8 => {
            for (o, p) in out.iter_mut().zip(src.chunks_exact(3)) {
                *o = LUMA_R * p[0] as f32 + LUMA_G * p[1] as f32 + LUMA_B * p[2] as f32;
            }
        }
        PixelFormat::Luma8 => {
            for (o, &p) in out.iter_mut().zip(src) {
                *o = p as f32;
            }
        }
    }
}

/// Target size after the pre-shrink (aspect ratio kept, longer side = `max`).
fn shrunk_dims(w: usize, h: usize, max: usize) -> (usize, usize) {
    if max == 0 || (w <= max && h <= max) {
        return (w, h);
    }
    if w >= h {
        let th = ((h as f64) * (max as f64) / (w as f64)).round() as usize;
        (max, th.max(1))
    } else {
        let tw = ((w as f64) * (max as f64) / (h as f64)).round() as usize;
        (tw.max(1), max)
    }
}

/// Area-averaging (box) resampling weights from `n` source samples to `m <= n`
/// outputs: output `o` covers the source interval `[o*s, (o+1)*s)`, `s = n/m`.
/// Returns, per output, `(first source index, weights)` flattened.
struct AreaWeights {
    starts: Vec<usize>,
    offsets: Vec<usize>,
    weights: Vec<f32>,
}

impl AreaWeights {
    fn new(n: usize, m: usize) -> AreaWeights {
        let s = n as f64 / m as f64;
        let mut starts = Vec::with_capacity(m);
        let mut offsets = Vec::with_capacity(m + 1);
        let mut weights = Vec::with_capacity(n + 2 * m);
        offsets.push(0);
        for o in 0..m {
            let a = o as f64 * s;
            let b = ((o + 1) as f64 * s).min(n as f64);
            let first = a.floor() as usize;
            let last = (b.ceil() as usize).min(n).max(first + 1);
            starts.push(first);
            let mut total = 0.0;
            let begin = weights.len();
            for p in first..last {
                let overlap = (b.min(p as f64 + 1.0) - a.max(p as f64)).max(0.0);
                weights.push(overlap as f32);
                total += overlap;
            }
            let norm = if total > 0.0 { 1.0 / total } else { 0.0 };
            for w in &mut weights[begin..] {
                *w = (*w as f64 * norm) as f32;
            }
            offsets.push(weights.len());
        }
        AreaWeights {
            starts,
            offsets,
            weights,
        }
    }

    #[inline]
    fn taps(&self, o: usize) -> (usize, &[f32]) {
        (
            self.starts[o],
            &self.weights[self.offsets[o]..self.offsets[o + 1]],
        )
    }
}

/// Converts to a luminance plane, area-shrinking when larger than `max_dim`.
/// Returns `(plane, rows, cols)`.
fn luma_plane(
    pixels: &[u8],
    w: usize,
    h: usize,
    format: PixelFormat,
    max_dim: u32,
) -> (Vec<f32>, usize, usize) {
    let bpp = format.bytes_per_pixel();
    let stride = w * bpp;
    let (tw, th) = shrunk_dims(w, h, max_dim as usize);
    if (tw, th) == (w, h) {
        let mut out = vec![0f32; w * h];
        for (src, dst) in pixels.chunks_exact(stride).zip(out.chunks_exact_mut(w)) {
            luma_row(src, format, dst);
        }
        return (out, h, w);
    }

    let hw = AreaWeights::new(w, tw);
    let vw = AreaWeights::new(h, th);
    // Invert the vertical taps: for each source row, the (output row, weight) pairs.
    let mut contrib: Vec<(usize, usize, f32)> = Vec::with_capacity(h + 2 * th);
    for o in 0..th {
        let (start, ws) = vw.taps(o);
        for (k, &wt) in ws.iter().enumerate() {
            if wt > 0.0 {
                contrib.push((start + k, o, wt));
            }
        }
    }
    contrib.sort_by_key(|c| c.0);

    let mut out = vec![0f32; tw * th];
    let mut row = vec![0f32; w];
    let mut hrow = vec![0f32; tw];
    let mut ci = 0;
    for y in 0..h {
        if ci >= contrib.len() || contrib[ci].0 != y {
            continue;
        }
        luma_row(&pixels[y * stride..(y + 1) * stride], format, &mut row);
        for (x, hv) in hrow.iter_mut().enumerate() {
            let (start, ws) = hw.taps(x);
            let mut acc = 0f32;
            for (v, &wt) in row[start..start + ws.len()].iter().zip(ws) {
                acc += v * wt;
            }
            *hv = acc;
        }
        while ci < contrib.len() && contrib[ci].0 == y {
            let (_, o, wt) = contrib[ci];
            for (d, &s) in out[o * tw..(o + 1) * tw].iter_mut().zip(&hrow) {
                *d += wt * s;
            }
            ci += 1;
        }
    }
    (out, th, tw)
}

// ---------------------------------------------------------------------------
// Jarosz filter and decimation

/// Window size per pass: `ceil(dim / 128)` (half of a 64th, since two passes).
fn jarosz_window(dim: usize) -> usize {
    dim.div_ceil(128)
}

/// One box-filter pass over a vector, with the reference's edge handling:
/// output `i` averages the input over `[i - (window-half), i + (half-1)]`
/// clipped to the vector, `half = (window + 2) / 2` (see [`window_range`]).
fn box_1d(input: &[f32], output: &mut [f32], window: usize) {
    let n = input.len();
    if window <= 1 {
        output.copy_from_slice(input);
        return;
    }
    let half = (window + 2) / 2;
    let p1 = half - 1;
    let p2 = window - half + 1;
    let p3 = n.saturating_sub(window);
    let p4 = half - 1;
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut sum = 0f64;
    let mut cnt = 0f64;
    for _ in 0..p1 {
        sum += input[ri] as f64;
        cnt += 1.0;
        ri += 1;
    }
    for _ in 0..p2 {
        sum += input[ri] as f64;
        cnt += 1.0;
        output[oi] = (sum * (1.0 / cnt)) as f32;
        ri += 1;
        oi += 1;
    }
    let inv = 1.0 / cnt;
    for _ in 0..p3 {
        sum += input[ri] as f64;
        sum -= input[li] as f64;
        output[oi] = (sum * inv) as f32;
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p4 {
        sum -= input[li] as f64;
        cnt -= 1.0;
        output[oi] = (sum * (1.0 / cnt)) as f32;
        li += 1;
        oi += 1;
    }
}

/// Box filter along each row. Rows are processed eight at a time so that
/// eight independent running sums hide the floating-point add latency (one
/// row alone is a serial dependency chain); the arithmetic per row is exactly
/// that of [`box_1d`].
fn box_rows(input: &[f32], output: &mut [f32], cols: usize, window: usize) {
    if window <= 1 {
        output.copy_from_slice(input);
        return;
    }
    const L: usize = 8;
    let mut ins = input.chunks_exact(cols * L);
    let mut outs = output.chunks_exact_mut(cols * L);
    for (i, o) in (&mut ins).zip(&mut outs) {
        box_rows_lanes::<L>(i, o, cols, window);
    }
    for (i, o) in ins
        .remainder()
        .chunks_exact(cols)
        .zip(outs.into_remainder().chunks_exact_mut(cols))
    {
        box_1d(i, o, window);
    }
}

/// [`box_1d`] over `L` consecutive rows of length `n` at once.
fn box_rows_lanes<const L: usize>(input: &[f32], output: &mut [f32], n: usize, window: usize) {
    let half = (window + 2) / 2;
    let p1 = half - 1;
    let p2 = window - half + 1;
    let p3 = n.saturating_sub(window);
    let p4 = half - 1;
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut sum = [0f64; L];
    let mut cnt = 0f64;
    let add = |sum: &mut [f64; L], p: usize| {
        for (l, s) in sum.iter_mut().enumerate() {
            *s += input[l * n + p] as f64;
        }
    };
    let sub = |sum: &mut [f64; L], p: usize| {
        for (l, s) in sum.iter_mut().enumerate() {
            *s -= input[l * n + p] as f64;
        }
    };
    let mut write = |sum: &[f64; L], p: usize, inv: f64| {
        for (l, s) in sum.iter().enumerate() {
            output[l * n + p] = (s * inv) as f32;
        }
    };
    for _ in 0..p1 {
        add(&mut sum, ri);
        cnt += 1.0;
        ri += 1;
    }
    for _ in 0..p2 {
        add(&mut sum, ri);
        cnt += 1.0;
        write(&sum, oi, 1.0 / cnt);
        ri += 1;
        oi += 1;
    }
    let inv = 1.0 / cnt;
    for _ in 0..p3 {
        add(&mut sum, ri);
        sub(&mut sum, li);
        write(&sum, oi, inv);
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p4 {
        sub(&mut sum, li);
        cnt -= 1.0;
        write(&sum, oi, 1.0 / cnt);
        li += 1;
        oi += 1;
    }
}

/// Box filter along each column; same arithmetic as [`box_1d`] but walks whole
/// rows at a time (cache friendly), with one running sum per column.
fn box_cols(input: &[f32], output: &mut [f32], rows: usize, cols: usize, window: usize) {
    if window <= 1 {
        output.copy_from_slice(input);
        return;
    }
    let half = (window + 2) / 2;
    let p1 = half - 1;
    let p2 = window - half + 1;
    let p3 = rows.saturating_sub(window);
    let p4 = half - 1;
    let row = |r: usize| &input[r * cols..(r + 1) * cols];
    let mut sum = vec![0f64; cols];
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut cnt = 0f64;
    for _ in 0..p1 {
        for (s, &v) in sum.iter_mut().zip(row(ri)) {
            *s += v as f64;
        }
        cnt += 1.0;
        ri += 1;
    }
    for _ in 0..p2 {
        for (s, &v) in sum.iter_mut().zip(row(ri)) {
            *s += v as f64;
        }
        cnt += 1.0;
        let inv = 1.0 / cnt;
        for (o, s) in output[oi * cols..(oi + 1) * cols].iter_mut().zip(&sum) {
            *o = (s * inv) as f32;
        }
        ri += 1;
        oi += 1;
    }
    let inv = 1.0 / cnt;
    for _ in 0..p3 {
        for ((s, &add), &sub) in sum.iter_mut().zip(row(ri)).zip(row(li)) {
            *s += add as f64;
            *s -= sub as f64;
        }
        for (o, s) in output[oi * cols..(oi + 1) * cols].iter_mut().zip(&sum) {
            *o = (s * inv) as f32;
        }
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..p4 {
        for (s, &v) in sum.iter_mut().zip(row(li)) {
            *s -= v as f64;
        }
        cnt -= 1.0;
        let inv = 1.0 / cnt;
        for (o, s) in output[oi * cols..(oi + 1) * cols].iter_mut().zip(&sum) {
            *o = (s * inv) as f32;
        }
        li += 1;
        oi += 1;
    }
}

/// The input interval `[lo, hi]` that box output `i` averages (reference
/// edge handling: the window shrinks at both ends of the vector).
#[inline]
fn window_range(i: usize, n: usize, window: usize) -> (usize, usize) {
    if window <= 1 {
        return (i, i);
    }
    let half = (window + 2) / 2;
    (i.saturating_sub(window - half), (i + half - 1).min(n - 1))
}

/// Decimation sample positions: the centres `floor((i + 0.5) * n / 64)`.
fn sample_positions(n: usize) -> [usize; 64] {
    core::array::from_fn(|i| (((i as f64 + 0.5) * n as f64) / 64.0) as usize)
}

/// Tent-filters `plane` (two X,Y box passes) and samples 64×64. The second
/// pass is evaluated only at the 64×64 sample points (same values as
/// filtering everything and then decimating, for a fraction of the work).
fn downsample_64(plane: &mut [f32], rows: usize, cols: usize) -> Box<[[f32; 64]; 64]> {
    let mut out = Box::new([[0f32; 64]; 64]);
    if rows == 64 && cols == 64 {
        // Already 64×64 (e.g. pre-scaled video frames): the reference uses it as is.
        for (dst, src) in out.iter_mut().zip(plane.chunks_exact(64)) {
            dst.copy_from_slice(src);
        }
        return out;
    }
    let wr = jarosz_window(cols);
    let wc = jarosz_window(rows);
    // First X,Y pass over the whole plane.
    let mut tmp = vec![0f32; plane.len()];
    box_rows(plane, &mut tmp, cols, wr);
    box_cols(&tmp, plane, rows, cols, wc);
    drop(tmp);
    // Second X pass, only at the 64 sampled columns (all rows).
    let sc = sample_positions(cols);
    let sr = sample_positions(rows);
    let mut mid = vec![0f32; rows * 64];
    for (row, m) in plane.chunks_exact(cols).zip(mid.chunks_exact_mut(64)) {
        for (mj, &c) in m.iter_mut().zip(&sc) {
            let (lo, hi) = window_range(c, cols, wr);
            let sum: f64 = row[lo..=hi].iter().map(|&v| v as f64).sum();
            *mj = (sum / (hi - lo + 1) as f64) as f32;
        }
    }
    // Second Y pass, only at the 64 sampled rows.
    for (dst, &r) in out.iter_mut().zip(&sr) {
        let (lo, hi) = window_range(r, rows, wc);
        let mut acc = [0f64; 64];
        for m in mid[lo * 64..(hi + 1) * 64].chunks_exact(64) {
            for (a, &v) in acc.iter_mut().zip(m) {
                *a += v as f64;
            }
        }
        let inv = 1.0 / (hi - lo + 1) as f64;
        for (d, a) in dst.iter_mut().zip(&acc) {
            *d = (a * inv) as f32;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Quality, DCT, bits

fn quality_metric(a: &[[f32; 64]; 64]) -> u8 {
    let grad =
        |u: f32, v: f32| -> i64 { ((((u - v) as f64) * 100.0) / 255.0).trunc().abs() as i64 };
    let mut sum: i64 = 0;
    for pair in a.windows(2) {
        for (&u, &v) in pair[0].iter().zip(&pair[1]) {
            sum += grad(u, v);
        }
    }
    for row in a.iter() {
        for pair in row.windows(2) {
            sum += grad(pair[0], pair[1]);
        }
    }
    (sum / 90).min(100) as u8
}

fn dct_matrix() -> &'static [[f64; 64]; 16] {
    static M: OnceLock<Box<[[f64; 64]; 16]>> = OnceLock::new();
    M.get_or_init(|| {
        let scale = (2.0f64 / 64.0).sqrt();
        let mut m = Box::new([[0f64; 64]; 16]);
        for (i, row) in m.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = scale
                    * ((core::f64::consts::PI / 2.0 / 64.0)
                        * (i as f64 + 1.0)
                        * (2.0 * j as f64 + 1.0))
                        .cos();
            }
        }
        m
    })
}

/// `B = D A Dᵀ` keeping rows/columns 1..=16 of the full DCT.
fn dct64_to_16(a: &[[f32; 64]; 64]) -> Box<[[f64; 16]; 16]> {
    let d = dct_matrix();
    // T = D A (16×64), accumulated row by row of A for locality.
    let mut t = [[0f64; 64]; 16];
    for (ti, di) in t.iter_mut().zip(d.iter()) {
        for (k, ak) in a.iter().enumerate() {
            let dik = di[k];
            for (tij, &akj) in ti.iter_mut().zip(ak.iter()) {
                *tij += dik * akj as f64;
            }
        }
    }
    let mut b = Box::new([[0f64; 16]; 16]);
    for (bi, ti) in b.iter_mut().zip(t.iter()) {
        for (bij, dj) in bi.iter_mut().zip(d.iter()) {
            *bij = ti.iter().zip(dj.iter()).map(|(x, y)| x * y).sum();
        }
    }
    b
}

fn bits_from_dct(b: &[[f64; 16]; 16]) -> Hash256 {
    let mut sorted = [0f64; 256];
    for (i, row) in b.iter().enumerate() {
        sorted[i * 16..i * 16 + 16].copy_from_slice(row);
    }
    sorted.sort_unstable_by(f64::total_cmp);
    // Lower median (Torben's algorithm in the reference returns the
    // ceil(n/2)-th smallest value).
    let median = sorted[127];
    let mut h = Hash256::ZERO;
    for (i, row) in b.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v > median {
                h.set_bit(i * 16 + j);
            }
        }
    }
    h
}

/// The eight dihedral hashes from one DCT. A flip or rotation of the image
/// permutes/negates DCT coefficients: transposition swaps `(i, j)`, and
/// mirroring along an axis negates the odd-frequency coefficients along it.
/// (Our indices are 0-based for frequencies 1..=16, so "odd frequency" is
/// an even index.)
fn dihedral_bits(a: &[[f64; 16]; 16]) -> [Hash256; 8] {
    let mut out = [Hash256::ZERO; 8];
    out[0] = bits_from_dct(a);
    let mut b = [[0f64; 16]; 16];
    // (transpose, negate when: row index odd/even pattern)
    type Rule = fn(usize, usize) -> bool; // true => negate
    let rules: [(bool, Rule); 7] = [
        (true, |_i, j| j & 1 == 0),       // rotate 90
        (false, |i, j| (i + j) & 1 == 1), // rotate 180
        (true, |i, _j| i & 1 == 0),       // rotate 270
        (false, |i, _j| i & 1 == 0),      // flip x
        (false, |_i, j| j & 1 == 0),      // flip y
        (true, |_i, _j| false),           // flip plus 1
        (true, |i, j| (i + j) & 1 == 1),  // flip minus 1
    ];
    for (k, (transpose, negate)) in rules.iter().enumerate() {
        for i in 0..16 {
            for j in 0..16 {
                let v = if negate(i, j) { -a[i][j] } else { a[i][j] };
                if *transpose {
                    b[j][i] = v;
                } else {
                    b[i][j] = v;
                }
            }
        }
        out[k + 1] = bits_from_dct(&b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hamming;

    fn synthetic(w: usize, h: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(w * h * 4);
        for y in 0..h {
            for x in 0..w {
                let fx = x as f64 / w as f64;
                let fy = y as f64 / h as f64;
                let r = (128.0 + 100.0 * (fx * 9.0).sin() * (fy * 5.0).cos()) as u8;
                let g = (((fx * 3.0 + fy * 7.0) * 40.0) as u32 % 256) as u8;
                let b = if (x / 13 + y / 17) % 2 == 0 { 200 } else { 40 };
                v.extend_from_slice(&[r, g, b, 255]);
            }
        }
        v
    }

    #[test]
    fn box_1d_matches_reference_example() {
        // Reference comment: window 7, input 0..16 -> sums 6,10,15,21 (small windows) ...
        let input: Vec<f32> = (0..16).map(|x| x as f32).collect();
        let mut out = vec![0f32; 16];
        box_1d(&input, &mut out, 7);
        let sums = [
            6, 10, 15, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 75, 65, 54,
        ];
        let counts = [4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 5, 4];
        for i in 0..16 {
            assert!(
                (out[i] - sums[i] as f32 / counts[i] as f32).abs() < 1e-5,
                "{i}"
            );
        }
        // Column version agrees with the row version.
        let mut out2 = vec![0f32; 16];
        box_cols(&input, &mut out2, 16, 1, 7);
        assert_eq!(out, out2);
        box_1d(&input, &mut out, 8);
        box_cols(&input, &mut out2, 16, 1, 8);
        assert_eq!(out, out2);
        assert!((out[0] - 10.0 / 5.0).abs() < 1e-6);
        assert!((out[15] - 54.0 / 4.0).abs() < 1e-6);
    }

    #[test]
    fn row_lanes_equal_single_rows() {
        for (rows, cols, window) in [
            (19usize, 33usize, 1usize),
            (17, 40, 4),
            (8, 7, 7),
            (9, 130, 2),
        ] {
            let input: Vec<f32> = (0..rows * cols).map(|k| ((k * 31) % 97) as f32).collect();
            let mut a = vec![0f32; input.len()];
            let mut b = vec![0f32; input.len()];
            box_rows(&input, &mut a, cols, window);
            for (i, o) in input.chunks_exact(cols).zip(b.chunks_exact_mut(cols)) {
                box_1d(i, o, window);
            }
            assert_eq!(a, b, "{rows}x{cols} w{window}");
        }
    }

    #[test]
    fn sampled_second_pass_equals_full_filter() {
        for (rows, cols) in [
            (100usize, 37usize),
            (300, 512),
            (5, 9),
            (1004, 1600),
            (700, 129),
        ] {
            let mut plane: Vec<f32> = (0..rows * cols)
                .map(|k| ((k * 7919) % 251) as f32)
                .collect();
            let mut full = plane.clone();
            let wr = jarosz_window(cols);
            let wc = jarosz_window(rows);
            let mut tmp = vec![0f32; full.len()];
            for _ in 0..2 {
                box_rows(&full, &mut tmp, cols, wr);
                box_cols(&tmp, &mut full, rows, cols, wc);
            }
            let sr = sample_positions(rows);
            let sc = sample_positions(cols);
            let got = downsample_64(&mut plane, rows, cols);
            for i in 0..64 {
                for j in 0..64 {
                    let want = full[sr[i] * cols + sc[j]];
                    assert!((got[i][j] - want).abs() < 1e-3, "{rows}x{cols} at {i},{j}");
                }
            }
        }
    }

    #[test]
    fn errors_and_tiny_images() {
        assert!(matches!(
            pdq_hash_rgba(&[], 0, 5),
            Err(e) if e.kind() == &ErrorKind::EmptyImage
        ));
        assert!(matches!(
            pdq_hash_rgba(&[0; 10], 2, 2),
            Err(e) if e.kind() == &ErrorKind::BufferSize { expected: 16, actual: 10 }
        ));
        let h = pdq_hash_rgba(&[7; 4 * 4 * 100], 4, 100).unwrap();
        assert_eq!(h.hash, Hash256::ZERO);
        assert_eq!(h.quality, 0);
        assert!(h.is_low_quality());
    }

    #[test]
    fn extreme_shapes_do_not_panic() {
        for (w, h) in [
            (5000usize, 6usize),
            (6, 5000),
            (5, 5),
            (700, 5),
            (513, 1000),
            (65, 64),
        ] {
            let img = synthetic(w, h);
            for hasher in [PdqHasher::new(), PdqHasher::with_max_dimension(0)] {
                let d = hasher.hash_dihedral_rgba(&img, w as u32, h as u32).unwrap();
                assert!(d.quality <= 100);
            }
        }
        assert_eq!(
            pdq_hash_luma(&[9; 1000], 1, 1000).unwrap().hash,
            Hash256::ZERO
        );
        #[cfg(target_pointer_width = "32")]
        assert!(matches!(
            pdq_hash_rgba(&[], 40_000, 40_000),
            Err(e) if e.kind() == &ErrorKind::ImageTooLarge
        ));
    }

    #[test]
    fn flat_image_is_low_quality() {
        let h = pdq_hash_luma(&[128; 100 * 80], 100, 80).unwrap();
        assert_eq!(h.quality, 0);
        assert!(h.is_low_quality());
    }

    #[test]
    fn formats_agree_and_textured_image_is_good_quality() {
        let (w, h) = (300, 200);
        let rgba = synthetic(w, h);
        let rgb: Vec<u8> = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let a = pdq_hash_rgba(&rgba, w as u32, h as u32).unwrap();
        let b = pdq_hash_rgb(&rgb, w as u32, h as u32).unwrap();
        assert_eq!(a, b);
        assert!(!a.is_low_quality(), "quality {}", a.quality);
        // Exactly half the bits are set when the DCT values are distinct.
        assert_eq!(a.hash.count_ones(), 128);
    }

    #[test]
    fn dihedral_hashes_match_transformed_images() {
        let (w, h) = (120, 90);
        let img = synthetic(w, h);
        let px = |x: usize, y: usize| &img[(y * w + x) * 4..(y * w + x) * 4 + 4];
        // Build each transform of the image explicitly and hash it.
        let transform = |d: Dihedral| -> (Vec<u8>, usize, usize) {
            let (tw, th) = match d {
                Dihedral::Original | Dihedral::Rotate180 | Dihedral::FlipX | Dihedral::FlipY => {
                    (w, h)
                }
                _ => (h, w),
            };
            let mut out = Vec::with_capacity(tw * th * 4);
            for y in 0..th {
                for x in 0..tw {
                    let (sx, sy) = match d {
                        Dihedral::Original => (x, y),
                        Dihedral::Rotate180 => (w - 1 - x, h - 1 - y),
                        Dihedral::FlipX => (x, h - 1 - y),
                        Dihedral::FlipY => (w - 1 - x, y),
                        Dihedral::FlipPlus1 => (y, x),
                        Dihedral::FlipMinus1 => (w - 1 - y, h - 1 - x),
                        // counter-clockwise 90: new (x, y) <- old (w-1-y, x)
                        Dihedral::Rotate90 => (w - 1 - y, x),
                        Dihedral::Rotate270 => (y, h - 1 - x),
                    };
                    out.extend_from_slice(px(sx, sy));
                }
            }
            (out, tw, th)
        };
        let dih = pdq_dihedral_rgba(&img, w as u32, h as u32).unwrap();
        assert_eq!(
            dih.original(),
            pdq_hash_rgba(&img, w as u32, h as u32).unwrap()
        );
        for d in Dihedral::ALL {
            let (t, tw, th) = transform(d);
            let th_hash = pdq_hash_rgba(&t, tw as u32, th as u32).unwrap();
            let (best, _) = dih.min_distance(&th_hash.hash);
            assert!(best <= 16, "{d:?}: best distance {best}");
            // The transformed image's own dihedral set contains the original.
            let back = pdq_dihedral_rgba(&t, tw as u32, th as u32).unwrap();
            assert!(back.min_distance(&dih.hashes[0]).0 <= 16, "{d:?} back");
        }
        let _ = hamming;
    }

    #[test]
    fn preshrink_close_to_full_resolution() {
        let (w, h) = (1200, 900);
        let img = synthetic(w, h);
        let a = PdqHasher::new()
            .hash_rgba(&img, w as u32, h as u32)
            .unwrap();
        let b = PdqHasher::with_max_dimension(0)
            .hash_rgba(&img, w as u32, h as u32)
            .unwrap();
        assert!(
            hamming(&a.hash, &b.hash) <= 16,
            "{}",
            hamming(&a.hash, &b.hash)
        );
        assert_eq!(shrunk_dims(1200, 900, 512), (512, 384));
        assert_eq!(shrunk_dims(10, 9000, 512), (1, 512));
        assert_eq!(shrunk_dims(300, 200, 512), (300, 200));
    }

    use crate::Dihedral;
}
