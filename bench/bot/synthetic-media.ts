/**
 * Pre-made media for load bots: RTP payloads shaped like VP8 and Opus, without any encoding.
 * VP8 payloads carry a real payload descriptor (RFC 7741, 15-bit picture id) and a real frame tag
 * (key frames with the 0x9d012a start code and the layer's size, 1280x720 by default), so the
 * SFU's key-frame detection and layer sizing and the receivers' parsers see what a browser would
 * send; the rest of each frame is filler (whose last 8 bytes the benchmark uses for a send time).
 */

export interface VideoFrameSpec {
  keyFrame: boolean;
  pictureId: number;
  /** Bytes of VP8 data in the frame (split over packets by the caller). */
  size: number;
  /** Frame size written into key frames; 1280x720 when not given. */
  width?: number;
  height?: number;
}

const MAX_VP8_CHUNK = 1100;

/** One VP8 frame's bytes: a real frame tag (and key-frame header), then filler. */
export function vp8Frame(frame: VideoFrameSpec): Buffer {
  // At least 32 bytes: every packet keeps room for the send-time stamp after its descriptor.
  const data = Buffer.alloc(Math.max(frame.size, 32), 0x5a);
  // Frame tag: bit 0 = P (0 on key frames), version 0, show_frame 1.
  data[0] = frame.keyFrame ? 0x10 : 0x11;
  if (frame.keyFrame) {
    data[3] = 0x9d;
    data[4] = 0x01;
    data[5] = 0x2a;
    data.writeUInt16LE(frame.width ?? 1280, 6);
    data.writeUInt16LE(frame.height ?? 720, 8);
  }
  return data;
}

/** Splits a VP8 frame evenly into RTP payloads, each with a payload descriptor (RFC 7741). */
export function packetizeVp8(data: Buffer, pictureId: number): Buffer[] {
  const payloads: Buffer[] = [];
  const count = Math.ceil(data.length / MAX_VP8_CHUNK);
  for (let i = 0; i < count; i++) {
    const from = Math.ceil((data.length * i) / count);
    const to = Math.ceil((data.length * (i + 1)) / count);
    const payload = Buffer.alloc(4 + to - from);
    payload[0] = 0x80 | (i === 0 ? 0x10 : 0); // X, S (start of partition 0), PID 0
    payload[1] = 0x80; // I: picture id present
    payload.writeUInt16BE(0x8000 | (pictureId & 0x7fff), 2); // M bit: 15-bit picture id
    data.copy(payload, 4, from, to);
    payloads.push(payload);
  }
  return payloads;
}

/** Payloads (descriptor + data) of one VP8 frame, one per RTP packet. */
export function vp8FramePayloads(frame: VideoFrameSpec): Buffer[] {
  return packetizeVp8(vp8Frame(frame), frame.pictureId);
}

/** A 20 ms Opus packet's worth of bytes (TOC byte for SILK/CELT 20 ms, then filler). */
export function opusPayload(size = 80): Buffer {
  const payload = Buffer.alloc(size, 0x33);
  payload[0] = 0xfc; // config 31 (CELT FB 20 ms), stereo 0, code 0
  return payload;
}
