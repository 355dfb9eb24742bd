//! Signed updates end to end through the binary: `lachan keygen`, `lachan
//! publish` from the fixture registry (offline) and from hash lists, and
//! `lachan verify --public-key` on good, tampered, foreign and rolled-back
//! updates. Fixtures: `tests/fixtures/cli/` (no shared data).
use std::path::{Path, PathBuf};
use std::process::Output;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

mod common;

use common::{code, fixtures, lachan, TempDir};

const H1: &str = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22";
const H2: &str = "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064";

fn stderr(o: &Output) -> String {
    common::text(&o.stderr)
}

fn stdout(o: &Output) -> String {
    common::text(&o.stdout)
}

/// `lachan keygen --out dir/keys`; returns the secret and public paths.
fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let keys = dir.join(name);
    let o = lachan(dir, &["keygen", "--out", keys.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (
        keys.join("lachan-update.key"),
        keys.join("lachan-update.pub"),
    )
}

/// `lachan publish` of the fixture registry into `out`.
fn publish(dir: &Path, key: &Path, out: &Path, version: u64, extra: &[&str]) -> Output {
    let (registry, mirror) = (fixtures().join("registry.toml"), fixtures().join("mirror"));
    let version = version.to_string();
    let mut args = vec![
        "publish",
        "--key",
        key.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--version",
        &version,
        "--registry",
        registry.to_str().unwrap(),
        "--mirror",
        mirror.to_str().unwrap(),
        "--offline",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    lachan(dir, &args)
}

/// `lachan publish --hashes-only` of one hash list, version 1.
fn publish_hashes_only(dir: &Path, key: &Path, out: &Path, list: &Path) -> Output {
    let (key, out, list) = (
        key.to_str().unwrap(),
        out.to_str().unwrap(),
        list.to_str().unwrap(),
    );
    lachan(
        dir,
        &[
            "publish",
            "--key",
            key,
            "--out",
            out,
            "--version",
            "1",
            "--hashes",
            list,
            "--hashes-only",
        ],
    )
}

fn verify(dir: &Path, bundle: &Path, key: &str, extra: &[&str]) -> Output {
    let mut args = vec!["verify", bundle.to_str().unwrap(), "--public-key", key];
    args.extend_from_slice(extra);
    lachan(dir, &args)
}

/// Asserts exit 1 and the `[kind]` tag after the file's name.
fn refused(o: &Output, file: &Path, kind: &str) {
    let e = stderr(o);
    assert_eq!(code(o), 1, "{e}");
    assert!(
        e.contains(&format!("{}: [{kind}]", file.display())),
        "want {}: [{kind}], got: {e}",
        file.display()
    );
}

fn secret(path: &Path) -> SigningKey {
    let raw = B64
        .decode(std::fs::read_to_string(path).unwrap().trim())
        .unwrap();
    SigningKey::from_bytes(&raw.try_into().unwrap())
}

fn sig_of(key: &SigningKey, bytes: &[u8]) -> String {
    format!("{}\n", B64.encode(key.sign(bytes).to_bytes()))
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn keygen_writes_a_private_secret_and_never_overwrites_it() {
    let tmp = TempDir::new("keygen");
    let (secret_path, public_path) = keygen(tmp.path(), "keys");
    let secret_text = std::fs::read_to_string(&secret_path).unwrap();
    let public_text = std::fs::read_to_string(&public_path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "secret key mode {mode:o}");
    }
    // One line of base64 each: a 32-byte seed whose public key is the .pub.
    let pk = B64.decode(public_text.trim()).unwrap();
    assert_eq!(pk.len(), 32);
    assert_eq!(public_text.trim().len(), 44);
    assert_eq!(secret(&secret_path).verifying_key().as_bytes()[..], pk[..]);
    assert_eq!(public_text.lines().count(), 1);

    let o = lachan(
        tmp.path(),
        &["keygen", "--out", tmp.path().join("keys").to_str().unwrap()],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("[key-exists]"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&secret_path).unwrap(), secret_text);
    assert_eq!(std::fs::read_to_string(&public_path).unwrap(), public_text);

    let o = lachan(tmp.path(), &["--help"]);
    for cmd in ["keygen", "publish", "verify"] {
        assert!(stdout(&o).contains(cmd), "--help lacks {cmd}");
    }

    // Two runs give two different keys.
    let (_, other) = keygen(tmp.path(), "keys2");
    assert_ne!(std::fs::read_to_string(other).unwrap(), public_text);
}

#[test]
fn publish_then_verify_round_trip() {
    let tmp = TempDir::new("round");
    let (key, public) = keygen(tmp.path(), "keys");
    let out = tmp.path().join("site");
    let o = publish(tmp.path(), &key, &out, 1, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("published version 1"), "{}", stdout(&o));

    let bundle = out.join("lachan.lcb");
    let bytes = std::fs::read(&bundle).unwrap();
    let m = manifest(&out);
    assert_eq!(m["format"], 1);
    assert_eq!(m["kind"], "bundle");
    assert_eq!(m["version"], 1);
    assert_eq!(m["file"], "lachan.lcb");
    assert_eq!(m["size"], bytes.len() as u64);
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(m["sha256"], sha);
    assert_eq!(m["minExtensionVersion"], env!("CARGO_PKG_VERSION"));
    let created = m["created"].as_str().unwrap();
    assert!(
        created.len() == 20 && created.ends_with('Z') && created.starts_with("20"),
        "{created}"
    );
    // Licences and credits come from the bundle's sources: the UT1 list
    // keeps CC BY-SA 4.0 and its attribution.
    let ut1 = m["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "fx-ut1-gambling")
        .expect("the UT1 source is listed");
    assert_eq!(ut1["licence"], "CC-BY-SA-4.0");
    assert_eq!(ut1["attribution"], "fixture UT1");
    assert_eq!(ut1["url"], "https://lists.example/ut1/gambling");

    // The signatures are what WebCrypto checks: raw Ed25519 over the exact
    // bytes, base64, under the raw 32-byte public key.
    let pk = B64
        .decode(std::fs::read_to_string(&public).unwrap().trim())
        .unwrap();
    let vk = VerifyingKey::from_bytes(&pk.try_into().unwrap()).unwrap();
    for (file, sig) in [
        ("lachan.lcb", "lachan.lcb.sig"),
        ("manifest.json", "manifest.json.sig"),
    ] {
        let data = std::fs::read(out.join(file)).unwrap();
        let s = B64
            .decode(std::fs::read_to_string(out.join(sig)).unwrap().trim())
            .unwrap();
        let s = Signature::from_bytes(&s.try_into().unwrap());
        vk.verify_strict(&data, &s)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }

    let o = verify(tmp.path(), &bundle, public.to_str().unwrap(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("OK (manifest and bundle signatures"), "{s}");
    assert!(s.contains("version 1") && s.contains("fixture UT1"), "{s}");
    // The key as text, as the policy holds it, works the same.
    let text = std::fs::read_to_string(&public).unwrap();
    let o = verify(tmp.path(), &bundle, text.trim(), &["--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["manifest"]["version"], 1);
    assert_eq!(v["by_category"]["gambling"], 8);

    // The published bundle decides as a built one.
    let o = lachan(
        tmp.path(),
        &[
            "check",
            "--bundle",
            bundle.to_str().unwrap(),
            "https://bet-one.example/",
        ],
    );
    assert!(stdout(&o).contains("BLOCK  gambling"), "{}", stdout(&o));

    // Version 1 again, or lower: refused, and nothing is touched.
    let before: Vec<Vec<u8>> = ["lachan.lcb", "manifest.json", "manifest.json.sig"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    let o = publish(tmp.path(), &key, &out, 1, &[]);
    refused(&o, &out.join("manifest.json"), "version");
    assert!(stderr(&o).contains("not newer than 1"), "{}", stderr(&o));
    let after: Vec<Vec<u8>> = ["lachan.lcb", "manifest.json", "manifest.json.sig"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    assert_eq!(before, after);

    // Version 2 is newer than what a browser holding 1 has.
    let o = publish(tmp.path(), &key, &out, 2, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = verify(
        tmp.path(),
        &bundle,
        public.to_str().unwrap(),
        &["--min-version", "1"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("version 2"), "{}", stdout(&o));
}

#[test]
fn tampered_foreign_and_rolled_back_updates_are_refused() {
    let tmp = TempDir::new("tamper");
    let (key, public) = keygen(tmp.path(), "keys");
    let (foreign_key, foreign_public) = keygen(tmp.path(), "other");
    let good = tmp.path().join("good");
    assert_eq!(code(&publish(tmp.path(), &key, &good, 1, &[])), 0);
    let pk = public.to_str().unwrap();
    let bundle_bytes = std::fs::read(good.join("lachan.lcb")).unwrap();
    let manifest_bytes = std::fs::read(good.join("manifest.json")).unwrap();

    // A fresh copy of the good directory, changed by `f`.
    let mut n = 0;
    let mut case = |f: &dyn Fn(&Path)| -> PathBuf {
        n += 1;
        let dir = tmp.path().join(format!("case{n}"));
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&good).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
        f(&dir);
        dir
    };

    // One byte of the bundle changed: its sha256 is not the manifest's.
    let d = case(&|d| {
        let mut b = bundle_bytes.clone();
        b[bundle_bytes.len() / 2] ^= 0x01;
        std::fs::write(d.join("lachan.lcb"), b).unwrap();
    });
    let o = verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]);
    refused(&o, &d.join("lachan.lcb"), "checksum");
    assert!(stderr(&o).contains("the manifest says"), "{}", stderr(&o));

    // A byte appended: the size is not the manifest's.
    let d = case(&|d| {
        let mut b = bundle_bytes.clone();
        b.push(0);
        std::fs::write(d.join("lachan.lcb"), b).unwrap();
    });
    refused(
        &verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]),
        &d.join("lachan.lcb"),
        "size",
    );

    // The manifest edited (a bigger version, to jump ahead): its signature
    // no longer matches.
    let d = case(&|d| {
        let t = String::from_utf8(manifest_bytes.clone()).unwrap();
        let t = t.replace("\"version\": 1,", "\"version\": 99,");
        assert_ne!(t.as_bytes(), &manifest_bytes[..]);
        std::fs::write(d.join("manifest.json"), t).unwrap();
    });
    refused(
        &verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]),
        &d.join("manifest.json"),
        "bad-signature",
    );

    // Someone else's signatures over the same files.
    let fk = secret(&foreign_key);
    let d = case(&|d| {
        std::fs::write(d.join("manifest.json.sig"), sig_of(&fk, &manifest_bytes)).unwrap();
    });
    refused(
        &verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]),
        &d.join("manifest.json"),
        "bad-signature",
    );
    let d = case(&|d| {
        std::fs::write(d.join("lachan.lcb.sig"), sig_of(&fk, &bundle_bytes)).unwrap();
    });
    let o = verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]);
    refused(&o, &d.join("lachan.lcb"), "bad-signature");
    assert!(
        stderr(&o).contains("lachan.lcb.sig does not match"),
        "{}",
        stderr(&o)
    );
    // A whole foreign update (bundle, manifest, signatures) under our key.
    let foreign = tmp.path().join("foreign");
    assert_eq!(
        code(&publish(tmp.path(), &foreign_key, &foreign, 5, &[])),
        0
    );
    refused(
        &verify(tmp.path(), &foreign.join("lachan.lcb"), pk, &[]),
        &foreign.join("manifest.json"),
        "bad-signature",
    );
    // ... and our update under the foreign key.
    refused(
        &verify(
            tmp.path(),
            &good.join("lachan.lcb"),
            foreign_public.to_str().unwrap(),
            &[],
        ),
        &good.join("manifest.json"),
        "bad-signature",
    );

    // A signature file that is not one.
    let d = case(&|d| std::fs::write(d.join("lachan.lcb.sig"), "not a signature\n").unwrap());
    refused(
        &verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]),
        &d.join("lachan.lcb.sig"),
        "signature",
    );

    // A later manifest format, properly signed: refused as unknown.
    let sk = secret(&key);
    let d = case(&|d| {
        let t = String::from_utf8(manifest_bytes.clone())
            .unwrap()
            .replace("\"format\": 1,", "\"format\": 2,");
        std::fs::write(d.join("manifest.json"), &t).unwrap();
        std::fs::write(d.join("manifest.json.sig"), sig_of(&sk, t.as_bytes())).unwrap();
    });
    let o = verify(tmp.path(), &d.join("lachan.lcb"), pk, &[]);
    refused(&o, &d.join("manifest.json"), "format");
    assert!(stderr(&o).contains("manifest format 2"), "{}", stderr(&o));

    // Rollback: a browser holding version 1 (or later) refuses version 1.
    for held in ["1", "7"] {
        let o = verify(
            tmp.path(),
            &good.join("lachan.lcb"),
            pk,
            &["--min-version", held],
        );
        refused(&o, &good.join("manifest.json"), "version");
        assert!(stderr(&o).contains("no rollback"), "{}", stderr(&o));
    }
    let o = verify(
        tmp.path(),
        &good.join("lachan.lcb"),
        pk,
        &["--min-version", "0"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Keys that are not keys.
    let short = tmp.path().join("short.pub");
    std::fs::write(&short, format!("{}\n", B64.encode([7u8; 31]))).unwrap();
    let o = verify(
        tmp.path(),
        &good.join("lachan.lcb"),
        short.to_str().unwrap(),
        &[],
    );
    refused(&o, &short, "key-length");
    assert!(stderr(&o).contains("31 bytes"), "{}", stderr(&o));
    let garbled = tmp.path().join("garbled.key");
    std::fs::write(&garbled, "this is not base64!\n").unwrap();
    let o = publish(tmp.path(), &garbled, &tmp.path().join("x"), 1, &[]);
    refused(&o, &garbled, "key");
    let o = publish(tmp.path(), &short, &tmp.path().join("x"), 1, &[]);
    refused(&o, &short, "key-length");
    assert!(
        !tmp.path().join("x").exists(),
        "nothing written for a bad key"
    );
    let o = verify(
        tmp.path(),
        &good.join("lachan.lcb"),
        "/no/such/key.pub",
        &[],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("/no/such/key.pub: [key]"),
        "{}",
        stderr(&o)
    );

    // A manifest given apart from the bundle is checked the same.
    let o = verify(
        tmp.path(),
        &good.join("lachan.lcb"),
        pk,
        &[
            "--manifest",
            foreign.join("manifest.json").to_str().unwrap(),
        ],
    );
    refused(&o, &foreign.join("manifest.json"), "bad-signature");
}

#[test]
fn hash_lists_keep_good_lines_report_bad_ones_and_publish_alone() {
    let tmp = TempDir::new("hashes");
    let (key, public) = keygen(tmp.path(), "keys");
    let list = tmp.path().join("national.txt");
    std::fs::write(
        &list,
        format!(
            "hash,source,id\n{H1},national-programme,case-1\nnot-a-hash\n{H2}\tnational-programme\tcase-2\n{},x\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let out = tmp.path().join("hashes");
    let o = publish_hashes_only(tmp.path(), &key, &out, &list);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let e = stderr(&o);
    let l = list.display();
    assert!(e.contains(&format!("{l}:3: bad hash")), "{e}");
    assert!(e.contains(&format!("{l}:5: all-zero hash")), "{e}");
    assert!(
        !e.contains(&format!("{l}:2:")) && !e.contains(&format!("{l}:4:")),
        "{e}"
    );
    assert!(
        stdout(&o).contains("2 hashes from the hash lists"),
        "{}",
        stdout(&o)
    );
    let m = manifest(&out);
    assert_eq!(m["kind"], "hashes");
    assert_eq!(m["sources"][0]["name"], "national.txt");

    let bundle = out.join("lachan.lcb");
    let o = verify(tmp.path(), &bundle, public.to_str().unwrap(), &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("kind hashes"), "{}", stdout(&o));
    // The engine (as the WASM `open` does) opens it: the hashes match, no
    // address is decided by it.
    let engine = lachan_core::Engine::from_bytes(std::fs::read(&bundle).unwrap()).unwrap();
    let hit = engine
        .check_image_hash(H2)
        .unwrap()
        .expect("listed hash matches");
    assert_eq!(
        (hit.source.as_str(), hit.id.as_str()),
        ("national-programme", "case-2")
    );
    // H1 with every bit flipped: far from both listed hashes.
    let far: String = H1
        .chars()
        .map(|c| format!("{:x}", 15 - c.to_digit(16).unwrap()))
        .collect();
    assert!(engine.check_image_hash(&far).unwrap().is_none());
    assert_eq!(engine.bundle().info().keys, 0);

    // Hash lists with the lists: both in one bundle.
    let full = tmp.path().join("full");
    let o = publish(
        tmp.path(),
        &key,
        &full,
        1,
        &["--hashes", list.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let engine =
        lachan_core::Engine::from_bytes(std::fs::read(full.join("lachan.lcb")).unwrap()).unwrap();
    assert!(engine.check_image_hash(H1).unwrap().is_some());
    assert!(engine.bundle().info().keys > 0);
    assert_eq!(manifest(&full)["kind"], "bundle");

    // Nothing usable: refused, nothing written.
    let bad = tmp.path().join("bad.txt");
    std::fs::write(&bad, "nope\nstill nope\n").unwrap();
    let none = tmp.path().join("none");
    let o = publish_hashes_only(tmp.path(), &key, &none, &bad);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let b = bad.display();
    for want in [format!("{b}:1: bad hash"), format!("{b}:2: bad hash")] {
        assert!(stderr(&o).contains(&want), "{want}: {}", stderr(&o));
    }
    assert!(
        stderr(&o).contains("[hash-list] no usable hash"),
        "{}",
        stderr(&o)
    );
    assert!(!none.exists());
    // --hashes-only with no list is a usage error.
    let o = lachan(
        tmp.path(),
        &[
            "publish",
            "--key",
            key.to_str().unwrap(),
            "--out",
            none.to_str().unwrap(),
            "--version",
            "1",
            "--hashes-only",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}
