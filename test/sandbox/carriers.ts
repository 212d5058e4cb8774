import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Kuaidi100 carrier codes with their Chinese names, read once from `carriers.tsv` beside this file
 * (a copy of the code and name columns of Kuaidi100's official carrier code table, 2023-08-16 export).
 */
let carrierNames: ReadonlyMap<string, string> | undefined;

export function loadCarrierNames(): ReadonlyMap<string, string> {
	if (carrierNames) return carrierNames;

	const names = new Map<string, string>();
	const lines = readFileSync(join(__dirname, 'carriers.tsv'), 'utf8').split('\n');
	for (const line of lines.slice(1)) {
		const [code, name] = line.split('\t');
		if (code) names.set(code, name ?? '');
	}
	carrierNames = names;
	return names;
}

export function isKnownCarrier(code: string): boolean {
	return loadCarrierNames().has(code);
}

export function carrierNameOf(code: string): string {
	return loadCarrierNames().get(code) ?? code;
}

/** Carriers whose real-time query needs the sender's or recipient's phone (full number or last 4 digits). */
export const PHONE_GUARDED_CARRIERS: ReadonlySet<string> = new Set(['shunfeng', 'shunfengkuaiyun', 'zhongtong']);

// NOTE: Kuaidi100 documents returnCode 701 ("carrier refused for subscription") without naming a
// carrier; the sandbox picks ZJS Express so that tests can reach the code.
export const SUBSCRIPTION_REFUSED_CARRIER = 'zhaijisong';
