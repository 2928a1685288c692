/**
 * FNV-1a 32-bit, as Go's hash/fnv New32a. Portainer's poll ETag is this hash of the exact
 * response bytes, formatted as lowercase hex without zero padding (strconv.FormatUint(x, 16)).
 */
export function fnv1a32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function etagOf(bytes: Uint8Array): string {
  return fnv1a32(bytes).toString(16);
}
