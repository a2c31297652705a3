import { describe, expect, it } from 'vitest';
import { databaseDisplayName, endpointFromUrl } from './component-identity.ts';

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

/** What the WHATWG URL parser makes of it: the reference the fast path must agree with. */
function byUrlParser(url: string) {
  try {
    const parsed = new URL(url);
    if (!parsed.hostname) return undefined;
    const scheme = parsed.protocol.replace(/:$/, '');
    return { host: parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: parsed.port ? Number(parsed.port) : DEFAULT_PORTS[scheme] };
  } catch {
    return undefined;
  }
}

describe("an endpoint from a span's URL", () => {
  it.each([
    'http://payments:8080/v1/charge?id=7', 'https://api.stripe.com/v1/charges', 'https://API.Stripe.COM:443/x', 'http://localhost:80',
    'http://10.0.0.7:9000', 'http://[::1]:4318/v1/traces', 'https://[2001:db8::1]/', 'grpc://inventory:50051', 'http://user:secret@host.internal:81/p',
    'ws://events.local/socket', 'wss://events.local:8443', 'http://host#frag', 'http://host?q', 'https://bücher.example/x', 'http://host:99999/',
    'http://exa%41mple.com/', 'file:///etc/hosts', 'not a url', 'http://', 'HTTP://UPPER.example:8080',
  ])('%s reads as the URL parser reads it', (url) => {
    expect(endpointFromUrl(url)).toEqual(byUrlParser(url));
  });
});

describe("a database's short name on the map", () => {
  it.each([
    ['postgresql://orders-db.internal/orders', 'orders @ orders-db.internal'],
    ['redis://cache-1', 'redis cache-1'],
    ['mysql://(customer)/shop', 'shop mysql (customer)'],
    ['sqlite:///inventory', 'inventory (sqlite)'],
    ['not a database name', 'not a database name'],
  ])('%s reads %s', (name, shown) => {
    expect(databaseDisplayName(name)).toBe(shown);
  });
});
