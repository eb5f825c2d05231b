interface Mix {
  context: AudioContext;
  destination: MediaStreamAudioDestinationNode;
  inputs: MediaStreamAudioSourceNode[];
}

/**
 * What our audio sender carries: the microphone as it is, or — while a shared screen brings its
 * own sound (a tab's or the system's) — the microphone and that sound mixed into one track, so
 * the others hear both on the one audio path that exists (the bridge's first m-line, or the peer
 * connection's). Mixing happens in this browser, before encryption.
 */
export class AudioMix {
  #mix: Mix | null = null;

  /** Sets the inputs; returns the track to send (one mixed track for as long as the screen's sound lasts). */
  update(microphone: MediaStreamTrack | null, screen: MediaStreamTrack | null): MediaStreamTrack | null {
    if (!screen) {
      this.close();
      return microphone;
    }
    const mix = this.#mix ?? this.#open();
    for (const input of mix.inputs) input.disconnect();
    mix.inputs = [microphone, screen]
      .filter((t): t is MediaStreamTrack => t !== null)
      .map((track) => {
        const input = mix.context.createMediaStreamSource(new MediaStream([track]));
        input.connect(mix.destination);
        return input;
      });
    return mix.destination.stream.getAudioTracks()[0] ?? null;
  }

  close(): void {
    const mix = this.#mix;
    if (!mix) return;
    this.#mix = null;
    for (const input of mix.inputs) input.disconnect();
    for (const track of mix.destination.stream.getTracks()) track.stop();
    mix.context.close().catch(() => {});
  }

  #open(): Mix {
    const context = new AudioContext();
    this.#mix = { context, destination: context.createMediaStreamDestination(), inputs: [] };
    return this.#mix;
  }
}
