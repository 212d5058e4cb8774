import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { formatCarrierName, searchCarriers as findCarriers } from '../helpers/carriers';

/** Entries per page of the carrier list; the full table has over 1,400 carriers. */
const PAGE_SIZE = 100;

/**
 * One label for both operations, because n8n stores the label with the
 * chosen value and would keep a Track label after a switch to Subscribe.
 */
const AUTO_DETECT_ENTRY: INodeListSearchItems = { name: 'Auto-Detect Carrier', value: 'auto' };

/** Lists carriers for the Carrier parameter, searchable by code, Chinese name, English name and alias. */
export async function searchCarriers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken ?? 0) || 0;
	const query = filter?.trim() ?? '';
	const matches = findCarriers(query, offset + PAGE_SIZE + 1);
	const page = matches.slice(offset, offset + PAGE_SIZE);

	const results: INodeListSearchItems[] = page.map((carrier) => ({
		name: `${formatCarrierName(carrier)} · ${carrier.code}`,
		value: carrier.code,
	}));
	if (offset === 0 && (query === '' || 'auto-detect'.startsWith(query.toLowerCase()))) {
		results.unshift(AUTO_DETECT_ENTRY);
	}
	return {
		results,
		paginationToken: matches.length > offset + PAGE_SIZE ? String(offset + PAGE_SIZE) : undefined,
	};
}
