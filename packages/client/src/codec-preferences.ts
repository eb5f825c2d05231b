/**
 * Restricts a video transceiver to VP8, where the browser lets us: what the SFU forwards, and
 * what E2EE's clear prefix (the VP8 payload header) is defined for.
 */
export function preferVp8(transceiver: RTCRtpTransceiver): void {
  const capabilities = RTCRtpSender.getCapabilities?.('video');
  if (!capabilities || !transceiver.setCodecPreferences) return;
  const vp8 = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
  if (vp8.length) transceiver.setCodecPreferences(vp8);
}
