// A small publisher in the update format (docs/updates.md; the same files
// `lachan publish` writes): an Ed25519 key pair from node:crypto, and a
// directory with lachan.lcb, its detached signature, manifest.json and its
// signature. For tests only: the product's publisher is the CLI.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fresh key pair: `pub` is the base64 raw public key (the policy's listPublicKey). */
export function keygen() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { privateKey, pub: Buffer.from(raw).toString('base64') };
}

/**
 * The published files for `bundle`, in memory: {'lachan.lcb', 'lachan.lcb.sig', 'manifest.json', 'manifest.json.sig'}.
 * `tamper` breaks one thing after signing, for the refusal tests.
 * @param {{privateKey: import('node:crypto').KeyObject}} key @param {Uint8Array} bundle
 * @param {{version: number, kind?: 'bundle' | 'hashes', minExtensionVersion?: string, created?: string,
 *   tamper?: 'bundle' | 'bundleSig' | 'manifest' | 'size'}} o
 * @returns {Record<string, Buffer>}
 */
export function publish(key, bundle, o) {
  let bytes = Buffer.from(bundle);
  const manifest = {
    format: 1, kind: o.kind ?? 'bundle', version: o.version, file: 'lachan.lcb',
    sha256: createHash('sha256').update(bytes).digest('hex'), size: o.tamper === 'size' ? bytes.length + 1 : bytes.length,
    created: o.created ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'), minExtensionVersion: o.minExtensionVersion ?? '0.1.0',
    sources: [{ name: 'test list', licence: 'CC0-1.0', url: 'http://example.test/' }],
  };
  let text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestSig = sign(null, text, key.privateKey);
  let bundleSig = sign(null, bytes, key.privateKey);
  if (o.tamper === 'manifest') text = Buffer.from(text.toString().replace(`"version": ${o.version}`, `"version": ${o.version + 100}`));
  if (o.tamper === 'bundle') { bytes = Buffer.from(bytes); bytes[bytes.length >> 1] ^= 1; }
  if (o.tamper === 'bundleSig') { bundleSig = Buffer.from(bundleSig); bundleSig[0] ^= 1; }
  return { 'lachan.lcb': bytes, 'lachan.lcb.sig': Buffer.from(`${bundleSig.toString('base64')}\n`),
    'manifest.json': text, 'manifest.json.sig': Buffer.from(`${manifestSig.toString('base64')}\n`) };
}

/** Writes `publish`'s files into `dir`. @param {string} dir @param {Record<string, Buffer>} files */
export function writePublished(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}
