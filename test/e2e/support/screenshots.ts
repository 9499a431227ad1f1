/**
 * Screenshot baselines: a PNG taken now, compared with the checked-in one in test/e2e/screenshots/
 * with a tolerance (pngjs decodes; the comparison is ours). A pixel differs when any channel
 * differs by more than `channelTolerance`; the shot fails when more than `maxDiffRatio` of its
 * pixels differ, or its size changed. On failure the shot is written next to the baseline as
 * `<name>.actual.png` with `<name>.diff.png` (differing pixels in red), both git-ignored.
 * `UPDATE_SCREENSHOTS=1` writes the baselines instead.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { REPO_ROOT } from './stack.js';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'screenshots');

export const updatingScreenshots = () => process.env.UPDATE_SCREENSHOTS === '1';

export interface CompareOptions {
  /** Largest difference of one channel (0-255) that still counts as the same pixel. */
  channelTolerance?: number;
  /** Largest share of differing pixels that still passes (0.005: 0.5 %). */
  maxDiffRatio?: number;
}

export interface Comparison {
  ok: boolean;
  /** What happened, for the test's failure message. */
  message: string;
  diffPixels?: number;
  ratio?: number;
}

export interface PixelDiff {
  diffPixels: number;
  /** Red where the images differ, faded grey elsewhere. */
  diff: PNG;
}

/** Counts the pixels of two same-sized RGBA images that differ by more than `tolerance` in a channel. */
export function diffPixels(a: PNG, b: PNG, tolerance: number): PixelDiff {
  const diff = new PNG({ width: a.width, height: a.height });
  let count = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let differs = false;
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a.data[i + c]! - b.data[i + c]!) > tolerance) {
        differs = true;
        break;
      }
    }
    if (differs) {
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
  return { diffPixels: count, diff };
}

/** Compares `actual` (PNG bytes) with `test/e2e/screenshots/<name>.png`, or writes it there when updating. */
export function matchesBaseline(actual: Buffer, name: string, options: CompareOptions = {}): Comparison {
  const { channelTolerance = 16, maxDiffRatio = 0.005 } = options;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const baselinePath = path.join(SCREENSHOT_DIR, `${name}.png`);
  const actualPath = path.join(SCREENSHOT_DIR, `${name}.actual.png`);
  const diffPath = path.join(SCREENSHOT_DIR, `${name}.diff.png`);
  const clean = () => {
    rmSync(actualPath, { force: true });
    rmSync(diffPath, { force: true });
  };
  const rel = (file: string) => path.relative(REPO_ROOT, file);

  if (updatingScreenshots()) {
    writeFileSync(baselinePath, actual);
    clean();
    return { ok: true, message: `wrote ${rel(baselinePath)}` };
  }
  if (!existsSync(baselinePath)) {
    writeFileSync(actualPath, actual);
    return { ok: false, message: `no baseline ${rel(baselinePath)} (this run's shot: ${rel(actualPath)}); run with UPDATE_SCREENSHOTS=1 to make it` };
  }
  const baseline = readFileSync(baselinePath);
  // Chromium encodes the same picture to the same bytes: nothing to decode then.
  if (actual.equals(baseline)) {
    clean();
    return { ok: true, diffPixels: 0, ratio: 0, message: `${name}: identical` };
  }
  const now = PNG.sync.read(actual);
  const then = PNG.sync.read(baseline);
  if (now.width !== then.width || now.height !== then.height) {
    writeFileSync(actualPath, actual);
    rmSync(diffPath, { force: true });
    return {
      ok: false,
      message: `${name}: ${now.width}×${now.height} px, the baseline is ${then.width}×${then.height} px (see ${rel(actualPath)})`,
    };
  }
  const { diffPixels: count, diff } = diffPixels(now, then, channelTolerance);
  const ratio = count / (now.width * now.height);
  if (ratio > maxDiffRatio) {
    writeFileSync(actualPath, actual);
    writeFileSync(diffPath, PNG.sync.write(diff));
    return {
      ok: false,
      diffPixels: count,
      ratio,
      message: `${name}: ${count} pixels (${(ratio * 100).toFixed(2)} %) differ from the baseline, more than ${(maxDiffRatio * 100).toFixed(2)} % (see ${rel(actualPath)} and ${rel(diffPath)})`,
    };
  }
  clean();
  return { ok: true, diffPixels: count, ratio, message: `${name}: ${count} pixels differ (${(ratio * 100).toFixed(3)} %)` };
}
