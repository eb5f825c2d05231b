import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { fitGrid } from './tile-layout.ts';

export interface TileEntry {
  key: string;
  node: ComponentChildren;
}

/** Space between tiles and around them, in CSS pixels (matches styles.css). */
const GAP = 8;

/** An element's content box, kept current (the element comes from a callback ref). */
function useBoxSize(element: HTMLElement | null): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    if (!element) return;
    const measure = () => {
      const style = getComputedStyle(element);
      const padX = Number.parseFloat(style.paddingLeft) + Number.parseFloat(style.paddingRight);
      const padY = Number.parseFloat(style.paddingTop) + Number.parseFloat(style.paddingBottom);
      setSize({ width: element.clientWidth - padX, height: element.clientHeight - padY });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return size;
}

/**
 * Where the tiles go. Grid: every tile in the window at the largest 16:9 size that fits (see
 * fitGrid), never below the fold. Speaker: the focused tile as large as the stage allows, the
 * others in a filmstrip that scrolls (tiles out of view get no video: see VideoView).
 */
export function TileArea({
  layout,
  tiles,
  focusKey,
}: {
  layout: 'grid' | 'speaker';
  tiles: TileEntry[];
  focusKey: string | null;
}) {
  const [area, setArea] = useState<HTMLElement | null>(null);
  const [stage, setStage] = useState<HTMLElement | null>(null);
  const areaSize = useBoxSize(area);
  const stageSize = useBoxSize(stage);
  const focus = layout === 'speaker' ? tiles.find((t) => t.key === focusKey) : undefined;
  if (focus) {
    const fit = fitGrid(1, stageSize.width, stageSize.height, 0);
    return (
      <section ref={setArea} class="tile-area speaker-view" aria-label="Participants" data-count={tiles.length}>
        <div ref={setStage} class="stage">
          <div class="cell" style={{ width: `${fit.tileWidth}px`, height: `${fit.tileHeight}px` }}>
            {focus.node}
          </div>
        </div>
        <div class="filmstrip">
          {tiles
            .filter((t) => t !== focus)
            .map((t) => (
              <div class="cell" key={t.key}>
                {t.node}
              </div>
            ))}
        </div>
      </section>
    );
  }
  const fit = fitGrid(tiles.length, areaSize.width, areaSize.height, GAP);
  return (
    <section
      ref={setArea}
      class="tile-area grid"
      aria-label="Participants"
      data-count={tiles.length}
      data-columns={fit.columns}
      style={{ gridTemplateColumns: `repeat(${fit.columns}, ${fit.tileWidth}px)`, gridAutoRows: `${fit.tileHeight}px` }}
    >
      {tiles.map((t) => (
        <div class="cell" key={t.key}>
          {t.node}
        </div>
      ))}
    </section>
  );
}
