import { createHash } from 'node:crypto';

/** Upper-case hex digest of the UTF-8 bytes of `text`. */
function hashUpper(algorithm: string, text: string): string {
	return createHash(algorithm).update(text, 'utf8').digest('hex').toUpperCase();
}

/** Upper-case hex MD5 of the UTF-8 bytes of `text`, Kuaidi100's signature format. */
export function md5Upper(text: string): string {
	return hashUpper('md5', text);
}

/** Real-time query sign: MD5(param + key + customer), 32 upper-case hex characters. */
export function querySign(param: string, key: string, customer: string): string {
	return md5Upper(param + key + customer);
}

/** Push sign: MD5(param + salt), 32 upper-case hex characters. */
export function pushSign(param: string, salt: string): string {
	return md5Upper(param + salt);
}

/**
 * Hash algorithms for the query's optional `signType` form field; the concatenation is the same
 * for all of them.
 */
const SIGN_TYPE_ALGORITHMS: Readonly<Record<string, string>> = {
	MD5: 'md5',
	SHA256: 'sha256',
	SM3: 'sm3',
};

// NOTE: Kuaidi100 also lists signType SM3-HMAC without saying which key the HMAC uses, so the
// sandbox rejects it as unsupported instead of guessing.
export function isSupportedSignType(signType: string): boolean {
	return signType in SIGN_TYPE_ALGORITHMS;
}

/** Expected query sign for a `signType` (MD5 when empty); `undefined` for an unsupported type. */
export function expectedQuerySign(param: string, key: string, customer: string, signType: string): string | undefined {
	const algorithm = SIGN_TYPE_ALGORITHMS[signType === '' ? 'MD5' : signType];
	return algorithm === undefined ? undefined : hashUpper(algorithm, param + key + customer);
}
