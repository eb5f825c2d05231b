/**
 * Our thin wrapper over `ts-mls` (RFC 9420): with mls-crypto-provider.ts (the crypto under it),
 * the only file that imports it, so a major upgrade touches these two. Group states are
 * immutable: a commit we create is applied only once the delivery service has accepted it
 * (`PendingCommit.next`).
 */
import type {
  CiphersuiteImpl,
  ClientConfig,
  ClientState,
  Credential,
  IncomingMessageCallback,
  KeyPackage,
  PrivateKeyPackage,
  Proposal,
  RatchetTree,
} from 'ts-mls';
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetime,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  mlsExporter,
  processPrivateMessage,
} from 'ts-mls';
// RFC 9420 §5.1.3 EncryptWithLabel: HPKE to one member's leaf key, for messages only it may read.
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js';
// Only to learn who sent an application message: processPrivateMessage authenticates the sender
// (the signature is checked against that leaf's key) but does not return it.
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { mlsCryptoProvider } from './mls-crypto-provider.ts';
import { decodeSealed, encodeSealed, sealContext } from './sealed-message.ts';

const CIPHER_SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
const SEALED_LABEL = 'Sotto private message';
const MEMBER_ID = /^[A-Za-z0-9_-]{1,32}$/;
const text = new TextEncoder();
const fromText = new TextDecoder();

let suite: Promise<CiphersuiteImpl> | null = null;
function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHER_SUITE), mlsCryptoProvider);
  return suite;
}

/**
 * Every leaf must carry a basic credential whose identity is a server member id; that the id is
 * the right one is checked where it is known (the committer compares it with the sender).
 */
const clientConfig: ClientConfig = {
  keyRetentionConfig: defaultKeyRetentionConfig,
  lifetimeConfig: defaultLifetimeConfig,
  keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
  paddingConfig: defaultPaddingConfig,
  authService: {
    async validateCredential(credential: Credential): Promise<boolean> {
      return credential.credentialType === 'basic' && MEMBER_ID.test(fromText.decode(credential.identity));
    },
  },
};

export class MlsError extends Error {}

export interface GroupMember {
  leafIndex: number;
  /** The server member id the member joined with. */
  identity: string;
  /** Hex of the leaf's signature public key: the same for a member's whole stay (see SigningKey). */
  signatureKey: string;
}

/**
 * A member's signature key pair, kept for its whole stay in a meeting: a rejoin reuses it, so the
 * others can tell a member coming back from someone else taking its place.
 */
export class SigningKey {
  readonly publicKey: Uint8Array;
  readonly #privateKey: Uint8Array;

  private constructor(publicKey: Uint8Array, privateKey: Uint8Array) {
    this.publicKey = publicKey;
    this.#privateKey = privateKey;
  }

  static async generate(): Promise<SigningKey> {
    const pair = await (await cipherSuite()).signature.keygen();
    return new SigningKey(pair.publicKey, pair.signKey);
  }

  /** For PendingMember only. */
  get pair(): { publicKey: Uint8Array; signKey: Uint8Array } {
    return { publicKey: this.publicKey, signKey: this.#privateKey };
  }
}

/** A key package of ours, waiting for a Welcome (its private half never leaves this object). */
export class PendingMember {
  readonly identity: string;
  readonly encoded: Uint8Array;
  readonly #public: KeyPackage;
  readonly #private: PrivateKeyPackage;

  private constructor(identity: string, publicPackage: KeyPackage, privatePackage: PrivateKeyPackage) {
    this.identity = identity;
    this.#public = publicPackage;
    this.#private = privatePackage;
    this.encoded = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage });
  }

  static async generate(identity: string, signing: SigningKey): Promise<PendingMember> {
    const credential: Credential = { credentialType: 'basic', identity: text.encode(identity) };
    const pair = await generateKeyPackageWithKey(
      credential,
      defaultCapabilities(),
      defaultLifetime,
      [],
      signing.pair,
      await cipherSuite(),
    );
    return new PendingMember(identity, pair.publicPackage, pair.privatePackage);
  }

  async createGroup(): Promise<MlsGroup> {
    const groupId = crypto.getRandomValues(new Uint8Array(16));
    return new MlsGroup(await createGroup(groupId, this.#public, this.#private, [], await cipherSuite(), clientConfig));
  }

  async join(welcome: Uint8Array): Promise<MlsGroup> {
    const message = decodeOne(welcome);
    if (message.wireformat !== 'mls_welcome') throw new MlsError('expected a Welcome');
    const state = await joinGroup(
      message.welcome,
      this.#public,
      this.#private,
      emptyPskIndex,
      await cipherSuite(),
      undefined,
      undefined,
      clientConfig,
    );
    return new MlsGroup(state);
  }
}

export interface PendingCommit {
  commit: Uint8Array;
  welcome: Uint8Array | undefined;
  next: MlsGroup;
}

/** One epoch of our view of the group. */
export class MlsGroup {
  readonly #state: ClientState;

  constructor(state: ClientState) {
    this.#state = state;
  }

  get epoch(): bigint {
    return this.#state.groupContext.epoch;
  }

  get ownLeafIndex(): number {
    return this.#state.privatePath.leafIndex;
  }

  /** Same on every member in an epoch: the input of the short authentication string. */
  get epochAuthenticator(): Uint8Array {
    return this.#state.keySchedule.epochAuthenticator;
  }

  members(): GroupMember[] {
    return membersOf(this.#state.ratchetTree);
  }

  async exportSecret(label: string, length: number): Promise<Uint8Array> {
    return mlsExporter(this.#state.keySchedule.exporterSecret, label, new Uint8Array(0), length, await cipherSuite());
  }

  /**
   * A commit adding `adds` (key packages, each checked to belong to the member id it came from)
   * and removing the members with the given ids. Key packages that fail the check are returned
   * in `refused` instead of being added.
   */
  async commit(
    adds: ReadonlyArray<{ memberId: string; keyPackage: Uint8Array }>,
    removeIds: readonly string[],
  ): Promise<{ pending: PendingCommit | null; added: string[]; refused: string[] }> {
    const proposals: Proposal[] = [];
    const added: string[] = [];
    const refused: string[] = [];
    const removing = new Set(removeIds);
    for (const member of this.members()) {
      if (removing.has(member.identity)) proposals.push({ proposalType: 'remove', remove: { removed: member.leafIndex } });
    }
    for (const add of adds) {
      const keyPackage = keyPackageOf(add.keyPackage, add.memberId);
      if (keyPackage) {
        proposals.push({ proposalType: 'add', add: { keyPackage } });
        added.push(add.memberId);
      } else refused.push(add.memberId);
    }
    if (!proposals.length) return { pending: null, added, refused };
    let result: Awaited<ReturnType<typeof createCommit>>;
    try {
      result = await this.#createCommit(proposals);
    } catch (error) {
      // One invalid key package (bad signature, wrong suite) must not stall the group: find it
      // by trying each add alone, refuse it, and commit the rest.
      const keep: Proposal[] = proposals.filter((p) => p.proposalType === 'remove');
      const kept: string[] = [];
      for (const [i, proposal] of proposals.filter((p) => p.proposalType === 'add').entries()) {
        const ok = await this.#createCommit([proposal]).then(
          () => true,
          () => false,
        );
        if (ok) {
          keep.push(proposal);
          kept.push(added[i] as string);
        } else refused.push(added[i] as string);
      }
      if (kept.length === added.length) throw error;
      added.splice(0, added.length, ...kept);
      if (!keep.length) return { pending: null, added, refused };
      result = await this.#createCommit(keep);
    }
    const welcome = result.welcome
      ? encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome })
      : undefined;
    return {
      pending: { commit: encodeMlsMessage(result.commit), welcome, next: new MlsGroup(result.newState) },
      added,
      refused,
    };
  }

  async #createCommit(proposals: Proposal[]) {
    return createCommit(
      { state: this.#state, cipherSuite: await cipherSuite() },
      { extraProposals: proposals, ratchetTreeExtension: true },
    );
  }

  /**
   * Applies another member's commit: the next epoch. `check` sees what the commit changes (after
   * MLS has validated it, before it is applied) and returns why it must be refused, or null.
   */
  async processCommit(bytes: Uint8Array, check: (change: CommitChange) => string | null = () => null): Promise<MlsGroup> {
    const message = decodeOne(bytes);
    if (message.wireformat !== 'mls_private_message') throw new MlsError('expected a commit');
    const before = this.members();
    let refusal: string | null = null;
    const callback: IncomingMessageCallback = (incoming) => {
      if (incoming.kind !== 'commit') {
        refusal = 'a proposal outside a commit';
        return 'reject';
      }
      refusal = check(
        describeCommit(
          before,
          incoming.senderLeafIndex,
          incoming.proposals.map((p) => p.proposal),
        ),
      );
      return refusal === null ? 'accept' : 'reject';
    };
    const result = await processPrivateMessage(this.#state, message.privateMessage, emptyPskIndex, await cipherSuite(), callback);
    if (refusal !== null) throw new CommitRefused(refusal);
    if (result.kind !== 'newState' || result.actionTaken !== 'accept') throw new MlsError('expected a commit');
    return new MlsGroup(result.newState);
  }

  /** Encrypts application data for the group (chat, reactions): an MLS PrivateMessage. */
  async encrypt(data: Uint8Array): Promise<{ message: Uint8Array; next: MlsGroup }> {
    const result = await createApplicationMessage(this.#state, data, await cipherSuite());
    const message = encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_private_message',
      privateMessage: result.privateMessage,
    });
    return { message, next: new MlsGroup(result.newState) };
  }

  /**
   * Seals `data` so that only the member at leaf `to` can open it: HPKE to that leaf's encryption
   * key, bound to this epoch and to both leaves (so nobody can pass it on as their own). Sent
   * inside an application message, which authenticates the sender; another member who is shown
   * the bytes cannot open them.
   */
  async sealFor(to: number, data: Uint8Array): Promise<Uint8Array> {
    const node = this.#state.ratchetTree[to * 2];
    if (node?.nodeType !== 'leaf') throw new MlsError('no member at that leaf');
    const { hpke } = await cipherSuite();
    const context = sealContext(this.epoch, this.ownLeafIndex, to);
    const { enc, ct } = await encryptWithLabel(
      await hpke.importPublicKey(node.leaf.hpkePublicKey),
      SEALED_LABEL,
      context,
      data,
      hpke,
    );
    return encodeSealed(enc, ct);
  }

  /** Opens what the member at leaf `from` sealed for us in `epoch` (the application message's). */
  async openSealed(from: number, epoch: bigint, sealed: Uint8Array): Promise<Uint8Array> {
    const own = this.#state.privatePath.privateKeys[this.ownLeafIndex * 2];
    const parts = decodeSealed(sealed);
    if (!own || !parts) throw new MlsError('not a sealed message for us');
    const { hpke } = await cipherSuite();
    const context = sealContext(epoch, from, this.ownLeafIndex);
    return decryptWithLabel(await hpke.importPrivateKey(own), SEALED_LABEL, context, parts.enc, parts.ct, hpke);
  }

  /** Decrypts application data; `sender` is the member MLS authenticated it came from. */
  async decrypt(bytes: Uint8Array): Promise<{ data: Uint8Array; sender: GroupMember; epoch: bigint; next: MlsGroup }> {
    const message = decodeOne(bytes);
    if (message.wireformat !== 'mls_private_message') throw new MlsError('expected an application message');
    const pm = message.privateMessage;
    const state = this.#state;
    const epochData =
      pm.epoch === state.groupContext.epoch
        ? { senderDataSecret: state.keySchedule.senderDataSecret, ratchetTree: state.ratchetTree }
        : state.historicalReceiverData.get(pm.epoch);
    if (!epochData) throw new MlsError('an application message of an epoch we do not hold');
    const suite = await cipherSuite();
    const senderData = await decryptSenderData(pm, epochData.senderDataSecret, suite);
    // The same leaf whose signature processPrivateMessage verifies below.
    const sender = membersOf(epochData.ratchetTree).find((m) => m.leafIndex === senderData?.leafIndex);
    if (!sender) throw new MlsError('an application message from no member');
    const result = await processPrivateMessage(state, pm, emptyPskIndex, suite);
    if (result.kind !== 'applicationMessage') throw new MlsError('expected an application message');
    return { data: result.message, sender, epoch: pm.epoch, next: new MlsGroup(result.newState) };
  }
}

/** What a commit does, in member ids: the input of the membership rules (membership-rules.ts). */
export interface CommitChange {
  /** The group before the commit. */
  before: GroupMember[];
  /** Who committed (MLS-authenticated); undefined for a commit from outside the group. */
  committer: GroupMember | undefined;
  added: Array<{ identity: string; signatureKey: string }>;
  removed: GroupMember[];
  /** Proposal types other than add and remove (update, psk, reinit, extensions…). */
  other: string[];
}

export class CommitRefused extends MlsError {}

function describeCommit(before: GroupMember[], senderLeafIndex: number | undefined, proposals: Proposal[]): CommitChange {
  const added: CommitChange['added'] = [];
  const removed: GroupMember[] = [];
  const other: string[] = [];
  for (const proposal of proposals) {
    if (proposal.proposalType === 'add') {
      const leaf = proposal.add.keyPackage.leafNode;
      const identity = leaf.credential.credentialType === 'basic' ? fromText.decode(leaf.credential.identity) : '';
      added.push({ identity, signatureKey: hex(leaf.signaturePublicKey) });
    } else if (proposal.proposalType === 'remove') {
      const member = before.find((m) => m.leafIndex === proposal.remove.removed);
      if (member) removed.push(member);
      else other.push('remove of an empty leaf');
    } else other.push(String(proposal.proposalType));
  }
  return { before, committer: before.find((m) => m.leafIndex === senderLeafIndex), added, removed, other };
}

function membersOf(tree: RatchetTree): GroupMember[] {
  const members: GroupMember[] = [];
  tree.forEach((node, nodeIndex) => {
    if (node?.nodeType !== 'leaf' || node.leaf.credential.credentialType !== 'basic') return;
    members.push({
      leafIndex: nodeIndex / 2,
      identity: fromText.decode(node.leaf.credential.identity),
      signatureKey: hex(node.leaf.signaturePublicKey),
    });
  });
  return members;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The epoch an encoded MLS private message belongs to, without decrypting it. */
export function epochOf(bytes: Uint8Array): bigint | null {
  try {
    const message = decodeOne(bytes);
    return message.wireformat === 'mls_private_message' ? message.privateMessage.epoch : null;
  } catch {
    return null;
  }
}

/** What kind of MLS message some bytes are, or null if they are not one (for audits and tests). */
export function mlsWireFormat(bytes: Uint8Array): string | null {
  try {
    return decodeOne(bytes).wireformat;
  } catch {
    return null;
  }
}

function decodeOne(bytes: Uint8Array) {
  const decoded = decodeMlsMessage(bytes, 0);
  if (!decoded || decoded[1] !== bytes.length) throw new MlsError('not a well-formed MLS message');
  return decoded[0];
}

/** The identity and signature key a key package's leaf would have, or null if it is not one. */
export function keyPackageLeaf(bytes: Uint8Array): { identity: string; signatureKey: string } | null {
  try {
    const message = decodeOne(bytes);
    if (message.wireformat !== 'mls_key_package') return null;
    const leaf = message.keyPackage.leafNode;
    if (leaf.credential.credentialType !== 'basic') return null;
    return { identity: fromText.decode(leaf.credential.identity), signatureKey: hex(leaf.signaturePublicKey) };
  } catch {
    return null;
  }
}

function keyPackageOf(bytes: Uint8Array, memberId: string): KeyPackage | null {
  try {
    const message = decodeOne(bytes);
    if (message.wireformat !== 'mls_key_package') return null;
    const credential = message.keyPackage.leafNode.credential;
    if (credential.credentialType !== 'basic' || fromText.decode(credential.identity) !== memberId) return null;
    return message.keyPackage;
  } catch {
    return null;
  }
}
