//! Workloads shared by the native and WASM benchmarks.
#![allow(dead_code)]

use lachan_pdq::{Hash256, HashIndex, HashIndexBuilder};

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn hash(&mut self) -> Hash256 {
        let mut h = [0u8; 32];
        for c in h.chunks_exact_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        Hash256(h)
    }

    /// `h` with exactly `bits` distinct bits flipped.
    pub fn near(&mut self, h: &Hash256, bits: u32) -> Hash256 {
        let mut out = *h;
        let mut flipped = 0;
        while flipped < bits {
            let k = (self.next() % 256) as usize;
            if out.bit(k) == h.bit(k) {
                out.flip_bit(k);
                flipped += 1;
            }
        }
        out
    }
}

/// A textured synthetic RGBA image (smooth gradients, waves and blocks).
pub fn synthetic_rgba(w: usize, h: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        for x in 0..w {
            let fx = x as f32 / w as f32;
            let fy = y as f32 / h as f32;
            let r = (128.0 + 100.0 * (fx * 9.0).sin() * (fy * 5.0).cos()) as u8;
            let g = (((fx * 3.0 + fy * 7.0) * 40.0) as u32 % 256) as u8;
            let b = if (x * 16 / w + y * 16 / h) % 2 == 0 {
                200
            } else {
                40
            };
            v.extend_from_slice(&[r, g, b, 255]);
        }
    }
    v
}

/// `n` random hashes plus `planted` entries, and queries: the first half are
/// planted entries perturbed by 0..=31 bits, the second half random hashes.
pub struct Workload {
    pub index: HashIndex,
    pub queries: Vec<Hash256>,
}

pub fn workload(n: usize, planted: usize, nqueries: usize, seed: u64) -> Workload {
    let mut rng = Rng(seed);
    let mut b = HashIndexBuilder::new();
    let mut planted_hashes = Vec::with_capacity(planted);
    for i in 0..n {
        let h = rng.hash();
        if i < planted {
            planted_hashes.push(h);
        }
        b.add(h, "bench", "").unwrap();
    }
    let mut queries = Vec::with_capacity(nqueries);
    for q in 0..nqueries {
        if q % 2 == 0 && !planted_hashes.is_empty() {
            let base = planted_hashes[q / 2 % planted_hashes.len()];
            let bits = (rng.next() % 32) as u32;
            queries.push(rng.near(&base, bits));
        } else {
            queries.push(rng.hash());
        }
    }
    Workload {
        index: b.build().unwrap(),
        queries,
    }
}
