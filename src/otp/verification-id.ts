import { deriveAeadKey, GCM_IV_BYTES } from './aead-key.ts';
import { APP_ID_PATTERN, DEFAULT_APP_ID } from './app-id.ts';
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
   * The app the verification belongs to (docs/apps.md): a caller of another app gets 404 before
   * any store call. Its stats count under it, and its number's active pointer is the app's.
   * Unset: the default app.
   */
  app?: string;
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
 * After the fixed routing (tag, country, channel) come optional fields, each `[type][length][bytes]`,
 * so a field can be added without breaking ids already out: `1` the app id (absent for the default
 * app), `2` the store region (absent for the default region). An id without them is exactly the
 * format from before apps and regions. An id with a field type this Worker does not know does not
 * open (a newer Worker's id met by an older one is a 404, never misread).
 */
const RANDOM_BYTES = 16;
const TAG_BYTES = 32;
const FIXED_ROUTING_BYTES = TAG_BYTES + 2 + 1;
const GCM_TAG_BYTES = 16;
const MIN_ID_BYTES = RANDOM_BYTES + FIXED_ROUTING_BYTES + GCM_TAG_BYTES;
/**
 * 96 bytes, 128 characters: the bound the HTTP schema puts on an id. The longest app id (16
 * characters, 18 bytes as a field) and the longest region (8 characters, 10 bytes) fit together.
 */
const MAX_ID_BYTES = 96;
const APP_FIELD = 1;
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
        !(routing.app === undefined || routing.app === DEFAULT_APP_ID || APP_ID_PATTERN.test(routing.app)) ||
        (region !== undefined && !REGION_NAME_SHAPE.test(region))
      ) {
        throw new Error('verification routing out of shape');
      }
      const capability = new Uint8Array(RANDOM_BYTES);
      random.fill(capability);
      // The default app's and the default region's ids carry no field: the same ids as before both.
      const encoder = new TextEncoder();
      const fields: (readonly [number, Uint8Array])[] = [];
      if (routing.app !== undefined && routing.app !== DEFAULT_APP_ID)
        fields.push([APP_FIELD, encoder.encode(routing.app)]);
      if (region !== undefined) fields.push([REGION_FIELD, encoder.encode(region)]);
      const plain = new Uint8Array(
        FIXED_ROUTING_BYTES + fields.reduce((total, [, bytes]) => total + 2 + bytes.length, 0),
      );
      plain.set(phoneTag);
      plain.set(encoder.encode(routing.country), TAG_BYTES);
      plain[TAG_BYTES + 2] = channelIndex;
      let offset = FIXED_ROUTING_BYTES;
      for (const [type, bytes] of fields) {
        plain.set([type, bytes.length], offset);
        plain.set(bytes, offset + 2);
        offset += 2 + bytes.length;
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
      const bytes = id.length <= 4 * Math.ceil(MAX_ID_BYTES / 3) ? fromBase64url(id) : undefined;
      // A length that is not a multiple of 3 leaves unused bits in the last character: only the
      // canonical spelling is an id, so no second string opens to the same routing.
      if (
        bytes === undefined ||
        bytes.length < MIN_ID_BYTES ||
        bytes.length > MAX_ID_BYTES ||
        base64url(bytes) !== id
      )
        return undefined;
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
      const fields = readFields(routing.subarray(FIXED_ROUTING_BYTES));
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
function readFields(bytes: Uint8Array): { app?: string; region?: string } | undefined {
  const fields: { app?: string; region?: string } = {};
  let at = 0;
  while (at < bytes.length) {
    const type = bytes[at];
    const length = bytes[at + 1];
    if (length === undefined || at + 2 + length > bytes.length) return undefined;
    const value = new TextDecoder().decode(bytes.subarray(at + 2, at + 2 + length));
    if (type === APP_FIELD) fields.app = value;
    else if (type === REGION_FIELD) fields.region = value;
    else return undefined;
    at += 2 + length;
  }
  return fields;
}
