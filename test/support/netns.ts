import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './browser.ts';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/**
 * A test host: a network namespace joined to this machine by a veth pair, so traffic between the
 * server (on the host side) and a browser inside really crosses a link we can shape with `tc`.
 * Needs root (CI and the dev machines run as root). Only these two addresses are ever used.
 */
export class TestHost {
  readonly name: string;
  readonly hostAddress: string;
  readonly guestAddress: string;
  readonly #hostLink: string;
  readonly #wrapperDir: string;

  constructor() {
    const id = Math.floor(Math.random() * 200) + 20;
    this.name = `sotto-test-${process.pid}-${id}`;
    this.#hostLink = `vsh${id}${process.pid % 1000}`;
    const guestLink = `vsg${id}${process.pid % 1000}`;
    this.hostAddress = `10.213.${id}.1`;
    this.guestAddress = `10.213.${id}.2`;
    ip('netns', 'add', this.name);
    ip('link', 'add', this.#hostLink, 'type', 'veth', 'peer', 'name', guestLink);
    ip('link', 'set', guestLink, 'netns', this.name);
    ip('addr', 'add', `${this.hostAddress}/30`, 'dev', this.#hostLink);
    ip('link', 'set', this.#hostLink, 'up');
    ip('netns', 'exec', this.name, 'ip', 'addr', 'add', `${this.guestAddress}/30`, 'dev', guestLink);
    ip('netns', 'exec', this.name, 'ip', 'link', 'set', guestLink, 'up');
    ip('netns', 'exec', this.name, 'ip', 'link', 'set', 'lo', 'up');
    // A Chromium that lives inside the namespace (Playwright talks to it over a pipe).
    this.#wrapperDir = mkdtempSync(join(tmpdir(), 'sotto-netns-'));
    writeFileSync(this.chromiumPath, `#!/bin/sh\nexec ip netns exec ${this.name} ${CHROMIUM_PATH} "$@"\n`);
    chmodSync(this.chromiumPath, 0o755);
  }

  get chromiumPath(): string {
    return join(this.#wrapperDir, 'chromium-in-netns');
  }

  /** Limits what the host sends to the guest (the server's downlink to the browser). */
  limitDownlink(rate: string): void {
    execFileSync('tc', [
      'qdisc',
      'replace',
      'dev',
      this.#hostLink,
      'root',
      'tbf',
      'rate',
      rate,
      'burst',
      '32kbit',
      'latency',
      '100ms',
    ]);
  }

  /**
   * Drops `percent` of the UDP packets (or of all packets: `'all'`) in each direction of the
   * guest's link (nftables' random numbers inside the namespace: netem is not available on these
   * machines). 0 lifts it.
   */
  setLoss(percent: number, traffic: 'udp' | 'all' = 'udp'): void {
    const nft = (...args: string[]) => execFileSync('ip', ['netns', 'exec', this.name, 'nft', ...args], { stdio: 'pipe' });
    try {
      nft('delete', 'table', 'inet', 'sotto_loss');
    } catch {
      // none yet
    }
    if (percent <= 0) return;
    nft('add', 'table', 'inet', 'sotto_loss');
    // nftables compares with < on 0–99: 100% is an unconditional drop.
    const sample = percent >= 100 ? [] : ['numgen', 'random', 'mod', '100', '<', String(percent)];
    for (const hook of ['input', 'output']) {
      nft('add', 'chain', 'inet', 'sotto_loss', hook, `{ type filter hook ${hook} priority 0; }`);
      nft('add', 'rule', 'inet', 'sotto_loss', hook, ...(traffic === 'udp' ? ['meta', 'l4proto', 'udp'] : []), ...sample, 'drop');
    }
  }

  /** Drops every UDP packet to or from `port` on the far side (a firewall that blocks one UDP port). */
  blockUdpPort(port: number): void {
    const nft = (...args: string[]) => execFileSync('ip', ['netns', 'exec', this.name, 'nft', ...args], { stdio: 'pipe' });
    nft('add', 'table', 'inet', 'sotto_block');
    nft('add', 'chain', 'inet', 'sotto_block', 'output', '{ type filter hook output priority 0; }');
    nft('add', 'rule', 'inet', 'sotto_block', 'output', 'udp', 'dport', String(port), 'drop');
    nft('add', 'chain', 'inet', 'sotto_block', 'input', '{ type filter hook input priority 0; }');
    nft('add', 'rule', 'inet', 'sotto_block', 'input', 'udp', 'sport', String(port), 'drop');
  }

  removeLimit(): void {
    execFileSync('tc', ['qdisc', 'del', 'dev', this.#hostLink, 'root'], { stdio: 'pipe' });
  }

  destroy(): void {
    try {
      ip('netns', 'del', this.name); // takes the veth pair with it
    } catch {
      // already gone
    }
    try {
      ip('link', 'del', this.#hostLink);
    } catch {
      // removed with the namespace
    }
    rmSync(this.#wrapperDir, { recursive: true, force: true });
  }
}
