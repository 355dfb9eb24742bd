//! Versioned binary form of a [`PhraseSet`]: the rules and limits, checksummed. The automaton is
//! rebuilt at load (see the README for the measured time).
//!
//! Layout (little-endian): magic `LCTXT\0`, version `u16`, four `i32` limits, `u32` rule count,
//! then per rule: category `u8`, flags `u8` (1 banned, 2 whole word, 4 exact), weight `i32`,
//! applies-to `u16`, part count `u8`, parts, reason and origin as `u32` length + UTF-8; finally
//! an FNV-1a 64-bit checksum of everything before it.

use lachan_vocab::checksum::fnv1a64;

use crate::list::{check_rule, PhraseRule, MAX_PARTS};
use crate::set::PhraseSet;
use crate::{Categories, Category, Error, Limits};

const MAGIC: &[u8; 6] = b"LCTXT\0";
/// What the format is called in error messages.
const WHAT: &str = "phrase set";
/// Current format version.
pub const FORMAT_VERSION: u16 = 1;

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

impl PhraseSet {
    /// Serialises the set (rules and limits) into the versioned, checksummed format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.rules.len() * 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        for l in self.limits.per_band {
            out.extend_from_slice(&l.to_le_bytes());
        }
        out.extend_from_slice(&(self.rules.len() as u32).to_le_bytes());
        for r in &self.rules {
            out.push(r.category as u8);
            out.push(r.banned as u8 | (r.whole_word as u8) << 1 | (r.exact as u8) << 2);
            out.extend_from_slice(&r.weight.to_le_bytes());
            out.extend_from_slice(&r.applies_to.0.to_le_bytes());
            out.push(r.parts.len() as u8);
            for p in &r.parts {
                put_str(&mut out, p);
            }
            put_str(&mut out, &r.reason);
            put_str(&mut out, &r.origin);
        }
        let sum = fnv1a64(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Loads a set written by [`PhraseSet::to_bytes`]. Corrupt or foreign bytes give an
    /// [`Error`], never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<PhraseSet, Error> {
        let (rules, limits) = decode(bytes)?;
        PhraseSet::compile_with_limits(rules, limits)
    }

    /// Checks bytes as [`PhraseSet::from_bytes`] would, without building the automaton: when
    /// this succeeds, `from_bytes` does too. Cheap enough to run whenever a bundle is opened
    /// (the automaton is built on first use).
    pub fn check_bytes(bytes: &[u8]) -> Result<(), Error> {
        decode(bytes).map(drop)
    }
}

/// The rules and limits of a serialised set, each rule checked as compiling checks it.
fn decode(bytes: &[u8]) -> Result<(Vec<PhraseRule>, Limits), Error> {
    if bytes.len() < MAGIC.len() + 2 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Error::bad_magic(WHAT));
    }
    let version = u16::from_le_bytes([bytes[6], bytes[7]]);
    if version != FORMAT_VERSION {
        return Err(Error::version(WHAT, FORMAT_VERSION, version));
    }
    if bytes.len() < 8 + 16 + 4 + 8 {
        return Err(Error::truncated(WHAT));
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    let mut sum_bytes = [0u8; 8];
    sum_bytes.copy_from_slice(sum);
    if fnv1a64(body) != u64::from_le_bytes(sum_bytes) {
        return Err(Error::checksum(WHAT));
    }
    let mut r = Reader { data: body, pos: 8 };
    let mut limits = Limits::default();
    for l in limits.per_band.iter_mut() {
        *l = r.i32()?;
    }
    let n = r.u32()? as usize;
    // Each rule takes at least 21 bytes: bound the allocation by the input size.
    if n > body.len() / 21 {
        return Err(Error::truncated(WHAT));
    }
    let mut rules = Vec::with_capacity(n);
    for _ in 0..n {
        let cat = r.u8()?;
        let category = Category::from_u8(cat)
            .ok_or_else(|| Error::corrupt(format!("unknown category number {cat}")))?;
        let flags = r.u8()?;
        let weight = r.i32()?;
        let applies_to = Categories(r.u16()? & Categories::ALL.0);
        let nparts = r.u8()? as usize;
        if nparts == 0 || nparts > MAX_PARTS {
            return Err(Error::corrupt(format!("a rule with {nparts} parts")));
        }
        let mut parts = Vec::with_capacity(nparts);
        for _ in 0..nparts {
            parts.push(r.string()?);
        }
        let reason = r.string()?;
        let origin = r.string()?;
        let rule = PhraseRule {
            category,
            weight,
            banned: flags & 1 != 0,
            parts,
            whole_word: flags & 2 != 0,
            exact: flags & 4 != 0,
            applies_to,
            reason,
            origin,
        };
        if let Some(why) = check_rule(&rule) {
            return Err(Error::rule(format_args!("{}: {why}", rule.origin)));
        }
        rules.push(rule);
    }
    if r.pos != body.len() {
        return Err(Error::corrupt("phrase set has trailing bytes"));
    }
    Ok((rules, limits))
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| Error::truncated(WHAT))?;
        let s = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| Error::truncated(WHAT))?;
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Error> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(&mut self) -> Result<i32, Error> {
        Ok(self.u32()? as i32)
    }
    fn string(&mut self) -> Result<String, Error> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| Error::corrupt("phrase set contains invalid UTF-8"))
    }
}
