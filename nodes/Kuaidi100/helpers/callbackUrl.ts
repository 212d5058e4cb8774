/**
 * Lists why Kuaidi100 may fail to deliver pushes to a callback URL. The URL
 * is still used: the list becomes warnings, because a reverse proxy or a
 * tunnel can make an odd-looking URL work.
 */
export function callbackUrlWarnings(callbackUrl: URL): string[] {
	const warnings: string[] = [];
	const host = plainHost(callbackUrl.hostname);

	if (callbackUrl.pathname.includes('/webhook-test/')) {
		warnings.push(
			'The callback URL is an n8n test URL (/webhook-test/), which accepts one call only while the editor listens. Use the trigger’s production URL (/webhook/) and activate the workflow.',
		);
	}
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host) || host === '0.0.0.0') {
		warnings.push(
			`The callback URL points at ${host}, which is this machine from Kuaidi100’s point of view. Set n8n’s WEBHOOK_URL to a public address.`,
		);
	} else if (isLocalName(host)) {
		warnings.push(
			`The callback URL host ${host} is a local network name that Kuaidi100 cannot resolve from the internet. Set n8n’s WEBHOOK_URL to a public address.`,
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

/**
 * Lower-cases a URL host without IPv6 brackets or a trailing dot, and turns an
 * IPv4-mapped IPv6 address (which WHATWG URLs print as ::ffff:7f00:1) back into
 * dotted IPv4.
 */
function plainHost(hostname: string): string {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
	const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (!mapped) {
		return host.replace(/^::ffff:/, '');
	}
	const high = parseInt(mapped[1], 16);
	const low = parseInt(mapped[2], 16);
	return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Single-label hosts (my-n8n) and names under suffixes reserved for local networks. */
function isLocalName(host: string): boolean {
	if (/^[\d.]+$/.test(host) || host.includes(':')) {
		return false;
	}
	return !host.includes('.') || /\.(local|internal|lan|home\.arpa|localdomain)$/.test(host);
}

function isPrivateAddress(host: string): boolean {
	const octets = host.split('.').map(Number);
	if (octets.length === 4 && octets.every((octet) => Number.isInteger(octet) && octet >= 0 && octet <= 255)) {
		const [a, b] = octets;
		// RFC 1918 ranges, link-local, and carrier-grade NAT (100.64.0.0/10).
		return (
			a === 10 ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 169 && b === 254) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	// IPv6 unique-local (fc00::/7) and link-local (fe80::/10) addresses.
	return /^(f[cd][0-9a-f]{2}|fe[89ab][0-9a-f]):/i.test(host);
}
