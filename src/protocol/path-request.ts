import { Malformed, malformed } from './malformed';
import { ADDRESS_LENGTH } from './packet-constants';

/** A path request's data, as `Transport.path_request_handler` reads it. Views into the data. */
export interface PathRequest {
  /** Discriminates a request from a {@link Malformed} result. */
  readonly ok: true;
  /** The destination whose path is requested. */
  readonly destinationHash: Uint8Array;
  /** The requesting transport node's id (data longer than 32 bytes), else null. */
  readonly requestingTransportId: Uint8Array | null;
  /** The request tag, 1..16 bytes (longer tags are cut to 16, as Python does). */
  readonly tag: Uint8Array;
}

/**
 * Reads path request data by its length, as Python does: under 16 bytes is
 * `truncated-path-request`; exactly 16 (no tag) is `tagless-path-request` (Python ignores it);
 * 17..32 bytes are destination + tag; more than 32 are destination + requesting transport id +
 * tag, the tag cut to 16 bytes.
 */
export function parsePathRequest(data: Uint8Array): PathRequest | Malformed {
  const length = data.length;
  if (length < ADDRESS_LENGTH) return malformed('truncated-path-request');
  if (length === ADDRESS_LENGTH) return malformed('tagless-path-request');
  const destinationHash = data.subarray(0, ADDRESS_LENGTH);
  if (length > 2 * ADDRESS_LENGTH) {
    return {
      ok: true,
      destinationHash,
      requestingTransportId: data.subarray(ADDRESS_LENGTH, 2 * ADDRESS_LENGTH),
      tag: data.subarray(2 * ADDRESS_LENGTH, Math.min(length, 3 * ADDRESS_LENGTH)),
    };
  }
  return { ok: true, destinationHash, requestingTransportId: null, tag: data.subarray(ADDRESS_LENGTH) };
}

/**
 * Path request data (`Transport.request_path`): destination + tag, with the requesting transport
 * id between them when the requester is a transport node.
 */
export function pathRequestData(
  destinationHash: Uint8Array,
  tag: Uint8Array,
  requestingTransportId: Uint8Array | null = null,
): Buffer {
  if (destinationHash.length !== ADDRESS_LENGTH) throw new RangeError('destination hash must be 16 bytes');
  if (requestingTransportId !== null && requestingTransportId.length !== ADDRESS_LENGTH) {
    throw new RangeError('transport id must be 16 bytes');
  }
  if (tag.length < 1 || tag.length > ADDRESS_LENGTH) throw new RangeError('tag must be 1..16 bytes');
  return Buffer.concat(
    requestingTransportId === null ? [destinationHash, tag] : [destinationHash, requestingTransportId, tag],
  );
}
