/**
 * Carrier detection rules of the sandbox's `/autonumber/auto`: catalogue waybills and the numbers of
 * `UNTRACKED_DETECTED_NUMBERS` name their candidates, other numbers are matched by format the way
 * carriers number their waybills.
 */
import { findCatalogueWaybill, UNTRACKED_DETECTION } from './waybills';

interface NumberRule {
	pattern: RegExp;
	carriers: readonly string[];
}

// Candidates best first. Pure-digit numbers are ambiguous, so they get several candidates.
const NUMBER_RULES: readonly NumberRule[] = [
	{ pattern: /^YT\d{13}$/i, carriers: ['yuantong'] },
	{ pattern: /^SF\d{13}$/i, carriers: ['shunfeng', 'shunfengkuaiyun'] },
	{ pattern: /^JD[A-Z]\d{12}$/i, carriers: ['jd'] },
	{ pattern: /^JT\d{13}$/i, carriers: ['jtexpress'] },
	{ pattern: /^[A-Z]{2}\d{9}[A-Z]{2}$/i, carriers: ['ems', 'youzhengguoji'] },
	{ pattern: /^7[3-9]\d{12}$/, carriers: ['zhongtong', 'shentong', 'yunda'] },
	{ pattern: /^77\d{13}$/, carriers: ['shentong', 'zhongtong'] },
	{ pattern: /^(43|46|31)\d{11}$/, carriers: ['yunda', 'zhongtong', 'shentong'] },
	{ pattern: /^(98|99|11)\d{11}$/, carriers: ['youzhengguonei', 'ems'] },
	// Synthetic load-test numbers and error-trigger numbers work with any carrier code.
	{ pattern: /^SIM\d{9,}$/, carriers: ['yuantong'] },
	{ pattern: /^ERR[A-Z0-9]{9}$/, carriers: ['yuantong'] },
];

/** Characters and length that carrier detection accepts as a tracking number. */
const VALID_NUMBER = /^[A-Za-z0-9-]{6,32}$/;

export type DetectionResult = { valid: false } | { valid: true; carriers: readonly string[] };

export function detectCarriers(number: string): DetectionResult {
	if (!VALID_NUMBER.test(number)) return { valid: false };

	const waybill = findCatalogueWaybill(number);
	if (waybill?.detection !== undefined) return { valid: true, carriers: waybill.detection };
	const untracked = UNTRACKED_DETECTION.get(number);
	if (untracked !== undefined) return { valid: true, carriers: untracked };

	const rule = NUMBER_RULES.find((candidate) => candidate.pattern.test(number));
	return { valid: true, carriers: rule?.carriers ?? [] };
}
