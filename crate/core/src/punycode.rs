/*!
Punycode (RFC 3492), the encoding behind `xn--` labels in internationalised
domain names.

This is a small, allocation-light, hand-written implementation of the
Bootstring algorithm with the Punycode parameters. It works on one label at a
time and knows nothing of the `xn--` prefix: [`crate::host`] adds and strips
it. All arithmetic is checked, so hostile input yields an error, never a panic
or a wrap-around.

```
use lachan_core::punycode;

assert_eq!(punycode::encode("bücher").unwrap(), "bcher-kva");
assert_eq!(punycode::decode("bcher-kva").unwrap(), "bücher");
```
*/
use std::fmt;

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;
const DELIMITER: char = '-';

/// Why a label could not be encoded or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PunycodeError {
    /// The encoded text holds a character that is not a Punycode digit or
    /// basic code point (`a`–`z`, `0`–`9`, `-` and other ASCII).
    InvalidDigit,
    /// The encoded text ends in the middle of a variable-length integer.
    Truncated,
    /// A value overflowed 32 bits: the input is not valid Punycode.
    Overflow,
    /// The decoded value is not a Unicode scalar value, or is a basic
    /// (ASCII) code point that must not be encoded.
    InvalidCodePoint,
}

impl fmt::Display for PunycodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PunycodeError::InvalidDigit => "invalid punycode: a character is not a punycode digit",
            PunycodeError::Truncated => "invalid punycode: the text ends in the middle of a number",
            PunycodeError::Overflow => "invalid punycode: a number overflows",
            PunycodeError::InvalidCodePoint => {
                "invalid punycode: it decodes to a code point that is not allowed"
            }
        })
    }
}

impl std::error::Error for PunycodeError {}

/// Bias adaptation, RFC 3492 section 6.1.
fn adapt(delta: u32, num_points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / DAMP } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// The threshold `t` for position `k` with the current bias.
fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn encode_digit(d: u32) -> char {
    // d < 36 always: callers pass values reduced modulo (BASE - t) + t.
    match d {
        0..=25 => char::from(b'a' + d as u8),
        _ => char::from(b'0' + (d - 26) as u8),
    }
}

fn decode_digit(c: u8) -> Option<u32> {
    match c {
        b'a'..=b'z' => Some(u32::from(c - b'a')),
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 26),
        _ => None,
    }
}

/// Encodes one label (without the `xn--` prefix). Basic code points are kept
/// as they are (no case mapping is done here).
pub fn encode(input: &str) -> Result<String, PunycodeError> {
    let mut out = String::with_capacity(input.len() + 8);
    encode_into(input, &mut out)?;
    Ok(out)
}

/// Encodes one label, appending to `out`. On error `out` may hold a partial
/// result.
pub fn encode_into(input: &str, out: &mut String) -> Result<(), PunycodeError> {
    let mut total: u32 = 0;
    let mut basic: u32 = 0;
    for c in input.chars() {
        total = total.checked_add(1).ok_or(PunycodeError::Overflow)?;
        if c.is_ascii() {
            out.push(c);
            basic += 1;
        }
    }
    if basic > 0 {
        out.push(DELIMITER);
    }
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut h = basic;
    while h < total {
        // The smallest code point not yet handled (exists since h < total).
        let m = input
            .chars()
            .map(u32::from)
            .filter(|&c| c >= n)
            .min()
            .unwrap_or(n);
        delta = (m - n)
            .checked_mul(h + 1)
            .and_then(|x| delta.checked_add(x))
            .ok_or(PunycodeError::Overflow)?;
        n = m;
        for c in input.chars().map(u32::from) {
            if c < n {
                delta = delta.checked_add(1).ok_or(PunycodeError::Overflow)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(encode_digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(encode_digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1).ok_or(PunycodeError::Overflow)?;
        n = n.checked_add(1).ok_or(PunycodeError::Overflow)?;
    }
    Ok(())
}

/// Decodes one label (without the `xn--` prefix).
///
/// Upper-case basic code points are kept as they are; digits are read
/// case-insensitively, as RFC 3492 requires.
pub fn decode(input: &str) -> Result<String, PunycodeError> {
    let bytes = input.as_bytes();
    if !input.is_ascii() {
        return Err(PunycodeError::InvalidDigit);
    }
    let (mut output, rest): (Vec<char>, &[u8]) = match input.rfind(DELIMITER) {
        Some(i) => (input[..i].chars().collect(), &bytes[i + 1..]),
        None => (Vec::new(), bytes),
    };
    let mut n = INITIAL_N;
    let mut i: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut pos = 0;
    while pos < rest.len() {
        let old_i = i;
        let mut w: u32 = 1;
        let mut k = BASE;
        loop {
            let &c = rest.get(pos).ok_or(PunycodeError::Truncated)?;
            pos += 1;
            let digit = decode_digit(c).ok_or(PunycodeError::InvalidDigit)?;
            i = digit
                .checked_mul(w)
                .and_then(|x| i.checked_add(x))
                .ok_or(PunycodeError::Overflow)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t).ok_or(PunycodeError::Overflow)?;
            k += BASE;
        }
        let len = u32::try_from(output.len() + 1).map_err(|_| PunycodeError::Overflow)?;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len).ok_or(PunycodeError::Overflow)?;
        i %= len;
        let c = char::from_u32(n).ok_or(PunycodeError::InvalidCodePoint)?;
        if c.is_ascii() {
            return Err(PunycodeError::InvalidCodePoint);
        }
        output.insert(i as usize, c);
        i += 1;
    }
    Ok(output.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        unicode: &'static str,
        puny: &'static str,
    }

    macro_rules! c {
        ($name:expr, $u:expr, $p:expr) => {
            Case {
                name: $name,
                unicode: $u,
                puny: $p,
            }
        };
    }

    /// RFC 3492 section 7.1 samples (lower-cased where the RFC mixes case
    /// in basic code points only for illustration) and everyday labels.
    const CASES: &[Case] = &[
        c!("german", "bücher", "bcher-kva"),
        c!("ascii only", "abc", "abc-"),
        c!("single non-ascii", "ü", "tda"),
        c!("vietnamese", "tiếngviệt", "tingvit-5t4cyc"),
        c!(
            "rfc A arabic",
            "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}",
            "egbpdaj6bu4bxfgehfvwxn"
        ),
        c!(
            "rfc B chinese simplified",
            "\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}",
            "ihqwcrb4cv8a8dqg056pqjye"
        ),
        c!(
            "rfc J spanish",
            "porquénopuedensimplementehablarenespañol",
            "porqunopuedensimplementehablarenespaol-fmd56a"
        ),
        c!(
            "rfc L japanese mixed",
            "3\u{5E74}b\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}",
            "3b-ww4c5e180e575a65lsy2b"
        ),
        c!("rfc S ascii with hyphens", "-> $1.00 <-", "-> $1.00 <--"),
        c!("emoji", "😀", "e28h"),
        c!("vietnamese domain", "bộcôngan", "bcngan-jxa6332d"),
    ];

    #[test]
    fn table() {
        for case in CASES {
            assert_eq!(
                encode(case.unicode).as_deref(),
                Ok(case.puny),
                "encode {}",
                case.name
            );
            assert_eq!(
                decode(case.puny).as_deref(),
                Ok(case.unicode),
                "decode {}",
                case.name
            );
        }
    }

    #[test]
    fn decode_is_case_insensitive_for_digits() {
        assert_eq!(decode("BCHER-KVA").as_deref(), Ok("BüCHER"));
        assert_eq!(decode("bcher-KVA").as_deref(), Ok("bücher"));
    }

    #[test]
    fn invalid_inputs() {
        let cases: &[(&str, &str, PunycodeError)] = &[
            ("non ascii", "bü-cher", PunycodeError::InvalidDigit),
            ("bad digit", "abc-!!", PunycodeError::InvalidDigit),
            ("truncated", "bcher-kv", PunycodeError::Truncated),
            ("overflow", "99999999999999999999", PunycodeError::Overflow),
            ("beyond unicode", "0000h", PunycodeError::InvalidCodePoint),
        ];
        for (name, input, want) in cases {
            assert_eq!(decode(input), Err(*want), "{name}");
        }
    }

    #[test]
    fn garbage_never_panics_and_round_trips() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let len = (next() % 12) as usize;
            let s: String = (0..len)
                .filter_map(|_| {
                    let r = next();
                    match r % 4 {
                        0 => char::from_u32((r >> 8) as u32 % 0x80),
                        1 => char::from_u32(0x80 + (r >> 8) as u32 % 0x700),
                        2 => char::from_u32(0x1E00 + (r >> 8) as u32 % 0x100),
                        _ => char::from_u32((r >> 8) as u32 % 0x11_0000),
                    }
                })
                .collect();
            let enc = encode(&s).expect("encode of a short string cannot overflow");
            assert_eq!(
                decode(&enc).as_deref(),
                Ok(s.as_str()),
                "round trip of {s:?}"
            );
            // Decoding arbitrary ASCII must not panic.
            let junk: String = (0..len).map(|_| char::from((next() % 128) as u8)).collect();
            let _ = decode(&junk);
        }
    }
}
