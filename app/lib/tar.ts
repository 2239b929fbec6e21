/**
 * A minimal POSIX ustar writer: regular files only, names up to 100 bytes. Enough for
 * the data export (a handful of flat files), with no dependency: gzip comes from
 * node:zlib, and every `tar` and archive tool reads the result. Pure.
 */
const BLOCK = 512;

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, "ascii");
}

/** Octal, zero-padded to `length - 1` digits and NUL-terminated, as ustar wants. */
const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, "0")}\0`;

/** One file: its 512-byte header, its bytes, and the padding to a whole block. */
export function tarEntry(name: string, content: Buffer, mtime: Date): Buffer {
  const nameBytes = Buffer.byteLength(name, "utf8");
  const unsafe = !/^[A-Za-z0-9._/-]+$/.test(name) || name.split("/").some((part) => part === "" || part === "..");
  if (nameBytes === 0 || nameBytes > 100 || unsafe) throw new Error(`tar: unsupported file name ${JSON.stringify(name)}`);
  if (content.length > 0o77777777777) throw new Error("tar: file too large for a ustar header");
  const header = Buffer.alloc(BLOCK);
  field(header, 0, 100, name);
  field(header, 100, 8, octal(0o644, 8));
  field(header, 108, 8, octal(0, 8));
  field(header, 116, 8, octal(0, 8));
  field(header, 124, 12, octal(content.length, 12));
  field(header, 136, 12, octal(Math.floor(mtime.getTime() / 1000), 12));
  field(header, 148, 8, "        ");
  field(header, 156, 1, "0");
  field(header, 257, 6, "ustar\0");
  field(header, 263, 2, "00");
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding]);
}

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2);
