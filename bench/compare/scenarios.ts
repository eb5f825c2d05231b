/** A load shape run identically against every server. */
export interface Scenario {
  name: string;
  /** One line for people: who sends and receives what. */
  summary: string;
  /** Bots publishing VP8 simulcast (q/h/f) + Opus. */
  publishers: number;
  /** Publishers also receive every other publisher (a meeting); false for a webinar. */
  publishersReceive: boolean;
  /** Receive-only bots (a webinar's audience). */
  listeners: number;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'meeting-10',
    summary: '10 bots, each publishing simulcast video + audio and receiving the 9 others (low layer + audio)',
    publishers: 10,
    publishersReceive: true,
    listeners: 0,
  },
  {
    name: 'webinar-50',
    summary: '1 bot publishing simulcast video + audio, 50 receive-only bots (low layer + audio)',
    publishers: 1,
    publishersReceive: false,
    listeners: 50,
  },
];

/** Streams all receiving bots together should get, per kind (one audio + one video per source). */
export function expectedStreams(scenario: Scenario): number {
  const perPublisherReceivers = (scenario.publishersReceive ? scenario.publishers - 1 : 0) + scenario.listeners;
  return scenario.publishers * perPublisherReceivers;
}
