import { deriveAeadKey, GCM_IV_BYTES } from './aead-key.ts';
import { base64url, fromBase64url } from './base64url.ts';
import { CHANNELS, type Channel } from './channel.ts';
import type { RandomSource } from './ports.ts';

/**
 * What a verification id must tell the Worker before it asks the store anything: which number's
 * counters (its phone tag) and which country's and channel's guard cells the one script will touch. Every key a
 * script touches is passed in KEYS (docs/storage.md), and verify takes the id alone.
 */
export interface VerificationRouting {
  /** HMAC tag of the E.164 number (base64url of 32 bytes). */
  phoneTag: string;
  /** ISO 3166-1 alpha-2 or `XX`. */
  country: string;
  /** Which channel's guard cells the send counted in, and an approval credits. */
  channel: Channel;
  /**
   * The store region holding the verification (docs/regions.md), sealed so verify, status, cancel,
   * a switch and a call's answer go straight there. Undefined: the default region, which is also
   * what every id issued before regions existed opens to, so adding a region moves no live one.
   */
  region?: string | undefined;
}

/**
 * The id is 16 random bytes (the capability: 128 bits, what makes it unguessable) followed by the
 * routing sealed with AES-GCM under a key of its own (HKDF info `verification-id`), with the first
 * 12 random bytes as nonce and all 16 as additional data. So the id carries no readable number
 * tag (two ids of one number do not look related), an id nobody issued fails to open before any
 * store call, and the routing of one id cannot be grafted onto another. base64url: 90 characters.
 *
 * Optional fields follow the fixed 35 bytes inside the seal, each `type, length, bytes`: the
 * region (type 2) when it is not the default. So an id without them is exactly the old format, and
 * a new field is one more type. An unknown type fails to open: a field this build cannot honour
 * must not be dropped silently.
 */
const RANDOM_BYTES = 16;
const TAG_BYTES = 32;
const ROUTING_BYTES = TAG_BYTES + 2 + 1;
const SEAL_OVERHEAD = 16;
const ID_BYTES = RANDOM_BYTES + ROUTING_BYTES + SEAL_OVERHEAD;
const MAX_ID_CHARS = 128;
const REGION_FIELD = 2;
/**
 * A store region's name as ids carry it (config/store-regions.ts checks names against it). At most
 * 8 characters: with every optional field at its longest an id stays within 128 characters.
 */
export const REGION_NAME_SHAPE = /^[a-z][a-z0-9-]{0,7}$/;

export interface VerificationIds {
  issue(routing: VerificationRouting): Promise<string>;
  /** The routing of an id this service issued, or undefined for anything else. */
  open(id: string): Promise<VerificationRouting | undefined>;
}

export function createVerificationIds(secret: string, random: RandomSource): VerificationIds {
  const key = deriveAeadKey(secret, 'verification-id');
  return {
    async issue(routing) {
      const phoneTag = fromBase64url(routing.phoneTag);
      const channelIndex = CHANNELS.indexOf(routing.channel);
      const { region } = routing;
      if (
        phoneTag?.length !== TAG_BYTES ||
        !/^[A-Z]{2}$/.test(routing.country) ||
        channelIndex < 0 ||
        (region !== undefined && !REGION_NAME_SHAPE.test(region))
      ) {
        throw new Error('verification routing out of shape');
      }
      const capability = new Uint8Array(RANDOM_BYTES);
      random.fill(capability);
      const regionBytes = region === undefined ? undefined : new TextEncoder().encode(region);
      const plain = new Uint8Array(ROUTING_BYTES + (regionBytes ? 2 + regionBytes.length : 0));
      plain.set(phoneTag);
      plain.set(new TextEncoder().encode(routing.country), TAG_BYTES);
      plain[TAG_BYTES + 2] = channelIndex;
      if (regionBytes) {
        plain[ROUTING_BYTES] = REGION_FIELD;
        plain[ROUTING_BYTES + 1] = regionBytes.length;
        plain.set(regionBytes, ROUTING_BYTES + 2);
      }
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: capability.slice(0, GCM_IV_BYTES), additionalData: capability },
        await key,
        plain,
      );
      const id = new Uint8Array(RANDOM_BYTES + sealed.byteLength);
      id.set(capability);
      id.set(new Uint8Array(sealed), RANDOM_BYTES);
      return base64url(id);
    },
    async open(id) {
      const bytes = id.length <= MAX_ID_CHARS ? fromBase64url(id) : undefined;
      // 67 bytes leave 2 unused bits in the last character: only the canonical spelling is an id,
      // so no second string opens to the same routing.
      if (bytes === undefined || bytes.length < ID_BYTES || base64url(bytes) !== id) return undefined;
      const capability = bytes.slice(0, RANDOM_BYTES);
      let plain: ArrayBuffer;
      try {
        plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: capability.slice(0, GCM_IV_BYTES), additionalData: capability },
          await key,
          bytes.slice(RANDOM_BYTES),
        );
      } catch {
        return undefined;
      }
      const routing = new Uint8Array(plain);
      const channel = CHANNELS[routing[TAG_BYTES + 2] ?? -1];
      // Sealed by this service, so always in range; checked because the type cannot know it.
      if (channel === undefined) return undefined;
      const fields = readFields(routing.subarray(ROUTING_BYTES));
      if (fields === undefined) return undefined;
      return {
        phoneTag: base64url(routing.slice(0, TAG_BYTES)),
        country: new TextDecoder().decode(routing.slice(TAG_BYTES, TAG_BYTES + 2)),
        channel,
        ...fields,
      };
    },
  };
}

/** The optional fields after the fixed routing; undefined when one is unknown or cut short. */
function readFields(bytes: Uint8Array): { region?: string } | undefined {
  const fields: { region?: string } = {};
  let at = 0;
  while (at < bytes.length) {
    const type = bytes[at];
    const length = bytes[at + 1];
    if (length === undefined || at + 2 + length > bytes.length) return undefined;
    const value = bytes.subarray(at + 2, at + 2 + length);
    if (type === REGION_FIELD) fields.region = new TextDecoder().decode(value);
    else return undefined;
    at += 2 + length;
  }
  return fields;
}
