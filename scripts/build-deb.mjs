// Builds the Debian package dist/sotto_<version>_<arch>.deb from a built checkout (`npm run build`):
// the bundled server and the web app under /usr/lib/sotto, /usr/bin/sotto, the config file in
// /etc/sotto (a conffile), a hardened systemd unit, a sysctl drop-in for UDP buffers, and the
// maintainer scripts in deploy/debian. The only runtime modules are the WebRTC engine's: the bundle
// holds everything else. Files get the last commit's time, so two builds of a commit are equal.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const { version, description } = JSON.parse(readFileSync('package.json', 'utf8'));
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
const bundle = 'packages/server/build/cli/sotto.mjs';
if (!existsSync(bundle) || !existsSync('packages/web/dist/index.html')) {
  console.error('build-deb: build first (npm run build)');
  process.exit(1);
}

const stage = join(root, 'dist', 'deb-root');
rmSync(stage, { recursive: true, force: true });
const put = (from, to) => {
  mkdirSync(join(stage, to, '..'), { recursive: true });
  cpSync(from, join(stage, to), { recursive: true, dereference: true });
};
const app = 'usr/lib/sotto';
put('packages/server/bin/sotto.mjs', `${app}/packages/server/bin/sotto.mjs`);
put('packages/server/build/cli', `${app}/packages/server/build/cli`);
put('packages/web/dist', `${app}/packages/web/dist`);
// node-datachannel, its prebuilt engine for this platform (from the npm registry), and detect-libc.
put('node_modules/node-datachannel/package.json', `${app}/node_modules/node-datachannel/package.json`);
put('node_modules/node-datachannel/dist', `${app}/node_modules/node-datachannel/dist`);
put('node_modules/node-datachannel/LICENSE', `${app}/node_modules/node-datachannel/LICENSE`);
put('node_modules/detect-libc', `${app}/node_modules/detect-libc`);
for (const platform of readdirSync('node_modules/@node-datachannel')) {
  put(`node_modules/@node-datachannel/${platform}`, `${app}/node_modules/@node-datachannel/${platform}`);
}
mkdirSync(join(stage, 'usr/bin'), { recursive: true });
execFileSync('ln', ['-s', `/${app}/packages/server/bin/sotto.mjs`, join(stage, 'usr/bin/sotto')]);
put('deploy/debian/sotto.service', 'lib/systemd/system/sotto.service');
put('deploy/debian/60-sotto.conf', 'usr/lib/sysctl.d/60-sotto.conf');
put('README.md', 'usr/share/doc/sotto/README.md');
put('deploy/debian/copyright', 'usr/share/doc/sotto/copyright');
mkdirSync(join(stage, 'etc/sotto'), { recursive: true });
execFileSync(process.execPath, [bundle, 'init', join(stage, 'etc/sotto/sotto.conf')], { stdio: 'ignore' });
// The service's state folder, also for `sudo sotto doctor --config /etc/sotto/sotto.conf` by hand.
appendFileSync(
  join(stage, 'etc/sotto/sotto.conf'),
  '\n# Set by the package: the service\'s StateDirectory.\nstate-dir = "/var/lib/sotto"\n',
);

mkdirSync(join(stage, 'DEBIAN'));
const installedKiB = Number(execFileSync('du', ['-sk', '--exclude=DEBIAN', stage], { encoding: 'utf8' }).split('\t')[0]);
writeFileSync(
  join(stage, 'DEBIAN/control'),
  [
    'Package: sotto',
    `Version: ${version}`,
    `Architecture: ${arch}`,
    'Maintainer: Sotto developers <sotto@localhost>',
    'Depends: nodejs (>= 20), adduser',
    'Section: net',
    'Priority: optional',
    `Installed-Size: ${installedKiB}`,
    'Homepage: https://localhost/sotto',
    `Description: ${description}`,
    ' Video meetings with end-to-end encryption, its own SFU and a web app, in one service.',
    '',
  ].join('\n'),
);
writeFileSync(join(stage, 'DEBIAN/conffiles'), '/etc/sotto/sotto.conf\n');
for (const script of ['postinst', 'prerm', 'postrm']) {
  put(`deploy/debian/${script}`, `DEBIAN/${script}`);
  chmodSync(join(stage, 'DEBIAN', script), 0o755);
}

// Reproducible: every file dated like the last commit.
const epoch = Number(
  process.env.SOURCE_DATE_EPOCH ?? execFileSync('git', ['log', '-1', '--format=%ct'], { encoding: 'utf8' }).trim(),
);
const touch = (path) => {
  for (const entry of readdirSync(path)) {
    const full = join(path, entry);
    const stat = lstatSync(full);
    if (stat.isDirectory()) touch(full);
    if (!stat.isSymbolicLink()) utimesSync(full, epoch, epoch);
  }
  utimesSync(path, epoch, epoch);
};
touch(stage);
const output = join(root, 'dist', `sotto_${version}_${arch}.deb`);
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, output], {
  stdio: 'inherit',
  env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
});
rmSync(stage, { recursive: true, force: true });
console.log(output);
