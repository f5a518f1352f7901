/**
 * Streaming capture reading: detects pcap vs pcapng by magic and drives the matching parser through a fixed-size
 * chunk, so memory stays constant in the file size. A block larger than the chunk grows the chunk once.
 */
import { open } from "node:fs/promises";
import { MtlsDoctorError } from "../errors.js";
import { fileError } from "../files.js";
import { isPcapMagic, PcapParser } from "./pcap.js";
import { isPcapngMagic, PcapngParser } from "./pcapng.js";
import type { CaptureSink, CaptureSummary } from "./packet.js";

/** Default read size: large reads keep syscalls rare; 4 MiB fits comfortably in L2/L3-friendly streaming. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** Options of {@link readCaptureFile}: read size and progress reporting. */
export interface ReadCaptureOptions {
  /** Read size in bytes (default 4 MiB). */
  chunkBytes?: number;
  /** Called after each chunk with bytes consumed so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

type Parser = PcapParser | PcapngParser;

function makeParser(head: Uint8Array, name: string, sink: CaptureSink): { parser: Parser; format: "pcap" | "pcapng" } {
  if (isPcapngMagic(head)) return { parser: new PcapngParser(sink, name), format: "pcapng" };
  if (isPcapMagic(head)) return { parser: new PcapParser(sink, name), format: "pcap" };
  throw new MtlsDoctorError(
    "MTLSD_ERR_NOT_A_CAPTURE",
    `${name}: not a packet capture (expected a pcap or pcapng file; record one with "tcpdump -w file.pcap")`,
  );
}

function summary(parser: Parser, format: "pcap" | "pcapng", bytes: number, truncated: boolean): CaptureSummary {
  const linkTypes = parser instanceof PcapParser ? [parser.linkType] : [...parser.linkTypes];
  return { format, packets: parser.packets, bytes, truncated, linkTypes };
}

function truncationWarning(name: string, parser: Parser, left: number): string {
  return `${name}: the file ends inside packet ${parser.packets + 1} (${left} bytes of it are present); analysed the ${parser.packets} complete packets before it`;
}

/**
 * Reads a capture file from disk, calling `sink` for every packet, key log and warning.
 * @throws MtlsDoctorError MTLSD_ERR_FILE_NOT_FOUND / MTLSD_ERR_IS_DIRECTORY / MTLSD_ERR_FILE_UNREADABLE /
 *   MTLSD_ERR_EMPTY_FILE / MTLSD_ERR_NOT_A_CAPTURE / MTLSD_ERR_BAD_CAPTURE. A truncated last packet is not an
 *   error: it is reported through `sink.onWarning` and `truncated: true`.
 */
export async function readCaptureFile(file: string, sink: CaptureSink, opts: ReadCaptureOptions = {}): Promise<CaptureSummary> {
  let fh;
  try {
    fh = await open(file, "r");
  } catch (e) {
    throw fileError(file, e, "capture file");
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new MtlsDoctorError("MTLSD_ERR_IS_DIRECTORY", `${file}: is a directory, not a capture file`);
    const total = st.size;
    if (total === 0) throw new MtlsDoctorError("MTLSD_ERR_EMPTY_FILE", `${file}: is empty`);
    let buf = Buffer.allocUnsafe(Math.max(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES, 64 * 1024));
    let start = 0; // unconsumed data is buf[start, end)
    let end = 0;
    let pos = 0; // file position of the next read
    let parser: Parser | undefined;
    let format: "pcap" | "pcapng" = "pcap";
    let consumed = 0;
    for (;;) {
      // Make room: move the unconsumed tail to the front.
      if (start > 0) {
        if (end > start) buf.copy(buf, 0, start, end);
        end -= start;
        start = 0;
      }
      if (parser && end > 0) {
        const need = parser.needed(buf, 0, end);
        if (need > buf.length) {
          const bigger = Buffer.allocUnsafe(need + 64 * 1024);
          buf.copy(bigger, 0, 0, end);
          buf = bigger;
        }
      }
      let eof = false;
      // Fill the buffer (one read is usually enough; loop for short reads).
      while (end < buf.length) {
        let got: number;
        try {
          ({ bytesRead: got } = await fh.read(buf, end, buf.length - end, pos));
        } catch (e) {
          throw new MtlsDoctorError("MTLSD_ERR_FILE_UNREADABLE", `${file}: read failed at byte ${pos} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
        if (got === 0) {
          eof = true;
          break;
        }
        end += got;
        pos += got;
      }
      if (!parser) {
        ({ parser, format } = makeParser(buf.subarray(0, Math.min(end, 8)), file, sink));
      }
      const at = parser.feed(buf, start, end);
      consumed += at - start;
      start = at;
      opts.onProgress?.(consumed, total);
      if (eof) {
        const left = end - start;
        const truncated = left > 0;
        if (truncated) {
          if (parser.packets === 0 && consumed === 0) {
            throw new MtlsDoctorError("MTLSD_ERR_BAD_CAPTURE", `${file}: the capture header is incomplete (${left} bytes)`);
          }
          sink.onWarning?.(truncationWarning(file, parser, left));
        }
        return summary(parser, format, consumed, truncated);
      }
    }
  } finally {
    await fh.close();
  }
}

/**
 * Reads a capture held in memory (tests, small inputs). Same semantics as {@link readCaptureFile}.
 * @param name used in messages, e.g. the file name the bytes came from.
 */
export function readCaptureBytes(bytes: Uint8Array, sink: CaptureSink, name = "capture"): CaptureSummary {
  if (bytes.length === 0) throw new MtlsDoctorError("MTLSD_ERR_EMPTY_FILE", `${name}: is empty`);
  const { parser, format } = makeParser(bytes.subarray(0, 8), name, sink);
  const at = parser.feed(bytes, 0, bytes.length);
  const left = bytes.length - at;
  if (left > 0) {
    if (at === 0) throw new MtlsDoctorError("MTLSD_ERR_BAD_CAPTURE", `${name}: the capture header is incomplete (${left} bytes)`);
    sink.onWarning?.(truncationWarning(name, parser, left));
  }
  return summary(parser, format, at, left > 0);
}
