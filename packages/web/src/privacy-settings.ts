import type { TrackProcessor, VoiceDisguisePreset } from '@sotto/client';
import { backgroundEffect, voiceDisguise } from '@sotto/client';
import { useState } from 'preact/hooks';
import { deviceStorage } from './device-storage.ts';

export type BackgroundChoice = 'none' | 'blur' | 'image';
export type VoiceChoice = 'off' | VoiceDisguisePreset;

/** The privacy effects chosen on this device (kept in this browser's storage, never sent). */
export interface PrivacySettings {
  background: BackgroundChoice;
  /** The chosen background image, as a data URL (scaled down to at most 1280x720). */
  backgroundImage: string | null;
  voice: VoiceChoice;
}

const KEYS = { background: 'sotto.background', backgroundImage: 'sotto.backgroundImage', voice: 'sotto.voice' } as const;
const BACKGROUNDS: readonly BackgroundChoice[] = ['none', 'blur', 'image'];
const VOICES: readonly VoiceChoice[] = ['off', 'light', 'medium', 'strong'];

function load(): PrivacySettings {
  const background = deviceStorage.get(KEYS.background) as BackgroundChoice | null;
  const voice = deviceStorage.get(KEYS.voice) as VoiceChoice | null;
  const backgroundImage = deviceStorage.get(KEYS.backgroundImage);
  return {
    background:
      background && BACKGROUNDS.includes(background) && (background !== 'image' || backgroundImage) ? background : 'none',
    backgroundImage,
    voice: voice && VOICES.includes(voice) ? voice : 'off',
  };
}

/** The settings, and a setter that remembers them on this device. */
export function usePrivacySettings(): [PrivacySettings, (change: Partial<PrivacySettings>) => void] {
  const [settings, setSettings] = useState(load);
  const change = (update: Partial<PrivacySettings>) => {
    const next = { ...settings, ...update };
    deviceStorage.set(KEYS.background, next.background);
    deviceStorage.set(KEYS.voice, next.voice);
    deviceStorage.set(KEYS.backgroundImage, next.backgroundImage);
    setSettings(next);
  };
  return [settings, change];
}

/** The camera's effect for these settings (null: none). */
export async function cameraProcessor(settings: PrivacySettings): Promise<TrackProcessor | null> {
  if (settings.background === 'blur') return backgroundEffect({ kind: 'blur' });
  if (settings.background === 'image' && settings.backgroundImage) {
    return backgroundEffect({ kind: 'image', image: await decodeImage(settings.backgroundImage) });
  }
  return null;
}

/** The microphone's effect for these settings (null: none). */
export function microphoneProcessor(settings: PrivacySettings): TrackProcessor | null {
  return settings.voice === 'off' ? null : voiceDisguise(settings.voice);
}

/** An image file the person picked, scaled down to fit 1280x720, as a JPEG data URL. */
export async function imageFileToDataUrl(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1280 / bitmap.width, 720 / bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.85);
}

/** Decoded through an <img> (the CSP allows data: images, not data: fetches). */
async function decodeImage(dataUrl: string): Promise<ImageBitmap> {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  return createImageBitmap(image);
}
