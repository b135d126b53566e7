/** Decoding chart PNGs and looking at their pixels, for the chart tests. */
import { PNG } from 'pngjs';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row by row. */
  data: Buffer;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function decode(png: Buffer): Image {
  const image = PNG.sync.read(png);
  return { width: image.width, height: image.height, data: image.data };
}

function pixel(image: Image, x: number, y: number): [number, number, number, number] {
  const i = (y * image.width + x) * 4;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!, image.data[i + 3]!];
}

/** Opaque pixels darker than mid grey inside a box: text strokes, not the white background. */
export function darkPixels(image: Image, box: Box): number {
  let n = 0;
  for (let y = box.top; y < box.bottom; y++) {
    for (let x = box.left; x < box.right; x++) {
      const [r, g, b, a] = pixel(image, x, y);
      if (a > 200 && r + g + b < 3 * 128) n++;
    }
  }
  return n;
}

/** The smallest box holding every pixel that differs between two images of the same size, or null. */
export function differenceBox(a: Image, b: Image): Box | null {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size');
  let box: Box | null = null;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 4;
      if (a.data.readUInt32BE(i) === b.data.readUInt32BE(i)) continue;
      box = box
        ? { left: Math.min(box.left, x), top: Math.min(box.top, y), right: Math.max(box.right, x + 1), bottom: Math.max(box.bottom, y + 1) }
        : { left: x, top: y, right: x + 1, bottom: y + 1 };
    }
  }
  return box;
}

export function isWhite(image: Image, x: number, y: number): boolean {
  const [r, g, b, a] = pixel(image, x, y);
  return r === 255 && g === 255 && b === 255 && a === 255;
}
