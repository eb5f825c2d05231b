import { PAUSED } from './slot.ts';

export interface AllocationLayer {
  index: number;
  /** Measured incoming bitrate, bit/s; 0 when not known yet. */
  bitrate: number;
  active: boolean;
}

export interface AllocationItem {
  id: string;
  /** Higher first (sourcePriority): they keep quality longest. */
  priority: number;
  layers: readonly AllocationLayer[];
  /** What the receiver's rendered size asks for (chooseLayer), or PAUSED. */
  desired: number;
}

/**
 * How long a source keeps its quality when bandwidth is short, higher first: a shared screen
 * (what everyone looks at), then favoured cameras (the dominant speaker's, pinned ones), then
 * the rest.
 */
export function sourcePriority(source: string, favoured: boolean): number {
  if (source === 'screen') return 2;
  return favoured ? 1 : 0;
}

/** Until a layer's rate is measured, assume what our client asks of each simulcast layer. */
const ASSUMED_BITRATES = [150_000, 500_000, 1_500_000];
/** An upgrade must fit with this much room to spare, so layers do not flap at the edge. */
const UPGRADE_HEADROOM = 1.15;

function cost(layer: AllocationLayer): number {
  return layer.bitrate > 0 ? layer.bitrate : (ASSUMED_BITRATES[layer.index] ?? 1_500_000);
}

/**
 * Fits a receiver's videos into its bandwidth estimate: every video first gets its smallest
 * active layer (in priority order, as long as the budget lasts — the first always gets one),
 * then videos move up toward what they render, highest priority first.
 */
export function allocateLayers(items: readonly AllocationItem[], budgetBps: number): Map<string, number> {
  const result = new Map<string, number>();
  const ordered = [...items].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
  const ladders = new Map<string, AllocationLayer[]>();
  let budget = budgetBps;
  for (const item of ordered) {
    const active = item.layers.filter((l) => l.active);
    const usable = (active.length ? active : item.layers).filter((l) => l.index <= item.desired);
    const ladder = usable.length
      ? usable
      : [...(active.length ? active : item.layers)].sort((a, b) => a.index - b.index).slice(0, 1);
    ladder.sort((a, b) => a.index - b.index);
    const lowest = ladder[0];
    if (item.desired === PAUSED || !lowest) {
      result.set(item.id, PAUSED);
      continue;
    }
    if (cost(lowest) > budget && result.size > 0 && [...result.values()].some((v) => v !== PAUSED)) {
      result.set(item.id, PAUSED);
      continue;
    }
    budget -= cost(lowest);
    result.set(item.id, lowest.index);
    ladders.set(item.id, ladder);
  }
  for (const item of ordered) {
    const ladder = ladders.get(item.id);
    if (!ladder) continue;
    let step = 0;
    while (step + 1 < ladder.length) {
      const current = ladder[step] as AllocationLayer;
      const next = ladder[step + 1] as AllocationLayer;
      const extra = cost(next) - cost(current);
      if (extra * UPGRADE_HEADROOM > budget) break;
      budget -= extra;
      step++;
    }
    result.set(item.id, (ladder[step] as AllocationLayer).index);
  }
  return result;
}
