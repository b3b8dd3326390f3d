/**
 * Input-token cost of images, per OpenAI's vision pricing guide: `detail: low` costs a flat 85
 * tokens; `high` (and `auto`, which we reserve as high) scales the image to fit 2048×2048, then
 * its shortest side to 768 px, and costs 85 + 170 per 512-px tile. Dimensions are read from the
 * header of inline `data:` PNG, GIF, WebP and JPEG images; for URLs we cannot see (the firewall
 * never fetches client URLs) we reserve {@link UNKNOWN_IMAGE_TOKENS}, the largest high-detail cost,
 * so a reservation is never too small.
 */

/** Tokens for a low-detail image. */
export const LOW_DETAIL_TOKENS = 85;
/** Reservation for a high-detail image of unknown size: 2 × 4 tiles (768 × 2048 after scaling). */
export const UNKNOWN_IMAGE_TOKENS = 85 + 170 * 8;

/** Tokens for a high-detail image of the given size. */
export function highDetailTokens(width: number, height: number): number {
  if (!(width > 0 && height > 0)) return UNKNOWN_IMAGE_TOKENS;
  let w = width;
  let h = height;
  if (w > 2048 || h > 2048) {
    const s = 2048 / Math.max(w, h);
    w *= s;
    h *= s;
  }
  if (Math.min(w, h) > 768) {
    const s = 768 / Math.min(w, h);
    w *= s;
    h *= s;
  }
  return 85 + 170 * Math.ceil(w / 512) * Math.ceil(h / 512);
}

/** Token cost of one image part, given its URL (or data URL) and detail setting. */
export function imageTokens(url: unknown, detail: unknown): number {
  if (detail === 'low') return LOW_DETAIL_TOKENS;
  const dims = typeof url === 'string' ? dataUrlDimensions(url) : undefined;
  return dims ? highDetailTokens(dims.width, dims.height) : UNKNOWN_IMAGE_TOKENS;
}

/** Bytes of base64 we decode to find a header: enough for PNG/GIF/WebP and most JPEG SOF markers. */
const HEADER_B64_CHARS = 87_384; // 64 KiB of bytes

/** Width/height from a `data:image/...;base64,` URL's header, or undefined. */
export function dataUrlDimensions(url: string): { width: number; height: number } | undefined {
  if (!url.startsWith('data:image/')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0 || !url.slice(0, comma).endsWith(';base64')) return undefined;
  const b64 = url.slice(comma + 1, comma + 1 + HEADER_B64_CHARS);
  const buf = Buffer.from(b64.slice(0, b64.length - (b64.length % 4)), 'base64');
  return imageDimensions(buf);
}

/** Width/height from the first bytes of a PNG, GIF, WebP or JPEG file. */
export function imageDimensions(b: Buffer): { width: number; height: number } | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && b.toString('latin1', 0, 4) === 'GIF8') {
    return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const kind = b.toString('latin1', 12, 16);
    if (kind === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
    if (kind === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (kind === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    return undefined;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegDimensions(b);
  return undefined;
}

function jpegDimensions(b: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    const len = b.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
    }
    i += 2 + len;
  }
  return undefined;
}
