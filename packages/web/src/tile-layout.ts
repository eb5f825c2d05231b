/** Tiles show video at 16:9 (cameras and most screens). */
export const TILE_ASPECT = 16 / 9;

export interface GridFit {
  columns: number;
  rows: number;
  /** Each tile's box, in CSS pixels. */
  tileWidth: number;
  tileHeight: number;
}

/**
 * The grid that shows `count` tiles of `aspect` as large as possible inside `width`×`height`
 * (with `gap` between tiles): every column count is tried, and the one whose tiles are largest
 * wins (2×2 for four in a 16:9 window, 1×4 in a tall phone). Nothing ever goes below the fold.
 */
export function fitGrid(count: number, width: number, height: number, gap: number, aspect = TILE_ASPECT): GridFit {
  let best: GridFit = { columns: 1, rows: Math.max(1, count), tileWidth: 0, tileHeight: 0 };
  if (count <= 0 || width <= 0 || height <= 0) return best;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    const tileWidth = Math.min(cellWidth, cellHeight * aspect);
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight: tileWidth / aspect };
  }
  return { ...best, tileWidth: Math.floor(best.tileWidth), tileHeight: Math.floor(best.tileHeight) };
}

/**
 * How much of a video `object-fit: cover` would cut off in a box (0 = nothing, 0.44 = a 16:9
 * video in a 9:16 box). Past a sliver, a face may be cut: then the video is letterboxed instead.
 */
export function coverLoss(videoWidth: number, videoHeight: number, boxWidth: number, boxHeight: number): number {
  if (videoWidth <= 0 || videoHeight <= 0 || boxWidth <= 0 || boxHeight <= 0) return 0;
  const video = videoWidth / videoHeight;
  const box = boxWidth / boxHeight;
  return 1 - Math.min(video / box, box / video);
}

/** Cropping up to this share of the picture is a sliver; more, and the video is letterboxed. */
export const MAX_COVER_LOSS = 0.12;
