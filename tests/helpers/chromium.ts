/**
 * Test helper: real headless Chromium (Debian package `chromium`; scripts/test-all.sh installs
 * it). A missing browser fails the test with the command that installs it, never a skip. Also
 * reads the PNG screenshots it writes (8-bit RGB/RGBA, not interlaced) into pixels.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";

const run = promisify(execFile);
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];

function browser(): string {
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of (process.env["PATH"] ?? "").split(":")) {
      if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  throw new Error("chromium is not installed: run `apt-get install -y chromium` (scripts/test-all.sh does)");
}

/** The DOM Chromium rendered from a local file (`--dump-dom`). */
export async function dumpDom(file: string): Promise<string> {
  const { stdout } = await run(browser(), [...FLAGS, "--dump-dom", `file://${file}`], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout;
}

/** Renders a local file to a PNG screenshot of the given size. */
export async function screenshot(file: string, png: string, width = 1000, height = 1400): Promise<void> {
  await run(browser(), [...FLAGS, `--screenshot=${png}`, `--window-size=${width},${height}`, `file://${file}`], {
    timeout: 60_000,
  });
}

export interface Pixels {
  readonly width: number;
  readonly height: number;
  /** RGB triples as 0xRRGGBB, row by row. */
  readonly rgb: Uint32Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG file (8-bit RGB or RGBA, not interlaced) into RGB pixels. */
export async function readPng(path: string): Promise<Pixels> {
  const buf = await readFile(path);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error(`${path} is not a PNG`);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, color, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) {
        throw new Error(`unsupported PNG: depth ${depth}, color type ${color}, interlace ${interlace}`);
      }
      channels = color === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels]! : 0;
      const v = raw[src + x]!;
      const pred =
        filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const rgb = new Uint32Array(width * height);
  for (let i = 0; i < rgb.length; i++) {
    const o = i * channels;
    rgb[i] = (out[o]! << 16) | (out[o + 1]! << 8) | out[o + 2]!;
  }
  return { width, height, rgb };
}
