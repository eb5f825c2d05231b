/** Joins SDP lines the way browsers write them (CRLF, trailing CRLF). */
export function sdp(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n`;
}
