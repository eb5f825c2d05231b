/**
 * One monotonic microsecond clock for every bot in this process, written into the last 8 bytes of
 * each synthetic payload at send time and read back at the receivers. SFUs forward payloads
 * untouched, so receive time − send time is the delay through the server (plus both bots' stacks).
 */

export const SEND_STAMP_BYTES = 8;

const origin = process.hrtime.bigint();

/** Microseconds since this process started its clock. */
export function nowMicros(): number {
  return Number((process.hrtime.bigint() - origin) / 1000n);
}

/** Writes the current time into the last 8 bytes of an RTP packet (its payload's tail). */
export function stampSendTime(packet: Buffer): void {
  packet.writeBigUInt64BE(BigInt(nowMicros()), packet.length - SEND_STAMP_BYTES);
}

/** The send time stamped at the end of `payloadEnd` (exclusive end offset of the payload). */
export function readSendTime(packet: Buffer, payloadEnd: number): number {
  return Number(packet.readBigUInt64BE(payloadEnd - SEND_STAMP_BYTES));
}
