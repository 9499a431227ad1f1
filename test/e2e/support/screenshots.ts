/**
 * Screenshot baselines: a picture taken now, compared with the checked-in PNG under
 * test/e2e/screenshots/ pixel by pixel (pngjs decodes and encodes; the comparison is ours).
 *
 * A pixel differs when its colour moved further than `maxDistance` (the Euclidean distance of the
 * two RGBA values, 0 to 510): a text, border or background whose colour changed differs in every
 * pixel it covers, while the same Chromium on the same machine draws the same picture. A picture
 * fails when more than `maxDiffPixels` pixels differ (an absolute count, so a small clip of one
 * state sees a single recoloured word), or when its size changed. On failure the picture is written
 * next to the baseline as `<name>.actual.png` with `<name>.diff.png` (differing pixels in red, the
 * rest faded), both git-ignored. `UPDATE_SCREENSHOTS=1` writes the baselines instead.
 *
 * Baselines are written small, as indexed PNGs (a palette of at most 256 colours, deflate level 9):
 * each channel is rounded to the smallest step (1 to 8) that leaves 256 colours or fewer, so a
 * baseline lies at most 4 per channel (a distance of 7) from what Chromium drew, well inside the
 * tolerance. A picture with more colours even at step 8 is written as it is (RGB).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { REPO_ROOT } from './stack.js';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'screenshots');

export const updatingScreenshots = () => process.env.UPDATE_SCREENSHOTS === '1';

export interface ColourTolerance {
  /** Largest colour distance (Euclidean over R, G, B and A, 0-510) that still counts as the same pixel. */
  maxDistance?: number;
  /** Largest number of differing pixels that still passes. */
  maxDiffPixels?: number;
}

/** Tight enough that any changed text colour fails; the slack is for a stray anti-aliased pixel. */
export const DEFAULT_TOLERANCE: Required<ColourTolerance> = { maxDistance: 24, maxDiffPixels: 8 };

export interface Comparison {
  ok: boolean;
  /** What happened, for the test's failure message. */
  message: string;
  diffPixels?: number;
  /** The largest colour distance of a pixel from the baseline's. */
  maxDistance?: number;
}

export interface PixelDiff {
  diffPixels: number;
  /** The largest colour distance seen, for the failure message. */
  maxDistance: number;
  /** Red where the images differ, faded grey elsewhere. */
  diff: PNG;
}

/** Counts the pixels of two same-sized RGBA images whose colours lie further apart than `maxDistance`. */
export function diffPixels(a: PNG, b: PNG, maxDistance: number): PixelDiff {
  const diff = new PNG({ width: a.width, height: a.height });
  const limit = maxDistance * maxDistance;
  let count = 0;
  let largest = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const dr = a.data[i]! - b.data[i]!;
    const dg = a.data[i + 1]! - b.data[i + 1]!;
    const db = a.data[i + 2]! - b.data[i + 2]!;
    const da = a.data[i + 3]! - b.data[i + 3]!;
    const squared = dr * dr + dg * dg + db * db + da * da;
    if (squared > largest) largest = squared;
    if (squared > limit) {
      count++;
      diff.data[i] = 255;
      diff.data[i + 1] = 0;
      diff.data[i + 2] = 0;
      diff.data[i + 3] = 255;
    } else {
      const grey = 255 - Math.round((255 - (a.data[i]! + a.data[i + 1]! + a.data[i + 2]!) / 3) * 0.2);
      diff.data[i] = diff.data[i + 1] = diff.data[i + 2] = grey;
      diff.data[i + 3] = 255;
    }
  }
  return { diffPixels: count, maxDistance: Math.round(Math.sqrt(largest)), diff };
}

/** Compares two pictures with the colour tolerance; `name` only labels the message. */
export function comparePictures(
  actual: PNG,
  expected: PNG,
  name: string,
  tolerance: ColourTolerance = {},
): Comparison & { diff?: PNG } {
  const { maxDistance, maxDiffPixels } = { ...DEFAULT_TOLERANCE, ...tolerance };
  if (actual.width !== expected.width || actual.height !== expected.height) {
    return {
      ok: false,
      message: `${name}: ${actual.width}×${actual.height} px, the baseline is ${expected.width}×${expected.height} px`,
    };
  }
  if (actual.data.equals(expected.data))
    return { ok: true, diffPixels: 0, maxDistance: 0, message: `${name}: identical` };
  const { diffPixels: count, maxDistance: largest, diff } = diffPixels(actual, expected, maxDistance);
  const ok = count <= maxDiffPixels;
  const verdict = ok ? 'within' : 'more than';
  return {
    ok,
    diffPixels: count,
    maxDistance: largest,
    diff,
    message: `${name}: ${count} pixels differ in colour by more than ${maxDistance} (up to ${largest}), ${verdict} the ${maxDiffPixels} allowed`,
  };
}

/** The picture's exact PNG: RGB when nothing is transparent, deflate level 9, each row's best filter. */
export function encodePng(png: PNG): Buffer {
  return PNG.sync.write(png, {
    colorType: isOpaque(png) ? 2 : 6,
    inputColorType: 6,
    inputHasAlpha: true,
    deflateLevel: 9,
    filterType: -1,
  });
}

/** The picture as a small indexed PNG (see the top of this file), or exact when it has too many colours. */
export function encodeBaseline(png: PNG): Buffer {
  if (!isOpaque(png)) return encodePng(png);
  const { data } = png;
  for (let step = 1; step <= 8; step++) {
    const round = (v: number) => Math.min(255, Math.round(v / step) * step);
    const palette = new Map<number, number>();
    const indices = Buffer.alloc(png.width * png.height);
    let fits = true;
    for (let i = 0, p = 0; i < data.length; i += 4, p++) {
      const rgb = (round(data[i]!) << 16) | (round(data[i + 1]!) << 8) | round(data[i + 2]!);
      let index = palette.get(rgb);
      if (index === undefined) {
        if (palette.size === 256) {
          fits = false;
          break;
        }
        index = palette.size;
        palette.set(rgb, index);
      }
      indices[p] = index;
    }
    if (fits) return indexedPng(png.width, png.height, [...palette.keys()], indices);
  }
  return encodePng(png);
}

function isOpaque(png: PNG): boolean {
  for (let i = 3; i < png.data.length; i += 4) if (png.data[i] !== 255) return false;
  return true;
}

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function pngChunk(type: string, body: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  let crc = -1;
  for (const byte of typed) crc = CRC_TABLE[(crc ^ byte) & 255]! ^ (crc >>> 8);
  const out = Buffer.alloc(typed.length + 8);
  out.writeUInt32BE(body.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE((crc ^ -1) >>> 0, typed.length + 4);
  return out;
}

/** An 8-bit indexed PNG (pngjs reads these but does not write them); rows unfiltered, which suits palettes. */
function indexedPng(width: number, height: number, palette: number[], indices: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per index
  header[9] = 3; // indexed colour
  const colours = Buffer.alloc(palette.length * 3);
  palette.forEach((rgb, i) => colours.writeUIntBE(rgb, i * 3, 3));
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) indices.copy(rows, y * (width + 1) + 1, y * width, (y + 1) * width);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('PLTE', colours),
    pngChunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const rel = (file: string) => path.relative(REPO_ROOT, file);

/**
 * Compares `actual` with `test/e2e/screenshots/<name>.png` (`name` may hold folders), or writes it
 * there when updating.
 */
export function matchesBaseline(actual: PNG, name: string, tolerance: ColourTolerance = {}): Comparison {
  const baselinePath = path.join(SCREENSHOT_DIR, `${name}.png`);
  const actualPath = path.join(SCREENSHOT_DIR, `${name}.actual.png`);
  const diffPath = path.join(SCREENSHOT_DIR, `${name}.diff.png`);
  mkdirSync(path.dirname(baselinePath), { recursive: true });
  const clean = () => {
    rmSync(actualPath, { force: true });
    rmSync(diffPath, { force: true });
  };

  if (updatingScreenshots()) {
    writeFileSync(baselinePath, encodeBaseline(actual));
    clean();
    return { ok: true, message: `wrote ${rel(baselinePath)}` };
  }
  if (!existsSync(baselinePath)) {
    writeFileSync(actualPath, encodePng(actual));
    rmSync(diffPath, { force: true });
    return {
      ok: false,
      message: `no baseline ${rel(baselinePath)} (this run's picture: ${rel(actualPath)}); run with UPDATE_SCREENSHOTS=1 to make it`,
    };
  }
  const result = comparePictures(actual, PNG.sync.read(readFileSync(baselinePath)), name, tolerance);
  if (result.ok) {
    clean();
    return { ok: true, diffPixels: result.diffPixels, maxDistance: result.maxDistance, message: result.message };
  }
  writeFileSync(actualPath, encodePng(actual));
  if (result.diff) writeFileSync(diffPath, encodeBaseline(result.diff));
  else rmSync(diffPath, { force: true });
  const seeAlso = result.diff ? ` and ${rel(diffPath)}` : '';
  return { ok: false, diffPixels: result.diffPixels, message: `${result.message} (see ${rel(actualPath)}${seeAlso})` };
}

/**
 * When updating: deletes the baselines under `test/e2e/screenshots/<folder>/` that this run did
 * not write (states or strips that are gone), and every leftover `.actual.png` and `.diff.png`.
 * Answers the deleted files.
 */
export function removeStaleBaselines(folder: string, written: ReadonlySet<string>): string[] {
  const root = path.join(SCREENSHOT_DIR, folder);
  if (!updatingScreenshots() || !existsSync(root)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.png')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const name = path
      .relative(SCREENSHOT_DIR, file)
      .replace(/\.png$/, '')
      .split(path.sep)
      .join('/');
    if (written.has(name)) continue;
    rmSync(file);
    removed.push(rel(file));
  }
  // Folders of strips that are no longer pictured.
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const folder = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory() && readdirSync(folder).length === 0) rmSync(folder, { recursive: true });
  }
  return removed;
}
