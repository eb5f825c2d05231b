// What the tests need from Debian, in one place: the check before `npm test` and the installer
// (`npm run test:deps`, also used by CI) both read this list.
import { existsSync } from 'node:fs';

const onPath = (...names) =>
  names.every((name) => ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((dir) => existsSync(`${dir}/${name}`)));

export const PREREQUISITES = [
  {
    pkg: 'chromium',
    why: 'the browser tests drive Debian’s Chromium',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    pkg: 'firefox-esr',
    why: 'the Firefox test drives Debian’s Firefox ESR',
    present: () => existsSync(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'),
  },
  { pkg: 'coturn', why: 'the TURN tests start their own coturn on loopback', present: () => onPath('turnserver') },
  { pkg: 'iproute2', why: 'the network tests build namespaces and shape links (ip, tc)', present: () => onPath('ip', 'tc') },
  {
    pkg: 'pebble',
    why: 'the ACME test asks Debian’s pebble test CA for certificates',
    present: () => onPath('pebble', 'pebble-challtestsrv'),
  },
  { pkg: 'nginx-light', why: 'the reverse-proxy test runs the nginx example', present: () => onPath('nginx') },
  { pkg: 'caddy', why: 'the reverse-proxy test runs the Caddy example', present: () => onPath('caddy') },
  { pkg: 'nftables', why: 'the lossy-link test drops packets inside a test namespace', present: () => onPath('nft') },
];

export const missingPrerequisites = () => PREREQUISITES.filter((p) => !p.present());
