import { createHash, timingSafeEqual } from 'node:crypto';

/** Upper-case hex MD5 of the UTF-8 bytes of `text`, the digest format of every Kuaidi100 signature. */
export function md5UpperHex(text: string): string {
	return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

/**
 * Signs a real-time query. Kuaidi100 hashes the `param` form value exactly as it
 * arrives, so `param` must be the very string that is sent.
 */
export function signQuery(param: string, key: string, customer: string): string {
	return md5UpperHex(param + key + customer);
}

/** Computes the signature Kuaidi100 puts on a push: MD5 of the raw `param` value followed by the salt. */
export function signPush(param: string, salt: string): string {
	return md5UpperHex(param + salt);
}

/**
 * Checks a push signature in constant time. Kuaidi100's demos send upper-case hex,
 * but receivers in the field compare case-insensitively, so either case is accepted.
 */
export function isValidPushSign(param: string, salt: string, sign: string): boolean {
	const expected = Buffer.from(signPush(param, salt), 'utf8');
	const received = Buffer.from(sign.trim().toUpperCase(), 'utf8');
	if (received.length !== expected.length) {
		return false;
	}
	return timingSafeEqual(expected, received);
}
