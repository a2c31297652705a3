// Trace and span id rules shared by both wire formats.
// OTLP: trace ids are 16 bytes and span ids 8 bytes; all-zero ids are invalid (W3C Trace Context).

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function bytesToHex(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX[bytes[i]!];
  return out;
}

/** Returns the reason the id is unusable, or undefined when it is a valid id of `bytes` length. */
export function invalidIdReason(id: string, bytes: number, field: string): string | undefined {
  if (id.length !== bytes * 2) return `${field} must be ${bytes} bytes (${bytes * 2} hex characters), got ${id.length / 2}`;
  let allZero = true;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const isHex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102); // 0-9, a-f
    if (!isHex) return `${field} is not lower-case hex`;
    if (c !== 48) allZero = false;
  }
  if (allZero) return `${field} is all zeros, which OTLP reserves as invalid`;
  return undefined;
}
