// CRX3 (Chromium's signed package for installs outside a store) and the
// update manifest a policy's update URL serves, with node:crypto only.
//
// CRX3 = "Cr24" | le32 version 3 | le32 header length | CrxFileHeader | zip.
// CrxFileHeader (protobuf, components/crx_file/crx3.proto):
//   2: AsymmetricKeyProof sha256_with_rsa { 1: public_key (DER SPKI), 2: signature }
//   10000: signed_header_data = SignedData { 1: crx_id (first 16 bytes of sha256(public key)) }
// The RSA-SHA256 (PKCS#1 v1.5) signature covers
//   "CRX3 SignedData\x00" | le32 len(signed_header_data) | signed_header_data | zip.
// The extension id is crx_id in hex written with the letters a–p.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

const MAGIC = 'Cr24';
const SIGN_CONTEXT = Buffer.from('CRX3 SignedData\x00', 'binary');

/** @param {number} n */
function varint(n) {
  const out = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return Buffer.from(out);
}
/** A length-delimited protobuf field. @param {number} field @param {Buffer} bytes */
const lenField = (field, bytes) => Buffer.concat([varint(field * 8 + 2), varint(bytes.length), bytes]);

/** Length-delimited fields of a protobuf message (others are refused).
 * @param {Buffer} buf @returns {[number, Buffer][]} */
function readFields(buf) {
  /** @type {[number, Buffer][]} */
  const out = [];
  let i = 0;
  const read = () => {
    let n = 0, mul = 1, b;
    do {
      if (i >= buf.length) throw new Error('CRX header: truncated varint');
      b = buf[i++];
      n += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return n;
  };
  while (i < buf.length) {
    const tag = read();
    if ((tag & 7) !== 2) throw new Error(`CRX header: field ${Math.floor(tag / 8)} has wire type ${tag & 7}`);
    const len = read();
    if (i + len > buf.length) throw new Error('CRX header: field runs past the end');
    out.push([Math.floor(tag / 8), buf.subarray(i, i + len)]);
    i += len;
  }
  return out;
}

/** The 16-byte CRX id of a DER public key. @param {Buffer} der */
export const crxIdBytes = (der) => createHash('sha256').update(der).digest().subarray(0, 16);
/** Chromium's extension id (a–p) of a DER public key. @param {Buffer} der */
export const extensionId = (der) => [...crxIdBytes(der).toString('hex')].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');

/** A new 2048-bit RSA signing key as PKCS#8 PEM. */
export const newKeyPem = () => /** @type {string} */ (generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  .export({ type: 'pkcs8', format: 'pem' }));

/** The DER public key of a PEM private key (RSA only). @param {string} pem */
export function publicKeyDer(pem) {
  let key;
  try { key = createPrivateKey(pem); } catch (e) { throw new Error(`not a PEM private key: ${/** @type {Error} */ (e).message}`); }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`the CRX key must be RSA (got ${key.asymmetricKeyType})`);
  return /** @type {Buffer} */ (createPublicKey(key).export({ type: 'spki', format: 'der' }));
}

/** @param {Buffer} signedHeaderData @param {Buffer} zip */
const signedMessage = (signedHeaderData, zip) => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(signedHeaderData.length);
  return Buffer.concat([SIGN_CONTEXT, len, signedHeaderData, zip]);
};

/** A CRX3 of `zip` signed with the PEM private key. @param {Buffer} zip @param {string} pem */
export function writeCrx3(zip, pem) {
  const der = publicKeyDer(pem);
  const signedHeaderData = lenField(1, crxIdBytes(der));
  const signature = sign('sha256', signedMessage(signedHeaderData, zip), createPrivateKey(pem));
  const header = Buffer.concat([lenField(2, Buffer.concat([lenField(1, der), lenField(2, signature)])), lenField(10000, signedHeaderData)]);
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'ascii');
  head.writeUInt32LE(3, 4);
  head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, header, zip]);
}

/** Reads and checks a CRX3 the way Chromium does: magic, version, a
 * sha256_with_rsa proof whose key's id is the signed crx_id, and a valid
 * signature. @param {Buffer} crx */
export function readCrx3(crx) {
  if (crx.length < 12 || crx.toString('ascii', 0, 4) !== MAGIC) throw new Error('not a CRX (no Cr24 magic)');
  const version = crx.readUInt32LE(4);
  if (version !== 3) throw new Error(`CRX version ${version}, expected 3`);
  const headerLen = crx.readUInt32LE(8);
  if (12 + headerLen > crx.length) throw new Error('CRX header runs past the end');
  const header = crx.subarray(12, 12 + headerLen);
  const zip = crx.subarray(12 + headerLen);
  const fields = readFields(header);
  const signedHeaderData = fields.find(([f]) => f === 10000)?.[1];
  if (!signedHeaderData) throw new Error('CRX header: no signed_header_data');
  const crxId = readFields(signedHeaderData).find(([f]) => f === 1)?.[1];
  if (!crxId || crxId.length !== 16) throw new Error('CRX header: no 16-byte crx_id');
  const proofs = fields.filter(([f]) => f === 2).map(([, b]) => {
    const p = readFields(b);
    return { publicKey: p.find(([f]) => f === 1)?.[1], signature: p.find(([f]) => f === 2)?.[1] };
  });
  const proof = proofs.find((p) => p.publicKey && crxIdBytes(p.publicKey).equals(crxId));
  if (!proof?.publicKey || !proof.signature) throw new Error('CRX header: no sha256_with_rsa proof by the key of crx_id');
  const key = createPublicKey({ key: proof.publicKey, format: 'der', type: 'spki' });
  if (!verify('sha256', signedMessage(signedHeaderData, zip), key, proof.signature)) throw new Error('CRX signature does not verify');
  return { id: extensionId(proof.publicKey), publicKey: proof.publicKey, zip, proofs: proofs.length };
}

/** @param {string} s */
const xmlAttr = (s) => s.replace(/[&<>'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The update manifest (gupdate, protocol 2.0) that a policy's update URL
 * serves: this id's newest version and where its CRX is.
 * @param {{appId: string, codebase: string, version: string}} o */
export function updatesXml({ appId, codebase, version }) {
  return "<?xml version='1.0' encoding='UTF-8'?>\n"
    + "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n"
    + `  <app appid='${xmlAttr(appId)}'>\n`
    + `    <updatecheck codebase='${xmlAttr(codebase)}' version='${xmlAttr(version)}' />\n`
    + '  </app>\n</gupdate>\n';
}
