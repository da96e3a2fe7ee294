import { deflateRawSync } from 'node:zlib';

/**
 * The size of a zip archive holding `files` (each deflated at level 9, as the packager's archiver does, or stored
 * when that is smaller): what Lambda downloads for a bundle and the configuration beside it.
 */
export function zipSize(files: Record<string, Buffer>): number {
  let local = 0;
  let central = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameLength = Buffer.byteLength(name);
    const compressed = deflateRawSync(data, { level: 9 }).length;
    // Local header (30) + name + data; central directory entry (46) + name.
    local += 30 + nameLength + Math.min(compressed, data.length);
    central += 46 + nameLength;
  }
  return local + central + 22;
}
