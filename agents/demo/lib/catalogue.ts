// The product catalogue every demo process agrees on: SKU-0001 .. SKU-0200.
export const SKU_COUNT = 200;

export function skuName(i: number): string {
  return `SKU-${String(i).padStart(4, '0')}`;
}
