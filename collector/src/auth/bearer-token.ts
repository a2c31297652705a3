// Bearer tokens for an exposed platform (ORRERY_INGEST_TOKEN, ORRERY_API_TOKEN): what OTel
// exporters send with OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>. The presented
// token is compared with the expected one in constant time, as SHA-256 digests of both (equal
// lengths whatever was sent, so neither the token's length nor its prefix leaks through timing).
// Neither token is ever logged: refusals say only that the token was missing or wrong.
import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenVerdict = 'ok' | 'missing' | 'wrong';

export interface BearerCheck {
  /** Judges an Authorization header value (HTTP) or `authorization` metadata value (gRPC). */
  check(authorization: string | undefined): TokenVerdict;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function bearerCheck(token: string): BearerCheck {
  const expected = digest(token);
  return {
    check(authorization) {
      if (authorization === undefined) return 'missing';
      // RFC 6750: the scheme is case-insensitive, separated from the token by spaces.
      const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) return authorization.trim() === '' ? 'missing' : 'wrong';
      return timingSafeEqual(digest(match[1]!), expected) ? 'ok' : 'wrong';
    },
  };
}

/** The refusal's wording: says what to send, never what was sent or expected. */
export function refusalMessage(verdict: Exclude<TokenVerdict, 'ok'>, variable: 'ORRERY_INGEST_TOKEN' | 'ORRERY_API_TOKEN'): string {
  return verdict === 'missing'
    ? `no bearer token: send "Authorization: Bearer <token>" with the token this platform was started with (${variable})`
    : `wrong bearer token: send "Authorization: Bearer <token>" with the token this platform was started with (${variable})`;
}

/**
 * Whether a listen address only accepts connections from this machine: 127.0.0.0/8, ::1
 * (also as ::ffff:127.x.y.z) and localhost. Anything else (0.0.0.0, ::, a LAN address, a name)
 * exposes the platform, and then tokens are required.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  const octets = v4.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}
