/**
 * Our thin wrapper over `ts-mls` (RFC 9420): the only file that imports it, so a major upgrade
 * touches one file. Group states are immutable: a commit we create is applied only once the
 * delivery service has accepted it (`PendingCommit.next`).
 */
import type { CiphersuiteImpl, ClientConfig, ClientState, Credential, KeyPackage, PrivateKeyPackage, Proposal } from 'ts-mls';
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
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  mlsExporter,
  processPrivateMessage,
} from 'ts-mls';

const CIPHER_SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
const MEMBER_ID = /^[A-Za-z0-9_-]{1,32}$/;
const text = new TextEncoder();
const fromText = new TextDecoder();

let suite: Promise<CiphersuiteImpl> | null = null;
function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHER_SUITE));
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

  static async generate(identity: string): Promise<PendingMember> {
    const credential: Credential = { credentialType: 'basic', identity: text.encode(identity) };
    const pair = await generateKeyPackage(credential, defaultCapabilities(), defaultLifetime, [], await cipherSuite());
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
    const members: GroupMember[] = [];
    this.#state.ratchetTree.forEach((node, nodeIndex) => {
      if (node?.nodeType !== 'leaf' || node.leaf.credential.credentialType !== 'basic') return;
      members.push({ leafIndex: nodeIndex / 2, identity: fromText.decode(node.leaf.credential.identity) });
    });
    return members;
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

  /** Applies another member's commit: the next epoch. */
  async processCommit(bytes: Uint8Array): Promise<MlsGroup> {
    const message = decodeOne(bytes);
    if (message.wireformat !== 'mls_private_message') throw new MlsError('expected a commit');
    const result = await processPrivateMessage(this.#state, message.privateMessage, emptyPskIndex, await cipherSuite());
    if (result.kind !== 'newState') throw new MlsError('expected a commit, got an application message');
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

  async decrypt(bytes: Uint8Array): Promise<{ data: Uint8Array; next: MlsGroup }> {
    const message = decodeOne(bytes);
    if (message.wireformat !== 'mls_private_message') throw new MlsError('expected an application message');
    const result = await processPrivateMessage(this.#state, message.privateMessage, emptyPskIndex, await cipherSuite());
    if (result.kind !== 'applicationMessage') throw new MlsError('expected an application message');
    return { data: result.message, next: new MlsGroup(result.newState) };
  }
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
