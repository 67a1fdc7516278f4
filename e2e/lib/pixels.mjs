// Compares two screenshots pixel by pixel and writes a diff image for humans.
import { writeFileSync } from 'node:fs';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/** Returns the fraction of pixels that match (0..1); writes the diff PNG to `diffPath`. */
export function matchingFraction(pngA, pngB, diffPath) {
  const a = PNG.sync.read(pngA);
  const b = PNG.sync.read(pngB);
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`screenshot sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  const diff = new PNG({ width: a.width, height: a.height });
  const differing = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.1 });
  if (diffPath) writeFileSync(diffPath, PNG.sync.write(diff));
  return 1 - differing / (a.width * a.height);
}
