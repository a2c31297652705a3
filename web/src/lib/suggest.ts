// The names a search field suggests (its <datalist>). A small drawing lists every name, as the map
// always did; a large one only those matching what is typed, at most SUGGESTIONS: 5,000 options in
// the page cost the browser a style and layout pass at every update of the estate. Pure.

/** Up to this many components, every name is suggested before anything is typed. */
export const LIST_ALL_UP_TO = 200;
export const SUGGESTIONS = 30;

export function suggestedNames(components: readonly { name: string }[], typed: string): string[] {
  if (components.length <= LIST_ALL_UP_TO) return components.map((c) => c.name);
  const wanted = typed.trim().toLowerCase();
  if (wanted === '') return [];
  const out: string[] = [];
  for (const c of components) {
    if (!c.name.toLowerCase().includes(wanted)) continue;
    out.push(c.name);
    if (out.length >= SUGGESTIONS) break;
  }
  return out;
}
