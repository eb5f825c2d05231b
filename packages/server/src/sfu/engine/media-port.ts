import { createSocket } from 'node:dgram';

/**
 * Fails early, with a message a person can act on, when the media port cannot be bound: the
 * engine would only find out at the first join, and then every join would fail.
 */
export async function checkMediaPort(port: number): Promise<void> {
  const socket = createSocket({ type: 'udp4', reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      const why = error.code === 'EADDRINUSE' ? 'is in use by another program' : `cannot be used (${error.code})`;
      reject(new Error(`UDP port ${port} for media ${why}; choose another with --media-port`));
    });
    socket.bind(port, () => socket.close(() => resolve()));
  });
}
