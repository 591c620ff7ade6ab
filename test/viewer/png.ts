/** Just enough PNG decoding to judge a browser screenshot: 8-bit RGB or RGBA, not interlaced (what Chromium writes). */
import { inflateSync } from "zlib";

export interface Pixels {
  width: number;
  height: number;
  /** RGB triples, row by row */
  rgb: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(png: Buffer): Pixels {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG file");
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      channels = colour === 6 ? 4 : colour === 2 ? 3 : 0;
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${colour}, interlace ${interlace}`);
    } else if (type === "IDAT") data.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? rows[y * stride + x - channels] : 0;
      const up = y > 0 ? rows[(y - 1) * stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? rows[(y - 1) * stride + x - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`bad PNG row filter ${filter}`);
      rows[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(rows.subarray(i * channels, i * channels + 3), i * 3);
  return { width, height, rgb };
}

/** How much an image varies: the standard deviation of its grey levels and its number of distinct colours. */
export function pixelSpread(pixels: Pixels): { stdDev: number; colours: number } {
  const count = pixels.width * pixels.height;
  const colours = new Set<number>();
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const [r, g, b] = [pixels.rgb[i * 3], pixels.rgb[i * 3 + 1], pixels.rgb[i * 3 + 2]];
    const grey = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += grey;
    squares += grey * grey;
    colours.add((r << 16) | (g << 8) | b);
  }
  const average = sum / count;
  return { stdDev: Math.sqrt(Math.max(0, squares / count - average * average)), colours: colours.size };
}
