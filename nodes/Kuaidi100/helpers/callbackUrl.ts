/**
 * Lists why Kuaidi100 may fail to deliver pushes to a callback URL. The URL
 * is still used: the list becomes warnings, because a reverse proxy or a
 * tunnel can make an odd-looking URL work.
 */
export function callbackUrlWarnings(callbackUrl: URL): string[] {
	const warnings: string[] = [];
	const host = callbackUrl.hostname.replace(/^\[|\]$/g, '').toLowerCase();

	if (callbackUrl.pathname.includes('/webhook-test/')) {
		warnings.push(
			'The callback URL is an n8n test URL (/webhook-test/), which accepts one call only while the editor listens. Use the trigger’s production URL (/webhook/) and activate the workflow.',
		);
	}
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host) || host === '0.0.0.0') {
		warnings.push(
			`The callback URL points at ${host}, which is this machine from Kuaidi100’s point of view. Set n8n’s WEBHOOK_URL to a public address.`,
		);
	} else if (isPrivateAddress(host)) {
		warnings.push(
			`The callback URL points at the private address ${host}, which Kuaidi100 cannot reach from the internet. Set n8n’s WEBHOOK_URL to a public address.`,
		);
	}
	if (callbackUrl.protocol === 'https:') {
		warnings.push(
			'Kuaidi100 pushes to http callback URLs by default; https has to be enabled by Kuaidi100 support for the account.',
		);
	}
	return warnings;
}

function isPrivateAddress(host: string): boolean {
	const octets = host.split('.').map(Number);
	if (octets.length === 4 && octets.every((octet) => Number.isInteger(octet) && octet >= 0 && octet <= 255)) {
		const [a, b] = octets;
		return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
	}
	// IPv6 unique-local (fc00::/7) and link-local (fe80::/10) addresses.
	return /^(f[cd][0-9a-f]{2}|fe[89ab][0-9a-f]):/i.test(host);
}
