// A minimal CRX3 writer for the install e2e: the zip, signed with an RSA key
// (SHA-256, PKCS#1 v1.5) in the CRX3 container Chromium checks
// (components/crx_file/crx3.proto):
//   "Cr24" | u32le 3 | u32le header length | CrxFileHeader | zip
//   CrxFileHeader { 2: AsymmetricKeyProof {1: SPKI DER, 2: signature}, 10000: SignedData {1: crx id} }
//   signed bytes = "CRX3 SignedData\0" | u32le len(SignedData) | SignedData | zip
// The extension id is the first 16 bytes of SHA-256(SPKI) written with a–p.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/** @param {number} n */
function varint(n) {
  const out = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return Buffer.from(out);
}
/** A length-delimited protobuf field. @param {number} field @param {Buffer} bytes */
const lenField = (field, bytes) => Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
/** @param {number} n */
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };

/** The extension id of a public key (SPKI DER). @param {Buffer} spki */
export function extensionId(spki) {
  return [...createHash('sha256').update(spki).digest().subarray(0, 16)]
    .map((b) => String.fromCharCode(97 + (b >> 4), 97 + (b & 15))).join('');
}

/** A fresh RSA-2048 key pair (a test key: never stored). */
export function testKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, spki: /** @type {Buffer} */ (publicKey.export({ type: 'spki', format: 'der' })) };
}

/** @param {Buffer} zip @param {{privateKey: import('node:crypto').KeyObject, spki: Buffer}} key @returns {{crx: Buffer, id: string}} */
export function crx3(zip, key) {
  const crxId = createHash('sha256').update(key.spki).digest().subarray(0, 16);
  const signedData = lenField(1, crxId);
  const signature = sign('sha256', Buffer.concat([Buffer.from('CRX3 SignedData\0'), u32(signedData.length), signedData, zip]), key.privateKey);
  const header = Buffer.concat([lenField(2, Buffer.concat([lenField(1, key.spki), lenField(2, signature)])), lenField(10000, signedData)]);
  return { crx: Buffer.concat([Buffer.from('Cr24'), u32(3), u32(header.length), header, zip]), id: extensionId(key.spki) };
}

/** The update manifest (gupdate protocol 2.0) naming one CRX.
 * @param {string} id @param {string} version @param {string} codebase */
export const updatesXml = (id, version, codebase) => "<?xml version='1.0' encoding='UTF-8'?>\n"
  + "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n"
  + `  <app appid='${id}'>\n    <updatecheck codebase='${codebase}' version='${version}' />\n  </app>\n</gupdate>\n`;
