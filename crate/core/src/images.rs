//! Image checks: PDQ-hash an image and look it up in the bundle's hash
//! list (the `PDQI` section) within the matching radius, trying all eight
//! rotations and flips.
use serde::Serialize;

use lachan_pdq::{pdq_dihedral_rgba, Hash256, HashIndex, MATCH_DISTANCE};

use crate::engine::Engine;
use crate::error::{Error, ErrorKind};

/// The answer for one image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageVerdict {
    /// The image's PDQ hash, 64 hex digits.
    pub hash: String,
    /// PDQ quality, 0-100.
    pub quality: u8,
    /// Too flat or too small to hash reliably (quality ≤ 49): never matched,
    /// as hash-sharing programmes discard such hashes.
    pub low_quality: bool,
    /// The closest listed hash within the radius, if any.
    pub matched: Option<ImageMatch>,
}

/// A list entry an image matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageMatch {
    /// Hamming distance to the listed hash.
    pub distance: u32,
    /// The listed hash.
    pub hash: String,
    /// The list entry's source (the programme that shared it).
    pub source: String,
    /// The list entry's id.
    pub id: String,
    /// Which rotation/flip of the image matched (`Original`, `Rotate90`…).
    pub transform: String,
}

/// Hashes RGBA pixels and checks them against `index`.
pub(crate) fn check_rgba(
    index: Option<&HashIndex>,
    pixels: &[u8],
    width: u32,
    height: u32,
) -> Result<ImageVerdict, String> {
    let d = pdq_dihedral_rgba(pixels, width, height).map_err(|e| e.to_string())?;
    let original = d.original();
    let low_quality = d.quality <= lachan_pdq::LOW_QUALITY_MAX;
    let matched = match index {
        Some(index) if !low_quality => index
            .query_dihedral(&d, MATCH_DISTANCE)
            .into_iter()
            .min_by_key(|m| m.distance)
            .map(|m| to_match(&m)),
        _ => None,
    };
    Ok(ImageVerdict {
        hash: original.to_hex(),
        quality: d.quality,
        low_quality,
        matched,
    })
}

/// Checks a hash given as hex (e.g. computed elsewhere).
pub(crate) fn check_hex(
    index: Option<&HashIndex>,
    hex: &str,
) -> Result<Option<ImageMatch>, String> {
    let h = Hash256::from_hex(hex.trim()).map_err(|e| e.to_string())?;
    Ok(index
        .and_then(|i| i.best_match(&h, MATCH_DISTANCE))
        .map(|m| to_match(&m)))
}

fn to_match(m: &lachan_pdq::Match<'_>) -> ImageMatch {
    ImageMatch {
        distance: m.distance,
        hash: m.hash.to_hex(),
        source: m.source.to_string(),
        id: m.id.to_string(),
        transform: format!("{:?}", m.transform),
    }
}

impl Engine {
    fn image_index(&self) -> Option<&lachan_pdq::HashIndex> {
        self.images
            .get_or_init(|| {
                let bytes = self.bundle.section(b"PDQI")?;
                lachan_pdq::HashIndex::from_bytes(bytes).ok()
            })
            .as_ref()
    }

    /// Number of image hashes in the bundle's hash list.
    pub fn image_hashes(&self) -> usize {
        self.image_index().map_or(0, |i| i.len())
    }

    /// PDQ-hashes an RGBA image (as a canvas gives it) and looks it up in the
    /// bundle's hash list, all rotations and flips, within distance 31.
    pub fn check_image_rgba(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
    ) -> Result<ImageVerdict, Error> {
        check_rgba(self.image_index(), pixels, width, height)
            .map_err(|e| Error::new(ErrorKind::Entry, format!("cannot hash this image: {e}")))
    }

    /// Looks up a PDQ hash given as 64 hex digits.
    pub fn check_image_hash(&self, hex: &str) -> Result<Option<ImageMatch>, Error> {
        check_hex(self.image_index(), hex)
            .map_err(|e| Error::new(ErrorKind::Entry, format!("not a PDQ hash: {e}")))
    }
}
