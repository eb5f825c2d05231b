/** A fuzz target with a bug three nested comparisons deep: blind mutation would need ~16 million tries. */
export function fuzz(data: Buffer): void {
  if (data[0] === 0x53) {
    if (data[1] === 0x4f) {
      if (data[2] === 0x54) throw new Error('planted bug reached');
    }
  }
}
