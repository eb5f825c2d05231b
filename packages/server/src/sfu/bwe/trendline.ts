/**
 * Delay-based congestion detection after the trendline filter of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02 §5 and libwebrtc's TrendlineEstimator): the slope of the accumulated
 * one-way delay variation between packet groups, compared with an adaptive threshold. A growing
 * queue on the path makes the slope positive: overuse.
 */
export type BandwidthUsage = 'normal' | 'overusing' | 'underusing';

const WINDOW = 20;
const SMOOTHING = 0.9;
const GAIN = 4;
const K_UP = 0.0087;
const K_DOWN = 0.039;
const OVERUSE_TIME_MS = 10;

export class TrendlineFilter {
  #accumulated = 0;
  #smoothed = 0;
  #samples: Array<[number, number]> = [];
  #firstArrival = -1;
  #threshold = 12.5;
  #lastUpdate = -1;
  #overuseStart = -1;
  #previousTrend = 0;
  #count = 0;
  usage: BandwidthUsage = 'normal';

  /**
   * One packet group: `delayVariation` = arrival delta − send delta to the previous group (ms),
   * `arrivalMs` = the group's arrival time.
   */
  update(delayVariation: number, arrivalMs: number): BandwidthUsage {
    if (this.#firstArrival < 0) this.#firstArrival = arrivalMs;
    this.#count++;
    this.#accumulated += delayVariation;
    this.#smoothed = SMOOTHING * this.#smoothed + (1 - SMOOTHING) * this.#accumulated;
    this.#samples.push([arrivalMs - this.#firstArrival, this.#smoothed]);
    if (this.#samples.length > WINDOW) this.#samples.shift();
    if (this.#samples.length < WINDOW) return this.usage;
    const trend = Math.min(this.#count, 60) * slope(this.#samples) * GAIN;
    this.#detect(trend, arrivalMs);
    return this.usage;
  }

  #detect(trend: number, nowMs: number): void {
    if (trend > this.#threshold) {
      if (this.#overuseStart < 0) this.#overuseStart = nowMs;
      if (nowMs - this.#overuseStart >= OVERUSE_TIME_MS && trend >= this.#previousTrend) this.usage = 'overusing';
    } else {
      this.#overuseStart = -1;
      this.usage = trend < -this.#threshold ? 'underusing' : 'normal';
    }
    this.#previousTrend = trend;
    this.#adaptThreshold(trend, nowMs);
  }

  #adaptThreshold(trend: number, nowMs: number): void {
    if (this.#lastUpdate < 0) this.#lastUpdate = nowMs;
    // Far-off outliers (e.g. a route change) must not drag the threshold along.
    if (Math.abs(trend) > this.#threshold + 15) {
      this.#lastUpdate = nowMs;
      return;
    }
    const k = Math.abs(trend) < this.#threshold ? K_DOWN : K_UP;
    const dt = Math.min(nowMs - this.#lastUpdate, 100);
    this.#threshold = Math.min(600, Math.max(6, this.#threshold + k * (Math.abs(trend) - this.#threshold) * dt));
    this.#lastUpdate = nowMs;
  }
}

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<[number, number]>): number {
  let sumX = 0;
  let sumY = 0;
  for (const [x, y] of points) {
    sumX += x;
    sumY += y;
  }
  const meanX = sumX / points.length;
  const meanY = sumY / points.length;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) * (x - meanX);
  }
  return denominator === 0 ? 0 : numerator / denominator;
}
