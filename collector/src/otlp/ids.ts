// Trace and span id rules shared by both wire formats.
// OTLP: trace ids are 16 bytes and span ids 8 bytes; all-zero ids are invalid (W3C Trace Context).

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

const ZERO_IDS: Record<number, string> = { 16: '0'.repeat(16), 32: '0'.repeat(32) };

/**
 * invalidIdReason for ids a hex encoder made from bytes (protobuf): they are lower-case hex by
 * construction, so only the length and the all-zero rule are checked (same reasons, same words).
 */
export function invalidHexIdReason(id: string, bytes: number, field: string): string | undefined {
  if (id.length !== bytes * 2) return `${field} must be ${bytes} bytes (${bytes * 2} hex characters), got ${id.length / 2}`;
  if (id === ZERO_IDS[id.length]) return `${field} is all zeros, which OTLP reserves as invalid`;
  return undefined;
}
