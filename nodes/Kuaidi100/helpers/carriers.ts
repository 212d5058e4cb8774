import carrierTable from '../data/carriers.json';
import carrierAliases from '../data/carrier-aliases.json';

export type CarrierType = 'domestic' | 'international' | 'postal';

export interface Carrier {
	/** Kuaidi100 company code, sent as `com`. Always lower-case. */
	code: string;
	nameZh: string;
	nameEn: string | null;
	type: CarrierType;
	/** Position in Kuaidi100's popularity order, 0 = most used. */
	rank: number;
}

export type CarrierMatchKind = 'code' | 'alias' | 'name';

export type CarrierResolution =
	| { carrier: Carrier; matchedBy: CarrierMatchKind }
	| { carrier: undefined; suggestions: Carrier[] };

/**
 * Carriers whose real-time query and subscription need the sender's or recipient's phone number
 * (or its last 4 digits). Kuaidi100's query documentation marks `phone` as required for SF Express
 * (顺丰速运), SF Freight (顺丰快运) and ZTO (中通), and rejects a missing or wrong one with returnCode 408.
 */
export const PHONE_REQUIRED_CARRIERS: ReadonlySet<string> = new Set([
	'shunfeng',
	'shunfengkuaiyun',
	'zhongtong',
]);

const MAX_SUGGESTIONS = 5;

// Larger distances suggest unrelated carriers and make a long pasted input slow to compare.
const MAX_EDIT_DISTANCE = 3;

const CARRIER_TYPES: Record<string, CarrierType> = {
	d: 'domestic',
	i: 'international',
	p: 'postal',
};

// Suffixes that Chinese carrier names add to the brand ("圆通速递" is known as "圆通").
const NAME_SUFFIXES = ['快递', '速递', '速运', '快运', '物流'];

// Stripped only after the full input found nothing, because "EMS物流" (emswuliu) is a different carrier than "EMS".
const INPUT_SUFFIX_PATTERN = /(?:快递|速递|速运|物流|\sexpress|\slogistics)$/;

interface IndexedMatch {
	carrier: Carrier;
	matchedBy: CarrierMatchKind;
}

interface SuggestionKey {
	key: string;
	carrier: Carrier;
}

interface CarrierIndex {
	carriers: Carrier[];
	byCode: Map<string, Carrier>;
	byAlias: Map<string, Carrier>;
	byName: Map<string, Carrier>;
	/** Keys with spaces and punctuation removed, so "J & T" and "j&t" find the same carrier. */
	byCompactKey: Map<string, IndexedMatch>;
	/** Normalised code, Chinese name and English name of each carrier, indexed by rank. */
	searchKeys: string[][];
	suggestionKeys: SuggestionKey[];
}

let cachedIndex: CarrierIndex | undefined;

/**
 * Normalises user input for carrier lookup: NFKC (full-width letters and digits become ASCII),
 * lower-case, runs of whitespace collapsed to one space, trimmed.
 */
export function normalizeCarrierText(value: string): string {
	return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function compactKey(normalized: string): string {
	return normalized.replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Formats a carrier for display in both languages, e.g. `SF Express 顺丰速运`, or `圆通速递` when
 * the carrier has no English name.
 */
export function formatCarrierName(carrier: Carrier): string {
	if (carrier.nameEn === null) return carrier.nameZh;

	// Names like "中国邮政（CHINA POST）" already contain the English name.
	if (normalizeCarrierText(carrier.nameZh).includes(normalizeCarrierText(carrier.nameEn))) {
		return carrier.nameZh;
	}
	return `${carrier.nameEn} ${carrier.nameZh}`;
}

/** Normalised Chinese and English names of one carrier, computed once per index build. */
interface NormalizedNames {
	zh: string;
	en: string | null;
}

function normalizeNames(carrier: Carrier): NormalizedNames {
	return {
		zh: normalizeCarrierText(carrier.nameZh),
		en: carrier.nameEn === null ? null : normalizeCarrierText(carrier.nameEn),
	};
}

function loadCarriers(): Carrier[] {
	return carrierTable.rows.map((row, rank) => {
		const [code, nameZh, nameEn, typeCode] = row;
		const type = CARRIER_TYPES[typeCode];
		if (type === undefined) {
			throw new Error(
				`Invalid carriers.json: unknown type "${typeCode}" for carrier ${code}. Regenerate it with test/scripts/generate-carriers.ts.`,
			);
		}
		return Object.freeze({ code, nameZh, nameEn: nameEn === '' ? null : nameEn, type, rank });
	});
}

/**
 * Returns the short forms of a normalised Chinese name: the parts around "(...)" and the brand
 * without a suffix such as 速递. Brands shorter than two characters are dropped as too ambiguous.
 */
function deriveNameKeys(normalizedName: string): string[] {
	const keys: string[] = [];
	const parenthesised = /^([^()]+)\(([^()]+)\)$/.exec(normalizedName);
	const bases = [normalizedName];
	if (parenthesised !== null) {
		bases.push(parenthesised[1].trim());
		keys.push(parenthesised[1].trim(), parenthesised[2].trim());
	}

	for (const base of bases) {
		for (const suffix of NAME_SUFFIXES) {
			const brand = base.slice(0, -suffix.length).trim();
			if (base.endsWith(suffix) && brand.length >= 2) keys.push(brand);
		}
	}
	return keys.filter((key) => key !== '');
}

function addIfAbsent<T>(map: Map<string, T>, key: string, value: T): void {
	if (key !== '' && !map.has(key)) map.set(key, value);
}

function buildNameIndex(carriers: Carrier[], names: NormalizedNames[]): Map<string, Carrier> {
	const byName = new Map<string, Carrier>();

	// Full names first, so that a carrier's own name always beats another carrier's short form.
	// Carriers are in popularity order, so the most used carrier wins a shared name.
	for (const carrier of carriers) {
		const { zh, en } = names[carrier.rank];
		addIfAbsent(byName, zh, carrier);
		if (en !== null) {
			addIfAbsent(byName, en, carrier);
			// The display name from formatCarrierName, in case a user pastes it back.
			if (!zh.includes(en)) addIfAbsent(byName, `${en} ${zh}`, carrier);
		}
	}
	for (const carrier of carriers) {
		for (const key of deriveNameKeys(names[carrier.rank].zh)) addIfAbsent(byName, key, carrier);
	}
	return byName;
}

function buildAliasIndex(byCode: Map<string, Carrier>): Map<string, Carrier> {
	const byAlias = new Map<string, Carrier>();
	for (const [alias, code] of Object.entries(carrierAliases as Record<string, string>)) {
		const carrier = byCode.get(code);
		if (carrier === undefined) {
			throw new Error(`Invalid carrier-aliases.json: alias "${alias}" points at unknown carrier code ${code}`);
		}
		byAlias.set(normalizeCarrierText(alias), carrier);
	}
	return byAlias;
}

function buildIndex(): CarrierIndex {
	const carriers = loadCarriers();

	const byCode = new Map<string, Carrier>();
	for (const carrier of carriers) byCode.set(carrier.code, carrier);

	const names = carriers.map(normalizeNames);
	const byAlias = buildAliasIndex(byCode);
	const byName = buildNameIndex(carriers, names);

	const byCompactKey = new Map<string, IndexedMatch>();
	const sources: Array<[Map<string, Carrier>, CarrierMatchKind]> = [
		[byCode, 'code'],
		[byAlias, 'alias'],
		[byName, 'name'],
	];
	for (const [map, matchedBy] of sources) {
		for (const [key, carrier] of map) addIfAbsent(byCompactKey, compactKey(key), { carrier, matchedBy });
	}

	const searchKeys = carriers.map((carrier) => {
		const { zh, en } = names[carrier.rank];
		return en === null ? [carrier.code, zh] : [carrier.code, zh, en];
	});

	const suggestionKeys: SuggestionKey[] = [];
	for (const map of [byCode, byAlias, byName]) {
		for (const [key, carrier] of map) suggestionKeys.push({ key, carrier });
	}

	return { carriers, byCode, byAlias, byName, byCompactKey, searchKeys, suggestionKeys };
}

function getIndex(): CarrierIndex {
	cachedIndex ??= buildIndex();
	return cachedIndex;
}

/** Looks up a carrier by its exact Kuaidi100 code, ignoring case and surrounding whitespace. */
export function getCarrier(code: string): Carrier | undefined {
	return getIndex().byCode.get(code.trim().toLowerCase());
}

function lookUpNormalized(index: CarrierIndex, key: string): IndexedMatch | undefined {
	const byCode = index.byCode.get(key);
	if (byCode !== undefined) return { carrier: byCode, matchedBy: 'code' };

	const byAlias = index.byAlias.get(key);
	if (byAlias !== undefined) return { carrier: byAlias, matchedBy: 'alias' };

	const byName = index.byName.get(key);
	if (byName !== undefined) return { carrier: byName, matchedBy: 'name' };

	return index.byCompactKey.get(compactKey(key));
}

/**
 * Levenshtein distance between two strings, or `limit + 1` as soon as it is known to exceed `limit`.
 * Works on UTF-16 code units, which is exact for Chinese characters in the Basic Multilingual Plane.
 */
function boundedEditDistance(a: string, b: string, limit: number): number {
	if (Math.abs(a.length - b.length) > limit) return limit + 1;

	let previous = Array.from({ length: b.length + 1 }, (_, column) => column);
	for (let row = 1; row <= a.length; row++) {
		const current = [row];
		let rowMinimum = row;
		for (let column = 1; column <= b.length; column++) {
			const substitution = previous[column - 1] + (a[row - 1] === b[column - 1] ? 0 : 1);
			const value = Math.min(previous[column] + 1, current[column - 1] + 1, substitution);
			current.push(value);
			rowMinimum = Math.min(rowMinimum, value);
		}
		if (rowMinimum > limit) return limit + 1;
		previous = current;
	}
	return previous[b.length];
}

/**
 * Scores how close `key` is to `query`: the edit distance when it is small for the query's length,
 * 1 for a key that starts with the query and 2 for a key that contains it. Lower is closer.
 * A truncated input counts as near as a one-letter typo, so the more used carrier comes first.
 */
function scoreSuggestion(query: string, key: string): number {
	const maxDistance = Math.min(MAX_EDIT_DISTANCE, Math.max(1, Math.floor(query.length / 3)));
	let score = boundedEditDistance(query, key, maxDistance);
	if (score > maxDistance) score = Number.POSITIVE_INFINITY;

	if (key.startsWith(query)) score = Math.min(score, 1);
	else if (query.length >= 2 && key.includes(query)) score = Math.min(score, 2);
	return score;
}

function suggestCarriers(index: CarrierIndex, queries: string[]): Carrier[] {
	const bestScores = new Map<Carrier, number>();
	for (const { key, carrier } of index.suggestionKeys) {
		for (const query of queries) {
			const score = scoreSuggestion(query, key);
			if (score < (bestScores.get(carrier) ?? Number.POSITIVE_INFINITY)) bestScores.set(carrier, score);
		}
	}

	return [...bestScores.entries()]
		.filter(([, score]) => Number.isFinite(score))
		.sort(([a, scoreA], [b, scoreB]) => scoreA - scoreB || a.rank - b.rank)
		.slice(0, MAX_SUGGESTIONS)
		.map(([carrier]) => carrier);
}

/**
 * Resolves what a user typed or mapped (a code in any case, a common alias such as `SF` or `顺丰`,
 * or a Chinese or English carrier name) to a carrier. When nothing matches, returns up to five
 * nearest carriers by spelling, most used first among equally close ones.
 */
export function resolveCarrier(input: string): CarrierResolution {
	const index = getIndex();
	const normalized = normalizeCarrierText(input);
	if (normalized === '') return { carrier: undefined, suggestions: [] };

	const queries = [normalized];
	const withoutSuffix = normalized.replace(INPUT_SUFFIX_PATTERN, '').trim();
	if (withoutSuffix !== '' && withoutSuffix !== normalized) queries.push(withoutSuffix);

	for (const query of queries) {
		const match = lookUpNormalized(index, query);
		if (match !== undefined) return { carrier: match.carrier, matchedBy: match.matchedBy };
	}
	return { carrier: undefined, suggestions: suggestCarriers(index, queries) };
}

/**
 * Lists carriers for a searchable picker. Without a filter, returns the most used carriers.
 * With one, the order is: exact code, alias hit, exact name, codes or names that start with the
 * filter, codes or names that contain it. Within each group the most used carrier comes first.
 */
export function searchCarriers(filter: string | undefined, limit: number): Carrier[] {
	const index = getIndex();
	const maxResults = Math.max(0, Math.floor(limit));
	const query = filter === undefined ? '' : normalizeCarrierText(filter);
	if (query === '') return index.carriers.slice(0, maxResults);

	const exactCode = index.byCode.get(query);
	const aliasHit = index.byAlias.get(query);
	const nameHit = index.byName.get(query);

	const groups: Carrier[][] = [[], [], [], [], []];
	for (const carrier of index.carriers) {
		const keys = index.searchKeys[carrier.rank];
		let group: number | undefined;
		if (carrier === exactCode) group = 0;
		else if (carrier === aliasHit) group = 1;
		else if (carrier === nameHit || keys.includes(query)) group = 2;
		else if (keys.some((key) => key.startsWith(query))) group = 3;
		else if (keys.some((key) => key.includes(query))) group = 4;

		if (group !== undefined) groups[group].push(carrier);
	}
	return groups.flat().slice(0, maxResults);
}
