// A meeting page on the SDK package alone: join a Sotto meeting (end-to-end encrypted), show
// everyone's camera and play their sound. The server must allow this page's origin
// (`sotto start --allowed-origins http://localhost:5173`).
import { Conference, openLocalMedia } from '@sotto/client';

const form = document.querySelector('#join');
const status = document.querySelector('#status');
const people = document.querySelector('#people');
const leave = document.querySelector('#leave');
const query = new URLSearchParams(location.search);
form.server.value = query.get('server') ?? 'http://localhost:8080';
form.room.value = query.get('room') ?? 'hello-sotto';
form.name.value = query.get('name') ?? '';

/** One figure per participant: their name, their camera and (muted element aside) their sound. */
function show(participant) {
  let figure = document.getElementById(`p-${participant.id}`);
  if (!figure) {
    figure = document.createElement('figure');
    figure.id = `p-${participant.id}`;
    figure.innerHTML = '<video autoplay playsinline muted></video><audio autoplay></audio><figcaption></figcaption>';
    people.append(figure);
  }
  figure.querySelector('figcaption').textContent = participant.name;
  const [video, audio] = [figure.querySelector('video'), figure.querySelector('audio')];
  if (participant.cameraTrack && video.srcObject?.getTracks()[0] !== participant.cameraTrack) {
    video.srcObject = new MediaStream([participant.cameraTrack]);
  }
  if (participant.audioTrack && audio.srcObject?.getTracks()[0] !== participant.audioTrack) {
    audio.srcObject = new MediaStream([participant.audioTrack]);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  form.hidden = true;
  status.textContent = 'Joining…';
  const media = await openLocalMedia({ audio: true, video: true }).catch(() => ({ microphone: null, camera: null }));
  const conference = new Conference({ serverUrl: form.server.value, room: form.room.value, displayName: form.name.value });
  window.conference = conference;
  conference.on('participant-joined', show);
  conference.on('participant-updated', show);
  conference.on('participant-left', (p) => document.getElementById(`p-${p.id}`)?.remove());
  conference.on('e2ee', (e2ee) => {
    status.textContent = `Joined. End-to-end encryption: ${e2ee.state}.`;
  });
  conference.on('disconnected', (error) => {
    status.textContent = `The meeting ended: ${error.message}`;
  });
  try {
    await conference.join(media);
    status.textContent = 'Joined.';
    for (const participant of conference.participants.values()) show(participant);
    leave.hidden = false;
    leave.onclick = async () => {
      await conference.leave();
      for (const track of [media.microphone, media.camera]) track?.stop();
      status.textContent = 'You left.';
      leave.hidden = true;
    };
  } catch (error) {
    status.textContent = `Could not join: ${error.message}`;
    form.hidden = false;
  }
});
