/** VP8 payload descriptors and key-frame headers (sfu/rtp/vp8.ts), read from every video packet. */
import { isVp8KeyFrame, startsVp8Frame, vp8DescriptorLength, vp8KeyFrameSize } from '../../packages/server/src/sfu/rtp/vp8.ts';
import { holds } from '../property.ts';

export function fuzz(data: Buffer): void {
  const length = vp8DescriptorLength(data);
  holds(length === -1 || (length >= 1 && length <= 6 && length <= data.length), 'the descriptor lies inside the payload');
  const key = isVp8KeyFrame(data);
  holds(!key || startsVp8Frame(data), 'a key frame starts a frame');
  const size = vp8KeyFrameSize(data);
  if (size) holds(key && size.width <= 0x3fff && size.height <= 0x3fff, 'key frame sizes are 14-bit');
}
