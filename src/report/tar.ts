/**
 * A minimal POSIX ustar writer (IEEE Std 1003.1-2001 "pax" format's ustar header) for support bundles, gzipped
 * with node:zlib. Regular files and directories only; names up to 255 bytes (split into prefix + name).
 */
import { gzipSync } from "node:zlib";

/** One file or directory of a tar archive (POSIX ustar). */
export interface TarEntry {
  /** Relative path inside the archive, `/`-separated; a trailing `/` makes a directory. */
  path: string;
  /** File content (ignored for directories). */
  content?: Uint8Array;
  /** Permission bits; default 0o644 for files, 0o755 for directories. */
  mode?: number;
  /** Modification time, ms since epoch. */
  mtime: number;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  // width-1 octal digits, NUL-terminated.
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

function splitName(path: string): { name: string; prefix: string } {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return { name: path, prefix: "" };
  // Split at a "/" so that name ≤ 100 and prefix ≤ 155 bytes.
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== "/") continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { name, prefix };
  }
  throw new Error(`tar: path too long for ustar: ${path}`);
}

function header(e: TarEntry): Buffer {
  const dir = e.path.endsWith("/");
  const size = dir ? 0 : (e.content?.length ?? 0);
  const h = Buffer.alloc(BLOCK, 0);
  const { name, prefix } = splitName(e.path);
  h.write(name, 0, 100, "utf8");
  h.write(octal(e.mode ?? (dir ? 0o755 : 0o644), 8), 100, 8, "ascii");
  h.write(octal(0, 8), 108, 8, "ascii"); // uid
  h.write(octal(0, 8), 116, 8, "ascii"); // gid
  h.write(octal(size, 12), 124, 12, "ascii");
  h.write(octal(Math.floor(e.mtime / 1000), 12), 136, 12, "ascii");
  h.write("        ", 148, 8, "ascii"); // checksum placeholder: 8 spaces
  h.write(dir ? "5" : "0", 156, 1, "ascii");
  h.write("ustar\0", 257, 6, "ascii");
  h.write("00", 263, 2, "ascii");
  h.write("root", 265, 32, "ascii");
  h.write("root", 297, 32, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return h;
}

/**
 * The uncompressed ustar archive of `entries`, in order, in 512-byte blocks, ending with two zero blocks.
 * @throws Error when a path does not fit ustar (over 255 bytes, or no `/` to split it at 100 / 155 bytes).
 */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (!e.path.endsWith("/") && e.content && e.content.length) {
      parts.push(Buffer.from(e.content));
      const pad = (BLOCK - (e.content.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** `tar` + gzip (level 9, RFC 1952): the bytes of a `.tar.gz`. @throws Error as {@link tar}. */
export function tarGz(entries: TarEntry[]): Buffer {
  return gzipSync(tar(entries), { level: 9 });
}
