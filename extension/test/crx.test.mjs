// CRX3 and updates.xml (tools/crx.mjs), and the packages (package.mjs) on a
// small fake build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { extensionId, newKeyPem, publicKeyDer, readCrx3, updatesXml, writeCrx3 } from '../tools/crx.mjs';
import { extensionIdFromKey } from '../tools/manifest.mjs';
import { zipDir } from '../tools/zip.mjs';

const PEM = newKeyPem();
const BUILD_ID = 'ihgnfjccoooeebgmnkiolbaiikejdlnm';

/** Files of a zip written by tools/zip.mjs (deflate entries). @param {Buffer} zip */
function unzip(zip) {
  /** @type {Map<string, Buffer>} */
  const out = new Map();
  let i = 0;
  while (zip.readUInt32LE(i) === 0x04034b50) {
    const size = zip.readUInt32LE(i + 18), nameLen = zip.readUInt16LE(i + 26), extra = zip.readUInt16LE(i + 28);
    const name = zip.toString('utf8', i + 30, i + 30 + nameLen);
    out.set(name, inflateRawSync(zip.subarray(i + 30 + nameLen + extra, i + 30 + nameLen + extra + size)));
    i += 30 + nameLen + extra + size;
  }
  return out;
}

test('a CRX3 has the Cr24 header, a protobuf header with the RSA proof and the signed crx_id, then the zip', () => {
  const zip = Buffer.from('PK\x05\x06'.padEnd(22, '\0'), 'binary');
  const crx = writeCrx3(zip, PEM);
  assert.equal(crx.toString('ascii', 0, 4), 'Cr24');
  assert.equal(crx.readUInt32LE(4), 3);
  const headerLen = crx.readUInt32LE(8);
  assert.ok(crx.subarray(12 + headerLen).equals(zip), 'the zip follows the header unchanged');
  const der = publicKeyDer(PEM);
  const r = readCrx3(crx);
  assert.ok(r.publicKey.equals(der));
  assert.equal(r.proofs, 1);
  // The id: sha256 of the DER key, first 16 bytes, hex digits as a–p; the
  // same as the manifest-key derivation build.mjs checks ids.json with.
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  assert.equal(r.id, [...hex].map((h) => 'abcdefghijklmnop'[parseInt(h, 16)]).join(''));
  assert.equal(r.id, extensionId(der));
  // signed_header_data is field 10000 (tag bytes 82 f1 04) holding field 1 = the 16 id bytes.
  const header = crx.subarray(12, 12 + headerLen);
  const at = header.indexOf(Buffer.from([0x82, 0xf1, 0x04]));
  assert.ok(at > 0);
  assert.deepEqual([...header.subarray(at + 3, at + 6)], [18, 0x0a, 16]);
  assert.ok(header.subarray(at + 6, at + 22).equals(createHash('sha256').update(der).digest().subarray(0, 16)));
});

test('the manifest-key id and the CRX id agree for the same key', async () => {
  const der = publicKeyDer(PEM);
  assert.equal(await extensionIdFromKey(der.toString('base64')), extensionId(der));
});

test('a tampered CRX, another version or a foreign proof is refused', () => {
  const zip = Buffer.alloc(64, 7);
  const crx = writeCrx3(zip, PEM);
  const flipped = Buffer.from(crx);
  flipped[flipped.length - 1] ^= 1;
  assert.throws(() => readCrx3(flipped), /signature does not verify/);
  const v2 = Buffer.from(crx);
  v2.writeUInt32LE(2, 4);
  assert.throws(() => readCrx3(v2), /version 2/);
  assert.throws(() => readCrx3(Buffer.from('PK\x03\x04 not a crx')), /Cr24/);
  // The same header with another key's proof: its key is not the one of crx_id.
  const other = writeCrx3(zip, newKeyPem());
  const mixed = Buffer.concat([other.subarray(0, 12 + other.readUInt32LE(8) - 22), crx.subarray(12 + crx.readUInt32LE(8) - 22)]);
  mixed.writeUInt32LE(other.readUInt32LE(8), 8);
  assert.throws(() => readCrx3(mixed), /no sha256_with_rsa proof by the key of crx_id|does not verify/);
  assert.throws(() => publicKeyDer('not a key'), /not a PEM private key/);
});

test('updates.xml names the id, the version and the CRX URL', () => {
  const xml = updatesXml({ appId: 'a'.repeat(32), codebase: 'https://u.example/x/lachan.crx', version: '0.1.0' });
  assert.match(xml, /<gupdate xmlns='http:\/\/www.google.com\/update2\/response' protocol='2.0'>/);
  assert.match(xml, /<app appid='a{32}'>\s*<updatecheck codebase='https:\/\/u.example\/x\/lachan.crx' version='0.1.0' \/>/);
  assert.match(updatesXml({ appId: 'b', codebase: "https://x/?a='1'&b", version: '1' }), /codebase='https:\/\/x\/\?a=&#39;1&#39;&#38;b'/);
});

test('package.mjs: store zips without key, xpi = Firefox zip, CRX for the key\'s id with update_url and rules for that id', () => {
  const dist = mkdtempSync(join(tmpdir(), 'lachan-pkg-'));
  try {
    const chromium = join(dist, 'chromium');
    mkdirSync(join(chromium, 'rules'), { recursive: true });
    mkdirSync(join(chromium, 'data'), { recursive: true });
    writeFileSync(join(chromium, 'manifest.json'), JSON.stringify({ manifest_version: 3, version: '1.2.3', key: 'AAAA', name: 'x' }));
    writeFileSync(join(chromium, 'rules/block_x.json'), JSON.stringify([{ action: { redirect: { regexSubstitution: `chrome-extension://${BUILD_ID}/warning.html?u=\\0` } } }]));
    writeFileSync(join(chromium, 'data/dnr.json'), JSON.stringify({ extensionId: BUILD_ID }));
    const messages = (/** @type {string} */ d) => JSON.stringify({ extName: { message: 'Lá Chắn' }, extShortName: { message: 'Lá Chắn' }, extDescription: { message: d } });
    for (const lang of ['en', 'vi']) {
      mkdirSync(join(chromium, '_locales', lang), { recursive: true });
      writeFileSync(join(chromium, '_locales', lang, 'messages.json'), messages('short'));
    }
    const firefox = join(dist, 'firefox');
    mkdirSync(firefox);
    writeFileSync(join(firefox, 'manifest.json'), JSON.stringify({ version: '1.2.3', browser_specific_settings: { gecko: { id: 'lachan@lachan.vn' } } }));
    zipDir(firefox, join(dist, 'lachan-firefox.zip'));
    const keyFile = join(dist, 'k.pem');
    writeFileSync(keyFile, PEM);
    const storeId = 'p'.repeat(32);
    const run = (/** @type {string[]} */ extra) => execFileSync('node', [new URL('../package.mjs', import.meta.url).pathname, '--dist', dist, ...extra], { encoding: 'utf8', stdio: 'pipe' });
    run(['--crx-key', keyFile, '--update-base', 'https://updates.example/lachan', '--chrome-store-id', storeId]);
    const out = join(dist, 'packages');
    const info = JSON.parse(readFileSync(join(out, 'packages.json'), 'utf8'));
    const crxId = extensionId(publicKeyDer(PEM));
    assert.equal(info.crxId, crxId);
    assert.equal(info.updateUrl, 'https://updates.example/lachan/updates.xml');
    const crx = readCrx3(readFileSync(join(out, 'lachan.crx')));
    assert.equal(crx.id, crxId);
    const inCrx = unzip(crx.zip);
    const m = JSON.parse(String(inCrx.get('manifest.json')));
    assert.equal(m.key, undefined);
    assert.equal(m.update_url, 'https://updates.example/lachan/updates.xml');
    assert.match(String(inCrx.get('rules/block_x.json')), new RegExp(`chrome-extension://${crxId}/`));
    assert.equal(JSON.parse(String(inCrx.get('data/dnr.json'))).extensionId, crxId);
    assert.match(readFileSync(join(out, 'updates.xml'), 'utf8'), new RegExp(`appid='${crxId}'>\\s*<updatecheck codebase='https://updates.example/lachan/lachan.crx' version='1.2.3'`));
    const cws = unzip(readFileSync(join(out, 'chrome-web-store.zip')));
    assert.equal(JSON.parse(String(cws.get('manifest.json'))).key, undefined, 'a store upload has no key');
    assert.equal(JSON.parse(String(cws.get('manifest.json'))).update_url, undefined, 'stores refuse update_url');
    assert.equal(JSON.parse(String(cws.get('data/dnr.json'))).extensionId, storeId);
    const edge = unzip(readFileSync(join(out, 'edge-addons.zip')));
    assert.equal(JSON.parse(String(edge.get('data/dnr.json'))).extensionId, BUILD_ID, 'no Edge id given: the build id (twins cover the rest)');
    assert.ok(readFileSync(join(out, 'lachan.xpi')).equals(readFileSync(join(dist, 'lachan-firefox.zip'))));
    // A named key that is missing is an error, not a silent new id; so is a bad URL.
    assert.throws(() => run(['--crx-key', join(dist, 'none.pem')]), /does not exist/);
    assert.throws(() => run(['--crx-key', keyFile, '--update-base', 'https://u.example/?id=1']), /query/);
    assert.throws(() => run(['--crx-key', keyFile, '--chrome-store-id', 'xyz']), /not an extension id/);
    // The Chrome Web Store refuses a description over 132 characters.
    writeFileSync(join(chromium, '_locales/vi/messages.json'), messages('x'.repeat(133)));
    assert.throws(() => run(['--crx-key', keyFile]), /vi: extDescription has 133 characters, the stores allow 132/);
    assert.ok(createPublicKey(PEM));
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});
