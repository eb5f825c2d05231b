// Fails early, with the fix, when a machine lacks what the browser tests need.
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`The browser tests need Debian's Chromium at ${chromium}.\nInstall it with: sudo apt-get install -y chromium`);
  process.exit(1);
}

const firefox = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
if (!existsSync(firefox)) {
  console.error(
    `The Firefox test needs Debian's Firefox ESR at ${firefox}.\nInstall it with: sudo apt-get install -y firefox-esr`,
  );
  process.exit(1);
}

const turnserver = ['/usr/bin/turnserver', '/usr/sbin/turnserver'].find((p) => existsSync(p));
if (!turnserver) {
  console.error(
    'The TURN tests need coturn (they start their own on loopback).\nInstall it with: sudo apt-get install -y coturn',
  );
  process.exit(1);
}

const nft = ['/usr/sbin/nft', '/usr/bin/nft'].find((p) => existsSync(p));
if (!nft) {
  console.error(
    'The lossy-link test needs nftables (it drops packets inside a test namespace).\nInstall it with: sudo apt-get install -y nftables',
  );
  process.exit(1);
}
