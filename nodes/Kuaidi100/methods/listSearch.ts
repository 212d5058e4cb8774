import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { formatCarrierName, searchCarriers as findCarriers } from '../helpers/carriers';

/** Entries per page of the carrier list; the full table has over 1,400 carriers. */
const PAGE_SIZE = 100;

function autoDetectEntry(operation: string): INodeListSearchItems {
	return operation === 'subscribe'
		? { name: 'Auto-Detect (Kuaidi100 Identifies It When Tracking Starts)', value: 'auto' }
		: { name: 'Auto-Detect (Smart Number Recognition, Paid Packages Only)', value: 'auto' };
}

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
		const operation = this.getCurrentNodeParameter('operation') as string;
		results.unshift(autoDetectEntry(operation));
	}
	return {
		results,
		paginationToken: matches.length > offset + PAGE_SIZE ? String(offset + PAGE_SIZE) : undefined,
	};
}
