// Independent checksum implementations (not the SDK's), so tests can check both the SDK and the
// server against a third computation.

import { createHash } from "node:crypto";

function crc32Table(poly) {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC32_TABLE = crc32Table(0xedb88320); // CRC-32 (ISO-HDLC), reflected
const CRC32C_TABLE = crc32Table(0x82f63b78); // CRC-32C (Castagnoli), reflected

function crc32With(table, buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = table[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32be(v) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

// CRC-64/NVME: reflected poly 0x9a6c9329ac4bc9b5, init and xorout all ones. Table-driven with
// two 32-bit halves (BigInt per byte would be too slow for MiB-sized bodies).
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
{
  const polyLo = 0xac4bc9b5;
  const polyHi = 0x9a6c9329;
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_LO[n] = lo;
    CRC64_HI[n] = hi;
  }
}

export function crc64nvmeRaw(buf) {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  for (let i = 0; i < buf.length; i++) {
    const idx = (lo ^ buf[i]) & 0xff;
    // shift the 64-bit value right by 8
    lo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    hi = hi >>> 8;
    lo = (lo ^ CRC64_LO[idx]) >>> 0;
    hi = (hi ^ CRC64_HI[idx]) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
  return out;
}

/** Raw (big-endian) digest bytes of `buf` for an S3 checksum algorithm name. */
export function rawChecksum(algorithm, buf) {
  switch (algorithm) {
    case "CRC32":
      return u32be(crc32With(CRC32_TABLE, buf));
    case "CRC32C":
      return u32be(crc32With(CRC32C_TABLE, buf));
    case "CRC64NVME":
      return crc64nvmeRaw(buf);
    case "SHA1":
      return createHash("sha1").update(buf).digest();
    case "SHA256":
      return createHash("sha256").update(buf).digest();
    default:
      throw new Error(`unknown checksum algorithm ${algorithm}`);
  }
}

/** The base64 value S3 uses in x-amz-checksum-<algorithm>. */
export function checksumB64(algorithm, buf) {
  return rawChecksum(algorithm, buf).toString("base64");
}

/** Composite multipart checksum: checksum of the concatenated raw part checksums, plus "-N". */
export function compositeChecksumB64(algorithm, parts) {
  const joined = Buffer.concat(parts.map((p) => rawChecksum(algorithm, p)));
  return `${rawChecksum(algorithm, joined).toString("base64")}-${parts.length}`;
}

export function md5Hex(buf) {
  return createHash("md5").update(buf).digest("hex");
}

/** Multipart ETag: MD5 of the concatenated binary part MD5s, then "-N". */
export function multipartEtag(parts) {
  const h = createHash("md5");
  for (const p of parts) h.update(createHash("md5").update(p).digest());
  return `${h.digest("hex")}-${parts.length}`;
}

/** SDK field name for an algorithm: CRC32 -> ChecksumCRC32. */
export const sdkField = (algorithm) => `Checksum${algorithm}`;
