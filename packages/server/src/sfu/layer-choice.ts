import { PAUSED } from './slot.ts';

export interface LayerInfo {
  index: number;
  /** Frame size from the layer's last key frame; 0 when not known yet. */
  width: number;
  height: number;
  /** The publisher is sending this layer now. */
  active: boolean;
}

/** Size at which a receiver renders a source, in device pixels; 0×0 = not rendered. */
export interface RenderedSize {
  width: number;
  height: number;
}

/** A layer this much smaller than the tile still looks fine (the browser scales it up a little). */
const TOLERANCE = 0.85;

/**
 * The layer a receiver should get: the smallest one that covers the rendered size (tiles crop
 * with object-fit: cover, so both dimensions must be covered), among those the publisher is
 * sending. Not rendered → PAUSED. Nothing known about the receiver yet → the smallest layer.
 * Layers whose size is not known yet are treated as smaller than every known one.
 */
export function chooseLayer(layers: readonly LayerInfo[], rendered: RenderedSize | undefined): number {
  if (rendered && (rendered.width <= 0 || rendered.height <= 0)) return PAUSED;
  const active = layers.filter((l) => l.active);
  const candidates = active.length ? active : layers;
  if (!candidates.length) return PAUSED;
  const smallestFirst = [...candidates].sort((a, b) => a.width * a.height - b.width * b.height || a.index - b.index);
  if (!rendered) return (smallestFirst[0] as LayerInfo).index;
  const covering = smallestFirst.find((l) => l.width >= rendered.width * TOLERANCE && l.height >= rendered.height * TOLERANCE);
  return (covering ?? (smallestFirst[smallestFirst.length - 1] as LayerInfo)).index;
}

/**
 * The layer a receiver would take if the publisher sent every layer, for layer suspension. Unlike
 * `chooseLayer`, when no layer seen so far covers the rendered size the top layer is asked for
 * even if it has not been seen yet (simulcast layers grow with their index): otherwise a top
 * layer that the publisher had not started yet would never be asked for, and stay suspended.
 */
export function demandedLayer(layers: readonly LayerInfo[], rendered: RenderedSize | undefined): number {
  if (rendered && (rendered.width <= 0 || rendered.height <= 0)) return PAUSED;
  const byIndex = [...layers].sort((a, b) => a.index - b.index);
  if (!byIndex.length) return PAUSED;
  if (!rendered) return (byIndex[0] as LayerInfo).index;
  const covering = byIndex.find(
    (l) => l.width > 0 && l.width >= rendered.width * TOLERANCE && l.height >= rendered.height * TOLERANCE,
  );
  return (covering ?? (byIndex[byIndex.length - 1] as LayerInfo)).index;
}
