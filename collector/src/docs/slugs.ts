// Page paths from names. A name that is already a clean slug keeps it (`checkout` -> checkout.md);
// any other gets a readable stem plus a short hash of the exact name, so two names that clean up
// alike (`Orders DB`, `orders-db`, `postgresql://orders-db`) never share a page and a page keeps its
// path from one generation to the next.

const CLEAN = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** FNV-1a 32-bit, as 6 hex digits: stable, dependency-free, collision-free enough for page names. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0').slice(0, 6);
}

export function slug(name: string): string {
  if (CLEAN.test(name)) return name;
  const stem = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return `${stem || 'x'}-${shortHash(name)}`;
}
