import type { DeviceLists } from '@sotto/client';
import { listDevices } from '@sotto/client';
import { createContext } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** The audio output chosen for the meeting (undefined: the browser's default); AudioPlayer follows it. */
export const AudioOutput = createContext<string | undefined>(undefined);

interface Props {
  microphone: string | undefined;
  camera: string | undefined;
  speaker: string | undefined;
  onMicrophone: (deviceId: string) => void;
  onCamera: (deviceId: string) => void;
  onSpeaker: (deviceId: string) => void;
  onClose: () => void;
}

/** Microphone, camera and speaker during the meeting. The list follows devices plugged in or out. */
export function DevicesDialog({ microphone, camera, speaker, onMicrophone, onCamera, onSpeaker, onClose }: Props) {
  const [devices, setDevices] = useState<DeviceLists>({ microphones: [], cameras: [], speakers: [] });
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    const refresh = () => listDevices().then(setDevices, () => {});
    refresh();
    first.current?.focus();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => navigator.mediaDevices?.removeEventListener('devicechange', refresh);
  }, []);
  const picker = (
    label: string,
    list: MediaDeviceInfo[],
    value: string | undefined,
    onChange: (id: string) => void,
    ref?: typeof first,
  ) => (
    <label>
      {label}
      <select ref={ref} value={value ?? list[0]?.deviceId ?? ''} onChange={(e) => onChange(e.currentTarget.value)}>
        {list.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div
      class="devices-dialog"
      role="dialog"
      aria-label="Devices"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <h2>Devices</h2>
      {picker('Microphone', devices.microphones, microphone, onMicrophone, first)}
      {picker('Camera', devices.cameras, camera, onCamera)}
      {devices.speakers.length > 0 ? (
        picker('Speaker', devices.speakers, speaker, onSpeaker)
      ) : (
        <p class="hint">This browser plays sound on its default output only.</p>
      )}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
