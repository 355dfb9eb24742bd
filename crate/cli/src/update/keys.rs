//! The publisher's Ed25519 key pair and detached signatures, each one line
//! of standard base64 (what WebCrypto's `importKey('raw', …)` and
//! `verify` take once decoded).
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::{shown, UpdateError, PUBLIC_FILE, SECRET_FILE};

/// Writes a new key pair into `dir` (created if needed): the secret seed
/// with mode 0600 and the public key. Refuses if either file exists, before
/// writing anything. Returns (secret path, public path, public base64).
pub fn keygen(dir: &Path) -> Result<(PathBuf, PathBuf, String), UpdateError> {
    let secret_path = dir.join(SECRET_FILE);
    let public_path = dir.join(PUBLIC_FILE);
    for p in [&secret_path, &public_path] {
        if p.symlink_metadata().is_ok() {
            return Err(UpdateError::KeyExists { path: shown(p) });
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| UpdateError::Io {
        path: shown(dir),
        why: format!("cannot create the directory: {e}"),
    })?;
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).map_err(|e| UpdateError::Io {
        path: "the system's random generator".into(),
        why: e.to_string(),
    })?;
    let key = SigningKey::from_bytes(&seed);
    seed.fill(0);
    let public = B64.encode(key.verifying_key().as_bytes());
    write_new(&secret_path, &B64.encode(key.to_bytes()), true)?;
    write_new(&public_path, &public, false)?;
    Ok((secret_path, public_path, public))
}

/// Creates `path` (never over an existing file) holding `line` and a newline.
fn write_new(path: &Path, line: &str, secret: bool) -> Result<(), UpdateError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::AlreadyExists => UpdateError::KeyExists { path: shown(path) },
        _ => UpdateError::Io {
            path: shown(path),
            why: format!("cannot write the key: {e}"),
        },
    };
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(format!("{line}\n").as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)
}

/// Decodes one line of base64 holding exactly `N` bytes.
fn decode<const N: usize>(text: &str, what: &str) -> Result<[u8; N], (String, Option<usize>)> {
    let bytes = B64
        .decode(text.trim())
        .map_err(|e| (format!("{what} is not standard base64 ({e})"), None))?;
    let len = bytes.len();
    bytes.try_into().map_err(|_| (String::new(), Some(len)))
}

fn key_error(path: &Path, (why, len): (String, Option<usize>)) -> UpdateError {
    match len {
        Some(len) => UpdateError::KeyLength {
            path: shown(path),
            len,
        },
        None => UpdateError::KeyUnreadable {
            path: shown(path),
            why,
        },
    }
}

fn read_key_text(path: &Path) -> Result<String, UpdateError> {
    std::fs::read_to_string(path).map_err(|e| UpdateError::KeyUnreadable {
        path: shown(path),
        why: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::InvalidData => "not text".into(),
            _ => e.to_string(),
        },
    })
}

/// Reads the secret key file `lachan keygen` wrote.
pub fn read_secret(path: &Path) -> Result<SigningKey, UpdateError> {
    let text = read_key_text(path)?;
    let seed = decode::<32>(&text, "the key").map_err(|e| key_error(path, e))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key given as a file (`lachan-update.pub`) or as its base64
/// text itself (what the policy holds).
pub fn read_public(arg: &str) -> Result<VerifyingKey, UpdateError> {
    let path = Path::new(arg);
    let (text, label) = if path.is_file() {
        (read_key_text(path)?, PathBuf::from(arg))
    } else if B64.decode(arg.trim()).is_ok() {
        (arg.to_string(), PathBuf::from("the --public-key text"))
    } else {
        return Err(UpdateError::KeyUnreadable {
            path: arg.into(),
            why: "no such file, and not a base64 key either".into(),
        });
    };
    let bytes = decode::<32>(&text, "the key").map_err(|e| key_error(&label, e))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| UpdateError::KeyUnreadable {
        path: shown(&label),
        why: "32 bytes, but not an Ed25519 public key".into(),
    })
}

/// The detached signature of `bytes`, as the `.sig` file holds it.
pub fn sign(key: &SigningKey, bytes: &[u8]) -> String {
    format!("{}\n", B64.encode(key.sign(bytes).to_bytes()))
}

/// Checks the detached signature in `sig_text` (read from `sig_path`) over
/// the bytes of `file`.
pub fn check(
    key: &VerifyingKey,
    file: &Path,
    bytes: &[u8],
    sig_path: &Path,
    sig_text: &[u8],
) -> Result<(), UpdateError> {
    let unreadable = |why: String| UpdateError::SignatureUnreadable {
        path: shown(sig_path),
        why,
    };
    let text = std::str::from_utf8(sig_text).map_err(|_| unreadable("not text".into()))?;
    let raw = decode::<64>(text, "the signature").map_err(|(why, len)| match len {
        Some(n) => unreadable(format!("{n} bytes, an Ed25519 signature is 64")),
        None => unreadable(why),
    })?;
    key.verify_strict(bytes, &Signature::from_bytes(&raw))
        .map_err(|_| UpdateError::BadSignature {
            file: shown(file),
            signature: shown(sig_path),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_check_and_a_changed_byte_fails() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let sig = sign(&key, b"bundle bytes");
        let (f, s) = (Path::new("b.lcb"), Path::new("b.lcb.sig"));
        let vk = key.verifying_key();
        assert_eq!(check(&vk, f, b"bundle bytes", s, sig.as_bytes()), Ok(()));
        let e = check(&vk, f, b"bundle bytez", s, sig.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), "bad-signature");
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        let e = check(&other, f, b"bundle bytes", s, sig.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), "bad-signature");
        let e = check(&vk, f, b"x", s, b"not base64!").unwrap_err();
        assert_eq!(e.kind(), "signature");
        let e = check(&vk, f, b"x", s, B64.encode([1u8; 63]).as_bytes()).unwrap_err();
        assert!(e.to_string().contains("63 bytes"), "{e}");
    }

    #[test]
    fn public_key_text_of_the_wrong_length_is_named() {
        let e = read_public(&B64.encode([1u8; 31])).unwrap_err();
        assert_eq!(e.kind(), "key-length");
        assert!(e.to_string().contains("31 bytes"), "{e}");
        let e = read_public("/no/such/key.pub").unwrap_err();
        assert_eq!(e.kind(), "key");
    }
}
