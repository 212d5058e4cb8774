/**
 * Kuaidi100 endpoints. The credential's optional base URL replaces the origin of
 * all of them, so a local sandbox can stand in for the real service.
 */
export const ENDPOINTS = {
	/** Real-time query (实时快递查询), signed with customer + key. */
	query: { origin: 'https://poll.kuaidi100.com', path: '/poll/query.do' },
	/** Push subscription (订阅); the key travels inside `param`, there is no signature. */
	subscribe: { origin: 'https://poll.kuaidi100.com', path: '/poll' },
	/** Smart number recognition (智能单号识别); key and number in the query string. */
	detect: { origin: 'https://www.kuaidi100.com', path: '/autonumber/auto' },
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

export function endpointUrl(name: EndpointName): string {
	return ENDPOINTS[name].origin + ENDPOINTS[name].path;
}

/** Finds which endpoint a request URL addresses, whatever its origin. */
export function endpointOf(url: string): EndpointName | undefined {
	const path = new URL(url).pathname.replace(/\/+$/, '');
	for (const name of Object.keys(ENDPOINTS) as EndpointName[]) {
		if (path.endsWith(ENDPOINTS[name].path)) {
			return name;
		}
	}
	return undefined;
}
