/**
 * The feed hash on Node: node:crypto reads a string without copying it to bytes first, and
 * answers at once (WebCrypto's digest, which services use because every runtime has it, answers
 * from another thread). The same value as WebCrypto's: SHA-256 of `hashPrefix` and the text.
 */
import { createHash } from 'node:crypto';
import type { ParseIcsOptions } from '../providers/ics/ics.mapper';
import { hashPrefix, type FeedText } from '../services/ics-parse-pool';

export const nodeFeedHash = (text: FeedText, options: ParseIcsOptions): string => createHash('sha256').update(hashPrefix(options)).update(text).digest('hex');
