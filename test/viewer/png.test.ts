import { deflateSync } from "zlib";
import { decodePng, pixelSpread } from "./png";

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, Buffer.from(type, "ascii"), body, Buffer.alloc(4)]);
}

/** A PNG of the given RGB rows, each row written with the given filter byte over pre-filtered bytes. */
function png(width: number, rows: { filter: number; bytes: number[] }[], channels = 3): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(rows.length, 4);
  header[8] = 8;
  header[9] = channels === 4 ? 6 : 2;
  const raw = Buffer.from(rows.flatMap((row) => [row.filter, ...row.bytes]));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("decodePng", () => {
  it("undoes the row filters: none, sub and up", () => {
    const pixels = decodePng(
      png(2, [
        { filter: 0, bytes: [10, 20, 30, 40, 50, 60] },
        { filter: 1, bytes: [1, 2, 3, 1, 1, 1] }, // sub: each byte adds the pixel to its left
        { filter: 2, bytes: [5, 5, 5, 0, 0, 0] }, // up: each byte adds the byte above
      ]),
    );
    expect(Array.from(pixels.rgb)).toEqual([10, 20, 30, 40, 50, 60, 1, 2, 3, 2, 3, 4, 6, 7, 8, 2, 3, 4]);
  });

  it("undoes the average and Paeth filters", () => {
    const pixels = decodePng(
      png(1, [
        { filter: 0, bytes: [10, 20, 30] },
        { filter: 3, bytes: [1, 1, 1] }, // average of left (none: 0) and up, rounded down: 5, 10, 15
        { filter: 4, bytes: [2, 2, 2] }, // Paeth with no left neighbour predicts the byte above
      ]),
    );
    expect(Array.from(pixels.rgb)).toEqual([10, 20, 30, 6, 11, 16, 8, 13, 18]);
  });

  it("drops the alpha channel of RGBA images", () => {
    const pixels = decodePng(png(1, [{ filter: 0, bytes: [9, 8, 7, 255] }], 4));
    expect(Array.from(pixels.rgb)).toEqual([9, 8, 7]);
  });

  it("refuses what is not a PNG", () => {
    expect(() => decodePng(Buffer.from("<html>"))).toThrow("not a PNG");
  });
});

describe("pixelSpread", () => {
  it("is zero for a uniform image and grows with contrast", () => {
    const white = { width: 2, height: 1, rgb: new Uint8Array([255, 255, 255, 255, 255, 255]) };
    const mixed = { width: 2, height: 1, rgb: new Uint8Array([255, 255, 255, 0, 0, 0]) };
    expect(pixelSpread(white)).toEqual({ stdDev: 0, colours: 1 });
    expect(pixelSpread(mixed).stdDev).toBeCloseTo(127.5);
    expect(pixelSpread(mixed).colours).toBe(2);
  });
});
